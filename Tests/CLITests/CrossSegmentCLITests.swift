// rmt-train --cross-segment-rate: trains with a share of the documents whose supporting facts
// (babi-qa2) would share a segment placed apart (Docs/training.md), records the rate in
// OUT/data.json and keeps it on --resume (another rate is refused in one line); refuses a rate
// outside [0, 1] (usage error, exit 64) and tasks that name no supporting facts (one line, exit 1,
// before the folder is written). rmt-train eval --cross-segment reads held-out documents placed
// that way: rows named TASK+cross, the two facts in different reading segments of the predictions;
// refused for tasks without supporting facts and with --ledger.
import Foundation
import Testing
import RMTTestSupport

@Test func crossSegmentRateThroughRmtTrain() throws {
    let dir = try scratchFolder("cross-segment-rate")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (every, _) = try createTinyModelPerLayout(in: dir)
    let common = ["--start-segments", "3", "--max-segments", "3", "--eval-every", "2",
                  "--eval-samples", "4", "--batch-size", "2", "--max-steps-per-stage", "2"]

    let out = dir.appendingPathComponent("run")
    let trained = try run("rmt-train", ["--model", every.path, "--task", "memorize,babi-qa2:4", "--cross-segment-rate", "0.5",
                                        "--out", out.path] + common)
    #expect(trained.status == 0, "\(trained.stderr)")
    let data = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("data.json"))) as? [String: Any]
    #expect(data?["cross_segment_rate"] as? Double == 0.5, "\(String(describing: data))")

    let other = try run("rmt-train", ["--resume", "--cross-segment-rate", "1", "--out", out.path])
    #expect(other.status == 1 && other.stderr.contains("started with --cross-segment-rate 0.5") && isOneLine(other.stderr), "\(other.stderr)")
    let same = try run("rmt-train", ["--resume", "--cross-segment-rate", "0.5", "--out", out.path])
    #expect(same.status == 0, "\(same.stderr)")

    let plain = dir.appendingPathComponent("plain")
    let none = try run("rmt-train", ["--model", every.path, "--task", "memorize,babi-qa1:4", "--cross-segment-rate", "0.5",
                                     "--out", plain.path] + common)
    #expect(none.status == 1 && none.stderr.contains("--cross-segment-rate: none of the tasks") && isOneLine(none.stderr), "\(none.stderr)")
    #expect(!FileManager.default.fileExists(atPath: plain.appendingPathComponent("data.json").path), "refused before the folder is written")
    let bad = try run("rmt-train", ["--model", every.path, "--task", "babi-qa2:4", "--cross-segment-rate", "1.5",
                                    "--out", dir.appendingPathComponent("x").path] + common)
    #expect(bad.status == 64 && bad.stderr.contains("--cross-segment-rate must be in [0, 1]"), "\(bad.stderr)")
}

@Test func crossSegmentThroughRmtTrainEval() throws {
    let dir = try scratchFolder("eval-cross-segment")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (every, _) = try createTinyModelPerLayout(in: dir)
    let predictions = dir.appendingPathComponent("predictions.jsonl")
    let common = ["--segments", "3", "--samples", "6", "--batch-size", "4", "--json", "--cross-segment"]
    let r = try run("rmt-train", ["eval", "--model", every.path, "--task", "babi-qa2:4", "--predictions", predictions.path] + common)
    #expect(r.status == 0, "\(r.stderr)")
    let rows = try r.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    #expect(rows.count == 1 && rows.first??["task"] as? String == "babi-qa2:4+cross" && rows.first??["samples"] as? Int == 6, "\(r.stdout)")
    let lines = try String(contentsOf: predictions, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 6)
    for line in lines {
        let p = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let facts = try #require(p["facts"] as? [[String: Any]])
        #expect(Set(facts.compactMap { $0["segment"] as? Int }).count >= 2, "the story spans segments: \(facts)")
    }

    let plain = try run("rmt-train", ["eval", "--model", every.path, "--task", "babi-qa2:4,memorize"] + common)
    #expect(plain.status == 1 && plain.stderr.contains("--cross-segment: task memorize") && isOneLine(plain.stderr), "\(plain.stderr)")
    let ledger = try run("rmt-train", ["eval", "--model", every.path, "--task", "babi-qa2:4",
                                       "--ledger", dir.appendingPathComponent("l.jsonl").path] + common)
    #expect(ledger.status == 64 && ledger.stderr.contains("--cross-segment does not go with --ledger"), "\(ledger.stderr)")
}
