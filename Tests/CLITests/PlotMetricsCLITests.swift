// rmt-tool plot-metrics: a curriculum plot per stage, a per-task plot for a task mixture, two runs
// compared (--compare), and a one-line error for a file that is not metrics.
import Foundation
import Testing
import RMTTestSupport

@Test func plotMetricsDrawsStagesOrTasksAndRejectsOtherFiles() throws {
    let dir = try scratchFolder("plot-metrics")
    defer { try? FileManager.default.removeItem(at: dir) }
    let metrics = dir.appendingPathComponent("metrics.jsonl")
    let lines = [
        #"{"step":1,"stage":1,"segments":1,"loss":1.5,"lr":1e-4,"grad_norm":1,"tokens_per_second":1,"batch_accuracy":0.5}"#,
        #"{"step":2,"stage":1,"segments":1,"eval_accuracy":0.75,"eval_loss":0.9,"best_accuracy":0.75,"eval_accuracy_by_task":{"memorize":1.0,"reasoning":0.5}}"#,
        #"{"step":3,"stage":2,"segments":2,"loss":0.9,"lr":1e-4,"grad_norm":1,"tokens_per_second":1,"batch_accuracy":0.5}"#,
        #"{"step":4,"stage":2,"segments":2,"eval_accuracy":0.8,"eval_loss":0.7,"best_accuracy":0.8,"eval_accuracy_by_task":{"memorize":1.0,"reasoning":0.6}}"#,
    ]
    try Data(lines.joined(separator: "\n").utf8).write(to: metrics)

    let stages = dir.appendingPathComponent("stages.svg")
    let byStage = try run("rmt-tool", ["plot-metrics", metrics.path, "--out", stages.path])
    #expect(byStage.status == 0, "\(byStage.stderr)")
    let stageSVG = try String(contentsOf: stages, encoding: .utf8)
    #expect(stageSVG.contains("accuracy, 1 seg") && stageSVG.contains("accuracy, 2 seg") && !stageSVG.contains("reasoning"))

    let tasks = dir.appendingPathComponent("tasks.svg")
    let byTask = try run("rmt-tool", ["plot-metrics", metrics.path, "--by-task", "--out", tasks.path])
    #expect(byTask.status == 0, "\(byTask.stderr)")
    let taskSVG = try String(contentsOf: tasks, encoding: .utf8)
    #expect(taskSVG.contains("accuracy, memorize") && taskSVG.contains("accuracy, reasoning") && !taskSVG.contains("accuracy, 1 seg"))

    // Two runs compared: overall and the tasks asked for, each run named, no loss curves.
    let other = dir.appendingPathComponent("other.jsonl")
    try Data(lines.map { $0.replacingOccurrences(of: "0.6}", with: "0.9}") }.joined(separator: "\n").utf8).write(to: other)
    let compared = dir.appendingPathComponent("compare.svg")
    let ab = try run("rmt-tool", ["plot-metrics", metrics.path, "--compare", other.path, "--names", "final,prefix",
                                  "--tasks", "reasoning", "--out", compared.path])
    #expect(ab.status == 0, "\(ab.stderr)")
    let abSVG = try String(contentsOf: compared, encoding: .utf8)
    for name in ["overall, final", "overall, prefix", "reasoning, final", "reasoning, prefix"] {
        #expect(abSVG.contains(name), "\(name) missing")
    }
    #expect(!abSVG.contains("loss") && !abSVG.contains("memorize"))
    let missing = try run("rmt-tool", ["plot-metrics", metrics.path, "--compare", other.path, "--tasks", "qa9", "--out", compared.path])
    #expect(missing.status == 1 && missing.stderr.contains("no validation accuracy for task qa9") && isOneLine(missing.stderr),
            "\(missing.stderr)")
    let unpaired = try run("rmt-tool", ["plot-metrics", metrics.path, "--names", "a,b", "--out", compared.path])
    #expect(unpaired.status == 64 && unpaired.stderr.contains("--compare"), "\(unpaired.stderr)")

    // A single-task run has no per-task accuracy; a file that is not metrics is refused.
    try Data(lines[0].utf8).write(to: metrics)
    let single = try run("rmt-tool", ["plot-metrics", metrics.path, "--by-task", "--out", tasks.path])
    #expect(single.status == 1 && single.stderr.contains("not a task mixture") && isOneLine(single.stderr), "\(single.stderr)")
    try Data("hello\n".utf8).write(to: metrics)
    let bad = try run("rmt-tool", ["plot-metrics", metrics.path, "--out", tasks.path])
    #expect(bad.status == 1 && bad.stderr.contains("line 1 is not a metrics record") && isOneLine(bad.stderr), "\(bad.stderr)")
}
