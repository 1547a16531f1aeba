// AsyncTokenSegments: token-id segments of a text that arrives as an AsyncSequence, either of byte
// chunks (`[UInt8]`, `Data`, `ArraySlice<UInt8>`, ...) or of single bytes (collected into chunks of
// `chunkSize` before tokenizing). Errors of the base sequence are rethrown. Memory: one chunk plus
// about one segment. Use `BertTokenizer.segments(of:segmentLength:)` to make one.

/// Segments of exactly `segmentLength` ids (the last may be shorter) over an AsyncSequence of
/// byte chunks.
public struct AsyncTokenSegments<Base: AsyncSequence>: AsyncSequence
where Base.Element: Sequence, Base.Element.Element == UInt8 {
    public typealias Element = [Int32]
    let base: Base
    let tokenizer: BertTokenizer
    let segmentLength: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(),
                 segmenter: TokenSegmenter(tokenizer: tokenizer, segmentLength: segmentLength))
    }

    public struct Iterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        /// Progress and counters of this iteration.
        public let segmenter: TokenSegmenter

        public mutating func next() async throws -> [Int32]? {
            while true {
                if let segment = segmenter.nextSegment() { return segment }
                if segmenter.isFinished { return nil }
                if let chunk = try await base.next() {
                    segmenter.feed(chunk)
                } else {
                    segmenter.finish()
                }
            }
        }
    }
}

/// Segments of exactly `segmentLength` ids (the last may be shorter) over an AsyncSequence of
/// single bytes, tokenized `chunkSize` bytes at a time.
public struct AsyncByteTokenSegments<Base: AsyncSequence>: AsyncSequence where Base.Element == UInt8 {
    public typealias Element = [Int32]
    let base: Base
    let tokenizer: BertTokenizer
    let segmentLength: Int
    let chunkSize: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(),
                 segmenter: TokenSegmenter(tokenizer: tokenizer, segmentLength: segmentLength),
                 chunkSize: chunkSize)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        /// Progress and counters of this iteration.
        public let segmenter: TokenSegmenter
        let chunkSize: Int
        var chunk: [UInt8] = []

        init(base: Base.AsyncIterator, segmenter: TokenSegmenter, chunkSize: Int) {
            self.base = base
            self.segmenter = segmenter
            self.chunkSize = chunkSize
            chunk.reserveCapacity(chunkSize)
        }

        public mutating func next() async throws -> [Int32]? {
            while true {
                if let segment = segmenter.nextSegment() { return segment }
                if segmenter.isFinished { return nil }
                while chunk.count < chunkSize, let byte = try await base.next() {
                    chunk.append(byte)
                }
                if chunk.isEmpty {
                    segmenter.finish()
                } else {
                    segmenter.feed(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
        }
    }
}

extension BertTokenizer {
    /// Segments of `segmentLength` token ids over an AsyncSequence of byte chunks.
    public func segments<Chunks: AsyncSequence>(of chunks: Chunks, segmentLength: Int) -> AsyncTokenSegments<Chunks>
    where Chunks.Element: Sequence, Chunks.Element.Element == UInt8 {
        precondition(segmentLength > 0, "segmentLength must be positive")
        return AsyncTokenSegments(base: chunks, tokenizer: self, segmentLength: segmentLength)
    }

    /// Segments of `segmentLength` token ids over an AsyncSequence of bytes, tokenized in chunks
    /// of `chunkSize` bytes (default 64 KiB).
    public func segments<Bytes: AsyncSequence>(of bytes: Bytes, segmentLength: Int,
                                               chunkSize: Int = ByteChunkReader.defaultChunkSize) -> AsyncByteTokenSegments<Bytes>
    where Bytes.Element == UInt8 {
        precondition(segmentLength > 0 && chunkSize > 0, "segmentLength and chunkSize must be positive")
        return AsyncByteTokenSegments(base: bytes, tokenizer: self, segmentLength: segmentLength, chunkSize: chunkSize)
    }
}
