// Error reporting shared by the subcommands: a known error becomes one line on stderr
// ("rmt-tool: <file>: <problem>") and exit status 1 — never a stack trace or a trap
// (RMTCommandLine's ErrorReporter, shared with rmt-ask and rmt-train).
import Foundation
import RMT
import RMTCommandLine

func runReportingErrors(_ body: () throws -> Void) throws {
    try ErrorReporter.run("rmt-tool", body)
}

/// The kernels and threads from the RMT_* variables (RMTCommandLine's ComputeEnvironment); a bad
/// value is one line "rmt-tool: RMT_…=…: expected …" and exit status 1.
func computeFromEnvironment() throws -> ComputeOptions {
    var options = ComputeOptions.default
    try runReportingErrors { options = try ComputeOptions(environment: ProcessInfo.processInfo.environment) }
    return options
}
