// VocabularyTests: vocab.txt parsing (LF, CRLF, final line break) and its one-line errors
// (duplicate, blank line, surrounding whitespace, invalid UTF-8, missing [UNK], unreadable file).
import Foundation
import Testing
import RMTTokenizer

@Suite("Vocabulary")
struct VocabularyTests {
    private func write(_ bytes: [UInt8], name: String = "vocab.txt") throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-vocab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    private func error(_ text: String) throws -> VocabularyError? {
        let url = try write(Array(text.utf8))
        do { _ = try Vocabulary(contentsOf: url); return nil } catch let error as VocabularyError { return error }
    }

    @Test("the MiniLM vocab loads with its special ids")
    func miniLM() {
        let vocab = Fixtures.vocabulary
        #expect(vocab.count == 30522)
        #expect(vocab.unknownID == 100 && vocab.clsID == 101 && vocab.sepID == 102)
        #expect(vocab.padID == 0 && vocab.maskID == 103)
        #expect(vocab.id(for: "the") == 1996)
        #expect(vocab.token(for: 1996) == "the")
        #expect(vocab.id(for: "not-a-token") == nil)
    }

    @Test("LF, CRLF and a missing final line break give the same tokens")
    func lineBreaks() throws {
        for text in ["[UNK]\na\n##b\n", "[UNK]\r\na\r\n##b\r\n", "[UNK]\na\n##b"] {
            let vocab = try Vocabulary(contentsOf: write(Array(text.utf8)))
            #expect(vocab.tokens == ["[UNK]", "a", "##b"])
            #expect(vocab.clsID == nil)
        }
    }

    @Test("duplicate token")
    func duplicate() throws {
        let error = try #require(try error("[UNK]\na\nb\na\n"))
        #expect(error.line == 4)
        #expect(error.description.hasSuffix("vocab.txt:4: duplicate token \"a\" (first on line 2)"))
    }

    @Test("blank lines, including a second final line break")
    func blank() throws {
        #expect(try error("[UNK]\n\na\n")?.line == 2)
        #expect(try error("[UNK]\na\n\n")?.line == 3)
        #expect(try error("[UNK]\na\n\n")?.problem == .blankLine)
        #expect(try error("[UNK]\n\r\na\n")?.line == 2)
    }

    @Test("surrounding whitespace and invalid UTF-8")
    func malformed() throws {
        #expect(try error("[UNK]\na \n")?.problem == .surroundingWhitespace("a "))
        let url = try write([0x5B, 0x55, 0x4E, 0x4B, 0x5D, 0x0A, 0xFF, 0x0A])
        #expect(throws: VocabularyError(file: url.path, line: 2, problem: .invalidUTF8)) {
            try Vocabulary(contentsOf: url)
        }
    }

    @Test("missing [UNK]")
    func missingUnknown() throws {
        let error = try #require(try error("a\nb\n"))
        #expect(error.problem == .missingUnknownToken && error.line == nil)
        #expect(error.description.hasSuffix("vocab.txt: no [UNK] token"))
        #expect(throws: VocabularyError.self) { try Vocabulary(tokens: ["a", "b"]) }
    }

    @Test("missing file and directory: one line naming the path")
    func unreadable() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/vocab.txt")
        #expect(throws: VocabularyError(file: missing.path, line: nil, problem: .unreadable("no such file"))) {
            try Vocabulary(contentsOf: missing)
        }
        let folder = try write([0x61]).deletingLastPathComponent()
        do {
            _ = try Vocabulary(contentsOf: folder)
            Issue.record("a directory loaded as a vocabulary")
        } catch let error as VocabularyError {
            #expect(error.description == "\(folder.path): vocabulary is a directory")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("init(tokens:) checks the same rules")
    func fromTokens() throws {
        let vocab = try Vocabulary(tokens: ["[PAD]", "[UNK]", "hello", "##s"])
        #expect(vocab.unknownID == 1 && vocab.padID == 0)
        let tokenizer = BertTokenizer(vocabulary: vocab)
        #expect(tokenizer.tokens(for: tokenizer.encode("Hellos hello xyz")) == ["hello", "##s", "hello", "[UNK]"])
        #expect(throws: VocabularyError(file: "<tokens>", line: 3, problem: .duplicate("a", firstLine: 2))) {
            try Vocabulary(tokens: ["[UNK]", "a", "a"])
        }
        #expect(throws: VocabularyError(file: "<tokens>", line: 2, problem: .blankLine)) {
            try Vocabulary(tokens: ["[UNK]", ""])
        }
        #expect(throws: VocabularyError(file: "<tokens>", line: 2, problem: .lineBreakInToken)) {
            try Vocabulary(tokens: ["[UNK]", "a\nb"])
        }
    }

    @Test("decode and tokens(for:) are readable")
    func decodeHelpers() {
        let tokenizer = Fixtures.uncased
        let ids = tokenizer.encode("Tokenization works, unbelievably!")
        #expect(tokenizer.decode(ids) == "tokenization works , unbelievably !")
        #expect(tokenizer.tokens(for: [-5, 99_999]) == ["[UNK]", "[UNK]"])
    }
}
