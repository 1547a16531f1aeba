// The tasks that need the question, from the command line: rmt-tool haystack writes each of
// them (with adversarial noise) and prints question, answer and distractor answers; bad counts
// and rates are one-line errors; new models get the `unknown` label; the shipped six-label
// model (Models/small-memorize) still loads, evaluates the room tasks (distractors too) and
// refuses `unknown` clearly.
import Foundation
import Testing
import RMTTestSupport

@Test func haystackWritesEveryQuestionTask() throws {
    let dir = try scratchFolder("question-tasks")
    defer { try? FileManager.default.removeItem(at: dir) }
    let vocab = fixture("tokenizer/vocab.txt").path
    let hay = dir.appendingPathComponent("hay.txt").path
    for (task, facts) in [("memorize-distract", 2...4), ("detect-distract:2", 3...3), ("unknown", 0...16)] {
        for seed in ["1", "2", "3"] {
            let r = try run("rmt-tool", ["haystack", "--task", task, "--tokens", "2000", "--seed", seed, "--vocab", vocab,
                                         "--adversarial-rate", "0.2", "--out", hay])
            #expect(r.status == 0, "\(r.stderr)")
            let meta = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            let text = try String(contentsOfFile: hay, encoding: .utf8)
            let question = meta["question"] as! String, answer = meta["answer"] as! String
            let planted = (meta["facts"] as! [[String: Any]]).map { $0["text"] as! String }
            let others = meta["distractor_answers"] as! [String]
            #expect(meta["task"] as? String == task)
            #expect(facts.contains(planted.count), "\(r.stdout)")
            for fact in planted { #expect(text.contains(fact)) }
            #expect((meta["noise"] as! String).contains("adversarial"))
            // The question names a person/object/room; the answer follows from the planted facts.
            let subject = question.split(whereSeparator: { !$0.isLetter }).map(String.init).filter { ["Mary", "John", "Daniel", "Sandra", "apple", "football", "milk",
                                            "bathroom", "hallway", "garden", "office", "bedroom", "kitchen"].contains($0) }
            #expect(subject.count == 1, "\(question)")
            if task == "unknown" {
                #expect(answer == "unknown" && meta["label"] as? Int == 6)
                #expect(others.isEmpty)
                #expect(!planted.contains { $0.contains(subject[0]) }, "the unknown question names nobody in the facts")
            } else {
                let about = planted.filter { $0.hasPrefix(subject[0] + " ") }
                #expect(about.count == 1 && about[0].hasSuffix(" \(answer)."), "\(r.stdout)")
                #expect(others.count == planted.count - 1 && !others.contains(answer))
            }
        }
    }
    for (args, phrase) in [(["--task", "detect-distract:9"], "detect-distract"), (["--task", "memorize", "--adversarial-rate", "1"], "--adversarial-rate"),
                           (["--task", "memorize", "--adversarial-rate=-0.5"], "--adversarial-rate")] {
        let r = try run("rmt-tool", ["haystack", "--tokens", "500", "--vocab", vocab, "--out", hay] + args)
        #expect(r.status == 1 && r.stderr.contains(phrase) && isOneLine(r.stderr), "\(args): \(r.stderr)")
    }
}

/// The haystack's description (JSONLine: values encoded by JSONEncoder): one JSON line, snake_case
/// keys in a fixed order (the same on every run), the output path with its slashes as given.
@Test func haystackPrintsOneJSONLineWithItsKeysInOrder() throws {
    let dir = try scratchFolder("haystack-json")
    defer { try? FileManager.default.removeItem(at: dir) }
    let folder = dir.appendingPathComponent("a b")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let hay = folder.appendingPathComponent("hay.txt").path
    let r = try run("rmt-tool", ["haystack", "--task", "memorize-distract", "--tokens", "400", "--seed", "2",
                                 "--vocab", fixture("tokenizer/vocab.txt").path, "--out", hay])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(isOneLine(r.stdout) && r.stdout.hasPrefix("{\"task\":\"memorize-distract\",\"question\":\""), "\(r.stdout)")
    let keys = ["task", "question", "answer", "label", "tokens", "segments", "facts", "distractor_answers", "noise", "file"]
    let starts = keys.compactMap { r.stdout.range(of: "\"\($0)\":")?.lowerBound }
    #expect(starts.count == keys.count && zip(starts, starts.dropFirst()).allSatisfy { $0 < $1 }, "\(r.stdout)")
    #expect(r.stdout.hasSuffix(",\"file\":\"\(hay)\"}\n"), "\(r.stdout)")
    let meta = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(meta["file"] as? String == hay)
    let facts = try #require(meta["facts"] as? [[String: Any]])
    #expect(!facts.isEmpty && facts.allSatisfy { Set($0.keys) == ["text", "offset", "tokens"] })
}

@Test func newModelsAnswerUnknownAndTheShippedModelStillReadsRoomTasks() throws {
    let dir = try scratchFolder("unknown-label")
    defer { try? FileManager.default.removeItem(at: dir) }
    // A new model's labels end with `unknown`.
    let fresh = dir.appendingPathComponent("fresh")
    let made = try createTinyModel(at: fresh, segmentLength: 64)
    #expect(made.status == 0, "\(made.stderr)")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: fresh.appendingPathComponent("config.json"))) as! [String: Any]
    #expect((config["rmt"] as! [String: Any])["labels"] as? [String]
            == ["bathroom", "hallway", "garden", "office", "bedroom", "kitchen", "unknown"])
    let freshEval = try run("rmt-train", ["eval", "--model", fresh.path, "--task", "unknown,detect-distract", "--segments", "1",
                                          "--samples", "2", "--json"])
    #expect(freshEval.status == 0, "\(freshEval.stderr)")

    // Models/small-memorize (the former default) has six labels: it still evaluates memorize and
    // the distractor tasks …
    let shipped = repositoryRoot().appendingPathComponent("Models/small-memorize")
    let shippedConfig = try JSONSerialization.jsonObject(with: Data(contentsOf: shipped.appendingPathComponent("config.json"))) as! [String: Any]
    #expect((shippedConfig["rmt"] as! [String: Any])["labels"] as? [String]
            == ["bathroom", "hallway", "garden", "office", "bedroom", "kitchen"])
    let ok = try run("rmt-train", ["eval", "--model", shipped.path, "--task", "memorize,memorize-distract", "--segments", "1",
                                   "--samples", "16", "--json"])
    #expect(ok.status == 0, "\(ok.stderr)")
    let rows = try ok.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    #expect(rows.map { $0["task"] as? String } == ["memorize", "memorize-distract"])
    #expect(rows.first?["correct"] as? Int == 16, "the shipped model still answers memorize: \(ok.stdout)")
    // … and refuses `unknown` in one line, before evaluating anything.
    let refused = try run("rmt-train", ["eval", "--model", shipped.path, "--task", "memorize,unknown", "--segments", "1", "--samples", "2"])
    #expect(refused.status == 1 && refused.stderr.contains("\"unknown\"") && isOneLine(refused.stderr), "\(refused.stderr)")
}
