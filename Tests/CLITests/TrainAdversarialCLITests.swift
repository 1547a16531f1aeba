// rmt-train --adversarial-rate: checked, recorded in OUT/data.json, kept by --resume (a different
// rate is refused in one line), and a new task (unknown, distractors) trains from a preset.
import Foundation
import Testing
import RMTTestSupport

@Test func adversarialRateIsCheckedRecordedAndKeptOnResume() throws {
    let dir = try scratchFolder("adversarial")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let common = ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--segment-length", "200",
                  "--task", "detect-distract,unknown", "--max-segments", "1", "--eval-every", "5", "--eval-samples", "4",
                  "--batch-size", "2", "--max-steps-per-stage", "5"]

    let bad = try run("rmt-train", common + ["--adversarial-rate", "1.5", "--out", out.path])
    #expect(bad.status == 1 && bad.stderr.contains("--adversarial-rate") && isOneLine(bad.stderr), "\(bad.stderr)")

    let first = try run("rmt-train", common + ["--adversarial-rate", "0.2", "--out", out.path])
    #expect(first.status == 0, "\(first.stderr)")
    let data = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("data.json"))) as? [String: Any]
    #expect(data?["adversarial_rate"] as? Double == 0.2)
    #expect(data?["task"] as? String == "detect-distract,unknown")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("model/config.json"))) as! [String: Any]
    #expect(((config["rmt"] as! [String: Any])["labels"] as? [String])?.last == "unknown")

    let conflicting = try run("rmt-train", ["--resume", "--out", out.path, "--adversarial-rate", "0.3"])
    #expect(conflicting.status == 1 && conflicting.stderr.contains("started with --adversarial-rate 0.2") && isOneLine(conflicting.stderr),
            "\(conflicting.stderr)")
    let same = try run("rmt-train", ["--resume", "--out", out.path, "--adversarial-rate", "0.2"])
    #expect(same.status == 0, "\(same.stderr)")
}
