// TaskBatchSources: RMTData's task streams seen as the trainer's batch sources — a resumable
// training stream and a fixed validation set, both of documents with exactly N segments. Each
// batch is read at one segment length, given by a SegmentLengthRange from the batch's first
// item index (RMTData/SegmentLengthRange.swift): the stream's own length by default, or a length
// drawn per batch from a range, so that the stream's position alone restores the lengths too.
import RMTData
import RMTRecurrence

/// Training batches from a task stream; `position` is the stream's sample index.
public final class TaskBatchSource: TrainingBatchSource {
    public private(set) var stream: DataStream
    /// The segment lengths batches are read at (the stream's own length by default).
    public let lengths: SegmentLengthRange

    /// - Parameter lengths: each batch's length comes from `lengths.length(forBatchAt:seed:)` at
    ///   the batch's first item index and the stream's seed; nil = the stream's segment length.
    public init(stream: DataStream, lengths: SegmentLengthRange? = nil) {
        self.stream = stream
        self.lengths = lengths ?? stream.segmentLengths
    }

    public var position: UInt64 {
        get { UInt64(stream.position) }
        set { stream.position = Int(newValue) }
    }

    /// The segment length of the batch that starts at the stream's position.
    public var nextLength: Int { lengths.length(forBatchAt: stream.position, seed: stream.seed) }

    public func nextBatch(segments: Int, batchSize: Int) throws -> SegmentBatch {
        let length = nextLength
        let samples = try (0..<batchSize).map { _ in try stream.next(segments: segments, segmentLength: length) }
        return SegmentBatch(samples: samples, segments: segments, tasks: samples.map(\.task), segmentLength: length)
    }

    /// Throws what a batch at the shortest length would throw for the next item (e.g. facts or a
    /// question that do not fit in `lengths.lowerBound` tokens); the position does not move. For
    /// a run to refuse an impossible length before it starts, whichever length its first batch draws.
    public func checkShortestLength(segments: Int) throws {
        _ = try stream.sample(index: stream.position, segments: segments, segmentLength: lengths.lowerBound)
    }
}

/// The first `count` documents of a (validation) stream, the same ones every time; each batch at
/// the length `lengths` gives its first index (so a range is covered, batch by batch).
public final class TaskValidationSource: ValidationSource {
    public let stream: DataStream
    /// The segment lengths batches are read at (the stream's own length by default).
    public let lengths: SegmentLengthRange

    /// - Parameter lengths: as for `TaskBatchSource`; nil = the stream's segment length.
    public init(stream: DataStream, lengths: SegmentLengthRange? = nil) {
        self.stream = stream
        self.lengths = lengths ?? stream.segmentLengths
    }

    public func batches(segments: Int, count: Int, batchSize: Int) throws -> [SegmentBatch] {
        try stride(from: 0, to: count, by: batchSize).map { start in
            let length = lengths.length(forBatchAt: start, seed: stream.seed)
            let samples = try (start..<min(start + batchSize, count)).map {
                try stream.sample(index: $0, segments: segments, segmentLength: length)
            }
            return SegmentBatch(samples: samples, segments: segments, tasks: samples.map(\.task), segmentLength: length)
        }
    }
}

extension SegmentBatch {
    /// A batch of `samples`, each of N = `segments` segments: their contents, labels and
    /// per-segment labels — each sample's own, or for a sample without them −1 before its final
    /// segment and its label there; nil when no sample has them — and state labels (B·E per
    /// segment, a sample without them −1; nil when none has them).
    init(samples: [Sample], segments N: Int, tasks: [String]? = nil, segmentLength: Int) {
        let segmentLabels = samples.contains { $0.segmentLabels != nil }
            ? (0..<N).map { k in samples.map { $0.segmentLabels?[k] ?? (k == N - 1 ? Int32($0.label) : -1) } }
            : nil
        let E = WorldStates.entities.count
        let stateLabels = samples.contains { $0.stateLabels != nil }
            ? (0..<N).map { k in samples.flatMap { $0.stateLabels?[k] ?? Array(repeating: -1, count: E) } }
            : nil
        self.init(contents: (0..<N).map { k in samples.map { $0.segments[k] } }, labels: samples.map { Int32($0.label) },
                  segmentLabels: segmentLabels, tasks: tasks, segmentLength: segmentLength, stateLabels: stateLabels)
    }
}
