// Error reporting shared by the subcommands: a known error becomes one line on stderr
// ("rmt-tool: <file>: <problem>") and exit status 1 — never a stack trace or a trap
// (RMTCommandLine's ErrorReporter, shared with rmt-ask and rmt-train).
import RMTCommandLine

func runReportingErrors(_ body: () throws -> Void) throws {
    try ErrorReporter.run("rmt-tool", body)
}
