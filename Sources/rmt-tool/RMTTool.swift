// rmt-tool: utilities around the RMT library — tokenize, encode, inspect, bench, profile,
// sysinfo, haystack, create-model, export, blend, calibrate, plot-metrics.
// Each subcommand lives in its own file; this file only lists them.
import ArgumentParser
import RMTCommandLine

@main
struct RMTTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rmt-tool",
        abstract: "Utilities for the Recurrent Memory Transformer: tokenize, encode, inspect, benchmark, show the kernels, make haystacks and models, plot runs.",
        version: BuildInfo.versionLine,
        subcommands: [Tokenize.self, Encode.self, Inspect.self, Bench.self, BenchTokenizer.self, Haystack.self, CreateModel.self, Export.self, Blend.self, Calibrate.self, PlotMetrics.self, PlotEval.self, KernelProfile.self, SysInfo.self, PrecisionCheck.self]
    )

    static func main() { ArgumentChecks.main(Self.self) }
}
