// BatchSources: what the trainer needs from the data layer — batches of documents with
// an exact number of segments, from a stream whose position can be saved and restored,
// and a fixed validation set. RMTData's task streams are adapted to these protocols in
// TaskBatchSources.swift; tests can plug in anything.

/// A resumable stream of training batches.
public protocol TrainingBatchSource: AnyObject {
    /// The next `batchSize` documents of exactly `segments` segments each.
    func nextBatch(segments: Int, batchSize: Int) throws -> SegmentBatch
    /// Opaque position; setting it back reproduces the same batches.
    var position: UInt64 { get set }
    /// Documents the last `nextBatch` skipped (e.g. facts that did not fit); 0 by default.
    var skippedInLastBatch: Int { get }
}

extension TrainingBatchSource {
    public var skippedInLastBatch: Int { 0 }
}

/// A fixed validation set: the same documents every time it is asked.
public protocol ValidationSource: AnyObject {
    /// `count` documents of `segments` segments, grouped in batches of at most `batchSize`.
    func batches(segments: Int, count: Int, batchSize: Int) throws -> [SegmentBatch]
}
