// rmt-train --eval-segments N: validation at N segments in every stage. N < 1 is a one-line usage
// error; a task whose facts cannot fit in N segments is refused before anything is written; a run
// says so in its start line and records "eval_segments" with each evaluation; --resume keeps the
// flag and refuses another value.
import Foundation
import Testing
import RMTTestSupport

@Test func evalSegmentsIsCheckedRecordedAndKeptOnResume() throws {
    let dir = try scratchFolder("eval-segments")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model"), out = dir.appendingPathComponent("run")
    let made = try createTinyModel(at: model, segmentLength: 48)
    #expect(made.status == 0, "\(made.stderr)")
    // qa3's facts (up to ~100 tokens) need 3 segments of 48; the stages read 3 and 4.
    let common = ["--model", model.path, "--task", "babi-qa3", "--start-segments", "3", "--max-segments", "4",
                  "--max-steps-per-stage", "2", "--eval-every", "2", "--eval-samples", "2", "--batch-size", "2", "--out", out.path]

    let zero = try run("rmt-train", common + ["--eval-segments", "0"])
    let lines = errorLines(zero.stderr)
    #expect(zero.status != 0 && lines.count == 1 && lines[0].contains("--eval-segments must be at least 1, got 0"), "\(zero.stderr)")
    let tooFew = try run("rmt-train", common + ["--eval-segments", "1"])
    #expect(tooFew.status == 1 && isOneLine(tooFew.stderr) && tooFew.stderr.contains("do not fit in 1 segment of 48 tokens"),
            "\(tooFew.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))

    let first = try run("rmt-train", common + ["--eval-segments", "6"])
    #expect(first.status == 0 && first.stderr.contains("3→4 segments, validated at 6,")
            && first.stderr.contains("eval step 2  stage 3  read at 6 segments"), "\(first.stderr)")
    let evals = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        .filter { $0["eval_accuracy"] != nil }
    #expect(evals.map { $0["segments"] as? Int } == [3, 4] && evals.allSatisfy { $0["eval_segments"] as? Int == 6 }, "\(evals)")

    let conflicting = try run("rmt-train", ["--resume", "--out", out.path, "--eval-segments", "5"])
    #expect(conflicting.status == 1 && isOneLine(conflicting.stderr)
            && conflicting.stderr.contains("started with --eval-segments 6, not --eval-segments 5"), "\(conflicting.stderr)")
    let resumed = try run("rmt-train", ["--resume", "--out", out.path])
    #expect(resumed.status == 0 && resumed.stderr.contains("validated at 6"), "\(resumed.stderr)")
}
