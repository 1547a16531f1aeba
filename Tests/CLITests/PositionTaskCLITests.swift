// The position tasks and absolute position interpolation from the command line: rmt-tool
// haystack writes a position task's document of exactly --tokens words; rmt-train trains a new
// model on a mixture of position tasks (digit labels, then unknown) and rmt-train eval reads it
// at 2× the training length; an absolute model reads longer segments with
// --interpolate-positions, is refused without it, and the flag alone is refused.
import Foundation
import Testing
import RMTTestSupport

@Test func haystackWritesAPositionTaskDocumentOfExactlyTheTokensAsked() throws {
    let dir = try scratchFolder("position-haystack")
    defer { try? FileManager.default.removeItem(at: dir) }
    for (task, tokens) in [("passkey", 200), ("flip-flop", 75), ("counting", 40)] {
        let file = dir.appendingPathComponent("\(task).txt")
        let r = try run("rmt-tool", ["haystack", "--task", task, "--tokens", String(tokens), "--seed", "3",
                                     "--vocab", fixture("tokenizer/vocab.txt").path, "--out", file.path])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(json["tokens"] as? Int == tokens)
        #expect((json["facts"] as? [Any])?.isEmpty == true)
        let answer = json["answer"] as? String ?? ""
        #expect(json["label"] as? Int == Int(answer), "the label of digit \(answer) is its own index")
        // One token per word: the words of the file are the document's tokens.
        let words = try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isWhitespace)
        #expect(words.count == tokens)
    }
    let short = try run("rmt-tool", ["haystack", "--task", "counting", "--tokens", "10",
                                     "--vocab", fixture("tokenizer/vocab.txt").path, "--out", dir.appendingPathComponent("x.txt").path])
    #expect(short.status == 1 && short.stderr.contains("counting") && isOneLine(short.stderr), "\(short.stderr)")
}

@Test func positionTasksTrainAndEvaluateAtLongerSegments() throws {
    let dir = try scratchFolder("position-tasks-train")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let r = try run("rmt-train", ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--position", "alibi",
                                  "--segment-length", "32", "--memory-tokens", "2", "--task", "counting,flip-flop,passkey,recall,parity,cycle",
                                  "--max-segments", "1", "--max-steps-per-stage", "3", "--eval-every", "3", "--eval-samples", "4",
                                  "--batch-size", "2", "--out", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let model = out.appendingPathComponent("model")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: model.appendingPathComponent("config.json"))) as? [String: Any]
    let labels = (config?["rmt"] as? [String: Any])?["labels"] as? [String]
    #expect(labels == (0...9).map(String.init) + ["unknown"], "\(labels ?? [])")
    let e = try run("rmt-train", ["eval", "--model", model.path, "--task", "counting,cycle", "--segments", "2",
                                  "--samples", "4", "--segment-length", "64", "--json"])
    #expect(e.status == 0, "\(e.stderr)")
    let rows = try e.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    #expect(Set(rows.map { $0["task"] as! String }) == ["counting", "cycle"])
    // Documents of 2 segments of 32 re-split into one segment of 64: 64 − 1 − |Q| tokens.
    #expect(rows.allSatisfy { ($0["segment_length"] as! Int) == 64 && ($0["tokens"] as! Int) < 64 && ($0["tokens"] as! Int) > 55 }, "\(rows)")
    // Room tasks are refused by the position model's labels, in one line.
    let room = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize", "--segments", "1", "--samples", "2"])
    #expect(room.status == 1 && isOneLine(room.stderr), "\(room.stderr)")
}

@Test func absoluteModelsReadLongerSegmentsWithInterpolatedPositions() throws {
    let dir = try scratchFolder("interpolate-positions")
    defer { try? FileManager.default.removeItem(at: dir) }
    let absolute = dir.appendingPathComponent("absolute")
    let made = try createTinyModel(at: absolute, segmentLength: 32)
    #expect(made.status == 0, "\(made.stderr)")
    let args = ["eval", "--model", absolute.path, "--task", "memorize", "--segments", "2", "--samples", "2", "--batch-size", "2",
                "--segment-length", "32,64", "--json"]
    let refused = try run("rmt-train", args)
    #expect(refused.status == 1 && refused.stderr.contains("absolute position") && isOneLine(refused.stderr), "\(refused.stderr)")
    let read = try run("rmt-train", args + ["--interpolate-positions"])
    #expect(read.status == 0, "\(read.stderr)")
    let rows = try read.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    #expect(rows.count == 2, "\(read.stdout)")
    for row in rows {
        #expect(row["interpolated_positions"] as? Bool == (row["segment_length"] as? Int == 64), "\(row)")
        #expect(row["samples"] as? Int == 2)
    }
    let alone = try run("rmt-train", ["eval", "--model", absolute.path, "--task", "memorize", "--interpolate-positions"])
    #expect(alone.status != 0 && alone.stderr.split(separator: "\n").first?.contains("--interpolate-positions") == true, "\(alone.stderr)")
}

/// rmt-tool plot-eval: LABEL=FILE series of rmt-train eval --json rows, averaged per label and
/// reading length, one task; a malformed series or file is one line.
@Test func plotEvalDrawsAccuracyAgainstReadingLength() throws {
    let dir = try scratchFolder("plot-eval")
    defer { try? FileManager.default.removeItem(at: dir) }
    func rows(_ values: [(Int, Double)], task: String = "counting") -> String {
        values.map { "{\"task\":\"\(task)\",\"segment_length\":\($0.0),\"accuracy\":\($0.1)}" }.joined(separator: "\n") + "\n"
    }
    let a1 = dir.appendingPathComponent("a1.jsonl"), a2 = dir.appendingPathComponent("a2.jsonl"), b = dir.appendingPathComponent("b.jsonl")
    try rows([(64, 0.9), (128, 0.5)]).write(to: a1, atomically: true, encoding: .utf8)
    try (rows([(64, 0.7), (128, 0.3)]) + rows([(64, 0.1)], task: "passkey")).write(to: a2, atomically: true, encoding: .utf8)
    try rows([(64, 0.4), (128, 0.4)]).write(to: b, atomically: true, encoding: .utf8)
    let svg = dir.appendingPathComponent("plot.svg")
    let r = try run("rmt-tool", ["plot-eval", "alpha=\(a1.path)", "alpha=\(a2.path)", "beta=\(b.path)", "--task", "counting",
                                 "--dashed", "beta", "--out", svg.path])
    #expect(r.status == 0, "\(r.stderr)")
    let text = try String(contentsOf: svg, encoding: .utf8)
    #expect(text.contains(">alpha<") && text.contains(">beta<") && text.contains("stroke-dasharray"))
    // alpha is the mean of its two files: 0.8 at 64 and 0.4 at 128, the same y as beta's 0.4.
    let polylines = text.components(separatedBy: "<polyline").dropFirst().map { $0.components(separatedBy: "points=\"")[1].components(separatedBy: "\"")[0] }
    #expect(polylines.count == 2)
    let alphaY = polylines[0].split(separator: " ").map { $0.split(separator: ",")[1] }
    let betaY = polylines[1].split(separator: " ").map { $0.split(separator: ",")[1] }
    #expect(alphaY.count == 2 && alphaY[1] == betaY[1] && alphaY[0] != betaY[0], "\(polylines)")
    let bad = try run("rmt-tool", ["plot-eval", "nolabel", "--task", "counting", "--out", svg.path])
    #expect(bad.status == 1 && isOneLine(bad.stderr) && bad.stderr.contains("LABEL=FILE"), "\(bad.stderr)")
    let none = try run("rmt-tool", ["plot-eval", "x=\(b.path)", "--task", "parity", "--out", dir.appendingPathComponent("n.svg").path])
    #expect(none.status == 1 && isOneLine(none.stderr) && none.stderr.contains("parity"), "\(none.stderr)")
}

/// plot-eval --segments N draws only the rows of documents of N segments (experiment 2 writes
/// rows of several document sizes into one file); no such row is one line.
@Test func plotEvalKeepsTheRowsOfOneDocumentSize() throws {
    let dir = try scratchFolder("plot-eval-segments")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("e.jsonl")
    try ["{\"task\":\"memorize\",\"segments\":4,\"segment_length\":62,\"accuracy\":0.9}",
         "{\"task\":\"memorize\",\"segments\":4,\"segment_length\":124,\"accuracy\":0.8}",
         "{\"task\":\"memorize\",\"segments\":8,\"segment_length\":62,\"accuracy\":0.1}"]
        .joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    func yValues(_ svg: URL) throws -> [Substring] {
        let text = try String(contentsOf: svg, encoding: .utf8)
        let points = text.components(separatedBy: "<polyline").dropFirst().map { $0.components(separatedBy: "points=\"")[1].components(separatedBy: "\"")[0] }
        return points.first.map { $0.split(separator: " ").map { $0.split(separator: ",")[1] } } ?? []
    }
    let four = dir.appendingPathComponent("four.svg"), all = dir.appendingPathComponent("all.svg")
    let r4 = try run("rmt-tool", ["plot-eval", "m=\(file.path)", "--task", "memorize", "--segments", "4", "--out", four.path])
    let rAll = try run("rmt-tool", ["plot-eval", "m=\(file.path)", "--task", "memorize", "--out", all.path])
    #expect(r4.status == 0 && rAll.status == 0, "\(r4.stderr) \(rAll.stderr)")
    // Without the filter the 8-segment row is averaged into x = 62 (0.5); with it, 0.9 stays.
    let y4 = try yValues(four), yAll = try yValues(all)
    #expect(y4.count == 2 && yAll.count == 2 && y4[0] != yAll[0] && y4[1] == yAll[1], "\(y4) \(yAll)")
    let none = try run("rmt-tool", ["plot-eval", "m=\(file.path)", "--task", "memorize", "--segments", "2", "--out", four.path])
    #expect(none.status == 1 && isOneLine(none.stderr) && none.stderr.contains("2 segments"), "\(none.stderr)")
}
