// Custom JSON Lines tasks: good files, context files, labels, and errors naming file and line.
import Foundation
import RMTBase
import RMTData
import Testing

@Suite struct CustomTaskTests {
    @Test func parsesContextsAndContextFiles() throws {
        let task = TestData.customTask
        #expect(task.records.count == 3)
        #expect(task.labels == ["blue", "oak", "red"])
        #expect(task.records[2].context == "The treasure was hidden under the old oak tree behind the chapel.")
        #expect(task.name == "custom")
        var g = SplitMix64(seed: 1)
        for _ in 0..<50 {
            let e = task.makeEpisode(using: &g)
            #expect(e.facts.count == 1)
            #expect(task.labels[e.label] == e.answer)
            #expect(independentAnswer(e) == e.answer)
        }
    }

    @Test func givenLabelsAndWhitespace() throws {
        let folder = try TestData.temporaryFolder()
        let file = folder.appendingPathComponent("t.jsonl")
        try """
            {"context": "Line one\\n   and   two.", "question": " Q? ", "answer": "yes"}

            {"context": "Another.", "question": "Q2?", "answer": "no", "extra": 1}\r
            """.write(to: file, atomically: true, encoding: .utf8)
        let task = try CustomTask(file: file.path, labels: ["no", "yes", "maybe"])
        #expect(task.labels == ["no", "yes", "maybe"])
        #expect(task.records[0] == CustomTask.Record(context: "Line one and two.", question: "Q?", answer: "yes"))
        #expect(throws: DataError.self) { try CustomTask(file: file.path, labels: ["maybe"]) }
    }

    @Test(arguments: [
        (#"{"context": "x", "question": "q"}"#, "answer"),
        (#"{"context": "x", "answer": "a"}"#, "question"),
        (#"{"question": "q", "answer": "a"}"#, "context"),
        (#"{"context": "x", "context_file": "y", "question": "q", "answer": "a"}"#, "both"),
        (#"{"context": 3, "question": "q", "answer": "a"}"#, "string"),
        (#"{"context_file": "missing.txt", "question": "q", "answer": "a"}"#, "cannot be read"),
        (#"not json"#, "JSON"),
        (#"[1, 2]"#, "object"),
        (#"{"context": "   ", "question": "q", "answer": "a"}"#, "empty"),
    ])
    func badLinesNameFileAndLine(line: String, mention: String) throws {
        let folder = try TestData.temporaryFolder()
        let file = folder.appendingPathComponent("bad.jsonl")
        let good = #"{"context": "Fine.", "question": "Q?", "answer": "A"}"#
        try [good, "", line].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try CustomTask(file: file.path)
            Issue.record("expected an error for \(line)")
        } catch let error as DataError {
            #expect(error.path == file.path)
            #expect(error.line == 3)
            #expect(error.description.hasPrefix("\(file.path):3: "))
            #expect(error.description.contains(mention), "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func missingAndEmptyFiles() throws {
        let folder = try TestData.temporaryFolder()
        #expect(throws: DataError.self) { try CustomTask(file: folder.appendingPathComponent("none.jsonl").path) }
        let empty = folder.appendingPathComponent("empty.jsonl")
        try "\n\n".write(to: empty, atomically: true, encoding: .utf8)
        #expect(throws: DataError.self) { try CustomTask(file: empty.path) }
        #expect(throws: DataError.self) { try CustomTask(records: []) }
    }

    @Test func catalogCustomSyntax() throws {
        let folder = try TestData.temporaryFolder()
        let file = folder.appendingPathComponent("c.jsonl")
        try #"{"context": "Fine.", "question": "Q?", "answer": "A"}"#.write(to: file, atomically: true, encoding: .utf8)
        #expect(try TaskCatalog.task(named: "custom:\(file.path)").labels == ["A"])
        #expect(try TaskCatalog.task(named: "custom", customFile: file.path).name == "custom")
    }

    /// What a run folder records: a custom task's file absolute and standard, other names as given.
    @Test func customFilesRecordedAbsolute() throws {
        let base = URL(fileURLWithPath: "/work/runs", isDirectory: true)
        #expect(TaskCatalog.absoluteFiles(in: "custom:data/facts.jsonl", relativeTo: base) == "custom:/work/runs/data/facts.jsonl")
        #expect(TaskCatalog.absoluteFiles(in: "custom:../facts.jsonl", relativeTo: base) == "custom:/work/facts.jsonl")
        #expect(TaskCatalog.absoluteFiles(in: "custom:/a/./b/../c.jsonl", relativeTo: base) == "custom:/a/c.jsonl")
        #expect(TaskCatalog.absoluteFiles(in: "memorize, custom:f.jsonl,detect-distract:2", relativeTo: base)
                == "memorize,custom:/work/runs/f.jsonl,detect-distract:2")
        #expect(TaskCatalog.absoluteFiles(in: "memorize,detect", relativeTo: base) == "memorize,detect")
        #expect(TaskCatalog.absoluteFiles(in: "custom:", relativeTo: base) == "custom:")  // still refused as before
        // Absolute already: unchanged, and a second pass changes nothing.
        let once = TaskCatalog.absoluteFiles(in: "custom:data/facts.jsonl")
        #expect(once == "custom:" + FileManager.default.currentDirectoryPath + "/data/facts.jsonl")
        #expect(TaskCatalog.absoluteFiles(in: once, relativeTo: base) == once)

        // The recorded spelling reads the same file from another directory.
        let folder = try TestData.temporaryFolder()
        let file = folder.appendingPathComponent("c.jsonl")
        try #"{"context": "Fine.", "question": "Q?", "answer": "A"}"#.write(to: file, atomically: true, encoding: .utf8)
        let recorded = TaskCatalog.absoluteFiles(in: "custom:c.jsonl", relativeTo: folder)
        #expect(recorded == "custom:" + file.standardizedFileURL.path)
        #expect(try TaskCatalog.task(list: recorded).labels == ["A"])
    }
}
