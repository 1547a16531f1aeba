// IncrementalTokenizer: streaming front end of BertTokenizer. Feed UTF-8 bytes in chunks of any
// size (cut anywhere: inside a word, inside a multi-byte character, between CR and LF), call
// `finish` at the end, and the ids are exactly those of `BertTokenizer.encode` on the whole text.
//
// Memory is O(1) whatever the input: at most one partial UTF-8 sequence, the first 100 characters
// of the current word (a longer word is `[UNK]` anyway) and a capped queue of combining marks.
// Ids of a word are appended when the word ends. Not thread-safe: one owner at a time.

/// A streaming tokenizer: bytes in, ids of completed words out.
public final class IncrementalTokenizer {
    /// The tokenizer whose ids this produces.
    public let tokenizer: BertTokenizer
    private let word: UnsafeMutablePointer<UInt8>
    private let pending: UnsafeMutablePointer<UInt32>
    private var core: EncoderCore

    /// A streaming tokenizer for `tokenizer` (same vocabulary and casing).
    public init(tokenizer: BertTokenizer) {
        self.tokenizer = tokenizer
        word = .allocate(capacity: EncoderCore.wordCapacity)
        pending = .allocate(capacity: EncoderCore.pendingCapacity)
        core = tokenizer.engine.makeCore(word: word, pending: pending)
    }

    deinit {
        word.deallocate()
        pending.deallocate()
    }

    /// Ill-formed UTF-8 sequences seen so far (each read as one U+FFFD, which is then dropped).
    public var invalidSequenceCount: Int { core.invalidSequenceCount }
    /// NUL bytes seen so far (dropped by the normalizer).
    public var nulByteCount: Int { core.nulByteCount }
    /// Bytes fed so far.
    public var byteCount: Int { core.byteCount }
    /// Bytes of input held back because their word (or character) has not ended yet. Bounded
    /// (at most a few hundred) whatever the input.
    public var bufferedByteCount: Int { core.bufferedByteCount }

    /// Feeds the next bytes of the text; appends to `ids` the ids of every word they complete.
    public func feed(_ chunk: UnsafeRawBufferPointer, into ids: inout [Int32]) {
        core.consume(chunk.assumingMemoryBound(to: UInt8.self), into: &ids)
    }

    /// Feeds the next bytes of the text; appends to `ids` the ids of every word they complete.
    public func feed<Bytes: Sequence>(_ chunk: Bytes, into ids: inout [Int32]) where Bytes.Element == UInt8 {
        let done: Void? = chunk.withContiguousStorageIfAvailable { buffer in
            core.consume(buffer, into: &ids)
        }
        if done == nil {
            Array(chunk).withUnsafeBufferPointer { core.consume($0, into: &ids) }
        }
    }

    /// Feeds the next bytes of the text and returns the ids of the words they complete.
    public func feed<Bytes: Sequence>(_ chunk: Bytes) -> [Int32] where Bytes.Element == UInt8 {
        var ids: [Int32] = []
        feed(chunk, into: &ids)
        return ids
    }

    /// Ends the text: appends the ids of the last word. The tokenizer is then ready for a new
    /// text; the counters keep counting across texts.
    public func finish(into ids: inout [Int32]) {
        core.finish(into: &ids)
    }

    /// Ends the text and returns the ids of the last word (see `finish(into:)`).
    public func finish() -> [Int32] {
        var ids: [Int32] = []
        finish(into: &ids)
        return ids
    }
}
