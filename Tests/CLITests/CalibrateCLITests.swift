// rmt-train eval --predictions records every document's answer logits by label, agreeing with
// the answer and probability it reports; rmt-tool calibrate fits a temperature on such files and
// writes a model that gives the same answers with probabilities softmax(logits / T); files it
// cannot use (no logits, another model's labels, not predictions, missing) are refused in one line
// and nothing is written; a fit that runs to its bound warns.
import Foundation
import Testing
import RMTTestSupport

@Test func calibrateFitsRecordedLogitsAndWritesTheSameAnswersWithHonestProbabilities() throws {
    let dir = try scratchFolder("calibrate")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("rooms"), other = dir.appendingPathComponent("other")
    #expect(try createTinyModel(at: model, segmentLength: 32).status == 0)
    func lines(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }
    func evaluate(_ model: URL, into file: URL) throws -> [[String: Any]] {
        let r = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize,detect", "--segments", "2", "--samples", "6",
                                      "--batch-size", "3", "--predictions", file.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        return try lines(file)
    }
    let file = dir.appendingPathComponent("p.jsonl")
    let records = try evaluate(model, into: file)
    #expect(records.count == 12)
    for record in records {  // the logits say what the answer and its probability say
        let logits = try #require(record["logits"] as? [String: Double], "no logits: \(record)")
        let top = logits.max { $0.value < $1.value }!
        #expect(top.key == record["predicted"] as? String)
        let p = 1 / logits.values.reduce(0) { $0 + exp($1 - top.value) }
        #expect(abs(p - (record["probability"] as! Double)) < 1e-5)
    }

    let calibrated = dir.appendingPathComponent("calibrated")
    let fit = try run("rmt-tool", ["calibrate", model.path, "--predictions", file.path, "--out", calibrated.path])
    #expect(fit.status == 0 && fit.stderr.contains("wrote"), "\(fit.stderr)")
    let line = try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as! [String: Any]
    let temperature = try #require(line["temperature"] as? Double)
    #expect(line["documents"] as? Int == 12 && temperature > 0)
    #expect((line["nll_after"] as! Double) <= (line["nll_before"] as! Double) + 1e-9)

    // The calibrated model: the same answers, probabilities softmax(logits / T) of the original's logits.
    let again = try evaluate(calibrated, into: dir.appendingPathComponent("q.jsonl"))
    for (a, b) in zip(records, again) {
        #expect(a["predicted"] as? String == b["predicted"] as? String)
        let z = (a["logits"] as! [String: Double]).values.map { $0 / temperature }
        let p = 1 / z.reduce(0) { $0 + exp($1 - z.max()!) }
        #expect(abs(p - (b["probability"] as! Double)) < 1e-4, "\(p) against \(b["probability"]!)")
    }

    // Every answer right with a margin: the fit runs to its bound and says so.
    let sure = dir.appendingPathComponent("sure.jsonl")
    let sureLines = try records.map { record -> String in
        var r = record
        r["logits"] = Dictionary(uniqueKeysWithValues: (r["logits"] as! [String: Double]).keys.map { ($0, $0 == r["answer"] as! String ? 10.0 : 0.0) })
        return String(decoding: try JSONSerialization.data(withJSONObject: r), as: UTF8.self)
    }
    try Data(sureLines.joined(separator: "\n").utf8).write(to: sure)
    let bound = try run("rmt-tool", ["calibrate", model.path, "--predictions", sure.path])
    #expect(bound.status == 0 && bound.stderr.contains("ran to its bound (every answer is right with a margin)"), "\(bound.stderr)")
    #expect(bound.stdout.contains("\"at_bound\":true"), "\(bound.stdout)")

    // Refused in one line, nothing written: a file without logits, another model's labels, not predictions, missing.
    var stripped = records[0]; stripped["logits"] = nil
    let old = dir.appendingPathComponent("old.jsonl")
    try JSONSerialization.data(withJSONObject: stripped).write(to: old)
    var relabelled = records[0]
    relabelled["logits"] = ["north": 1.0, "south": 0.0]
    let foreign = dir.appendingPathComponent("foreign.jsonl")
    try JSONSerialization.data(withJSONObject: relabelled).write(to: foreign)
    let text = dir.appendingPathComponent("text.jsonl")
    try Data("{\"loss\": 1}\n".utf8).write(to: text)
    for (path, says) in [(old.path, "no logits"), (foreign.path, "not the model's"), (text.path, "not a prediction"),
                         (dir.appendingPathComponent("none.jsonl").path, "cannot read")] {
        let r = try run("rmt-tool", ["calibrate", model.path, "--predictions", path, "--out", other.path])
        #expect(r.status != 0 && isOneLine(r.stderr) && r.stderr.contains(says), "\(path): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: other.path))
    }
    let none = try run("rmt-tool", ["calibrate", model.path])
    #expect(none.status != 0 && none.stderr.contains("--predictions"), "\(none.stderr)")
}
