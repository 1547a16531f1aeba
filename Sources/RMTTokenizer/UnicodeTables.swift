// UnicodeTables: per-code-point character classes for the BERT normalizer and pre-tokenizer,
// decoded once from the generated UnicodeTableData.swift into flat read-only memory.
//
// Every code point has a flag byte (dropped by clean_text, mapped to a space, CJK ideograph,
// punctuation, pre-tokenizer whitespace, has an uncased program, Hangul syllable). Code points that
// the uncased pipeline changes (NFD decomposition, accent strip, lowercase, combining-class
// reordering) have a small "program" of UInt32 words: see `UncasedStep`.
// This file is lookups only; how the steps are chained lives in Normalizer.swift.
import Foundation

/// Flag bits of a code point; keep in sync with Fixtures/gen/gen_tokenizer_goldens.py.
struct CharFlags: OptionSet {
    let rawValue: UInt8
    /// Removed by clean_text (NUL, U+FFFD, control/format/private-use/unassigned "other").
    static let dropped = CharFlags(rawValue: 1)
    /// Replaced by a space by clean_text (whitespace, including \t \n \r).
    static let whitespace = CharFlags(rawValue: 2)
    /// A CJK ideograph: clean text puts spaces around it.
    static let cjk = CharFlags(rawValue: 4)
    /// Punctuation for the pre-tokenizer (isolated as a word of its own).
    static let punctuation = CharFlags(rawValue: 8)
    /// Whitespace for the pre-tokenizer (a word boundary, removed).
    static let splitSpace = CharFlags(rawValue: 16)
    /// The uncased pipeline changes this code point: run its program.
    static let hasProgram = CharFlags(rawValue: 32)
    /// A precomposed Hangul syllable: decomposes into conjoining jamo (algorithmically).
    static let hangulSyllable = CharFlags(rawValue: 64)
}

/// One word of an uncased program: what NFD + strip accents + lowercase make of one code point.
enum UncasedStep {
    /// Flush pending non-starters, then emit `scalar` (already lowercased).
    static let emit: UInt32 = 0
    /// Flush pending non-starters only (a dropped starter, e.g. a variation selector).
    static let flush: UInt32 = 1
    /// Queue a kept non-starter `scalar` with combining class `(word >> 21) & 0xFF` for reordering.
    static let push: UInt32 = 2

    @inline(__always) static func kind(_ word: UInt32) -> UInt32 { word >> 29 }
    @inline(__always) static func scalar(_ word: UInt32) -> UInt32 { word & 0x1F_FFFF }
    @inline(__always) static func combiningClass(_ word: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: word >> 21) }
}

/// The decoded tables: immutable after creation, shared by every tokenizer (never freed).
final class UnicodeTables: @unchecked Sendable {
    static let shared = UnicodeTables()

    private let blockShift: Int
    private let blockMask: Int
    private let flagIndex: UnsafePointer<UInt16>
    private let flagBlocks: UnsafePointer<UInt8>
    private let programIndex: UnsafePointer<UInt16>
    private let programBlocks: UnsafePointer<UInt16>
    /// Program words; `programs[offset]` is the step count, the steps follow.
    let programs: UnsafePointer<UInt32>
    /// Which tokenizers version the tables were probed from.
    let referenceVersion = UnicodeTableData.referenceVersion

    private init() {
        let size = UnicodeTableData.blockSize
        blockShift = size.trailingZeroBitCount
        blockMask = size - 1
        flagIndex = Self.decode(UnicodeTableData.flagBlockIndex, as: UInt16.self)
        flagBlocks = Self.decode(UnicodeTableData.flagBlocks, as: UInt8.self)
        programIndex = Self.decode(UnicodeTableData.programBlockIndex, as: UInt16.self)
        programBlocks = Self.decode(UnicodeTableData.programBlocks, as: UInt16.self)
        programs = Self.decode(UnicodeTableData.programs, as: UInt32.self)
    }

    /// Flags of a scalar value (< 0x110000).
    @inline(__always)
    func flags(_ scalar: UInt32) -> CharFlags {
        let value = Int(scalar)
        let block = Int(flagIndex[value >> blockShift])
        return CharFlags(rawValue: flagBlocks[(block << blockShift) | (value & blockMask)])
    }

    /// Offset of a scalar's program in `programs` (0 when it has none).
    @inline(__always)
    func programOffset(_ scalar: UInt32) -> Int {
        let value = Int(scalar)
        let block = Int(programIndex[value >> blockShift])
        return Int(programBlocks[(block << blockShift) | (value & blockMask)])
    }

    /// Decodes a base64 table (little-endian words) into memory that lives as long as the process.
    private static func decode<Word: FixedWidthInteger>(_ base64: String, as: Word.Type) -> UnsafePointer<Word> {
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters),
              data.count % MemoryLayout<Word>.size == 0 else {
            fatalError("UnicodeTableData is corrupt; regenerate it with gen_tokenizer_goldens.py tables")
        }
        let count = data.count / MemoryLayout<Word>.size
        let words = UnsafeMutablePointer<Word>.allocate(capacity: max(count, 1))
        data.withUnsafeBytes { raw in
            for index in 0..<count {
                words[index] = Word(littleEndian: raw.loadUnaligned(fromByteOffset: index * MemoryLayout<Word>.size, as: Word.self))
            }
        }
        return UnsafePointer(words)
    }
}
