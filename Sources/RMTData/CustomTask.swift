// CustomTask: question answering over user data in JSON Lines. Each non-blank line is an object
//   {"context": "...", "question": "...", "answer": "..."}  or
//   {"context_file": "path", "question": "...", "answer": "..."}
// (a relative context_file is resolved against the .jsonl file's folder). The context is hidden
// in noise as one block at a random sentence boundary; the labels are the sorted set of answers
// in the file, or the labels given. Its question forms are its distinct questions, literally (at
// most `maximumQuestionForms`; a file with more records no domain).
import Foundation
import RMTBase

/// `custom`: records from a JSON Lines file.
public struct CustomTask: MemoryTask {
    /// One question about one context.
    public struct Record: Sendable, Equatable {
        /// The text that holds the answer (whitespace collapsed to single spaces).
        public var context: String
        public var question: String
        public var answer: String

        public init(context: String, question: String, answer: String) {
            self.context = context
            self.question = question
            self.answer = answer
        }
    }

    /// The file the records came from (`<records>` when built from records).
    public let file: String
    public let records: [Record]
    public let labels: [String]
    public var name: String { "custom" }

    /// Reads a JSON Lines file.
    /// - Parameter labels: the label set in classifier order; nil = the sorted set of answers.
    /// - Throws: `DataError` naming the file (and the line) when the file cannot be read, a line is
    ///   not a JSON object with string `question`, `answer` and exactly one of `context` /
    ///   `context_file`, a context file cannot be read, an answer is not one of `labels`, or the
    ///   file has no records.
    public init(file: String, labels: [String]? = nil) throws {
        guard FileManager.default.isReadableFile(atPath: file),
              let data = FileManager.default.contents(atPath: file) else {
            throw DataError(file, "cannot be read")
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        var records: [Record] = []
        var lineNumber = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            records.append(try Self.parse(Data(line), file: file, line: lineNumber, folder: folder))
        }
        try self.init(records: records, labels: labels, file: file)
    }

    /// Records given directly.
    /// - Throws: `DataError` when there are none, a field is empty or an answer is not a label.
    public init(records: [Record], labels: [String]? = nil) throws {
        try self.init(records: records, labels: labels, file: "<records>")
    }

    private init(records: [Record], labels: [String]?, file: String) throws {
        guard !records.isEmpty else { throw DataError(file, "no records") }
        for (index, record) in records.enumerated()
        where record.context.isEmpty || record.question.isEmpty || record.answer.isEmpty {
            throw DataError(file, "record \(index + 1) has an empty context, question or answer")
        }
        let labelSet = labels ?? Array(Set(records.map(\.answer))).sorted()
        guard !labelSet.isEmpty, Set(labelSet).count == labelSet.count else {
            throw DataError(file, "the labels must be non-empty and distinct")
        }
        let known = Set(labelSet)
        if let bad = records.firstIndex(where: { !known.contains($0.answer) }) {
            throw DataError(file, "record \(bad + 1): answer \"\(records[bad].answer)\" is not one of the labels")
        }
        self.file = file
        self.records = records
        self.labels = labelSet
    }

    /// The most distinct questions a custom task lists as its question forms (a model's
    /// config.json stays small and matching fast); a file with more records no domain.
    public static let maximumQuestionForms = 1000

    /// The distinct questions, in file order, each a form without slots; nil when there are
    /// more than `maximumQuestionForms`.
    public var questionDomain: QuestionDomain? {
        var seen = Set<String>()
        let questions = records.map(\.question).filter { seen.insert($0).inserted }
        guard questions.count <= Self.maximumQuestionForms else { return nil }
        return QuestionDomain(tasks: [name], questionForms: questions.map(QuestionDomain.literal))
    }

    public func makeEpisode(using g: inout SplitMix64) -> Episode {
        let record = records[g.below(records.count)]
        return Episode(task: name, facts: [record.context], placement: .spread, question: record.question,
                       answer: record.answer, label: labels.firstIndex(of: record.answer)!)
    }

    private static func parse(_ line: Data, file: String, line number: Int, folder: URL) throws -> Record {
        func fail(_ problem: String) -> DataError { DataError(file, line: number, problem) }
        guard let object = try? JSONSerialization.jsonObject(with: line, options: [.fragmentsAllowed]) else {
            throw fail("not valid JSON")
        }
        guard let fields = object as? [String: Any] else { throw fail("expected a JSON object") }
        func string(_ key: String) throws -> String? {
            guard let value = fields[key] else { return nil }
            guard let text = value as? String else { throw fail("\"\(key)\" must be a string") }
            return text
        }
        guard let question = try string("question")?.trimmingCharacters(in: .whitespacesAndNewlines), !question.isEmpty else {
            throw fail("missing or empty \"question\"")
        }
        guard let answer = try string("answer")?.trimmingCharacters(in: .whitespacesAndNewlines), !answer.isEmpty else {
            throw fail("missing or empty \"answer\"")
        }
        let inline = try string("context"), path = try string("context_file")
        let raw: String
        switch (inline, path) {
        case (let text?, nil):
            raw = text
        case (nil, let path?):
            guard !path.isEmpty else { throw fail("empty \"context_file\"") }
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path)
            guard FileManager.default.isReadableFile(atPath: url.path),
                  let bytes = FileManager.default.contents(atPath: url.path) else {
                throw fail("context_file \(url.path): cannot be read")
            }
            raw = String(decoding: bytes, as: UTF8.self)
        case (nil, nil):
            throw fail("needs \"context\" or \"context_file\"")
        default:
            throw fail("has both \"context\" and \"context_file\"")
        }
        let context = collapseWhitespace(raw)
        guard !context.isEmpty else { throw fail("empty context") }
        return Record(context: context, question: question, answer: answer)
    }

    /// Whitespace runs (line breaks included) become one space; the ends are trimmed.
    static func collapseWhitespace(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.value < 0x20 {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            }
        }
        return String(out)
    }
}
