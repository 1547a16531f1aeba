// rmt-train at a length only some of the task's stories fit: the run says before it starts how
// many of the first documents do not fit, skips such documents instead of stopping hours in, and
// records each step's skipped count in metrics.jsonl ("skipped_documents").
import Foundation
import Testing
import RMTTestSupport

@Test func aRunSkipsDocumentsThatDoNotFitAndSaysSo() throws {
    let dir = try scratchFolder("skips-overflowing")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model"), out = dir.appendingPathComponent("run")
    let made = try createTinyModel(at: model, segmentLength: 48)
    #expect(made.status == 0, "\(made.stderr)")
    // qa3's stories (~30–100 tokens) fit 3 segments of 48 tokens, only some of them 2.
    let result = try run("rmt-train", ["--model", model.path, "--task", "babi-qa3", "--start-segments", "2", "--max-segments", "3",
                                       "--max-steps-per-stage", "3", "--eval-every", "3", "--eval-samples", "4", "--batch-size", "4",
                                       "--out", out.path])
    #expect(result.status == 0, "\(result.stderr)")
    let note = result.stderr.split(separator: "\n").first { $0.contains("note:") }.map(String.init) ?? ""
    #expect(note.contains("of the first 64 documents do not fit in 2 segments of 48 tokens"), "\(result.stderr)")
    let steps = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        .filter { $0["loss"] != nil && $0["eval_accuracy"] == nil }
    #expect(steps.count == 6, "\(steps)")
    let skipped = steps.filter { $0["segments"] as? Int == 2 }.map { $0["skipped_documents"] as? Int ?? 0 }
    #expect(skipped.count == 3 && skipped.reduce(0, +) > 0, "\(skipped)")
    #expect(steps.allSatisfy { ($0["skipped_documents"] as? Int ?? 1) > 0 }, "the key is absent, not 0, where nothing was skipped")
}
