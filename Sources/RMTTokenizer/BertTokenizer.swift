// BertTokenizer: the BERT WordPiece tokenizer, id-for-id identical to Hugging Face `tokenizers`
// (BertNormalizer + BertPreTokenizer + WordPiece, as `BertWordPieceTokenizer(vocab, lowercase:)`
// builds it), without special tokens and without any length limit.
//
// This file is the public face: construction, one-shot encoding of a String or UTF-8 bytes, and
// helpers that turn ids back into tokens or readable text. The work happens in EncoderCore (text →
// words) and WordPieceModel (word → ids); IncrementalTokenizer is the streaming front end.
import Foundation

/// A BERT WordPiece tokenizer. Immutable and thread-safe; `encode` never traps on any input.
public final class BertTokenizer: Sendable {
    /// The vocabulary the ids refer to.
    public let vocabulary: Vocabulary
    /// Whether text is uncased: accents stripped (NFD, drop nonspacing marks), then lowercased.
    public let lowercase: Bool
    let engine: TokenizerEngine

    /// Whether the literal text of a special token (`[CLS]`, `[SEP]`, `[PAD]`, `[MASK]`, `[UNK]`)
    /// becomes that token's id.
    public let matchesSpecialTokens: Bool

    /// Creates a tokenizer over `vocabulary`.
    /// - Parameters:
    ///   - lowercase: true for uncased models (strip accents, then lowercase, as the reference does
    ///     when `lowercase=True`), false for cased models (neither).
    ///   - matchesSpecialTokens: true (the reference behaviour: `BertWordPieceTokenizer` registers
    ///     them as special added tokens) makes the exact, case-sensitive text `[CLS]`, `[SEP]`,
    ///     `[PAD]`, `[MASK]` or `[UNK]` anywhere in the input that token's id; false tokenizes it as
    ///     ordinary text (`[`, `cl`, `##s`, `]`), which is safer for untrusted input.
    public init(vocabulary: Vocabulary, lowercase: Bool = true, matchesSpecialTokens: Bool = true) {
        self.vocabulary = vocabulary
        self.lowercase = lowercase
        self.matchesSpecialTokens = matchesSpecialTokens
        self.engine = TokenizerEngine(vocabulary: vocabulary, lowercase: lowercase,
                                      matchesSpecialTokens: matchesSpecialTokens)
    }

    /// Loads `vocab.txt` and creates a tokenizer (see `init(vocabulary:lowercase:matchesSpecialTokens:)`).
    /// - Throws: `VocabularyError` when the file is unusable.
    public convenience init(vocabularyFile url: URL, lowercase: Bool = true, matchesSpecialTokens: Bool = true) throws {
        self.init(vocabulary: try Vocabulary(contentsOf: url), lowercase: lowercase,
                  matchesSpecialTokens: matchesSpecialTokens)
    }

    /// The ids of `text` (no `[CLS]`/`[SEP]`, no truncation).
    public func encode(_ text: String) -> [Int32] {
        var text = text
        return text.withUTF8 { encode(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// The ids of UTF-8 `bytes`. Ill-formed UTF-8 is read as U+FFFD (one per maximal subpart, as
    /// Python's `bytes.decode("utf-8", "replace")`), which the normalizer then drops.
    public func encode<Bytes: Sequence>(utf8 bytes: Bytes) -> [Int32] where Bytes.Element == UInt8 {
        if let ids = bytes.withContiguousStorageIfAvailable({ encode(utf8: UnsafeRawBufferPointer($0)) }) {
            return ids
        }
        return Array(bytes).withUnsafeBytes { encode(utf8: $0) }
    }

    /// The ids of the UTF-8 bytes in `buffer`.
    public func encode(utf8 buffer: UnsafeRawBufferPointer) -> [Int32] {
        var ids: [Int32] = []
        ids.reserveCapacity(buffer.count / 4 + 16)
        engine.withCore { core in
            core.consume(buffer.assumingMemoryBound(to: UInt8.self), into: &ids)
            core.finish(into: &ids)
        }
        return ids
    }

    /// A streaming tokenizer that takes the text in byte chunks of any size.
    public func makeIncrementalTokenizer() -> IncrementalTokenizer {
        IncrementalTokenizer(tokenizer: self)
    }

    /// The token strings of `ids` (ids outside the vocabulary read as `[UNK]`).
    public func tokens(for ids: [Int32]) -> [String] {
        ids.map { id in
            id >= 0 && Int(id) < vocabulary.count ? vocabulary.tokens[Int(id)] : vocabulary.tokens[Int(vocabulary.unknownID)]
        }
    }

    /// Readable text for humans: tokens joined by spaces, `##` pieces glued to the previous token.
    /// Not an inverse of `encode` (case, accents, spacing and unknown words are lost).
    public func decode(_ ids: [Int32]) -> String {
        var text = ""
        for token in tokens(for: ids) {
            if token.hasPrefix("##") && token.count > 2 {
                text += token.dropFirst(2)
            } else {
                if !text.isEmpty { text += " " }
                text += token
            }
        }
        return text
    }
}

/// The immutable parts every encoder shares: Unicode tables, the WordPiece index, ASCII actions.
final class TokenizerEngine: @unchecked Sendable {
    let tables: UnicodeTables
    let model: WordPieceModel
    let lowercase: Bool
    let specials: SpecialTokens
    private let ascii: UnsafeMutablePointer<UInt16>

    init(vocabulary: Vocabulary, lowercase: Bool, matchesSpecialTokens: Bool) {
        tables = UnicodeTables.shared
        specials = SpecialTokens(vocabulary: vocabulary, enabled: matchesSpecialTokens)
        model = WordPieceModel(vocabulary: vocabulary)
        self.lowercase = lowercase
        let table = ASCIIAction.table(lowercase: lowercase, tables: tables)
        ascii = .allocate(capacity: table.count)
        ascii.initialize(from: table, count: table.count)
    }

    deinit { ascii.deallocate() }

    /// An encoder over caller-owned buffers (see `EncoderCore.wordCapacity`, `.pendingCapacity`).
    func makeCore(word: UnsafeMutablePointer<UInt8>, pending: UnsafeMutablePointer<UInt32>) -> EncoderCore {
        EncoderCore(tables: tables, model: model, lowercase: lowercase, ascii: ascii, specials: specials,
                    word: word, pending: pending)
    }

    /// Runs `body` with a fresh encoder whose buffers live on the stack.
    func withCore<Result>(_ body: (inout EncoderCore) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: EncoderCore.wordCapacity) { word in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: EncoderCore.pendingCapacity) { pending in
                var core = makeCore(word: word.baseAddress!, pending: pending.baseAddress!)
                return body(&core)
            }
        }
    }
}
