// Questions outside the model's domain through the tools: rmt-ask's --json always has "labels"
// and "in_domain" (true / false / null for a model that records no domain); a question of none
// of the trained forms is still answered, with one stderr warning naming the forms and labels.
// rmt-train records the task mixture's domain in its checkpoint and model (kept by --resume, by
// rmt-tool export, and joined with the starting model's on a fine-tune).
import Foundation
import Testing
import RMTTestSupport

// Models/small-memorize (the former default, fast to read): one question form, six room labels.
private let smallModel = repositoryRoot().appendingPathComponent("Models/small-memorize").path
private let smallLabels = ["bathroom", "hallway", "garden", "office", "bedroom", "kitchen"]
private let defaultModel = repositoryRoot().appendingPathComponent("Models/default").path

private func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
}

private func domain(_ folder: URL) throws -> [String: Any]? {
    let config = try json(String(decoding: try Data(contentsOf: folder.appendingPathComponent("config.json")), as: UTF8.self))
    return (config["rmt"] as? [String: Any])?["domain"] as? [String: Any]
}

@Test func askSaysWhetherTheQuestionIsInTheModelsDomain() throws {
    let dir = try scratchFolder("domain-ask")
    defer { try? FileManager.default.removeItem(at: dir) }
    let doc = dir.appendingPathComponent("doc.txt")
    try Data("The rain kept falling on the roof. Mary went to the garden. The clock struck nine.".utf8).write(to: doc)

    // In the domain: no warning; in_domain true; the label set is listed.
    for question in ["Where is Mary?", "where is MARY ?"] {
        let r = try run("rmt-ask", [doc.path, "-q", question, "--model", smallModel, "--json"])
        #expect(r.status == 0 && !r.stderr.contains("warning"), "\(r.stderr)")
        let obj = try json(r.stdout)
        #expect(obj["in_domain"] as? Bool == true, "\(question): \(r.stdout)")
        #expect(obj["labels"] as? [String] == smallLabels)
        #expect(smallLabels.contains(obj["answer"] as? String ?? ""))
    }

    // Outside it: still answered (exit 0, answer on stdout), one warning line naming the forms
    // the model was trained on and the labels it answers from.
    for question in ["What is the capital of France?", "Where is the milk?", "Where is Mary"] {
        let r = try run("rmt-ask", [doc.path, "-q", question, "--model", smallModel, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try json(r.stdout)
        #expect(obj["in_domain"] as? Bool == false, "\(question): \(r.stdout)")
        #expect(obj["labels"] as? [String] == smallLabels && obj["answer"] is String)
        let warnings: [String] = r.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("warning:") }
        let expected = "warning: \"\(question)\" matches none of the question forms \(smallModel) was trained on "
            + "(\"Where is {actor}?\"); it answers only from: " + smallLabels.joined(separator: ", ")
        #expect(warnings == [expected], "\(r.stderr)")
    }
    // Text output: the answer on stdout, the same warning on stderr.
    let text = try run("rmt-ask", [doc.path, "-q", "Who is Mary?", "--model", smallModel])
    #expect(text.status == 0 && text.stdout.split(separator: "\n").count == 1, "\(text.stdout)\(text.stderr)")
    #expect(text.stderr.contains("warning: \"Who is Mary?\" matches none of the question forms"), "\(text.stderr)")

    // A model that records no domain: in_domain null, no warning.
    let tiny = fixture("tiny-rmt").path
    let words = dir.appendingPathComponent("words.txt")
    try Data("w5 w6 w7 w8 w9".utf8).write(to: words)
    let none = try run("rmt-ask", [words.path, "-q", "What is the capital of France?", "--model", tiny, "--json"])
    #expect(none.status == 0 && !none.stderr.contains("warning"), "\(none.stderr)")
    let obj = try json(none.stdout)
    let nullValue: Any? = obj["in_domain"]  // present and JSON null
    let isNull = nullValue.map { $0 is NSNull } ?? false
    #expect(isNull, "\(none.stdout)")
    #expect(obj["labels"] as? [String] == ["alpha", "beta", "gamma", "delta"])
}

@Test func trainRecordsTheTaskDomainThroughResumeExportAndFineTune() throws {
    let dir = try scratchFolder("domain-train")
    defer { try? FileManager.default.removeItem(at: dir) }
    let start = dir.appendingPathComponent("start"), out = dir.appendingPathComponent("run")
    let made = try createTinyModel(at: start, segmentLength: 48)
    #expect(made.status == 0, "\(made.stderr)")
    #expect(try domain(start) == nil, "an untrained model records no domain")

    // A run interrupted after a few steps: its checkpoint already records the domain, and the
    // model the resumed run finishes with keeps it.
    let args = ["--model", start.path, "--task", "detect-distract,reasoning", "--max-segments", "1", "--max-steps-per-stage", "400",
                "--eval-every", "100", "--eval-samples", "4", "--batch-size", "2", "--out", out.path]
    let interrupted = try startAndSignal(args, metrics: out.appendingPathComponent("metrics.jsonl"), lines: 3, timeout: 120)
    #expect(interrupted.status == 130)
    let expected: [String: Any] = [
        "tasks": ["detect-distract", "reasoning"],
        "question_forms": ["Where is {actor}?", "What is {direction} of the {room}?", "What is the {room} {direction} of?"],
        "slots": ["actor": ["Mary", "John", "Daniel", "Sandra"], "direction": ["north", "south", "east", "west"],
                  "room": ["bathroom", "hallway", "garden", "office", "bedroom", "kitchen"]],
    ]
    func same(_ stored: [String: Any]?) -> Bool {
        guard let stored else { return false }
        return NSDictionary(dictionary: stored).isEqual(to: expected)
    }
    let checkpointDomain = try domain(out.appendingPathComponent("checkpoint"))
    #expect(same(checkpointDomain), "\(String(describing: checkpointDomain))")
    let resumed = try run("rmt-train", ["--resume", "--out", out.path])
    #expect(resumed.status == 0 && resumed.stderr.contains("resumed at step"), "\(resumed.stderr)")
    let model = out.appendingPathComponent("model")
    #expect(same(try domain(model)))
    #expect(same(try domain(out.appendingPathComponent("stages/1"))))

    // rmt-tool export keeps it, and rmt-ask reads it.
    let exported = dir.appendingPathComponent("exported")
    let export = try run("rmt-tool", ["export", model.path, "--out", exported.path, "--float16"])
    #expect(export.status == 0, "\(export.stderr)")
    #expect(same(try domain(exported)))
    let doc = dir.appendingPathComponent("doc.txt")
    try Data("Mary went to the garden. The milk was cold.".utf8).write(to: doc)
    let inside = try run("rmt-ask", [doc.path, "-q", "What is north of the garden?", "--model", exported.path, "--json"])
    #expect(try json(inside.stdout)["in_domain"] as? Bool == true, "\(inside.stdout)\(inside.stderr)")
    let outside = try run("rmt-ask", [doc.path, "-q", "Where was the milk before the garden?", "--model", exported.path, "--json"])
    #expect(try json(outside.stdout)["in_domain"] as? Bool == false && outside.stderr.contains("matches none"), "\(outside.stderr)")

    // A fine-tune on another task records the union: the model's forms, then the new task's
    // (a custom task: its question, literally).
    let tuned = dir.appendingPathComponent("tuned")
    let records = dir.appendingPathComponent("cat.jsonl")
    try Data((#"{"context": "The cat sleeps in the kitchen.", "question": "Where does the cat sleep?", "answer": "kitchen"}"# + "\n"
              + #"{"context": "The cat sleeps in the garden.", "question": "Where does the cat sleep?", "answer": "garden"}"#).utf8).write(to: records)
    let fine = try run("rmt-train", ["--model", model.path, "--task", "custom:" + records.path, "--max-segments", "1", "--max-steps-per-stage", "2",
                                     "--eval-every", "2", "--eval-samples", "2", "--batch-size", "2", "--out", tuned.path])
    #expect(fine.status == 0, "\(fine.stderr)")
    let union = try #require(try domain(tuned.appendingPathComponent("model")))
    #expect(union["tasks"] as? [String] == ["detect-distract", "reasoning", "custom"])
    #expect(union["question_forms"] as? [String] == ["Where is {actor}?", "What is {direction} of the {room}?",
                                                     "What is the {room} {direction} of?", "Where does the cat sleep?"])
    #expect((union["slots"] as? [String: [String]])?["direction"] == ["north", "south", "east", "west"])
}

@Test func exportNarrowsTheRecordedDomainToTheTasksGiven() throws {
    let dir = try scratchFolder("domain-narrow")
    defer { try? FileManager.default.removeItem(at: dir) }
    let narrowed = dir.appendingPathComponent("narrowed")
    let r = try run("rmt-tool", ["export", defaultModel, "--out", narrowed.path, "--float16", "--domain-tasks", "memorize,detect-distract"])
    #expect(r.status == 0, "\(r.stderr)")
    let recorded = try #require(try domain(narrowed))
    #expect(recorded["tasks"] as? [String] == ["memorize", "detect-distract"])
    #expect(recorded["question_forms"] as? [String] == ["Where is {actor}?"])
    // rmt-ask checks questions against the narrowed domain.
    let doc = dir.appendingPathComponent("doc.txt")
    try Data("Mary went to the garden. The milk was cold.".utf8).write(to: doc)
    let inside = try run("rmt-ask", [doc.path, "-q", "Where is Mary?", "--model", narrowed.path, "--json"])
    #expect(try json(inside.stdout)["in_domain"] as? Bool == true, "\(inside.stdout)\(inside.stderr)")
    let outside = try run("rmt-ask", [doc.path, "-q", "Where is the milk?", "--model", narrowed.path, "--json"])
    #expect(try json(outside.stdout)["in_domain"] as? Bool == false && outside.stderr.contains("matches none"), "\(outside.stderr)")

    // A task the model does not record, an unknown task name, a model without a domain: one
    // line, non-zero, nothing written.
    let refused = dir.appendingPathComponent("refused")
    let wider = try run("rmt-tool", ["export", defaultModel, "--out", refused.path, "--domain-tasks", "memorize,memorize-distract:2"])
    #expect(wider.status != 0 && wider.stderr.split(separator: "\n").count == 1, "\(wider.stderr)")
    #expect(wider.stderr.contains("--domain-tasks: memorize-distract:2 is not among the tasks the model records (memorize, "), "\(wider.stderr)")
    let unknown = try run("rmt-tool", ["export", defaultModel, "--out", refused.path, "--domain-tasks", "memorise"])
    #expect(unknown.status != 0 && unknown.stderr.split(separator: "\n").count == 1 && unknown.stderr.contains("unknown task"), "\(unknown.stderr)")
    let none = try run("rmt-tool", ["export", fixture("tiny-rmt").path, "--out", refused.path, "--domain-tasks", "memorize"])
    #expect(none.status != 0 && none.stderr.contains("records no question domain"), "\(none.stderr)")
    #expect(!FileManager.default.fileExists(atPath: refused.path))
}
