// rmt-train --vary-segments-from N: each training batch reads documents of N to the stage's
// segments. N outside 1…--start-segments is a one-line usage error; a task that cannot fit in N
// segments is refused before anything is written (the check reads the fewest segments a batch
// can draw, not --start-segments); a run records each step's count in metrics.jsonl and says so
// in its start line; --resume keeps the flag and refuses another value.
import Foundation
import Testing
import RMTTestSupport

@Test func varySegmentsFromIsCheckedDrawnRecordedAndKeptOnResume() throws {
    let dir = try scratchFolder("vary-segments")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model"), out = dir.appendingPathComponent("run")
    let made = try createTinyModel(at: model, segmentLength: 48)
    #expect(made.status == 0, "\(made.stderr)")
    // qa3's facts (64 tokens) need at least 2 segments of 48; the stage reads 6.
    let common = ["--model", model.path, "--task", "babi-qa3", "--start-segments", "6", "--max-segments", "6",
                  "--max-steps-per-stage", "8", "--eval-every", "4", "--eval-samples", "2", "--batch-size", "2", "--out", out.path]

    let beyond = try run("rmt-train", common + ["--vary-segments-from", "7"])
    let lines = errorLines(beyond.stderr)
    #expect(beyond.status != 0 && lines.count == 1 && lines[0].contains("--vary-segments-from must be in 1...6 (--start-segments), got 7"),
            "\(beyond.stderr)")
    let tooFew = try run("rmt-train", common + ["--vary-segments-from", "1"])
    #expect(tooFew.status == 1 && isOneLine(tooFew.stderr) && tooFew.stderr.contains("do not fit in 1 segment of 48 tokens"),
            "\(tooFew.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))

    let first = try run("rmt-train", common + ["--vary-segments-from", "3"])
    #expect(first.status == 0 && first.stderr.contains("6→6 segments (batches from 3)"), "\(first.stderr)")
    func drawn() throws -> [Int] {
        try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .compactMap { $0["loss"] != nil ? $0["segments"] as? Int : nil }
    }
    let counts = try drawn()
    #expect(counts.count == 8 && counts.allSatisfy { (3...6).contains($0) } && Set(counts).count > 1, "\(counts)")

    let conflicting = try run("rmt-train", ["--resume", "--out", out.path, "--vary-segments-from", "2"])
    #expect(conflicting.status == 1 && isOneLine(conflicting.stderr)
            && conflicting.stderr.contains("started with --vary-segments-from 3, not --vary-segments-from 2"), "\(conflicting.stderr)")
    // The finished run resumes (nothing left to do) with the flag as it was, or without it.
    for args in [["--resume", "--out", out.path], ["--resume", "--out", out.path, "--vary-segments-from", "3"]] {
        let resumed = try run("rmt-train", args)
        #expect(resumed.status == 0 && resumed.stderr.contains("(batches from 3)"), "\(args): \(resumed.stderr)")
    }
    #expect(try drawn() == counts)
}
