// TokenSegmenter: turns a byte stream into fixed-length segments of token ids. Feed chunks,
// take segments of exactly `segmentLength` ids as they fill, `finish()`, then take the last,
// possibly shorter, segment. An empty text yields no segment.
// It holds at most one segment's worth of ids plus the ids of one chunk, whatever the text length.
// The sources (file, stdin, async sequences) live in SegmentReader.swift / AsyncTokenSegments.swift.

/// Cuts the ids of an incrementally tokenized text into segments of `segmentLength`.
public final class TokenSegmenter {
    /// Ids per segment (the last segment may be shorter).
    public let segmentLength: Int
    private let stream: IncrementalTokenizer
    private var queue: [Int32] = []
    private var head = 0
    private var finished = false

    /// Ids handed out in segments so far.
    public private(set) var tokensEmitted = 0
    /// Segments handed out so far.
    public private(set) var segmentsEmitted = 0

    /// A segmenter for `tokenizer`. Precondition: `segmentLength > 0`.
    public init(tokenizer: BertTokenizer, segmentLength: Int) {
        precondition(segmentLength > 0, "segmentLength must be positive")
        self.segmentLength = segmentLength
        self.stream = tokenizer.makeIncrementalTokenizer()
    }

    /// Ill-formed UTF-8 sequences seen (each read as U+FFFD, then dropped).
    public var invalidSequenceCount: Int { stream.invalidSequenceCount }
    /// NUL bytes seen (dropped).
    public var nulByteCount: Int { stream.nulByteCount }
    /// Whether `finish()` was called.
    public var isFinished: Bool { finished }
    /// Ids tokenized but not yet handed out.
    public var pendingTokenCount: Int { queue.count - head }

    /// Feeds the next bytes of the text. Precondition: `finish()` was not called.
    public func feed<Bytes: Sequence>(_ chunk: Bytes) where Bytes.Element == UInt8 {
        precondition(!finished, "feed after finish")
        compact()
        stream.feed(chunk, into: &queue)
    }

    /// Feeds the next bytes of the text. Precondition: `finish()` was not called.
    public func feed(_ chunk: UnsafeRawBufferPointer) {
        precondition(!finished, "feed after finish")
        compact()
        stream.feed(chunk, into: &queue)
    }

    /// Marks the end of the text (idempotent): the last word is tokenized.
    public func finish() {
        guard !finished else { return }
        finished = true
        compact()
        stream.finish(into: &queue)
    }

    /// The next segment: `segmentLength` ids when that many are ready; after `finish()`, the
    /// shorter remainder once; otherwise nil (feed more).
    public func nextSegment() -> [Int32]? {
        let available = queue.count - head
        let take: Int
        if available >= segmentLength {
            take = segmentLength
        } else if finished && available > 0 {
            take = available
        } else {
            return nil
        }
        let segment = Array(queue[head..<(head + take)])
        head += take
        tokensEmitted += take
        segmentsEmitted += 1
        return segment
    }

    /// Drops handed-out ids from the front of the queue.
    private func compact() {
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 0 && head >= queue.count / 2 {
            queue.removeSubrange(0..<head)
            head = 0
        }
    }
}
