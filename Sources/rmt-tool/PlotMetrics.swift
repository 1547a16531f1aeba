// rmt-tool plot-metrics: turns a training run's metrics.jsonl into an SVG curriculum plot —
// training loss (running mean) and validation accuracy against step, one series per stage
// (segment count), so the curriculum's advances are visible. With --by-task, a task mixture's
// validation accuracy is drawn per task (from "eval_accuracy_by_task") instead. With --compare,
// two runs' validation accuracy side by side (an A/B on the same documents, e.g. two losses):
// overall and for the tasks named, the first run solid, the second dashed in the same colour;
// no loss curves, since two runs' losses need not be on one scale (--prefix-loss sums segments).
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
    @Option(help: "A second run's metrics.jsonl: plot both runs' validation accuracy (overall and --tasks), the second dashed.")
    var compare: String?
    @Option(help: "With --compare: the two runs' names in the legend, comma-separated. (default: the folder names)")
    var names: String?
    @Option(help: "With --compare: comma-separated tasks of a mixture to plot beside the overall accuracy.")
    var tasks: String?

    func validate() throws {
        if compare == nil && (names != nil || tasks != nil) { throw ValidationError("--names and --tasks go with --compare") }
        if compare != nil && byTask { throw ValidationError("--compare plots the overall accuracy and --tasks; leave out --by-task") }
        if let names, names.split(separator: ",", omittingEmptySubsequences: false).count != 2 {
            throw ValidationError("--names needs two names, comma-separated, got \"\(names)\"")
        }
    }

    /// One run's records: smoothed training loss and validation accuracy per segment count,
    /// validation accuracy per task, and overall.
    struct Run {
        var lossBySegments: [Int: [(Double, Double)]] = [:], accBySegments: [Int: [(Double, Double)]] = [:]
        var accByTask: [String: [(Double, Double)]] = [:]
        var accuracy: [(x: Double, y: Double)] = []

        init(path: String, smooth: Int) throws {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ModelError(path, "cannot read the file")
            }
            var window: [Double] = []
            for (n, line) in text.split(separator: "\n").enumerated() {
                guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let step = obj["step"] as? Int, let segments = obj["segments"] as? Int else {
                    throw ModelError(path, "line \(n + 1) is not a metrics record")
                }
                if let loss = obj["loss"] as? Double {
                    window.append(loss)
                    if window.count > smooth { window.removeFirst() }
                    lossBySegments[segments, default: []].append((Double(step), window.reduce(0, +) / Double(window.count)))
                }
                if let acc = obj["eval_accuracy"] as? Double {
                    accBySegments[segments, default: []].append((Double(step), acc))
                    accuracy.append((Double(step), acc))
                }
                for (task, acc) in obj["eval_accuracy_by_task"] as? [String: Double] ?? [:] {
                    accByTask[task, default: []].append((Double(step), acc))
                }
            }
            guard !lossBySegments.isEmpty else { throw ModelError(path, "no step records") }
        }
    }

    func run() throws {
        try ErrorReporter.run("rmt-tool") {
            let first = try Run(path: metrics, smooth: smooth)
            let series = try compare.map { try comparison(first, try Run(path: $0, smooth: smooth), other: $0) }
                ?? curriculum(first)
            let plot = SVGPlot(title: title, xLabel: "step",
                               yLabel: compare == nil ? "validation accuracy / scaled training loss" : "validation accuracy",
                               yRange: 0...1, series: series)
            try Data(plot.render(width: 760, height: 440).utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            FileHandle.standardError.write(Data("wrote \(out)\n".utf8))
        }
    }

    /// One run: accuracy per stage (or per task) and the scaled loss per stage.
    func curriculum(_ run: Run) throws -> [SVGPlot.Series] {
        let maxLoss = run.lossBySegments.values.flatMap { $0.map(\.1) }.max() ?? 1
        var series: [SVGPlot.Series] = []
        if byTask {
            guard !run.accByTask.isEmpty else { throw ModelError(metrics, "no per-task accuracy (eval_accuracy_by_task): not a task mixture") }
            for task in run.accByTask.keys.sorted() {
                series.append(.init(name: "accuracy, \(task)", points: run.accByTask[task]!.map { (x: $0.0, y: $0.1) }))
            }
        } else {
            for n in run.accBySegments.keys.sorted() {
                series.append(.init(name: "accuracy, \(n) seg", points: run.accBySegments[n]!.map { (x: $0.0, y: $0.1) }))
            }
        }
        for n in run.lossBySegments.keys.sorted() {
            series.append(.init(name: "loss/\(String(format: "%.1f", maxLoss)), \(n) seg",
                                points: run.lossBySegments[n]!.map { (x: $0.0, y: $0.1 / maxLoss) }, dashed: true))
        }
        return series
    }

    /// Two runs: overall accuracy and each of --tasks, the first run solid, the second dashed.
    func comparison(_ a: Run, _ b: Run, other: String) throws -> [SVGPlot.Series] {
        func folder(_ path: String) -> String { URL(fileURLWithPath: path).deletingLastPathComponent().lastPathComponent }
        let labels = names.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            ?? [folder(metrics), folder(other)]
        let wanted = tasks.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        for task in wanted {
            for (run, path) in [(a, metrics), (b, other)] where run.accByTask[task] == nil {
                throw ModelError(path, "no validation accuracy for task \(task) (eval_accuracy_by_task)")
            }
        }
        var series: [SVGPlot.Series] = []
        let lines: [(String, (Run) -> [(x: Double, y: Double)])] = [("overall", \.accuracy)]
            + wanted.map { task in (task, { run in run.accByTask[task]!.map { (x: $0.0, y: $0.1) } }) }
        for (i, (name, points)) in lines.enumerated() {
            let color = SVGPlot.palette[i % SVGPlot.palette.count]
            series.append(.init(name: "\(name), \(labels[0])", points: points(a), color: color))
            series.append(.init(name: "\(name), \(labels[1])", points: points(b), dashed: true, color: color))
        }
        return series
    }
}
