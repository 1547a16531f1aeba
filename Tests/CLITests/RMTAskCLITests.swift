// rmt-ask on bad and odd inputs: real errors give one line and a non-zero exit; odd but
// valid text (NULs, invalid UTF-8, one huge line, stdin) gives an answer; the shipped models
// (Models/default without --model, Models/small-memorize with it) answer correctly; into a log
// the progress is plain lines (every RMT_PROGRESS_SECONDS), none with --quiet; --trace writes the
// answer along the document.
import Foundation
import Testing
import RMTTestSupport

let tinyModel = fixture("tiny-rmt").path

@Test func askRejectsMissingDirectoryEmptyAndBinaryInputs() throws {
    let dir = try scratchFolder("ask")
    defer { try? FileManager.default.removeItem(at: dir) }
    let empty = dir.appendingPathComponent("empty.txt")
    try Data().write(to: empty)
    let binary = dir.appendingPathComponent("blob.bin")
    try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: binary)
    for (path, phrase) in [(dir.appendingPathComponent("missing.txt").path, "no such file"), (dir.path, "is a directory"),
                           (empty.path, "empty"), (binary.path, "binary")] {
        let r = try run("rmt-ask", [path, "-q", "Where is Mary?", "--model", tinyModel])
        #expect(r.status == 1, "\(path): status \(r.status)")
        #expect(r.stderr.contains(phrase) && r.stderr.contains("rmt-ask: "), "\(r.stderr)")
        #expect(isOneLine(r.stderr.split(separator: "\n").filter { !$0.hasPrefix("warning") }.joined(separator: "\n")))
        #expect(!r.stderr.contains("Fatal error") && r.stdout.isEmpty)
    }
}

@Test func askAnswersOddButValidText() throws {
    let dir = try scratchFolder("odd")
    defer { try? FileManager.default.removeItem(at: dir) }
    var odd = Data("w5 w6 w7 w8\u{0}w9 w10 ".utf8)
    odd.append(contentsOf: [0xFF, 0xFE, 0xC3])  // invalid UTF-8
    odd.append(Data(" w11 w12".utf8))
    let oddURL = dir.appendingPathComponent("odd.txt")
    try odd.write(to: oddURL)
    let r = try run("rmt-ask", [oddURL.path, "-q", "w40 w41", "--model", tinyModel, "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("invalid UTF-8") && r.stderr.contains("NUL"))
    let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    for key in ["answer", "probability", "top", "tokens", "segments", "seconds", "tokens_per_second"] {
        #expect(obj?[key] != nil, "missing \(key)")
    }
    #expect((obj?["kernels"] as? String)?.hasPrefix("gemm=") == true, "kernels: \(obj?["kernels"] ?? "missing")")

    // One 2 MB line with no newline, read from stdin.
    let line = Data(String(repeating: "w20 w21 w22 ", count: 170_000).utf8)
    let s = try run("rmt-ask", ["-", "-q", "w40", "--model", tinyModel, "--top-k", "3"], stdin: line)
    #expect(s.status == 0, "\(s.stderr)")
    #expect(s.stdout.split(separator: "\n").count == 3)
}

@Test func askRejectsBrokenModelsAndFlags() throws {
    let dir = try scratchFolder("model")
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = dir.appendingPathComponent("doc.txt")
    try Data("w5 w6 w7".utf8).write(to: text)
    let broken = dir.appendingPathComponent("broken")
    try FileManager.default.copyItem(at: fixture("tiny-rmt"), to: broken)
    try Data("{ not json".utf8).write(to: broken.appendingPathComponent("config.json"))
    let r1 = try run("rmt-ask", [text.path, "-q", "x", "--model", broken.path])
    #expect(r1.status == 1 && r1.stderr.contains("config.json") && isOneLine(r1.stderr))
    try FileManager.default.copyItem(at: fixture("tiny-rmt/config.json"), to: dir.appendingPathComponent("c.json"))
    try FileManager.default.removeItem(at: broken.appendingPathComponent("config.json"))
    try FileManager.default.moveItem(at: dir.appendingPathComponent("c.json"), to: broken.appendingPathComponent("config.json"))
    let truncated = try Data(contentsOf: broken.appendingPathComponent("model.safetensors")).prefix(1000)
    try truncated.write(to: broken.appendingPathComponent("model.safetensors"))
    let r2 = try run("rmt-ask", [text.path, "-q", "x", "--model", broken.path])
    #expect(r2.status == 1 && r2.stderr.contains("model.safetensors") && isOneLine(r2.stderr), "\(r2.stderr)")
    let r3 = try run("rmt-ask", [text.path, "-q", "x", "--model", tinyModel, "--top-k", "0"])
    #expect(r3.status != 0 && r3.stderr.contains("--top-k"))
}

@Test func libraryTourRuns() throws {
    let dir = try scratchFolder("tour")
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = dir.appendingPathComponent("doc.txt")
    try Data((0..<60).map { "w\(5 + $0 % 90)" }.joined(separator: " ").utf8).write(to: text)
    let r = try run("rmt-library-tour", [tinyModel, text.path])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("same as one call: true"))
}

@Test func askUsesTheShippedModelFromAnyDirectory() throws {
    // Models/default is trained to answer the question asked (Docs/results.md): with no --model,
    // from a folder outside the package, rmt-ask must use it — no "untrained" warning, its seven
    // labels, the question in its domain — and answer whom the question asks about on short
    // documents (two segments, built-in prose with 10% adversarial sentences, never seen in
    // training): the right person's room among other people's facts, and `unknown` for a person
    // the document never mentions. Kept short: MiniLM reads ~3,000 tokens/s per core.
    let dir = try scratchFolder("default-model")
    defer { try? FileManager.default.removeItem(at: dir) }
    let vocab = repositoryRoot().appendingPathComponent("Models/default/vocab.txt").path
    let hay = dir.appendingPathComponent("hay.txt").path
    for (task, seed) in [("memorize-distract", "3"), ("detect-distract", "4"), ("unknown", "5")] {
        let made = try run("rmt-tool", ["haystack", "--task", task, "--tokens", "950", "--seed", seed, "--vocab", vocab,
                                        "--adversarial-rate", "0.1", "--question-layout", "every-segment", "--out", hay])
        #expect(made.status == 0, "\(made.stderr)")
        let meta = try JSONSerialization.jsonObject(with: Data(made.stdout.utf8)) as! [String: Any]
        let expected = try #require(meta["answer"] as? String)
        let distractors = meta["distractor_answers"] as? [String] ?? []
        if task == "unknown" { #expect(expected == "unknown") } else { #expect(!distractors.isEmpty, "\(made.stdout)") }
        let asked = try run("rmt-ask", [hay, "-q", meta["question"] as! String, "--json"], removing: ["RMT_MODEL"], directory: dir)
        #expect(asked.status == 0 && !asked.stderr.contains("untrained") && !asked.stderr.contains("warning"), "\(asked.stderr)")
        let answer = try JSONSerialization.jsonObject(with: Data(asked.stdout.utf8)) as! [String: Any]
        #expect(answer["labels"] as? [String] == ["bathroom", "hallway", "garden", "office", "bedroom", "kitchen", "unknown"])
        #expect(answer["in_domain"] as? Bool == true)
        #expect(answer["segments"] as? Int == meta["segments"] as? Int && answer["segments"] as? Int == 2, "\(asked.stdout) vs \(made.stdout)")
        #expect(answer["answer"] as? String == expected, "\(task): \(asked.stdout) vs \(made.stdout)")
        #expect((answer["probability"] as? Double ?? 0) > 0.9, "\(asked.stdout)")
    }
}

@Test func askAnswersWithTheSmallMemorizeModel() throws {
    // Models/small-memorize (the former default, memorize + detect) is the fast alternative:
    // with --model it answers a 20,000-token haystack (built-in prose, never seen in training).
    let dir = try scratchFolder("small-memorize-model")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = repositoryRoot().appendingPathComponent("Models/small-memorize").path
    let vocab = model + "/vocab.txt"
    let hay = dir.appendingPathComponent("hay.txt").path
    for (task, seed) in [("memorize", "3"), ("detect", "4")] {
        let made = try run("rmt-tool", ["haystack", "--task", task, "--tokens", "20000", "--seed", seed, "--vocab", vocab, "--out", hay])
        #expect(made.status == 0, "\(made.stderr)")
        let meta = try JSONSerialization.jsonObject(with: Data(made.stdout.utf8)) as! [String: Any]
        let asked = try run("rmt-ask", [hay, "-q", meta["question"] as! String, "--model", model, "--json"], removing: ["RMT_MODEL"])
        #expect(asked.status == 0 && !asked.stderr.contains("untrained"), "\(asked.stderr)")
        let answer = try JSONSerialization.jsonObject(with: Data(asked.stdout.utf8)) as! [String: Any]
        #expect(answer["answer"] as? String == meta["answer"] as? String, "\(task): \(asked.stdout) vs \(made.stdout)")
        #expect((answer["probability"] as? Double ?? 0) > 0.9)
    }
}

@Test func askLogsPlainProgressLinesAndQuietSilencesThem() throws {
    let dir = try scratchFolder("ask-progress")
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = dir.appendingPathComponent("text.txt")
    try Data((0..<400).map { "w\($0 % 50 + 5)" }.joined(separator: " ").utf8).write(to: text)
    let arguments = [text.path, "-q", "w40 w41", "--model", tinyModel]
    let logged = try run("rmt-ask", arguments, environment: ["RMT_PROGRESS_SECONDS": "0"])
    #expect(logged.status == 0, "\(logged.stderr)")
    let bars = logged.stderr.split(separator: "\n").filter { $0.hasPrefix("[") && $0.contains("tokens/s") }
    #expect(bars.count >= 2, "\(logged.stderr.debugDescription)")  // one per segment read
    #expect(!logged.stderr.contains("\r") && !logged.stderr.contains("\u{1B}"))
    let quiet = try run("rmt-ask", arguments + ["--quiet"], environment: ["RMT_PROGRESS_SECONDS": "0"])
    #expect(quiet.status == 0, "\(quiet.stderr)")
    #expect(!quiet.stderr.contains("["), "\(quiet.stderr)")  // the summary line only
    #expect(quiet.stdout == logged.stdout)
}

@Test func askTracesTheAnswerAlongTheDocument() throws {
    // --trace FILE: a line every --trace-every pieces and one at the end, the last one the answer
    // rmt-ask prints; the memory's first move is from the initial memory; bad paths and counts are
    // refused before anything is read.
    let dir = try scratchFolder("ask-trace")
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = dir.appendingPathComponent("text.txt")
    try Data((0..<400).map { "w\($0 % 50 + 5)" }.joined(separator: " ").utf8).write(to: text)
    let trace = dir.appendingPathComponent("trace.jsonl")
    func points() throws -> [[String: Any]] {
        try String(contentsOf: trace, encoding: .utf8).split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }
    let plain = try run("rmt-ask", [text.path, "-q", "w40 w41", "--model", tinyModel, "--json", "--quiet"])
    #expect(plain.status == 0, "\(plain.stderr)")
    let final = try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as! [String: Any]
    var counts: [Int] = []
    for every in [1, 2] {
        let traced = try run("rmt-ask", [text.path, "-q", "w40 w41", "--model", tinyModel, "--json", "--quiet",
                                         "--trace", trace.path, "--trace-every", String(every)])
        #expect(traced.status == 0, "\(traced.stderr)")
        let answer = try JSONSerialization.jsonObject(with: Data(traced.stdout.utf8)) as! [String: Any]
        #expect(answer["answer"] as? String == final["answer"] as? String)
        let p = try points()
        counts.append(p.count)
        let last = try #require(p.last)
        #expect(last["answer"] as? String == final["answer"] as? String, "\(last) vs \(final)")
        #expect(abs((last["probability"] as! Double) - (final["probability"] as! Double)) < 1e-6)
        #expect(last["segments"] as? Int == final["segments"] as? Int && last["tokens"] as? Int == final["tokens"] as? Int)
        let segments = p.map { $0["segments"] as! Int }
        #expect(segments == segments.sorted() && Set(segments).count == segments.count, "\(segments)")
        #expect(p.allSatisfy { ($0["memory_change"] as! Double) >= 0 && ($0["probability"] as! Double) > 0 })
        #expect(p.allSatisfy { $0["gate"] == nil }, "a model without a memory gate has no gate share")
    }
    #expect(counts[0] > counts[1] && counts[1] >= 2, "\(counts)")
    let badPath = try run("rmt-ask", [text.path, "-q", "w40", "--model", tinyModel, "--trace", dir.appendingPathComponent("no/t.jsonl").path])
    #expect(badPath.status != 0 && isOneLine(badPath.stderr) && badPath.stderr.contains("does not exist"), "\(badPath.stderr)")
    let folder = try run("rmt-ask", [text.path, "-q", "w40", "--model", tinyModel, "--trace", dir.path])
    #expect(folder.status != 0 && isOneLine(folder.stderr) && folder.stderr.contains("is a folder"), "\(folder.stderr)")
    let before = try Data(contentsOf: text)  // the input is never the trace: it would be replaced
    let onInput = try run("rmt-ask", [text.path, "-q", "w40", "--model", tinyModel, "--trace", dir.path + "/./text.txt"])
    #expect(onInput.status != 0 && isOneLine(onInput.stderr) && onInput.stderr.contains("is the input file"), "\(onInput.stderr)")
    let link = dir.appendingPathComponent("link.txt")
    try FileManager.default.linkItem(at: text, to: link)
    let onLink = try run("rmt-ask", [text.path, "-q", "w40", "--model", tinyModel, "--trace", link.path])
    #expect(onLink.status != 0 && onLink.stderr.contains("is the input file"), "\(onLink.stderr)")
    #expect(try Data(contentsOf: text) == before)
    let zero = try run("rmt-ask", [text.path, "-q", "w40", "--model", tinyModel, "--trace", trace.path, "--trace-every", "0"])
    #expect(zero.status != 0 && zero.stderr.contains("--trace-every must be at least 1"), "\(zero.stderr)")
}
