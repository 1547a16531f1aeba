// Noise prose: the sentence rule, task-word filtering, errors naming the path, built-in prose.
import Foundation
import Testing
import RMTData
import RMTTokenizer

@Suite struct NoiseTests {
    @Test func sentenceRule() {
        let text = """
            CHAPTER I


            It was a truth universally acknowledged, that a single man
            in possession of a good fortune, must be in want of a wife. Mr. Bennet
            said nothing!   "Is it true?" asked she. "Yes." Then J. Smith came in;
            and all was well...
            Very well indeed (he thought.) The end. "No." So did I. "Mr. Smith?"

            Hi there, friend.
            """
        #expect(ProseNoise.sentences(in: text) == [
            "It was a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
            "Mr. Bennet said nothing!",
            "\"Is it true?\" asked she.",
            "Then J. Smith came in; and all was well...",
            "Very well indeed (he thought.)",
            "So did I.",
            "Hi there, friend.",
        ])
    }

    @Test func longSentencesAreCapped() {
        let words = (0..<400).map { "word\($0)" }.joined(separator: " ") + "."
        let sentences = ProseNoise.sentences(in: words)
        #expect(sentences.count > 1)
        for s in sentences { #expect(s.unicodeScalars.count <= ProseNoise.maximumSentenceCharacters) }
        #expect(sentences.joined(separator: " ") == words)
    }

    @Test func reservedWords() {
        for text in ["Mary's hat.", "the KITCHEN, then", "two offices", "john", "An apple a day", "Milk."] {
            #expect(TaskWords.containsReservedWord(text), "\(text)")
        }
        for text in ["Maryland", "an officer", "gardener's", "Johnson", "kitchenette", "pineapple", "footballer"] {
            #expect(!TaskWords.containsReservedWord(text), "\(text)")
        }
    }

    static func prose(_ count: Int, extra: [String] = []) -> String {
        (0..<count).map { "The weather on day number \($0) was grey and very quiet, and nobody in the whole village went out before the evening." }.joined(separator: " ")
            + " " + extra.joined(separator: " ")
    }

    @Test func sentencesWithTaskWordsAreSkipped() throws {
        let noise = try ProseNoise(text: Self.prose(30, extra: ["Mary went out.", "The garden was green.", "A fine office!", "He said [SEP] twice."]))
        #expect(noise.count == 30)
        #expect(noise.skippedSentences == 4)
        for sentence in noise.sentences { #expect(!TaskWords.containsReservedWord(sentence)) }
    }

    @Test func readsFilesFoldersAndInvalidUTF8() throws {
        let folder = try TestData.temporaryFolder()
        let sub = folder.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        var bytes = Array(Self.prose(25).utf8)
        bytes.insert(0xFF, at: 10)  // invalid UTF-8 becomes U+FFFD
        try Data(bytes).write(to: sub.appendingPathComponent("b.txt"))
        try Self.prose(25).write(to: folder.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        try "ignored".write(to: folder.appendingPathComponent("notes.md"), atomically: true, encoding: .utf8)
        let noise = try ProseNoise(paths: [folder.path])
        #expect(noise.files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["a.txt", "b.txt"])
        #expect(noise.count == 50)
        #expect(noise[25].contains("\u{FFFD}"))
        let corpus = try NoiseCorpus(prose: noise, tokenizer: TestData.tokenizer)
        #expect(corpus.sentenceCount == 50)
        #expect(Array(corpus.sentenceTokens(0)) == TestData.tokenizer.encode(corpus.sentenceText(0)))
    }

    /// Expects `body` to throw a one-line DataError that names `path`.
    func expectError(naming path: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected an error naming \(path)")
        } catch let error as DataError {
            #expect(error.description.contains(path), "\(error)")
            #expect(!error.description.contains("\n"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func errorsNameThePath() throws {
        let folder = try TestData.temporaryFolder()
        let missing = folder.appendingPathComponent("missing.txt").path
        expectError(naming: missing) { _ = try ProseNoise(paths: [missing]) }

        let emptyFolder = folder.appendingPathComponent("nothing")
        try FileManager.default.createDirectory(at: emptyFolder, withIntermediateDirectories: true)
        try "x".write(to: emptyFolder.appendingPathComponent("x.md"), atomically: true, encoding: .utf8)
        expectError(naming: emptyFolder.path) { _ = try ProseNoise(paths: [emptyFolder.path]) }

        let empty = folder.appendingPathComponent("empty.txt")
        _ = FileManager.default.createFile(atPath: empty.path, contents: Data())
        expectError(naming: empty.path) { _ = try ProseNoise(paths: [empty.path]) }

        let binary = folder.appendingPathComponent("binary.txt")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: binary)
        expectError(naming: binary.path) { _ = try ProseNoise(paths: [binary.path]) }

        let short = folder.appendingPathComponent("short.txt")
        try Self.prose(5).write(to: short, atomically: true, encoding: .utf8)
        expectError(naming: short.path) { _ = try ProseNoise(paths: [short.path]) }

        // Enough sentences but too few tokens.
        let terse = folder.appendingPathComponent("terse.txt")
        try (0..<25).map { _ in "It was so." }.joined(separator: " ").write(to: terse, atomically: true, encoding: .utf8)
        expectError(naming: terse.path) { _ = try NoiseCorpus(paths: [terse.path], tokenizer: TestData.tokenizer) }
    }

    @Test func builtinProseIsCleanVariedAndSeeded() {
        let sentences = BuiltinProse.sentences(count: 20_000, seed: 1)
        let banned: Set<String> = ["mary", "john", "daniel", "sandra", "bathroom", "hallway", "garden", "office",
                                   "bedroom", "kitchen", "apple", "football", "milk"]
        for sentence in sentences {
            #expect(!TaskWords.containsReservedWord(sentence), "\(sentence)")
            let words = sentence.lowercased().split { !$0.isLetter }.map(String.init)
            #expect(!words.contains { banned.contains($0) || ($0.hasSuffix("s") && banned.contains(String($0.dropLast()))) },
                    "\(sentence)")
            #expect(sentence.first!.isUppercase || sentence.first == "\"", "\(sentence)")
            #expect([".", "!", "?"].contains(sentence.last!), "\(sentence)")
        }
        #expect(Set(sentences).count > 15_000, "varied")
        #expect(BuiltinProse.sentences(count: 50, seed: 1) == Array(sentences.prefix(50)))
        #expect(BuiltinProse.sentences(count: 50, seed: 2) != Array(sentences.prefix(50)))
        // The splitter keeps built-in sentences whole.
        for sentence in sentences.prefix(500) { #expect(ProseNoise.sentences(in: sentence) == [sentence]) }
    }

    static let corpusFolder = "/work/shared/corpus/train"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: corpusFolder)))
    func proseCorpusLoads() throws {
        let noise = try ProseNoise(paths: [Self.corpusFolder])
        #expect(noise.count > 20_000)
        for i in stride(from: 0, to: noise.count, by: 97) {
            #expect(!TaskWords.containsReservedWord(noise[i]))
            #expect(noise[i].unicodeScalars.count <= ProseNoise.maximumSentenceCharacters)
        }
    }

    @Test func fingerprintIsTheContentNotThePath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("noise-fnv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let sentences = BuiltinProse.sentences(count: 400, seed: 5)
        let a = dir.appendingPathComponent("a.txt"), b = dir.appendingPathComponent("b.txt")
        try sentences.joined(separator: " ").write(to: a, atomically: true, encoding: .utf8)
        try sentences.joined(separator: " ").write(to: b, atomically: true, encoding: .utf8)
        let tok = TestData.tokenizer
        let fromA = try NoiseCorpus(paths: [a.path], tokenizer: tok), fromB = try NoiseCorpus(paths: [b.path], tokenizer: tok)
        #expect(fromA.fingerprint == fromB.fingerprint && fromA.fingerprint.count == 16)
        // One word changed changes it; so does another built-in seed.
        var edited = sentences
        edited[200] = "The kettle sang quietly on the stove."
        try edited.joined(separator: " ").write(to: b, atomically: true, encoding: .utf8)
        #expect(try NoiseCorpus(paths: [b.path], tokenizer: tok).fingerprint != fromA.fingerprint)
        #expect(NoiseCorpus.builtin(tokenizer: tok, seed: 1).fingerprint != NoiseCorpus.builtin(tokenizer: tok, seed: 2).fingerprint)
    }
}
