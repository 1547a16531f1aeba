// StreamingTests: IncrementalTokenizer fed in random chunks (cut inside words, inside multi-byte
// characters, between CR and LF, inside special tokens) gives exactly the whole-text ids, and its
// held-back state stays bounded on pathological input (a huge word, a huge run of marks).
import Foundation
import Testing
import RMTTokenizer

@Suite("Streaming tokenization")
struct StreamingTests {
    /// Texts that stress chunk edges; the golden texts are added in the tests.
    static let edgeTexts: [String] = [
        "Hello,\r\nworld!\r\n\r\nCRLF\rCR\nLF",
        "café naïve 😀👍🏽 👨‍👩‍👧 中文字符 한국어 İstanbul Straße ﬁne",
        "e\u{301}\u{302}\u{1D16D}\u{1D165}x a\u{1D165}\u{1D16D}\u{1D165}\u{301}b",
        String(repeating: "antidisestablishmentarianism", count: 9) + " short " + String(repeating: "é", count: 150),
        "[CLS] a[SEP]b [CL[SEP] [MAS [MASK] [ [",
        "tab\there\u{00A0}nbsp\u{3000}ideographic\u{2028}ls",
    ]

    static func allTexts(lowercase: Bool) -> [String] {
        edgeTexts + Fixtures.goldens(lowercase: lowercase).cases.map(\.text)
    }

    @Test("random chunkings equal the whole text", arguments: [true, false])
    func randomChunks(lowercase: Bool) {
        let tokenizer = Fixtures.tokenizer(lowercase: lowercase)
        var rng = SeededGenerator(seed: lowercase ? 1 : 2)
        for text in Self.allTexts(lowercase: lowercase) {
            let bytes = Array(text.utf8)
            let whole = tokenizer.encode(utf8: bytes)
            for maxChunk in [1, 2, 3, 5, 8, 64] {
                let ids = streamed(bytes, tokenizer: tokenizer, maxChunk: maxChunk, rng: &rng)
                #expect(ids == whole, "max chunk \(maxChunk): \(text.prefix(40).debugDescription)")
            }
        }
    }

    @Test("random bytes (ill-formed UTF-8 included): chunked equals whole", arguments: [true, false])
    func randomBytes(lowercase: Bool) {
        let tokenizer = Fixtures.tokenizer(lowercase: lowercase)
        var rng = SeededGenerator(seed: 99)
        let alphabet: [[UInt8]] = [[0x61], [0x20], [0x0D, 0x0A], [0x2E], [0x5B], [0x43, 0x4C, 0x53, 0x5D],
                                   [0xC3, 0xA9], [0xE2, 0x82], [0xF0, 0x9F, 0x98, 0x80], [0xCC, 0x81],
                                   [0xFF], [0x80], [0x00], [0xED, 0xA0, 0x80], [0xE4, 0xB8, 0xAD]]
        for _ in 0..<300 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...80, using: &rng) {
                bytes += alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
            }
            let whole = tokenizer.encode(utf8: bytes)
            let ids = streamed(bytes, tokenizer: tokenizer, maxChunk: 4, rng: &rng)
            #expect(ids == whole, "\(bytes)")
        }
    }

    @Test("the >100k-token text, streamed in 1..4096-byte chunks")
    func bigTextStreamed() {
        let goldens = Fixtures.uncasedGoldens
        let text = bigText(texts: goldens.cases.map(\.text), seed: goldens.big_text.seed, pieces: goldens.big_text.pieces)
        var rng = SeededGenerator(seed: 7)
        let ids = streamed(Array(text.utf8), tokenizer: Fixtures.uncased, maxChunk: 4096, rng: &rng)
        #expect(ids.count == goldens.big_text.count)
        #expect(fnv1a(ids) == goldens.big_text.fnv1a64)
    }

    @Test("a 20 MB word without whitespace is one [UNK], with bounded state")
    func hugeWordIsBounded() {
        let stream = Fixtures.uncased.makeIncrementalTokenizer()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 16) + Array("é😀".utf8)
        var ids: [Int32] = []
        var maxBuffered = 0
        for _ in 0..<300 {
            stream.feed(chunk, into: &ids)
            maxBuffered = max(maxBuffered, stream.bufferedByteCount)
        }
        #expect(ids.isEmpty)
        stream.feed(Array(" next".utf8), into: &ids)
        stream.finish(into: &ids)
        #expect(ids == [Fixtures.vocabulary.unknownID, Fixtures.vocabulary.id(for: "next")!])
        #expect(maxBuffered <= 512)
    }

    @Test("a huge run of combining marks keeps bounded state", arguments: [true, false])
    func hugeMarkRun(lowercase: Bool) {
        let tokenizer = Fixtures.tokenizer(lowercase: lowercase)
        let stream = tokenizer.makeIncrementalTokenizer()
        let marks = String(repeating: "\u{1D16D}\u{301}\u{1D165}", count: 5000)
        var ids: [Int32] = []
        var maxBuffered = 0
        for _ in 0..<40 {
            stream.feed(Array(("x" + marks).utf8), into: &ids)
            maxBuffered = max(maxBuffered, stream.bufferedByteCount)
        }
        stream.finish(into: &ids)
        #expect(ids == [Fixtures.vocabulary.unknownID])
        #expect(maxBuffered <= 1024)
    }

    @Test("finish resets for the next text; counters accumulate")
    func finishResets() {
        let stream = Fixtures.uncased.makeIncrementalTokenizer()
        let first = stream.feed(Array("hello wor".utf8)) + stream.finish()
        let second = stream.feed([0xE2, 0x82]) + stream.finish() + stream.feed(Array("ld\0".utf8)) + stream.finish()
        #expect(first == Fixtures.uncased.encode("hello wor"))
        #expect(second == Fixtures.uncased.encode("ld"))
        #expect(stream.invalidSequenceCount == 1)
        #expect(stream.nulByteCount == 1)
        #expect(stream.byteCount == 14)
    }

    @Test("special tokens can be turned off")
    func specialsOff() {
        let plain = BertTokenizer(vocabulary: Fixtures.vocabulary, lowercase: true, matchesSpecialTokens: false)
        #expect(plain.tokens(for: plain.encode("a[CLS]b")) == ["a", "[", "cl", "##s", "]", "b"])
        #expect(Fixtures.uncased.tokens(for: Fixtures.uncased.encode("a[CLS]b")) == ["a", "[CLS]", "b"])
    }
}
