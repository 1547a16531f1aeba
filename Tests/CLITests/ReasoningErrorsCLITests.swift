// Scripts/reasoning-errors.py: its replay of a reasoning story (two relations, either side of each,
// and the question) gives the answer the generator wrote for every document `rmt-train eval
// --predictions` scored — an independent check of both — its cells cover every document, and it
// refuses, in one line, a file without reasoning stories, one it cannot read, and a pairing of two
// files that hold other stories.
import Foundation
import Testing
import RMTTestSupport

@Test func reasoningReplayGivesTheGeneratorsAnswerForEveryDocument() throws {
    let dir = try scratchFolder("reasoning-errors")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model")
    let made = try createTinyModel(at: model, segmentLength: 48)
    #expect(made.status == 0, "\(made.stderr)")
    // 60 stories over 3 segments of 48 tokens: the two facts land in one segment or apart, and all
    // four question forms and both distractor axes occur.
    let predictions = try evalPredictions(model: model, into: dir, name: "reasoning.jsonl", task: "reasoning", segments: 3,
                                          samples: 60, seed: 7)
    let sorted = try runScript("reasoning-errors.py", [predictions])
    #expect(sorted.status == 0, "\(sorted.stderr)")
    #expect(sorted.stdout.contains("60 reasoning documents, the replay gives the file's answer for 60"), "\(sorted.stdout)")
    // The cells' documents add up to the file's, and both axes occur in 60 stories.
    let cells = sorted.stdout.split(separator: "\n").filter { $0.hasPrefix("| same") || $0.hasPrefix("| other") }
    let counts = cells.compactMap { $0.split(separator: "|").last?.split(separator: "/").last }
        .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    #expect(counts.reduce(0, +) == 60, "\(sorted.stdout)")
    #expect(cells.contains { $0.hasPrefix("| same") } && cells.contains { $0.hasPrefix("| other") }, "\(sorted.stdout)")
    let paired = try runScript("reasoning-errors.py", ["--against", predictions, predictions])
    #expect(paired.status == 0 && paired.stdout.contains("60 shared documents"), "\(paired.stdout)\(paired.stderr)")
    // Another seed's stories are other documents at the same indices: refused, not paired.
    let otherSeed = try evalPredictions(model: model, into: dir, name: "reasoning-seed8.jsonl", task: "reasoning",
                                        segments: 3, samples: 60, seed: 8)
    let unpaired = try runScript("reasoning-errors.py", ["--against", predictions, otherSeed])
    #expect(unpaired.status == 1 && isOneLine(unpaired.stderr) && unpaired.stderr.contains("not the same documents"),
            "\(unpaired.stderr)")

    let memorize = try evalPredictions(model: model, into: dir, name: "memorize.jsonl", task: "memorize", segments: 2,
                                       samples: 2, seed: 1)
    let refused = try runScript("reasoning-errors.py", [memorize])
    #expect(refused.status == 1 && isOneLine(refused.stderr) && refused.stderr.contains("holds no reasoning documents"),
            "\(refused.stderr)")
    let missing = try runScript("reasoning-errors.py", [dir.appendingPathComponent("none.jsonl").path])
    #expect(missing.status == 1 && isOneLine(missing.stderr) && missing.stderr.contains("cannot read"), "\(missing.stderr)")
}
