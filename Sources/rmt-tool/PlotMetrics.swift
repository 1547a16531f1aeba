// rmt-tool plot-metrics: turns a training run's metrics.jsonl into an SVG curriculum plot —
// training loss (running mean) and validation accuracy against step, one series per stage
// (segment count), so the curriculum's advances are visible. With --by-task, a task mixture's
// validation accuracy is drawn per task (from "eval_accuracy_by_task") instead.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct PlotMetrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot-metrics", abstract: "Plot a run's metrics.jsonl (loss and validation accuracy per stage) as SVG.")

    @Argument(help: "metrics.jsonl written by rmt-train.") var metrics: String
    @Option(help: "SVG file to write.") var out = "curriculum.svg"
    @Option(help: "Plot title.") var title = "Curriculum training"
    @Option(help: "Steps in the running mean of the loss.") var smooth = 20
    @Flag(help: "One validation-accuracy line per task of a mixture (eval_accuracy_by_task), not per stage.")
    var byTask = false

    func run() throws {
        try ErrorReporter.run("rmt-tool") {
            guard let text = try? String(contentsOfFile: metrics, encoding: .utf8) else {
                throw ModelError(metrics, "cannot read the file")
            }
            var lossBySegments: [Int: [(Double, Double)]] = [:], accBySegments: [Int: [(Double, Double)]] = [:]
            var accByTask: [String: [(Double, Double)]] = [:]
            var window: [Double] = []
            for (n, line) in text.split(separator: "\n").enumerated() {
                guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let step = obj["step"] as? Int, let segments = obj["segments"] as? Int else {
                    throw ModelError(metrics, "line \(n + 1) is not a metrics record")
                }
                if let loss = obj["loss"] as? Double {
                    window.append(loss)
                    if window.count > smooth { window.removeFirst() }
                    lossBySegments[segments, default: []].append((Double(step), window.reduce(0, +) / Double(window.count)))
                }
                if let acc = obj["eval_accuracy"] as? Double {
                    accBySegments[segments, default: []].append((Double(step), acc))
                }
                for (task, acc) in obj["eval_accuracy_by_task"] as? [String: Double] ?? [:] {
                    accByTask[task, default: []].append((Double(step), acc))
                }
            }
            guard !lossBySegments.isEmpty else { throw ModelError(metrics, "no step records") }
            let maxLoss = lossBySegments.values.flatMap { $0.map(\.1) }.max() ?? 1
            var series: [SVGPlot.Series] = []
            if byTask {
                guard !accByTask.isEmpty else { throw ModelError(metrics, "no per-task accuracy (eval_accuracy_by_task): not a task mixture") }
                for task in accByTask.keys.sorted() {
                    series.append(.init(name: "accuracy, \(task)", points: accByTask[task]!.map { (x: $0.0, y: $0.1) }))
                }
            } else {
                for n in accBySegments.keys.sorted() {
                    series.append(.init(name: "accuracy, \(n) seg", points: accBySegments[n]!.map { (x: $0.0, y: $0.1) }))
                }
            }
            for n in lossBySegments.keys.sorted() {
                series.append(.init(name: "loss/\(String(format: "%.1f", maxLoss)), \(n) seg",
                                    points: lossBySegments[n]!.map { (x: $0.0, y: $0.1 / maxLoss) }, dashed: true))
            }
            let plot = SVGPlot(title: title, xLabel: "step", yLabel: "validation accuracy / scaled training loss",
                               yRange: 0...1, series: series)
            try Data(plot.render(width: 760, height: 440).utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            FileHandle.standardError.write(Data("wrote \(out)\n".utf8))
        }
    }
}
