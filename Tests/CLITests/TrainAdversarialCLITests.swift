// rmt-train --adversarial-rate and --neighbour-rate: checked, recorded in OUT/data.json, kept by
// --resume (a different rate is refused in one line), and a new task (unknown, distractors) trains
// from a preset; rmt-tool haystack names room-neighbour noise in the record it prints.
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

    let badNeighbour = try run("rmt-train", common + ["--neighbour-rate", "1.5", "--out", out.path])
    #expect(badNeighbour.status == 1 && badNeighbour.stderr.contains("--neighbour-rate") && isOneLine(badNeighbour.stderr), "\(badNeighbour.stderr)")

    let first = try run("rmt-train", common + ["--adversarial-rate", "0.2", "--neighbour-rate", "0.1", "--out", out.path])
    #expect(first.status == 0, "\(first.stderr)")
    let data = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("data.json"))) as? [String: Any]
    #expect(data?["adversarial_rate"] as? Double == 0.2 && data?["neighbour_rate"] as? Double == 0.1, "\(data ?? [:])")
    #expect(data?["task"] as? String == "detect-distract,unknown")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("model/config.json"))) as! [String: Any]
    #expect(((config["rmt"] as! [String: Any])["labels"] as? [String])?.last == "unknown")

    let conflicting = try run("rmt-train", ["--resume", "--out", out.path, "--adversarial-rate", "0.3"])
    #expect(conflicting.status == 1 && conflicting.stderr.contains("started with --adversarial-rate 0.2") && isOneLine(conflicting.stderr),
            "\(conflicting.stderr)")
    let otherNeighbour = try run("rmt-train", ["--resume", "--out", out.path, "--neighbour-rate", "0.2"])
    #expect(otherNeighbour.status == 1 && otherNeighbour.stderr.contains("started with --neighbour-rate 0.1") && isOneLine(otherNeighbour.stderr),
            "\(otherNeighbour.stderr)")
    let same = try run("rmt-train", ["--resume", "--out", out.path, "--adversarial-rate", "0.2"])
    #expect(same.status == 0, "\(same.stderr)")

    let hay = dir.appendingPathComponent("hay.txt").path
    let h = try run("rmt-tool", ["haystack", "--task", "unknown", "--tokens", "600", "--neighbour-rate", "0.3", "--seed", "2",
                                 "--vocab", fixture("tokenizer/vocab.txt").path, "--out", hay])
    #expect(h.status == 0, "\(h.stderr)")
    #expect(h.stdout.contains("room-neighbour runs (rate 0.3"), "\(h.stdout)")
}
