// rmt-train eval: accuracy per document length — a table (or JSON) and an SVG plot of
// accuracy against tokens on a log scale, the paper's extrapolation figure.
import ArgumentParser
import Foundation
import RMT

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Accuracy per document length, as a table and an SVG plot.")

    @OptionGroup var data: DataOptions

    @Option(help: "Model folder.") var model: String
    @Option(help: "Comma-separated segment counts.") var segments = "1,2,4,8"
    @Option(help: "Documents per length.") var samples = 100
    @Option(help: "Documents read together (bigger GEMMs; memory grows with it).") var batchSize = 8
    @Option(help: "SVG plot to write.") var plot = "accuracy.svg"
    @Flag(help: "Print JSON lines instead of a table.") var json = false

    func lengths() throws -> [Int] {
        let parts = segments.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.compactMap { Int($0) }
        guard values.count == parts.count, !values.isEmpty, values.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--segments must be a comma list of positive integers, got \"\(segments)\"")
        }
        return values
    }

    func validate() throws {
        _ = try lengths()
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        try reportingErrors {
            let rmt = try RecurrentMemoryModel.load(directory: URL(fileURLWithPath: model))
            if rmt.isUntrained { note("warning: \(model) has no trained RMT head; accuracy will be chance") }
            let task = try data.makeTask()
            let noise = try data.makeNoise(data.noise, tokenizer: rmt.tokenizer, seed: data.seed)
            let stream = try DataStream(task: task, noise: noise, tokenizer: rmt.tokenizer,
                                        seed: DataStream.seed(data.seed, for: .validation), segmentLength: rmt.settings.segmentLength)
            var results: [LengthAccuracy] = []
            if !json { print("segments      tokens  samples  accuracy") }
            for n in try lengths() {
                let started = Date()
                let r = try evaluateAccuracy(model: rmt, stream: stream, segments: n, samples: samples, batchSize: batchSize)
                results.append(r)
                if json {
                    let enc = JSONEncoder()
                    enc.outputFormatting = [.sortedKeys]
                    print(String(decoding: try enc.encode(r), as: UTF8.self))
                } else {
                    print(String(format: "%8d  %10d  %7d  %8.4f   (%.0f s)", n, r.tokens, r.samples, r.accuracy,
                                 Date().timeIntervalSince(started)))
                }
            }
            let svg = SVGPlot(title: "\(task.name): accuracy against document length", xLabel: "document tokens (log scale)",
                              yLabel: "accuracy", logX: true, yRange: 0...1,
                              series: [.init(name: task.name, points: results.map { (Double(max($0.tokens, 1)), $0.accuracy) })])
            try Data(svg.render().utf8).write(to: URL(fileURLWithPath: plot), options: .atomic)
            note("wrote \(plot)")
        }
    }
}
