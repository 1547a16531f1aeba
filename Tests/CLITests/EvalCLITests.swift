// rmt-train eval with a ledger: per-task rows, a rerun evaluates nothing new and prints the
// same table, raising --samples continues where the ledger stopped, --report needs no model run;
// one writer per ledger (a second is refused while --report still reads it).
import Foundation
import Testing
import RMTTestSupport

@Test func evalLedgerResumesAndReports() throws {
    let dir = try scratchFolder("eval")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("rooms")
    let made = try createTinyModel(at: model, segmentLength: 32)
    #expect(made.status == 0, "\(made.stderr)")
    let ledger = dir.appendingPathComponent("eval.jsonl").path
    let common = ["eval", "--model", model.path, "--task", "memorize,detect", "--segments", "1,3",
                  "--batch-size", "2", "--ledger", ledger, "--plot", dir.appendingPathComponent("a.svg").path, "--json"]
    func rows(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }
    let first = try run("rmt-train", common + ["--samples", "4"])
    #expect(first.status == 0, "\(first.stderr)")
    let firstRows = try rows(first.stdout)
    #expect(firstRows.count == 4)  // 2 tasks × 2 lengths
    #expect(Set(firstRows.map { $0["task"] as! String }) == ["memorize", "detect"])
    #expect(firstRows.allSatisfy { ($0["samples"] as! Int) == 4 })

    // A task named twice, as a training mixture weights it, is evaluated once.
    let twice = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize,detect,memorize", "--segments", "1",
                                      "--samples", "2", "--batch-size", "2", "--json"])
    #expect(twice.status == 0, "\(twice.stderr)")
    let twiceTasks = try rows(twice.stdout).map { $0["task"] as! String }
    #expect(twiceTasks == ["memorize", "detect"], "\(twice.stdout)")

    let again = try run("rmt-train", common + ["--samples", "4"])
    #expect(again.status == 0 && !again.stderr.contains("documents"), "\(again.stderr)")  // nothing re-evaluated
    #expect(again.stdout == first.stdout)

    let more = try run("rmt-train", common + ["--samples", "6"])
    #expect(more.status == 0 && more.stderr.contains("documents 4..<6") && !more.stderr.contains("documents 0..<2"), "\(more.stderr)")
    #expect(try rows(more.stdout).allSatisfy { ($0["samples"] as! Int) == 6 })

    let report = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize,detect", "--ledger", ledger,
                                       "--report", "--paper", "--plot", dir.appendingPathComponent("b.svg").path])
    #expect(report.status == 0 && report.stdout.contains("95% interval"), "\(report.stderr)")
    let svg = try String(contentsOf: dir.appendingPathComponent("b.svg"), encoding: .utf8)
    #expect(svg.contains("paper: memorize") && svg.contains("detect"))
    #expect(svg.components(separatedBy: ">paper: memorize<").count == 2)  // one legend entry per series

    // Without --plot nothing is written to the working directory; --paper needs a plot.
    let quiet = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize", "--ledger", ledger, "--report"],
                        directory: dir)
    #expect(quiet.status == 0 && !quiet.stderr.contains("wrote"), "\(quiet.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("accuracy.svg").path))
    let noPlot = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize", "--ledger", ledger, "--report", "--paper"])
    #expect(noPlot.status != 0 && noPlot.stderr.contains("give --plot FILE"), "\(noPlot.stderr)")

    // Several ledgers make one report: a second one holds 2 documents at 1 segment (the same
    // documents as the first's 6: left out, not added) and a length of its own, and plots bAbI
    // beside BABILong's published means. Several ledgers only with --report, and each file once.
    let second = dir.appendingPathComponent("second.jsonl").path
    for (task, lengths) in [("memorize", "1,2"), ("babi-qa1", "4")] {  // qa1's story needs more than 1 segment of 32
        let made = try run("rmt-train", ["eval", "--model", model.path, "--task", task, "--segments", lengths,
                                         "--samples", "2", "--batch-size", "2", "--ledger", second])
        #expect(made.status == 0, "\(made.stderr)")
    }
    let both = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize,detect,babi-qa1", "--ledger", ledger,
                                     "--ledger", second, "--report", "--json", "--paper", "--plot", dir.appendingPathComponent("c.svg").path])
    #expect(both.status == 0, "\(both.stderr)")
    let cells = try rows(both.stdout).map { "\($0["task"] as! String)/\($0["segments"] as! Int)/\($0["samples"] as! Int)" }
    #expect(cells == ["memorize/1/6", "memorize/2/2", "memorize/3/6", "detect/1/6", "detect/3/6", "babi-qa1/4/2"], "\(cells)")
    #expect(try rows(both.stdout).map { $0["ledger"] as? String } == [ledger, second, ledger, ledger, ledger, second])
    #expect(both.stderr.contains("memorize 1 segments: the 6 documents of \(ledger) (") && both.stderr.contains("left out: 2 in \(second) ("),
            "\(both.stderr)")  // (the precision auto chose on this CPU)
    let svgBoth = try String(contentsOf: dir.appendingPathComponent("c.svg"), encoding: .utf8)
    #expect(svgBoth.contains("BABILong ARMT, qa1–qa5 mean") && svgBoth.contains("paper: memorize"))
    let notReport = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize", "--ledger", ledger, "--ledger", second])
    #expect(notReport.status != 0 && notReport.stderr.contains("only with --report"), "\(notReport.stderr)")
    let twiceGiven = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize", "--ledger", ledger, "--ledger", ledger, "--report"])
    #expect(twiceGiven.status != 0 && twiceGiven.stderr.contains("the same file is given twice"), "\(twiceGiven.stderr)")

    // Another model's weights: the ledger is refused with one line.
    let other = dir.appendingPathComponent("other")
    _ = try createTinyModel(at: other, segmentLength: 32, seed: 9)
    let refused = try run("rmt-train", ["eval", "--model", other.path, "--task", "memorize", "--ledger", ledger])
    #expect(refused.status == 1 && refused.stderr.contains("another evaluation") && isOneLine(refused.stderr), "\(refused.stderr)")
}

@Test func aLedgerIsWrittenByOneEvaluationAtATime() throws {
    let dir = try scratchFolder("eval-lock")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("rooms")
    let made = try createTinyModel(at: model, segmentLength: 32)
    #expect(made.status == 0, "\(made.stderr)")
    let ledger = dir.appendingPathComponent("eval.jsonl")
    func evaluation(samples: Int) -> [String] {
        ["eval", "--model", model.path, "--task", "memorize", "--segments", "1", "--samples", String(samples),
         "--batch-size", "2", "--ledger", ledger.path]
    }
    // A long evaluation, stopped by the test (it cannot finish 200,000 documents meanwhile).
    let first = try startRMTTrain(evaluation(samples: 200_000))
    defer { if first.isRunning { kill(first.processIdentifier, SIGKILL); first.waitUntilExit() } }
    waitForLines(ledger, 3, of: first, timeout: 120, poll: 0.01)  // the header and two batches
    #expect(first.isRunning)

    let second = try run("rmt-train", evaluation(samples: 4))
    #expect(second.status == 1 && isOneLine(second.stderr)
            && second.stderr.contains("\(ledger.path): is being written by another rmt-train eval"), "\(second.stderr)")
    let report = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize", "--ledger", ledger.path, "--report", "--json"])
    #expect(report.status == 0 && report.stdout.contains("\"task\":\"memorize\""), "\(report.stderr)")

    // kill -9 drops the lock with the process: the ledger is continued, nothing counted twice.
    kill(first.processIdentifier, SIGKILL)
    first.waitUntilExit()
    let after = try run("rmt-train", evaluation(samples: 4) + ["--json"])
    #expect(after.status == 0 && !after.stderr.contains("documents 0..<2"), "\(after.stderr)")
    #expect(after.stdout.contains("\"samples\":4"), "\(after.stdout)")
    let missing = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize",
                                        "--ledger", dir.appendingPathComponent("none.jsonl").path, "--report"])
    #expect(missing.status == 1 && isOneLine(missing.stderr) && missing.stderr.contains("no such ledger"), "\(missing.stderr)")
}
