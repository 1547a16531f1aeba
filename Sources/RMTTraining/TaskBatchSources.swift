// TaskBatchSources: RMTData's task streams seen as the trainer's batch sources — a resumable
// training stream and a fixed validation set, both of documents with exactly N segments.
import RMTData
import RMTRecurrence

/// Training batches from a task stream; `position` is the stream's sample index.
public final class TaskBatchSource: TrainingBatchSource {
    public private(set) var stream: DataStream

    public init(stream: DataStream) { self.stream = stream }

    public var position: UInt64 {
        get { UInt64(stream.position) }
        set { stream.position = Int(newValue) }
    }

    public func nextBatch(segments: Int, batchSize: Int) throws -> SegmentBatch {
        let samples = try (0..<batchSize).map { _ in try stream.next(segments: segments) }
        return SegmentBatch(contents: (0..<segments).map { k in samples.map { $0.segments[k] } },
                            labels: samples.map { Int32($0.label) })
    }
}

/// The first `count` documents of a (validation) stream, the same ones every time.
public final class TaskValidationSource: ValidationSource {
    public let stream: DataStream

    public init(stream: DataStream) { self.stream = stream }

    public func batches(segments: Int, count: Int, batchSize: Int) throws -> [SegmentBatch] {
        try stride(from: 0, to: count, by: batchSize).map { start in
            let samples = try (start..<min(start + batchSize, count)).map { try stream.sample(index: $0, segments: segments) }
            return SegmentBatch(contents: (0..<segments).map { k in samples.map { $0.segments[k] } },
                                labels: samples.map { Int32($0.label) }, tasks: samples.map(\.task))
        }
    }
}
