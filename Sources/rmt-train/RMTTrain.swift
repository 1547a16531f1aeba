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

func note(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

/// Task and noise flags shared by training and evaluation. `--task` and `--seed` are optional
/// underneath so that `rmt-train --resume` can tell a flag given from a default.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("task"),
            help: "Task, or a comma list for multi-task: memorize, detect, reasoning, babi-qa1, babi-qa2, babi-qa3 (each [:N] or [:N-M] story sentences), memorize-distract[:N], detect-distract[:N], unknown, custom:FILE.jsonl; position tasks (mixable with each other only): counting, flip-flop, passkey, needle, recall, parity, even-pairs, cycle. (default: memorize)")
    var taskFlag: String?
    var task: String { taskFlag ?? "memorize" }

    @Option(parsing: .upToNextOption, help: "Prose files or folders for haystack noise (default: the built-in generator).")
    var noise: [String] = []

    @Option(name: .customLong("seed"), help: "Random seed for data (and initialisation). (default: 1)")
    var seedFlag: UInt64?
    var seed: UInt64 { seedFlag ?? 1 }

    @Option(name: .customLong("adversarial-rate"),
            help: "Share of noise sentences that are adversarial non-facts using the task's names, rooms and verbs, in [0, 1). (default: 0)")
    var adversarialRateFlag: Double?
    var adversarialRate: Double { adversarialRateFlag ?? 0 }

    @Option(name: .customLong("neighbour-rate"),
            help: ArgumentHelp("Share of noise sentences that use words near the rooms (corridor, stove, towel, lawn, desk; no task word), in runs of 4–12, in [0, 1). (default: 0)",
                               discussion: "A stretch of room-like words is not a fact: Docs/noise.md, \"Room neighbours\"."))
    var neighbourRateFlag: Double?
    var neighbourRate: Double { neighbourRateFlag ?? 0 }

    /// The noise: prose files or the built-in generator, with adversarial sentences at
    /// `adversarialRate` and room-neighbour runs at `neighbourRate`.
    func makeNoise(_ paths: [String], tokenizer: BertTokenizer, seed: UInt64, adversarialRate: Double,
                   neighbourRate: Double) throws -> NoiseCorpus {
        try AdversarialProse.validate(rate: adversarialRate)
        try RoomNeighbourProse.validate(rate: neighbourRate)
        return paths.isEmpty
            ? NoiseCorpus.builtin(tokenizer: tokenizer, seed: seed, adversarialRate: adversarialRate, neighbourRate: neighbourRate)
            : try NoiseCorpus(paths: paths, tokenizer: tokenizer, adversarialRate: adversarialRate, neighbourRate: neighbourRate, seed: seed)
    }
}
