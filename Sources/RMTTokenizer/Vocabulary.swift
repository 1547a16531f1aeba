// Vocabulary: a WordPiece vocabulary (vocab.txt): one token per line, id = line index.
//
// Strict on purpose: a blank line, a duplicate token, a token with surrounding whitespace, invalid
// UTF-8 or a missing [UNK] is an error (VocabularyError, one line naming file, line and problem),
// where the reference loader would silently trim, overwrite or shift ids. A single trailing line
// break at the end of the file is fine, and CRLF line breaks are accepted.
// It is not the tokenizer: BertTokenizer builds its byte-level lookup index from a Vocabulary.
import Foundation

/// A WordPiece vocabulary: token strings and their ids (the line index in vocab.txt).
public struct Vocabulary: Sendable {
    /// The tokens, indexed by id.
    public let tokens: [String]
    /// The id of `[UNK]`, which every vocabulary must contain.
    public let unknownID: Int32
    /// The id of `[CLS]`, if the vocabulary has it.
    public let clsID: Int32?
    /// The id of `[SEP]`, if the vocabulary has it.
    public let sepID: Int32?
    /// The id of `[PAD]`, if the vocabulary has it.
    public let padID: Int32?
    /// The id of `[MASK]`, if the vocabulary has it.
    public let maskID: Int32?

    private let idsByToken: [String: Int32]

    /// The number of tokens (ids are `0 ..< count`).
    public var count: Int { tokens.count }

    /// Loads a vocab.txt file: UTF-8, one token per line (LF or CRLF), id = zero-based line index.
    /// - Throws: `VocabularyError` naming the file (and the line) when the file cannot be read or
    ///   has a blank line, a duplicate token, a token with surrounding whitespace, invalid UTF-8,
    ///   or no `[UNK]` token.
    public init(contentsOf url: URL) throws {
        try self.init(data: try VocabularyError.readFile(url), file: url.path)
    }

    /// Parses vocab.txt bytes read from `file` (named in errors).
    init(data: Data, file: String) throws {
        try self.init(lines: Vocabulary.splitLines(data, file: file), file: file)
    }

    /// Builds a vocabulary from tokens in id order (token `i` gets id `i`).
    /// - Throws: `VocabularyError` (file `<tokens>`, line = index + 1) for an empty token, a token
    ///   containing a line break or surrounding whitespace, a duplicate, or no `[UNK]`.
    public init(tokens: [String]) throws {
        for (index, token) in tokens.enumerated() where token.contains(where: \.isNewline) {
            throw VocabularyError(file: "<tokens>", line: index + 1, problem: .lineBreakInToken)
        }
        try self.init(lines: tokens, file: "<tokens>")
    }

    private init(lines: [String], file: String) throws {
        guard lines.count <= Int(Int32.max) else {
            throw VocabularyError(file: file, line: nil, problem: .tooManyTokens)
        }
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(lines.count)
        for (index, token) in lines.enumerated() {
            let line = index + 1
            if token.isEmpty {
                throw VocabularyError(file: file, line: line, problem: .blankLine)
            }
            if token.first!.isWhitespace || token.last!.isWhitespace {
                throw VocabularyError(file: file, line: line, problem: .surroundingWhitespace(token))
            }
            if let first = ids[token] {
                throw VocabularyError(file: file, line: line,
                                      problem: .duplicate(token, firstLine: Int(first) + 1))
            }
            ids[token] = Int32(index)
        }
        guard let unknown = ids["[UNK]"] else {
            throw VocabularyError(file: file, line: nil, problem: .missingUnknownToken)
        }
        self.tokens = lines
        self.idsByToken = ids
        self.unknownID = unknown
        self.clsID = ids["[CLS]"]
        self.sepID = ids["[SEP]"]
        self.padID = ids["[PAD]"]
        self.maskID = ids["[MASK]"]
    }

    /// The id of `token`, or nil when it is not in the vocabulary.
    public func id(for token: String) -> Int32? { idsByToken[token] }

    /// The token with this id. Precondition: `0 <= id < count`.
    public func token(for id: Int32) -> String {
        precondition(id >= 0 && Int(id) < tokens.count, "token id \(id) is out of range 0..<\(tokens.count)")
        return tokens[Int(id)]
    }

    /// Splits file bytes on LF (dropping one CR before each LF and one final line break) and
    /// decodes each line as strict UTF-8.
    private static func splitLines(_ data: Data, file: String) throws -> [String] {
        var lines: [String] = []
        let bytes = [UInt8](data)
        var start = 0
        var lineNumber = 1
        func addLine(_ end: Int) throws {
            var stop = end
            if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
            guard let line = String(validating: bytes[start..<stop], as: UTF8.self) else {
                throw VocabularyError(file: file, line: lineNumber, problem: .invalidUTF8)
            }
            lines.append(line)
        }
        for index in bytes.indices where bytes[index] == 0x0A {
            try addLine(index)
            start = index + 1
            lineNumber += 1
        }
        if start < bytes.count { try addLine(bytes.count) }
        return lines
    }
}

/// Why a vocabulary could not be loaded. `description` is one line: `file:line: problem`.
public struct VocabularyError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What is wrong.
    public enum Problem: Equatable, Sendable {
        /// The file is missing, a directory or unreadable (the reason in words).
        case unreadable(String)
        /// The line is not valid UTF-8.
        case invalidUTF8
        /// The line is empty (only one line break is allowed at the very end of the file).
        case blankLine
        /// The token starts or ends with whitespace.
        case surroundingWhitespace(String)
        /// A token given to `init(tokens:)` contains a line break.
        case lineBreakInToken
        /// The token already appeared on `firstLine`.
        case duplicate(String, firstLine: Int)
        /// There is no `[UNK]` token.
        case missingUnknownToken
        /// More tokens than Int32 ids can number.
        case tooManyTokens
        /// A tokenizer.json setting this package does not implement (the setting in words).
        case unsupported(String)
        /// A tokenizer.json that is not what it should be (what is wrong, in words).
        case malformed(String)
    }

    /// The file path (or `<tokens>` for `Vocabulary(tokens:)`).
    public let file: String
    /// The one-based line number, when the problem is on a line.
    public let line: Int?
    /// What is wrong.
    public let problem: Problem

    /// An error about `file` (at `line`, when the problem is on a line).
    public init(file: String, line: Int?, problem: Problem) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return "\(place): \(problemText)"
    }

    /// The problem in words, without the place.
    public var problemText: String {
        switch problem {
        case .unreadable(let reason): return "vocabulary \(reason)"
        case .invalidUTF8: return "invalid UTF-8"
        case .blankLine: return "blank line (an empty token)"
        case .surroundingWhitespace(let token):
            return "token \(Self.quoted(token)) has leading or trailing whitespace"
        case .lineBreakInToken: return "token contains a line break"
        case .duplicate(let token, let first):
            return "duplicate token \(Self.quoted(token)) (first on line \(first))"
        case .missingUnknownToken: return "no [UNK] token"
        case .tooManyTokens: return "more tokens than Int32 ids"
        case .unsupported(let what), .malformed(let what): return what
        }
    }

    /// Reads a whole tokenizer file (a pipe is read to its end): a missing path, a folder, a
    /// device or socket (`/dev/zero` would never end) or an unreadable file is an error naming it.
    static func readFile(_ url: URL) throws -> Data {
        let name = url.path
        func fail(_ reason: String) -> VocabularyError { VocabularyError(file: name, line: nil, problem: .unreadable(reason)) }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path) else {
            throw fail(FileManager.default.fileExists(atPath: name) ? "cannot be read" : "no such file")
        }
        let type = attributes[.type] as? FileAttributeType
        if type == .typeDirectory { throw fail("is a directory") }
        if type == .typeCharacterSpecial || type == .typeBlockSpecial || type == .typeSocket {
            throw fail("is not a regular file (a device or socket)")
        }
        do { return try Data(contentsOf: url) } catch { throw fail("cannot be read") }
    }

    /// The token quoted and escaped so that the message stays on one line.
    static func quoted(_ token: String) -> String {
        var text = "\""
        for scalar in token.unicodeScalars {
            text += scalar.properties.generalCategory == .control || scalar == "\"" || scalar == "\\"
                ? scalar.escaped(asASCII: true) : String(scalar)
        }
        return text + "\""
    }
}
