// GoldenTests: BertTokenizer ids must equal Hugging Face `tokenizers` ids (Fixtures/tokenizer/
// goldens-*.json, written by Fixtures/gen/gen_tokenizer_goldens.py) for varied texts, ill-formed
// UTF-8, a >100k-token text and every Unicode scalar, uncased and cased.
import Foundation
import Testing
import RMTTokenizer

@Suite("Goldens vs Hugging Face tokenizers")
struct GoldenTests {
    @Test("text cases", arguments: [true, false])
    func textCases(lowercase: Bool) {
        let goldens = Fixtures.goldens(lowercase: lowercase)
        let tokenizer = Fixtures.tokenizer(lowercase: lowercase)
        #expect(goldens.cases.count > 300)
        for golden in goldens.cases {
            let ids = tokenizer.encode(golden.text)
            #expect(ids == golden.ids, "\(golden.name): got \(tokenizer.tokens(for: ids)) want \(tokenizer.tokens(for: golden.ids))")
        }
    }

    @Test("ill-formed UTF-8 reads as U+FFFD per maximal subpart", arguments: [true, false])
    func byteCases(lowercase: Bool) {
        let goldens = Fixtures.goldens(lowercase: lowercase)
        let tokenizer = Fixtures.tokenizer(lowercase: lowercase)
        for golden in goldens.byte_cases {
            let bytes = golden.bytes
            #expect(tokenizer.encode(utf8: bytes) == golden.ids, "\(golden.name)")
            let stream = tokenizer.makeIncrementalTokenizer()
            var ids: [Int32] = []
            for byte in bytes { stream.feed([byte], into: &ids) }
            stream.finish(into: &ids)
            #expect(ids == golden.ids, "\(golden.name) streamed byte by byte")
            #expect(stream.invalidSequenceCount == golden.invalid, "\(golden.name) invalid count")
            #expect(stream.nulByteCount == bytes.filter { $0 == 0 }.count, "\(golden.name) NUL count")
        }
    }

    @Test("a text of more than 100,000 tokens", arguments: [true, false])
    func bigTextMatches(lowercase: Bool) {
        let goldens = Fixtures.goldens(lowercase: lowercase)
        let spec = goldens.big_text
        let text = bigText(texts: goldens.cases.map(\.text), seed: spec.seed, pieces: spec.pieces)
        #expect(text.utf8.count == spec.utf8_bytes)
        let ids = Fixtures.tokenizer(lowercase: lowercase).encode(text)
        #expect(ids.count == spec.count)
        #expect(spec.count > 100_000)
        #expect(fnv1a(ids) == spec.fnv1a64)
    }

    @Test("every Unicode scalar, alone and inside a word", arguments: [true, false])
    func allCodePoints(lowercase: Bool) {
        let goldens = Fixtures.goldens(lowercase: lowercase)
        let tokenizer = Fixtures.tokenizer(lowercase: lowercase)
        let size = goldens.all_code_points.block
        for block in goldens.all_code_points.blocks {
            let ids = tokenizer.encode(utf8: allCodePointsText(block.start..<(block.start + size), inWord: block.in_word))
            let label = "block U+\(String(block.start, radix: 16)) in word: \(block.in_word)"
            #expect(ids.count == block.count, "\(label)")
            #expect(fnv1a(ids) == block.fnv1a64, "\(label)")
        }
    }

    @Test("goldens record the reference version")
    func referenceVersion() {
        #expect(!Fixtures.uncasedGoldens.tokenizers_version.isEmpty)
        #expect(Fixtures.uncasedGoldens.lowercase && !Fixtures.casedGoldens.lowercase)
    }
}
