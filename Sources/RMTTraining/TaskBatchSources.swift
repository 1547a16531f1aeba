// TaskBatchSources: RMTData's task streams seen as the trainer's batch sources — a resumable
// training stream and a fixed validation set, both of documents with exactly N segments. Each
// batch is read at one segment length, given by a SegmentLengthRange from the batch's first
// item index (RMTData/SegmentLengthRange.swift): the stream's own length by default, or a length
// drawn per batch from a range, so that the stream's position alone restores the lengths too.
// A document whose facts do not fit at its batch's length (a long story in few short segments) is
// skipped and the next item takes its place — deterministically, so a resumed run reads the same
// batches — instead of stopping the run hours in (`fittingDocument`); only a length that serves
// almost none of the task's documents (`maxSkipsInARow` in a row) still stops it.
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

    /// How many documents `checkShortestLength` reads by default (what rmt-train checks and reports).
    public static let checkedDocuments = 64

    /// Documents the last `nextBatch` skipped because their facts did not fit (0 before any).
    public private(set) var skippedInLastBatch = 0

    public func nextBatch(segments: Int, batchSize: Int) throws -> SegmentBatch {
        let length = nextLength
        skippedInLastBatch = 0
        let samples = try (0..<batchSize).map { _ in
            let (sample, skipped) = try fittingDocument { try stream.next(segments: segments, segmentLength: length) }
            skippedInLastBatch += skipped
            return sample
        }
        return SegmentBatch(samples: samples, segments: segments, tasks: samples.map(\.task), segmentLength: length)
    }

    /// How many of the next `documents` items do not fit in `segments` segments at the shortest
    /// length (the position does not move), so that a run can say before it starts how many
    /// documents it will skip. Throws the first item's error when none of them fits (an impossible
    /// length, whichever length the first batch draws) or for any other problem (e.g. a question
    /// longer than a segment).
    public func checkShortestLength(segments: Int, documents: Int = checkedDocuments) throws -> Int {
        var firstError: DataError?
        var skipped = 0
        for index in stream.position..<(stream.position + max(1, documents)) {
            do {
                _ = try stream.sample(index: index, segments: segments, segmentLength: lengths.lowerBound)
            } catch let error as DataError where error.factsDoNotFit {
                firstError = firstError ?? error
                skipped += 1
            }
        }
        if let firstError, skipped == max(1, documents) { throw firstError }
        return skipped
    }
}

/// The most documents in a row a batch source skips before it stops the run: the length then
/// serves almost none of the task's documents (a story is drawn afresh for every item).
public let maxSkipsInARow = 256

/// The first document `draw` gives whose facts fit, and how many before it did not; `draw` must
/// move on to the next item each call (also when it throws). Other errors pass through.
/// - Throws: the last `DataError` after `maxSkipsInARow` documents in a row did not fit.
func fittingDocument(_ draw: () throws -> Sample) throws -> (sample: Sample, skipped: Int) {
    var skipped = 0
    while true {
        do { return (try draw(), skipped) } catch let error as DataError where error.factsDoNotFit {
            skipped += 1
            if skipped >= maxSkipsInARow {
                throw DataError(error.path, "\(skipped) documents in a row do not fit; the last: \(error.problem)")
            }
        }
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

    /// A document whose facts do not fit at its batch's length is skipped and the next item read
    /// instead (as in training), so the set holds `count` documents that fit; where every
    /// document fits these are items 0 ..< count.
    public func batches(segments: Int, count: Int, batchSize: Int) throws -> [SegmentBatch] {
        var index = 0  // the next item of the stream to read
        return try stride(from: 0, to: count, by: batchSize).map { start in
            let length = lengths.length(forBatchAt: start, seed: stream.seed)
            let samples = try (start..<min(start + batchSize, count)).map { _ in
                try fittingDocument {
                    defer { index += 1 }
                    return try stream.sample(index: index, segments: segments, segmentLength: length)
                }.sample
            }
            return SegmentBatch(samples: samples, segments: segments, tasks: samples.map(\.task), segmentLength: length)
        }
    }
}

extension SegmentBatch {
    /// A batch of `samples`, each of N = `segments` segments: their contents, labels and
    /// per-segment labels — each sample's own, or for a sample without them −1 before its final
    /// segment and its label there; nil when no sample has them — and state labels (B·E per
    /// segment, a sample without them −1; nil when none has them), and the segments holding facts
    /// (nil unless every sample says).
    init(samples: [Sample], segments N: Int, tasks: [String]? = nil, segmentLength: Int) {
        let segmentLabels = samples.contains { $0.segmentLabels != nil }
            ? (0..<N).map { k in samples.map { $0.segmentLabels?[k] ?? (k == N - 1 ? Int32($0.label) : -1) } }
            : nil
        let E = WorldStates.entities.count
        let stateLabels = samples.contains { $0.stateLabels != nil }
            ? (0..<N).map { k in samples.flatMap { $0.stateLabels?[k] ?? Array(repeating: -1, count: E) } }
            : nil
        let factSegments = samples.allSatisfy { $0.factSegments?.count == N }
            ? (0..<N).map { k in samples.map { $0.factSegments![k] } }
            : nil
        self.init(contents: (0..<N).map { k in samples.map { $0.segments[k] } }, labels: samples.map { Int32($0.label) },
                  segmentLabels: segmentLabels, tasks: tasks, segmentLength: segmentLength, stateLabels: stateLabels,
                  factSegments: factSegments)
    }
}
