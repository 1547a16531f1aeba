// rmt-train --advance-on: a stage judged by some tasks' validation documents only — names
// checked against --task before anything is written, the judged accuracy in metrics.jsonl,
// the choice kept in the checkpoint and held by --resume (another value refused in one line).
import Foundation
import Testing
import RMTTestSupport

@Test func advanceOnIsCheckedRecordedAndKeptOnResume() throws {
    let dir = try scratchFolder("advance-on")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let common = ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--segment-length", "200",
                  "--task", "memorize,detect-distract", "--max-segments", "1", "--eval-every", "5", "--eval-samples", "8",
                  "--batch-size", "2", "--max-steps-per-stage", "5"]

    for (names, message) in [("memorize,babi-qa1", "--advance-on babi-qa1: not a task of this run (--task memorize,detect-distract)"),
                             (",", "--advance-on needs task names"),
                             ("memorize,memorize", "--advance-on names a task twice")] {
        let bad = try run("rmt-train", common + ["--advance-on", names, "--out", out.path])
        #expect(bad.status == 64 && bad.stderr.contains(message), "\(names): \(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "a refused run wrote its folder")
    }

    let first = try run("rmt-train", common + ["--advance-on", " detect-distract ", "--out", out.path])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stderr.contains("advance-on "), "the progress line shows the judged accuracy: \(first.stderr)")
    let evals = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        .filter { $0["eval_accuracy"] != nil }
    let last = try #require(evals.last)
    let byTask = try #require(last["eval_accuracy_by_task"] as? [String: Double])
    let judged = try #require(last["advance_accuracy"] as? Double)
    #expect(judged == (try #require(byTask["detect-distract"])))
    #expect(last["best_accuracy"] as? Double == judged, "one evaluation: the stage's best is its judged accuracy")
    let options = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("checkpoint/options.json"))) as! [String: Any]
    #expect(options["advance_tasks"] as? [String] == ["detect-distract"])

    let conflicting = try run("rmt-train", ["--resume", "--out", out.path, "--advance-on", "memorize"])
    #expect(conflicting.status == 1 && isOneLine(conflicting.stderr)
            && conflicting.stderr.contains("started with --advance-on detect-distract, not --advance-on memorize"), "\(conflicting.stderr)")
    // The same task with its default count spelled out is the same choice.
    let same = try run("rmt-train", ["--resume", "--out", out.path, "--advance-on", "detect-distract:1-3"])
    #expect(same.status == 0, "\(same.stderr)")
}
