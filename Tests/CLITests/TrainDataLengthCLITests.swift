// rmt-train --data-segment-length: training segments shorter than the model's (a cheap warm-up),
// recorded in OUT/data.json so that --resume keeps it; longer than the model's is refused. A range
// LO-HI (each batch at its own length): malformed ranges, a HI beyond the model and a LO the task
// cannot use are refused in one line; a run on a range completes, records it and resumes with it;
// `rmt-train eval --data-segment-length` makes evaluation documents for another segment length.
// Every step row of metrics.jsonl says its batch's length (`data_segment_length`).
import Foundation
import Testing
import RMT
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
    let rows = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }.filter { $0["loss"] != nil }
    #expect(rows.count == 10 && rows.allSatisfy { $0["data_segment_length"] as? Int == 24 }, "\(rows)")
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

@Test func malformedDataSegmentLengthRangesAreOneLineErrors() throws {
    let dir = try scratchFolder("length-range-bad")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    for (value, phrase) in [("16-", "a length N or a range LO-HI"), ("a-b", "a length N or a range LO-HI"),
                            ("64-16", "low to high (LO-HI with LO ≤ HI), got 64-16"), ("1-64", "at least 2, got 1-64"),
                            ("1", "at least 2, got 1"), ("16--64", "a length N or a range LO-HI")] {
        let r = try run("rmt-train", ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--task", "memorize",
                                      "--data-segment-length", value, "--out", out.path])
        let lines = errorLines(r.stderr)
        #expect(r.status != 0 && lines.count == 1 && lines[0].contains("--data-segment-length must") && lines[0].contains(phrase),
                "\(value): \(r.status) \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "\(value)")
    }
}

@Test func aRangeBeyondTheModelOrTooShortForTheTaskIsRefused() throws {
    let dir = try scratchFolder("length-range-refused")
    defer { try? FileManager.default.removeItem(at: dir) }
    // An absolute-position model of segment length 48: its position table holds 48 text tokens.
    let model = dir.appendingPathComponent("model"), out = dir.appendingPathComponent("run")
    let made = try createTinyModel(at: model, segmentLength: 48)
    #expect(made.status == 0, "\(made.stderr)")
    let common = ["--task", "memorize", "--max-segments", "1", "--max-steps-per-stage", "2", "--eval-every", "2",
                  "--eval-samples", "2", "--batch-size", "2", "--out", out.path]
    let tooLong = try run("rmt-train", ["--model", model.path, "--data-segment-length", "16-64"] + common)
    #expect(tooLong.status == 1 && isOneLine(tooLong.stderr)
            && tooLong.stderr.contains("--data-segment-length 16-64 exceeds the model's segment length 48"), "\(tooLong.stderr)")
    // LO = 4 cannot hold a memorize question and its [SEP]: refused as the single length 4 is,
    // before anything is written, whichever length the first batch would draw.
    for value in ["4-48", "4"] {
        let short = try run("rmt-train", ["--model", model.path, "--data-segment-length", value] + common)
        #expect(short.status == 1 && isOneLine(short.stderr) && short.stderr.contains("does not fit in a segment of 4"),
                "\(value): \(short.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "\(value)")
    }
    // A position task's document needs its own minimum (counting: 27 document tokens).
    let counting = try run("rmt-train", ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--position", "alibi",
                                         "--segment-length", "64", "--data-segment-length", "16-64", "--task", "counting",
                                         "--out", out.path])
    #expect(counting.status == 1 && isOneLine(counting.stderr) && counting.stderr.contains("needs at least 27 document tokens"),
            "\(counting.stderr)")
}

@Test func aRunOnARangeOfLengthsCompletesAndResumesWithIt() throws {
    let dir = try scratchFolder("length-range-run")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let command = ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--position", "alibi",
                   "--segment-length", "64", "--memory-tokens", "2", "--task", "flip-flop", "--data-segment-length", "16-64",
                   "--start-segments", "1", "--max-segments", "1", "--max-steps-per-stage", "6", "--eval-every", "3",
                   "--eval-samples", "12", "--batch-size", "4", "--out", out.path]
    let first = try run("rmt-train", command)
    #expect(first.status == 0, "\(first.stderr)")
    let dataURL = out.appendingPathComponent("data.json")
    let data = try JSONSerialization.jsonObject(with: Data(contentsOf: dataURL)) as? [String: Any]
    #expect(data?["data_segment_length"] as? String == "16-64", "\(String(describing: data))")
    let steps = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        .split(separator: "\n").filter { $0.contains("\"loss\"") }
    #expect(steps.count == 6)
    // Every step row says its batch's length: in 16…64, and the one the rule draws for the batch's
    // first document (stream position (step − 1) × batch size, the run's seed 1; Docs/training.md).
    let range = try SegmentLengthRange(parsing: "16-64")
    let drawn = try steps.map { line -> Int? in
        let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        let expected = range.length(forBatchAt: ((row["step"] as! Int) - 1) * 4, seed: DataStream.seed(1, for: .train))
        #expect(row["data_segment_length"] as? Int == expected, "\(line)")
        return row["data_segment_length"] as? Int
    }
    #expect(drawn.allSatisfy { $0.map { (16...64).contains($0) } ?? false } && Set(drawn).count > 1, "\(drawn)")

    // data.json round-trips through --resume: read back, the flags checked against it, left as it was.
    let before = try Data(contentsOf: dataURL)
    for args in [["--resume", "--out", out.path], command + ["--resume"],
                 ["--resume", "--data-segment-length", "16-64", "--out", out.path]] {
        let resumed = try run("rmt-train", args)
        #expect(resumed.status == 0 && resumed.stderr.contains("resumed at step 6"), "\(args): \(resumed.stderr)")
    }
    #expect(try Data(contentsOf: dataURL) == before)
    for other in ["16-32", "64", "32"] {
        let conflicting = try run("rmt-train", ["--resume", "--out", out.path, "--data-segment-length", other])
        #expect(conflicting.status == 1 && isOneLine(conflicting.stderr)
                && conflicting.stderr.contains("started with --data-segment-length 16-64, not --data-segment-length \(other)"),
                "\(conflicting.stderr)")
    }
    // A data.json written before ranges (a plain integer) still loads: resuming with its length agrees.
    var old = try JSONSerialization.jsonObject(with: before) as! [String: Any]
    old["data_segment_length"] = 64
    try JSONSerialization.data(withJSONObject: old).write(to: dataURL)
    let fromOld = try run("rmt-train", ["--resume", "--out", out.path, "--data-segment-length", "64"])
    #expect(fromOld.status == 0, "\(fromOld.stderr)")

    // Evaluation documents made for 16-token segments, read as one segment of 32 (2 × 16) and 64.
    let eval = try run("rmt-train", ["eval", "--model", out.appendingPathComponent("model").path, "--task", "flip-flop",
                                     "--segments", "2", "--data-segment-length", "16", "--segment-length", "32,64",
                                     "--samples", "4", "--json"])
    #expect(eval.status == 0, "\(eval.stderr)")
    let rows = try eval.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    #expect(rows.count == 2 && rows.allSatisfy { $0["data_segment_length"] as? Int == 16 && $0["segments"] as? Int == 2 })
    // 2 segments of 16 tokens hold the question, its [SEP] and under 32 document tokens.
    #expect(rows.allSatisfy { ($0["tokens"] as! Int) < 32 && ($0["tokens"] as! Int) > 16 }, "\(eval.stdout)")
    let needsReading = try run("rmt-train", ["eval", "--model", out.appendingPathComponent("model").path, "--task", "flip-flop",
                                             "--segments", "2", "--data-segment-length", "16"])
    #expect(needsReading.status != 0 && errorLines(needsReading.stderr).count == 1
            && needsReading.stderr.contains("--data-segment-length needs --segment-length"), "\(needsReading.stderr)")
}
