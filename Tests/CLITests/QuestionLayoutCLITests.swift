// --question-layout every-segment through the tools: create-model records it, rmt-ask reads the
// question with every segment (segment count from the layout; a question with no room for text
// is one line), rmt-train trains such a model and keeps the layout on --resume, refusing a
// conflicting flag.
import Foundation
import Testing
import RMTTestSupport

@Test func everySegmentLayoutThroughCreateModelAskAndTrain() throws {
    let dir = try scratchFolder("layout")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model")
    let made = try run("rmt-tool", ["create-model", "--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path,
                                    "--segment-length", "24", "--question-layout", "every-segment", "--out", model.path])
    #expect(made.status == 0, "\(made.stderr)")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: model.appendingPathComponent("config.json"))) as? [String: Any]
    #expect((config?["rmt"] as? [String: Any])?["question_layout"] as? String == "every-segment")

    // "where is mary ?" = 4 tokens: 24 − 4 − 1 = 19 document tokens per segment.
    let text = Array(repeating: "The garden was quiet and the lamps were lit.", count: 12).joined(separator: " ")
    let doc = dir.appendingPathComponent("doc.txt")
    try text.write(to: doc, atomically: true, encoding: .utf8)
    let asked = try run("rmt-ask", [doc.path, "-q", "Where is Mary?", "--model", model.path, "--json"])
    #expect(asked.status == 0, "\(asked.stderr)")
    let obj = try JSONSerialization.jsonObject(with: Data(asked.stdout.utf8)) as? [String: Any]
    let tokens = try #require(obj?["tokens"] as? Int)
    #expect(obj?["segments"] as? Int == (tokens + 18) / 19, "\(asked.stdout)")

    let long = try run("rmt-ask", [doc.path, "-q", Array(repeating: "where", count: 23).joined(separator: " "), "--model", model.path])
    #expect(long.status == 1 && long.stderr.contains("leave no room for the document") && isOneLine(long.stderr), "\(long.stderr)")

    let out = dir.appendingPathComponent("run")
    let common = ["--task", "memorize", "--max-segments", "2", "--eval-every", "5", "--eval-samples", "4",
                  "--batch-size", "2", "--max-steps-per-stage", "5", "--out", out.path]
    let trained = try run("rmt-train", ["--model", model.path] + common)
    #expect(trained.status == 0, "\(trained.stderr)")
    let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("model/config.json"))) as? [String: Any]
    #expect((saved?["rmt"] as? [String: Any])?["question_layout"] as? String == "every-segment")
    let conflicting = try run("rmt-train", ["--resume", "--out", out.path, "--question-layout", "final-segment"])
    #expect(conflicting.status == 1 && conflicting.stderr.contains("--question-layout") && isOneLine(conflicting.stderr),
            "\(conflicting.stderr)")

    // A new preset run records the flag in its model.
    let fresh = dir.appendingPathComponent("fresh")
    let preset = try run("rmt-train", ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path,
                                       "--segment-length", "24", "--question-layout", "every-segment", "--task", "memorize",
                                       "--max-segments", "1", "--eval-every", "2", "--eval-samples", "2", "--batch-size", "2",
                                       "--max-steps-per-stage", "2", "--out", fresh.path])
    #expect(preset.status == 0, "\(preset.stderr)")
    let freshConfig = try JSONSerialization.jsonObject(with: Data(contentsOf: fresh.appendingPathComponent("model/config.json"))) as? [String: Any]
    #expect((freshConfig?["rmt"] as? [String: Any])?["question_layout"] as? String == "every-segment")
}

@Test func addLabelsGivesAnOlderModelTheUnknownLabel() throws {
    let dir = try scratchFolder("add-labels")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model")
    let made = try run("rmt-tool", ["create-model", "--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path,
                                    "--segment-length", "128", "--labels", "bathroom,hallway,garden,office,bedroom,kitchen",
                                    "--out", model.path])
    #expect(made.status == 0, "\(made.stderr)")
    let common = ["--model", model.path, "--task", "detect-distract,unknown", "--max-segments", "1", "--eval-every", "2",
                  "--eval-samples", "2", "--batch-size", "2", "--max-steps-per-stage", "2"]
    let refused = try run("rmt-train", common + ["--out", dir.appendingPathComponent("refused").path])
    #expect(refused.status == 1 && refused.stderr.contains("--add-labels") && isOneLine(refused.stderr), "\(refused.stderr)")
    let out = dir.appendingPathComponent("run")
    let added = try run("rmt-train", common + ["--add-labels", "--out", out.path])
    #expect(added.status == 0 && added.stderr.contains("added the label unknown"), "\(added.stderr)")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("model/config.json"))) as? [String: Any]
    #expect((config?["rmt"] as? [String: Any])?["labels"] as? [String]
            == ["bathroom", "hallway", "garden", "office", "bedroom", "kitchen", "unknown"])
}

/// rmt-train eval --segment-length (and --data-segment-length) makes its documents in the model's
/// question layout, as the plain eval and the trainer's validation do: for an every-segment model
/// the re-split path reads the very documents the plain path reads (same tokens, same answers),
/// and documents made for 16-token segments hold 2 × (16 − |Q| − 1) tokens. (It used to make
/// final-segment documents, `doc [SEP] Q`, which such a model scores near chance.)
@Test func evalAtAnotherSegmentLengthKeepsTheModelsQuestionLayout() throws {
    let dir = try scratchFolder("layout-resplit")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model")
    let made = try run("rmt-tool", ["create-model", "--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path,
                                    "--segment-length", "24", "--question-layout", "every-segment", "--out", model.path])
    #expect(made.status == 0, "\(made.stderr)")
    let common = ["eval", "--model", model.path, "--task", "memorize", "--segments", "2", "--samples", "4",
                  "--batch-size", "4", "--json"]
    func row(_ extra: [String]) throws -> [String: Any] {
        let r = try run("rmt-train", common + extra)
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)")
    }
    let plain = try row([])
    let resplit = try row(["--segment-length", "24"])
    let tokens = try #require(plain["tokens"] as? Int)
    // Every-segment: 2 segments of `Q [SEP] 24 − |Q| − 1 tokens`.
    #expect(tokens % 2 == 0, "\(plain)")
    let question = 24 - 1 - tokens / 2
    #expect(resplit["tokens"] as? Int == tokens, "plain \(plain), re-split \(resplit)")
    #expect(resplit["correct"] as? Int == plain["correct"] as? Int, "plain \(plain), re-split \(resplit)")
    let short = try row(["--data-segment-length", "16", "--segment-length", "16"])
    #expect(short["tokens"] as? Int == 2 * (16 - question - 1), "\(short)")
}
