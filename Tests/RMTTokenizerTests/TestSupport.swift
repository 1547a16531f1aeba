// TestSupport: shared helpers for the RMTTokenizer tests: locating Fixtures/, loading the vocab and
// the golden files, the FNV-1a id hash and the deterministic texts that mirror
// Fixtures/gen/gen_tokenizer_goldens.py, and a seeded random generator. No tests here.
import Foundation
import RMTTokenizer
import RMTTestSupport

enum Fixtures {
    /// The repository root (shared helper of RMTTestSupport).
    static let root: URL = RMTTestSupport.repositoryRoot()

    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    static let vocabulary: Vocabulary = {
        do { return try Vocabulary(contentsOf: url("Fixtures/tokenizer/vocab.txt")) } catch {
            fatalError("cannot load the test vocabulary: \(error)")
        }
    }()
    static let uncased = BertTokenizer(vocabulary: vocabulary, lowercase: true)
    static let cased = BertTokenizer(vocabulary: vocabulary, lowercase: false)

    static func tokenizer(lowercase: Bool) -> BertTokenizer { lowercase ? uncased : cased }

    static let uncasedGoldens = loadGoldens("uncased")
    static let casedGoldens = loadGoldens("cased")

    static func goldens(lowercase: Bool) -> Goldens { lowercase ? uncasedGoldens : casedGoldens }

    private static func loadGoldens(_ kind: String) -> Goldens {
        do {
            let data = try Data(contentsOf: url("Fixtures/tokenizer/goldens-\(kind).json"))
            return try JSONDecoder().decode(Goldens.self, from: data)
        } catch {
            fatalError("cannot load goldens-\(kind).json: \(error)")
        }
    }
}

/// The golden file written by gen_tokenizer_goldens.py.
struct Goldens: Decodable, Sendable {
    struct TextCase: Decodable, Sendable { let name: String; let text: String; let ids: [Int32] }
    struct ByteCase: Decodable, Sendable {
        let name: String; let hex: String; let invalid: Int; let ids: [Int32]
        var bytes: [UInt8] {
            var out: [UInt8] = []
            var index = hex.startIndex
            while index < hex.endIndex {
                let next = hex.index(index, offsetBy: 2)
                out.append(UInt8(hex[index..<next], radix: 16)!)
                index = next
            }
            return out
        }
    }
    struct BigText: Decodable, Sendable {
        let seed: UInt64; let pieces: Int; let utf8_bytes: Int; let count: Int; let fnv1a64: String
    }
    struct CodePointBlock: Decodable, Sendable { let start: Int; let in_word: Bool; let count: Int; let fnv1a64: String }
    struct AllCodePoints: Decodable, Sendable { let block: Int; let blocks: [CodePointBlock] }

    let tokenizers_version: String
    let lowercase: Bool
    let cases: [TextCase]
    let byte_cases: [ByteCase]
    let big_text: BigText
    let all_code_points: AllCodePoints
}

/// FNV-1a 64 over the ids as little-endian Int32 bytes (as in the generator), in hex.
func fnv1a(_ ids: [Int32]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for id in ids {
        var value = UInt32(bitPattern: id)
        for _ in 0..<4 {
            hash = (hash ^ UInt64(value & 0xFF)) &* 0x0000_0100_0000_01B3
            value >>= 8
        }
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

/// The generator's big text: case texts picked by a 64-bit LCG, joined by picked separators.
func bigText(texts: [String], seed: UInt64, pieces: Int) -> String {
    let separators = [" ", "\n", "\r\n", "\t", ""]
    var state = seed
    var out = ""
    for _ in 0..<pieces {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        out += texts[Int((state >> 33) % UInt64(texts.count))]
        out += separators[Int((state >> 17) % UInt64(separators.count))]
    }
    return out
}

/// Every scalar in `range` (surrogates skipped) as UTF-8, as the generator writes it: alone and
/// followed by a space, or (`inWord`) as "a" + scalar + U+0301 U+1D165 + "b ".
func allCodePointsText(_ range: Range<Int>, inWord: Bool) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(range.count * (inWord ? 13 : 5))
    for value in range where !(0xD800...0xDFFF).contains(value) {
        if inWord { out.append(UInt8(ascii: "a")) }
        out.append(contentsOf: String(Character(Unicode.Scalar(UInt32(value))!)).utf8)
        if inWord { out.append(contentsOf: "\u{0301}\u{1D165}b".utf8) }
        out.append(0x20)
    }
    return out
}

/// SplitMix64: a small seeded generator for reproducible property tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Tokenizes `bytes` through an IncrementalTokenizer fed in chunks of random sizes in 1...maxChunk.
func streamed(_ bytes: [UInt8], tokenizer: BertTokenizer, maxChunk: Int, rng: inout SeededGenerator) -> [Int32] {
    let stream = tokenizer.makeIncrementalTokenizer()
    var ids: [Int32] = []
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + Int.random(in: 1...maxChunk, using: &rng))
        stream.feed(bytes[start..<end], into: &ids)
        start = end
    }
    stream.finish(into: &ids)
    return ids
}
