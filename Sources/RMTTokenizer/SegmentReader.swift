// SegmentReader: token-id segments of a UTF-8 text read from a file or standard input in chunks.
// A synchronous pull API (`next()`, for CLIs) and an AsyncSequence view (`segments`) over the same
// reader. Progress (bytes read, tokens emitted) and the ill-formed-UTF-8 / NUL counts are exposed.
// Peak memory is one chunk plus about one segment, whatever the document length.

/// Reads a text in chunks and yields segments of exactly `segmentLength` token ids (the last may
/// be shorter; an empty text yields none).
public final class SegmentReader {
    private let source: ByteChunkReader
    private let segmenter: TokenSegmenter

    /// Reads the file at `path`.
    /// - Throws: `TextSourceError` (one line naming the file) if it is missing, a directory or
    ///   unreadable.
    public init(path: String, tokenizer: BertTokenizer, segmentLength: Int,
                chunkSize: Int = ByteChunkReader.defaultChunkSize) throws {
        source = try ByteChunkReader(path: path, chunkSize: chunkSize)
        segmenter = TokenSegmenter(tokenizer: tokenizer, segmentLength: segmentLength)
    }

    /// Reads from `source` (a file, or a file handle such as standard input).
    public init(source: ByteChunkReader, tokenizer: BertTokenizer, segmentLength: Int) {
        self.source = source
        segmenter = TokenSegmenter(tokenizer: tokenizer, segmentLength: segmentLength)
    }

    /// A reader of standard input.
    public static func standardInput(tokenizer: BertTokenizer, segmentLength: Int,
                                     chunkSize: Int = ByteChunkReader.defaultChunkSize) -> SegmentReader {
        SegmentReader(source: ByteChunkReader(fileHandle: .standardInput, name: "<stdin>", chunkSize: chunkSize),
                      tokenizer: tokenizer, segmentLength: segmentLength)
    }

    /// Ids per segment.
    public var segmentLength: Int { segmenter.segmentLength }
    /// The input's name for messages (its path, or "standard input").
    public var name: String { source.name }
    /// Bytes read from the source (and fed to the tokenizer) so far.
    public var bytesRead: Int { source.bytesRead }
    /// The input's size in bytes when it is a regular file (see ByteChunkReader.fileSize).
    public var fileSize: Int? { source.fileSize }
    /// The segment count expected for the whole input: the file's size times the ids per byte
    /// tokenized so far (ids already cut into segments plus those waiting for the next one), in
    /// segments. Nil when the size is unknown or nothing was read; exact once the input ended.
    public var estimatedSegmentCount: Int? {
        if source.reachedEnd && segmenter.isFinished {
            return segmenter.segmentsEmitted + (segmenter.pendingTokenCount + segmentLength - 1) / segmentLength
        }
        guard let size = fileSize, bytesRead > 0 else { return nil }
        let ids = Double(segmenter.tokensEmitted + segmenter.pendingTokenCount)
        let estimate = Int((Double(size) * ids / Double(bytesRead) / Double(segmentLength)).rounded(.up))
        return max(estimate, segmenter.segmentsEmitted)
    }
    /// Ids handed out in segments so far.
    public var tokensEmitted: Int { segmenter.tokensEmitted }
    /// Segments handed out so far.
    public var segmentsEmitted: Int { segmenter.segmentsEmitted }
    /// Ill-formed UTF-8 sequences seen so far (each read as U+FFFD, which is dropped).
    public var invalidSequenceCount: Int { segmenter.invalidSequenceCount }
    /// NUL bytes seen so far (dropped).
    public var nulByteCount: Int { segmenter.nulByteCount }

    /// The next segment, or nil at the end of the text.
    /// - Throws: `TextSourceError` when reading fails.
    public func next() throws -> [Int32]? {
        while true {
            if let segment = segmenter.nextSegment() { return segment }
            if source.reachedEnd { return nil }
            if let chunk = try source.nextChunk() {
                segmenter.feed(chunk)
            } else {
                segmenter.finish()
            }
        }
    }

    /// The segments as an AsyncSequence (reads block the calling task, chunk by chunk).
    public var segments: Segments { Segments(reader: self) }

    /// An AsyncSequence over a SegmentReader's segments.
    public struct Segments: AsyncSequence {
        public typealias Element = [Int32]
        let reader: SegmentReader

        public func makeAsyncIterator() -> Iterator { Iterator(reader: reader) }

        /// Pulls `reader.next()`.
        public struct Iterator: AsyncIteratorProtocol {
            let reader: SegmentReader
            public mutating func next() async throws -> [Int32]? { try reader.next() }
        }
    }
}
