// Scripts/qa3-errors.py: its replay of a qa3 story (who is where, who holds what, where the object
// has been) gives the answer the generator wrote for every document `rmt-train eval --predictions`
// scored — an independent check of both — and it refuses, in one line, a file without qa3 stories.
import Foundation
import Testing
import RMTTestSupport

@Test func qa3ReplayGivesTheGeneratorsAnswerForEveryDocument() throws {
    let dir = try scratchFolder("qa3-errors")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model")
    let made = try createTinyModel(at: model, segmentLength: 48)
    #expect(made.status == 0, "\(made.stderr)")
    // 40 stories over 6 segments of 48 tokens: facts land in several segments, so the replay
    // also sorts by distance and by how the object came into the answer room.
    let predictions = try evalPredictions(model: model, into: dir, name: "qa3.jsonl", task: "babi-qa3", segments: 6,
                                          samples: 40, seed: 7)
    let sorted = try runScript("qa3-errors.py", [predictions])
    #expect(sorted.status == 0, "\(sorted.stderr)")
    #expect(sorted.stdout.contains("40 qa3 documents, the replay gives the file's answer for 40"), "\(sorted.stdout)")
    #expect(sorted.stdout.contains("right by how the object came into the answer room"), "\(sorted.stdout)")

    let memorize = try evalPredictions(model: model, into: dir, name: "memorize.jsonl", task: "memorize", segments: 2,
                                       samples: 2, seed: 1)
    let refused = try runScript("qa3-errors.py", [memorize])
    #expect(refused.status == 1 && isOneLine(refused.stderr) && refused.stderr.contains("holds no babi-qa3 documents"),
            "\(refused.stderr)")
    let missing = try runScript("qa3-errors.py", [dir.appendingPathComponent("none.jsonl").path])
    #expect(missing.status == 1 && isOneLine(missing.stderr) && missing.stderr.contains("cannot read"), "\(missing.stderr)")
}
