// rmt-train --data-segment-length: training segments shorter than the model's (a cheap warm-up),
// recorded in OUT/data.json so that --resume keeps it; longer than the model's is refused.
import Foundation
import Testing
import RMTTestSupport

@Test func dataSegmentLengthIsCheckedRecordedAndKeptOnResume() throws {
    let dir = try scratchFolder("data-length")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model"), out = dir.appendingPathComponent("run")
    let made = try createTinyModel(at: model, segmentLength: 48)
    #expect(made.status == 0, "\(made.stderr)")
    let common = ["--task", "memorize", "--max-segments", "1", "--eval-every", "10", "--eval-samples", "4",
                  "--batch-size", "2"]

    let tooLong = try run("rmt-train", ["--model", model.path, "--data-segment-length", "64", "--out", out.path] + common)
    #expect(tooLong.status == 1 && tooLong.stderr.contains("exceeds the model's segment length 48") && isOneLine(tooLong.stderr),
            "\(tooLong.stderr)")
    let zero = try run("rmt-train", ["--model", model.path, "--data-segment-length", "1", "--out", out.path] + common)
    #expect(zero.status != 0 && zero.stderr.contains("--data-segment-length must be at least 2"), "\(zero.stderr)")

    let first = try run("rmt-train", ["--model", model.path, "--data-segment-length", "24", "--max-steps-per-stage", "10",
                                      "--out", out.path] + common)
    #expect(first.status == 0, "\(first.stderr)")
    let data = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("data.json"))) as? [String: Any]
    #expect(data?["data_segment_length"] as? Int == 24)
    // The data stream uses the flag: 4 tokens cannot hold a memorize question and its [SEP]
    // (48, the model's length, can).
    let short = try run("rmt-train", ["--model", model.path, "--data-segment-length", "4", "--max-steps-per-stage", "10",
                                      "--out", dir.appendingPathComponent("short").path] + common)
    let lastLine = short.stderr.split(separator: "\n").last.map(String.init) ?? ""
    #expect(short.status == 1 && lastLine.contains("does not fit in a segment of 4"), "\(short.stderr)")

    let conflicting = try run("rmt-train", ["--resume", "--out", out.path, "--data-segment-length", "32"])
    #expect(conflicting.status == 1 && conflicting.stderr.contains("started with --data-segment-length 24") && isOneLine(conflicting.stderr),
            "\(conflicting.stderr)")
}
