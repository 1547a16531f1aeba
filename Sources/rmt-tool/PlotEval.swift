// rmt-tool plot-eval: accuracy against reading length from `rmt-train eval --json` outputs, one
// line per series, for side-by-side comparisons (the position-encoding experiments,
// Docs/position-encodings.md). Each argument is LABEL=FILE; rows of one --task are read from the
// file, x = "segment_length" (or "tokens" when the row has none), y = "accuracy"; several files
// under one label are averaged per x (seeds), and the mean is drawn. --segments N keeps only the
// rows of documents of N segments (experiment 2 evaluates several document sizes per file).
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct PlotEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot-eval", abstract: "Plot accuracy against reading length from rmt-train eval --json outputs (LABEL=FILE …) as SVG.")

    @Argument(help: "LABEL=FILE: a series label and a JSON lines file written by rmt-train eval --json (repeat a label to average files).")
    var series: [String]
    @Option(help: "The task whose rows are plotted.") var task: String
    @Option(help: "Only rows of documents of this many segments (the row's \"segments\"; default: every row).") var segments: Int?
    @Option(help: "SVG file to write.") var out: String
    @Option(help: "Plot title (default: the task).") var title: String?
    @Option(help: "Draw this label's line dashed (repeatable), e.g. a baseline.") var dashed: [String] = []

    /// Extra colours after SVGPlot's palette, so a dozen series stay distinct.
    static let colors = SVGPlot.palette + ["#7f7f7f", "#bcbd22", "#000000", "#ff69b4", "#00008b", "#556b2f"]

    func run() throws {
        try ErrorReporter.run("rmt-tool") {
            var order: [String] = []
            var sums: [String: [Double: (sum: Double, count: Int)]] = [:]
            for spec in series {
                guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex, spec.index(after: eq) != spec.endIndex else {
                    throw ModelError(spec, "a series must be LABEL=FILE")
                }
                let label = String(spec[..<eq]), file = String(spec[spec.index(after: eq)...])
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw ModelError(file, "cannot read the file") }
                if !order.contains(label) { order.append(label) }
                for (n, line) in text.split(separator: "\n").enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                    guard let row = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                          let rowTask = row["task"] as? String, let accuracy = row["accuracy"] as? Double,
                          let x = (row["segment_length"] as? Int) ?? (row["tokens"] as? Int) else {
                        throw ModelError(file, "line \(n + 1) is not an rmt-train eval --json row")
                    }
                    guard rowTask == task else { continue }
                    if let segments, (row["segments"] as? Int) != segments { continue }
                    let old = sums[label, default: [:]][Double(x)] ?? (0, 0)
                    sums[label, default: [:]][Double(x)] = (old.sum + accuracy, old.count + 1)
                }
            }
            let lines: [SVGPlot.Series] = order.enumerated().compactMap { i, label in
                guard let points = sums[label], !points.isEmpty else { return nil }
                return SVGPlot.Series(name: label, points: points.keys.sorted().map { (x: $0, y: points[$0]!.sum / Double(points[$0]!.count)) },
                                      dashed: dashed.contains(label), color: Self.colors[i % Self.colors.count])
            }
            guard !lines.isEmpty else {
                throw ModelError(out, "no rows of task \(task)\(segments.map { " with \($0) segments" } ?? "") in the given files")
            }
            let plot = SVGPlot(title: title ?? task, xLabel: "reading length (tokens, log scale)", yLabel: "accuracy",
                               logX: true, yRange: 0...1, series: lines)
            try Data(plot.render(width: 760, height: 40 + max(400, 18.0 * Double(lines.count) + 80)).utf8)
                .write(to: URL(fileURLWithPath: out), options: .atomic)
            FileHandle.standardError.write(Data("wrote \(out)\n".utf8))
        }
    }
}
