// `rmt-train --model DIR --memory-tokens N` and `--segment-length N` change a trained model's
// memory size and segment length (they were silently ignored for a --model before): the run's
// saved model records them, stderr says what changed, a value that cannot be applied is refused
// in one line, and a resume with the same value is accepted (library behaviour:
// Tests/RMTRecurrenceTests/MemoryResizingTests.swift).
import Foundation
import Testing
import RMTTestSupport

@Test func trainChangesAModelsMemoryTokensAndSegmentLength() throws {
    let dir = try scratchFolder("memory-resizing")
    defer { try? FileManager.default.removeItem(at: dir) }
    let common = ["--task", "memorize", "--start-segments", "2", "--max-segments", "2", "--max-steps-per-stage", "2",
                  "--eval-every", "2", "--eval-samples", "2", "--batch-size", "2"]
    let first = dir.appendingPathComponent("first")
    let r = try run("rmt-train", ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--segment-length", "32",
                                  "--memory-tokens", "4"] + common + ["--out", first.path])
    try #require(r.status == 0, "\(r.stderr)")
    let model = first.appendingPathComponent("model").path
    func rmt(_ run: URL) throws -> [String: Any] {
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("model/config.json"))) as? [String: Any]
        return config?["rmt"] as? [String: Any] ?? [:]
    }
    #expect(try rmt(first)["memory_tokens"] as? Int == 4)

    let wider = dir.appendingPathComponent("wider")
    let grown = try run("rmt-train", ["--model", model, "--memory-tokens", "6"] + common + ["--out", wider.path])
    #expect(grown.status == 0, "\(grown.stderr)")
    #expect(grown.stderr.contains("4 → 6 memory tokens"), "\(grown.stderr)")
    #expect(try rmt(wider)["memory_tokens"] as? Int == 6 && rmt(wider)["segment_length"] as? Int == 32)
    let resumed = try run("rmt-train", ["--model", model, "--memory-tokens", "6"] + common + ["--out", wider.path, "--resume"])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    let other = try run("rmt-train", ["--model", model, "--memory-tokens", "5"] + common + ["--out", wider.path, "--resume"])
    #expect(other.status != 0 && other.stderr.contains("started with --memory-tokens 6") && isOneLine(other.stderr), "\(other.stderr)")

    let shorter = dir.appendingPathComponent("shorter")
    let cut = try run("rmt-train", ["--model", model, "--segment-length", "24"] + common + ["--out", shorter.path])
    #expect(cut.status == 0 && cut.stderr.contains("segment length 32 → 24"), "\(cut.stderr)")
    #expect(try rmt(shorter)["segment_length"] as? Int == 24 && rmt(shorter)["memory_tokens"] as? Int == 4)

    // An absolute model cannot read longer segments than it was trained with; a negative count is refused.
    let longer = try run("rmt-train", ["--model", model, "--segment-length", "40"] + common + ["--out", dir.appendingPathComponent("longer").path])
    #expect(longer.status != 0 && longer.stderr.contains("exceeds the model's segment length") && isOneLine(longer.stderr), "\(longer.stderr)")
    let negative = try run("rmt-train", ["--model", model, "--memory-tokens", "-1"] + common + ["--out", dir.appendingPathComponent("negative").path])
    #expect(negative.status != 0 && isOneLine(negative.stderr), "\(negative.stderr)")
}
