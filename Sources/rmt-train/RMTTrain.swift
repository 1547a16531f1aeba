// rmt-train: curriculum training of a Recurrent Memory Transformer (default subcommand)
// and `rmt-train eval`, accuracy against document length. Thin front end: the logic lives
// in RMTTraining and RMTData.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

@main
struct RMTTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rmt-train",
        abstract: "Train a Recurrent Memory Transformer with a segment curriculum, or evaluate one.",
        version: BuildInfo.versionLine,
        subcommands: [Train.self, Eval.self],
        defaultSubcommand: Train.self)

    static func main() { ArgumentChecks.main(Self.self) }
}

/// Runs `body`, printing an error as one line ("rmt-train: …") with exit status 1 (ErrorReporter).
func reportingErrors(_ body: () throws -> Void) throws {
    try ErrorReporter.run("rmt-train", body)
}

func note(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

/// Task and noise flags shared by training and evaluation. `--task` and `--seed` are optional
/// underneath so that `rmt-train --resume` can tell a flag given from a default.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("task"),
            help: "Task, or a comma list for multi-task: memorize, detect, reasoning, babi-qa1, babi-qa2, babi-qa3, custom:FILE.jsonl. (default: memorize)")
    var taskFlag: String?
    var task: String { taskFlag ?? "memorize" }

    @Option(parsing: .upToNextOption, help: "Prose files or folders for haystack noise (default: the built-in generator).")
    var noise: [String] = []

    @Option(name: .customLong("seed"), help: "Random seed for data (and initialisation). (default: 1)")
    var seedFlag: UInt64?
    var seed: UInt64 { seedFlag ?? 1 }

    func makeTask() throws -> any MemoryTask { try TaskCatalog.task(list: task) }

    func makeNoise(_ paths: [String], tokenizer: BertTokenizer, seed: UInt64) throws -> NoiseCorpus {
        paths.isEmpty ? NoiseCorpus.builtin(tokenizer: tokenizer, seed: seed) : try NoiseCorpus(paths: paths, tokenizer: tokenizer)
    }
}
