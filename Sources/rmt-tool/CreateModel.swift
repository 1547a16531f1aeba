// rmt-tool create-model: writes a randomly initialised RMT model folder for a preset
// (tiny, small, base) — for benchmarks, tests and as a training starting point.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct CreateModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-model", abstract: "Write a randomly initialised RMT model folder.")

    @Option(help: "Backbone size: tiny, small (4×256) or base (12×768).")
    var preset: BertConfig.Preset = .small

    @Option(help: "vocab.txt or tokenizer.json to use (default: the MiniLM vocabulary from Scripts/fetch-minilm.sh).")
    var vocab: String?

    @Flag(help: "Cased tokenizer: no lowercasing, no accent stripping (recorded in config.json's rmt.lowercase).")
    var cased = false

    @Option(help: "Memory tokens.")
    var memoryTokens = 10

    @Option(help: "Document tokens per segment.")
    var segmentLength = 499

    @Option(help: "Where the question goes: final-segment (after the document) or every-segment (before every segment; Docs/question-layout.md).")
    var questionLayout: QuestionLayout = .finalSegment

    @Option(help: "Comma-separated answer labels.")
    var labels = defaultLabels.joined(separator: ",")

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp(PositionSchemeArgument.help))
    var position = PositionSchemeArgument.absolute

    @Option(help: "Logit temperature: none, per_head (learned), log_n or per_head_log_n.")
    var positionTemperature: String?

    @Option(help: "Output folder (written atomically; an existing model folder is replaced, any other file or non-empty folder is refused).")
    var out: String

    func run() throws {
        try ErrorReporter.run("rmt-tool") {
            try OutputFolder.checkReplaceable(out)
            let vocabURL = vocab.map { URL(fileURLWithPath: $0) } ?? DefaultLocations.vocabulary
            let settings = RMTSettings(memoryTokens: memoryTokens, segmentLength: segmentLength,
                                       labels: labels.split(separator: ",").map { String($0) },
                                       questionLayout: questionLayout)
            let positions = try PositionSettings.fromCommandLine(
                scheme: position.name, temperature: positionTemperature, textTokens: segmentLength,
                positions: settings.positionsPerSegment)
            let model = try RecurrentMemoryModel.preset(preset, vocabulary: vocabURL, cased: cased, settings: settings,
                                                        position: positions, seed: seed)
            try model.save(to: URL(fileURLWithPath: out))
            FileHandle.standardError.write(Data("wrote \(out): \(preset.rawValue), \(position) positions, \(model.parameters.layout.count) parameters\n".utf8))
        }
    }
}

