// rmt-tool calibrate --by-question-form: one temperature per question form of the model's domain and
// document length, recorded in config.json (rmt.answer_temperatures) with the weights untouched — the calibrated
// model's evaluation has the original's logits and answers bit for bit, and each answer's
// probability at its form's temperature (rmt-ask --json says which); a form whose fit runs to its
// bound is left at T = 1 with a warning; the weights are stored as they were (float16 stays float16,
// the header's metadata kept: the same bytes); a model without a domain, or a question of none of its forms, is
// refused in one line; a fine-tune from a calibrated model records no temperatures.
import Foundation
import Testing
import RMTTestSupport

private nonisolated(unsafe) let roomDomain: [String: Any] = [
    "tasks": ["memorize", "reasoning"],
    "question_forms": ["Where is {actor}?", "What is {direction} of the {room}?", "What is the {room} {direction} of?"],
    "slots": ["actor": ["Mary", "John", "Daniel", "Sandra"], "direction": ["north", "south", "east", "west"],
              "room": ["bathroom", "hallway", "garden", "office", "bedroom", "kitchen"]],
]

@Test func calibrateByQuestionFormRecordsATemperaturePerFormAndKeepsTheLogits() throws {
    let dir = try scratchFolder("calibrate-form")
    defer { try? FileManager.default.removeItem(at: dir) }
    let bare = dir.appendingPathComponent("bare"), model = dir.appendingPathComponent("rooms")
    #expect(try createTinyModel(at: bare, segmentLength: 32).status == 0)
    #expect(try createTinyModel(at: model, segmentLength: 32).status == 0)
    let configURL = model.appendingPathComponent("config.json")
    var config = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as! [String: Any]
    var rmt = config["rmt"] as! [String: Any]
    rmt["domain"] = roomDomain
    config["rmt"] = rmt
    try JSONSerialization.data(withJSONObject: config).write(to: configURL)

    func lines(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }
    func evaluate(_ model: URL, _ name: String, segments: Int) throws -> [[String: Any]] {
        let file = dir.appendingPathComponent(name)
        let r = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize,reasoning", "--segments", String(segments),
                                      "--samples", "8", "--batch-size", "4", "--predictions", file.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        return try lines(file)
    }
    let records = try evaluate(model, "p.jsonl", segments: 2) + evaluate(model, "p3.jsonl", segments: 3)
    #expect(records.count == 32)

    // Answers with known confidence: "Where is {actor}?" at p ≈ 0.9 right 3 times in 4 at 2 segments
    // and 2 in 4 at 3 segments (overconfident, more so when longer: T₂ > 1, T₃ > T₂); reasoning's forms
    // always right with a margin (their fits run to the bound).
    let labels = ["bathroom", "hallway", "garden", "office", "bedroom", "kitchen", "unknown"]
    let made = records.enumerated().map { i, record -> [String: Any] in
        var r = record
        let answer = r["answer"] as! String
        let right = r["task"] as? String == "reasoning" || i % (r["segments"] as? Int == 2 ? 4 : 2) != 0
        let top = right ? answer : labels.first { $0 != answer }!
        r["logits"] = Dictionary(uniqueKeysWithValues: labels.map { ($0, $0 == top ? 4.0 : 0.0) })
        return r
    }
    let file = dir.appendingPathComponent("made.jsonl")
    try Data(try made.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        .joined(separator: "\n").utf8).write(to: file)

    let calibrated = dir.appendingPathComponent("calibrated")
    let fit = try run("rmt-tool", ["calibrate", model.path, "--predictions", file.path, "--by-question-form", "--out", calibrated.path])
    #expect(fit.status == 0 && fit.stderr.contains("ran to its bound") && fit.stderr.contains("wrote"), "\(fit.stderr)")
    let fits = try fit.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    #expect(Set(fits.compactMap { $0["form"] as? String }).isSubset(of: roomDomain["question_forms"] as! [String]))
    func actor(_ segments: Int) throws -> Double {
        let line = try #require(fits.first { $0["form"] as? String == "Where is {actor}?" && $0["segments"] as? Int == segments })
        #expect(line["documents"] as? Int == 8 && line["at_bound"] as? Bool == false)
        return try #require(line["temperature"] as? Double)
    }
    let (t, t3) = (try actor(2), try actor(3))
    #expect(t > 1 && t3 > t, "an overconfident form cools, more where it is less often right: \(t), \(t3)")
    let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: calibrated.appendingPathComponent("config.json"))) as! [String: Any]
    let recorded = (saved["rmt"] as! [String: Any])["answer_temperatures"] as? [String: [[String: Any]]]
    #expect(recorded?.keys.sorted() == ["Where is {actor}?"], "only the form that did not run to its bound is recorded")
    let points = recorded?["Where is {actor}?"] ?? []
    #expect(points.map { $0["segments"] as? Int } == [2, 3])
    #expect(zip(points.compactMap { $0["temperature"] as? Double }, [t, t3]).allSatisfy { abs($0 - $1) < 1e-12 * $1 } && points.count == 2)

    // The calibrated model: the same logits and answers; probabilities at the form's temperature.
    for (a, b) in zip(records, try evaluate(calibrated, "q.jsonl", segments: 2)) {
        #expect(a["logits"] as! [String: Double] == b["logits"] as! [String: Double])
        #expect(a["predicted"] as? String == b["predicted"] as? String)
        let temperature = b["task"] as? String == "memorize" ? t : 1
        let z = (a["logits"] as! [String: Double]).mapValues { $0 / temperature }
        let p = exp(z[b["predicted"] as! String]! - z.values.max()!) / z.values.reduce(0) { $0 + exp($1 - z.values.max()!) }
        #expect(abs(p - (b["probability"] as! Double)) < 1e-5, "\(b["task"]!): \(p) against \(b["probability"]!)")
    }
    let text = dir.appendingPathComponent("story.txt")
    try Data("Mary went to the garden. The kitchen is north of the garden. It was a quiet day.".utf8).write(to: text)
    for (question, temperature) in [("Where is Mary?", t), ("What is north of the garden?", 1.0)] {  // 1 segment: T₂ holds
        let ask = try run("rmt-ask", [text.path, "-q", question, "--model", calibrated.path, "--json", "--quiet"])
        #expect(ask.status == 0, "\(ask.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(ask.stdout.utf8)) as! [String: Any]
        #expect(object["temperature"] as? Double == temperature, "\(question): \(ask.stdout)")
    }

    // A float16 model stays float16 with its header's metadata: the same model.safetensors, byte for byte.
    let half = dir.appendingPathComponent("half"), halfCalibrated = dir.appendingPathComponent("half-calibrated")
    #expect(try run("rmt-tool", ["export", model.path, "--out", half.path, "--float16", "--metadata", "made_by=test"]).status == 0)
    let again = try run("rmt-tool", ["calibrate", half.path, "--predictions", file.path, "--by-question-form", "--out", halfCalibrated.path])
    #expect(again.status == 0, "\(again.stderr)")
    func header(_ folder: URL) throws -> [String: Any] {
        let bytes = try Data(contentsOf: folder.appendingPathComponent("model.safetensors"))
        let size = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + size))) as! [String: Any]
    }
    let (before, after) = (try header(half), try header(halfCalibrated))
    #expect(after.filter { $0.key != "__metadata__" }.allSatisfy { ($0.value as! [String: Any])["dtype"] as? String == "F16" })
    #expect(after["__metadata__"] as? [String: String] == ["made_by": "test"])
    #expect(Set(after.keys) == Set(before.keys))
    #expect(try Data(contentsOf: half.appendingPathComponent("model.safetensors"))
            == Data(contentsOf: halfCalibrated.appendingPathComponent("model.safetensors")), "the same bytes")

    // Refused in one line, nothing written: a model without a domain; a question of none of the forms.
    let other = dir.appendingPathComponent("other")
    var foreign = made[0]
    foreign["question"] = "What is the capital of France?"
    let outside = dir.appendingPathComponent("outside.jsonl")
    try JSONSerialization.data(withJSONObject: foreign).write(to: outside)
    for (target, predictions, says) in [(bare, file, "records no question domain"), (model, outside, "has none of")] {
        let r = try run("rmt-tool", ["calibrate", target.path, "--predictions", predictions.path, "--by-question-form", "--out", other.path])
        #expect(r.status != 0 && isOneLine(r.stderr) && r.stderr.contains(says), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: other.path))
    }

    // A fine-tune from the calibrated model records no temperatures, and says so.
    let tuned = dir.appendingPathComponent("tuned")
    let train = try run("rmt-train", ["--model", calibrated.path, "--task", "memorize", "--max-segments", "1", "--eval-every", "2",
                                      "--eval-samples", "2", "--batch-size", "2", "--max-steps-per-stage", "2", "--out", tuned.path])
    #expect(train.status == 0 && train.stderr.contains("answer temperatures"), "\(train.stderr)")
    let tunedConfig = ["model/config.json", "checkpoint/config.json"].map { tuned.appendingPathComponent($0) }
        .first { FileManager.default.fileExists(atPath: $0.path) }
    let written = try JSONSerialization.jsonObject(with: Data(contentsOf: try #require(tunedConfig))) as! [String: Any]
    #expect((written["rmt"] as! [String: Any])["answer_temperatures"] == nil)
}
