// Evaluation: accuracy against document length — the paper's extrapolation figure.
// Documents are generated lazily segment by segment (DocumentSegmentStream), a batch of
// them is read in lockstep, so memory stays flat even at 4096 segments (2M tokens) and
// the batch makes the GEMMs large enough to keep both cores busy. Under MPI the batches are
// shared out over the ranks (`collective`).
import Foundation
import RMTData
import RMTKernels
import RMTModel
import RMTRecurrence

/// Accuracy at one document length.
public struct LengthAccuracy: Codable, Sendable, Equatable {
    public let task: String
    public let segments: Int
    /// Document tokens per sample (segments × S, minus the question and its [SEP]).
    public let tokens: Int
    public let samples: Int
    public let correct: Int
    /// Wrong answers that are another person's room (distractor tasks): the confusion matrix's
    /// middle column (right person / other person's room / other). nil when not recorded.
    public var otherPerson: Int? = nil
    /// Answerable questions answered `unknown` (nil when not recorded).
    public var answeredUnknown: Int? = nil
    public var accuracy: Double { samples > 0 ? Double(correct) / Double(samples) : 0 }

    enum CodingKeys: String, CodingKey {
        case task, segments, tokens, samples, correct, accuracy
        case otherPerson = "other_person", answeredUnknown = "answered_unknown"
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(task, forKey: .task)
        try c.encode(segments, forKey: .segments)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(samples, forKey: .samples)
        try c.encode(correct, forKey: .correct)
        try c.encode(accuracy, forKey: .accuracy)
        try c.encodeIfPresent(otherPerson, forKey: .otherPerson)
        try c.encodeIfPresent(answeredUnknown, forKey: .answeredUnknown)
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        task = try c.decode(String.self, forKey: .task)
        segments = try c.decode(Int.self, forKey: .segments)
        tokens = try c.decode(Int.self, forKey: .tokens)
        samples = try c.decode(Int.self, forKey: .samples)
        correct = try c.decode(Int.self, forKey: .correct)
        otherPerson = try c.decodeIfPresent(Int.self, forKey: .otherPerson)
        answeredUnknown = try c.decodeIfPresent(Int.self, forKey: .answeredUnknown)
    }
    public init(task: String, segments: Int, tokens: Int, samples: Int, correct: Int,
                otherPerson: Int? = nil, answeredUnknown: Int? = nil) {
        self.task = task
        self.segments = segments
        self.tokens = tokens
        self.samples = samples
        self.correct = correct
        self.otherPerson = otherPerson
        self.answeredUnknown = answeredUnknown
    }
}

/// The reserved "I don't know" label (TaskWords.unknown).
let unknownLabel = TaskWords.unknown

/// One evaluated batch: documents `first..<first + count` of a (task, length) point.
public struct EvaluationBatch: Codable, Sendable, Equatable {
    public let task: String
    public let segments: Int
    public let first: Int
    public let count: Int
    public let correct: Int
    /// Document tokens per sample.
    public let tokens: Int
    /// Wrong answers naming a distractor's room (0 for tasks without distractors); nil in
    /// ledgers written before it was recorded.
    public var otherPerson: Int? = nil
    /// Answerable questions answered `unknown`; nil in older ledgers.
    public var answeredUnknown: Int? = nil

    enum CodingKeys: String, CodingKey {
        case task, segments, first, count, correct, tokens
        case otherPerson = "other_person", answeredUnknown = "answered_unknown"
    }

    public init(task: String, segments: Int, first: Int, count: Int, correct: Int, tokens: Int,
                otherPerson: Int? = nil, answeredUnknown: Int? = nil) {
        self.task = task
        self.segments = segments
        self.first = first
        self.count = count
        self.correct = correct
        self.tokens = tokens
        self.otherPerson = otherPerson
        self.answeredUnknown = answeredUnknown
    }
}

/// Reads documents `range` of `segments` segments from `stream` in batches of `batchSize` and
/// calls `onBatch` after each batch (so a caller can record progress and resume). Answers are
/// compared by label name: the stream is renumbered to the model's labels.
///
/// Over several ranks (`collective`), the batches are dealt out in rounds — batch j of a round
/// to rank j — and each round's results are summed over the ranks, so every rank then sees
/// every batch, in the same order as one process would (rank 0 records them).
/// - Throws: `DataError` when the model's labels lack an answer of the task.
///
/// `readingLength`: read the same documents re-split into segments of this many document tokens
/// (`model` must read that length: `RecurrentMemoryModel.readingSegments(of:)`); documents of a
/// batch that then need different numbers of segments are read in groups. nil = as made.
public func evaluateBatches(model: RecurrentMemoryModel, stream: DataStream, segments: Int, range: Range<Int>,
                            batchSize: Int, collective: any Collective = SingleProcess(), readingLength: Int? = nil,
                            onBatch: (EvaluationBatch) throws -> Void) throws {
    // Number the answers by the model's labels (a model made before `unknown` still reads the
    // tasks that never answer it; one that lacks an answer of the task is an error).
    let stream = stream.labels == model.settings.labels ? stream : try stream.relabelled(to: model.settings.labels)
    let processor = SegmentProcessor(model: model, batchCapacity: batchSize)
    let L = model.settings.labels.count
    func evaluate(_ start: Int) throws -> EvaluationBatch {
        let made = try (start..<min(start + batchSize, range.upperBound)).map { try stream.plan(index: $0, segments: segments) }
        let plans = try made.map { plan in try readingLength.map { try plan.resplit(segmentLength: $0) } ?? plan }
        var correct = 0, otherPerson = 0, answeredUnknown = 0
        for count in Set(plans.map(\.segmentCount)).sorted() {  // one group unless re-split
            let group = plans.filter { $0.segmentCount == count }
            var streams = group.map { $0.makeSegmentStream() }
            var memory = processor.initialMemory(batch: group.count)  // (B, M, C)
            for _ in 0..<count {
                let contents = streams.indices.map { streams[$0].nextSegment()! }
                try memory.withUnsafeMutableBufferPointer { try processor.step(contents: contents, memory: $0.baseAddress!) }
            }
            let logits = processor.classify()  // (B, L)
            for (b, plan) in group.enumerated() {
                let predicted = argmax(Array(logits[(b * L)..<((b + 1) * L)]))
                let name = model.settings.labels[predicted]
                if predicted == plan.label { correct += 1 }
                else if plan.distractorAnswers.contains(name) { otherPerson += 1 }
                if name == unknownLabel && plan.answer != unknownLabel { answeredUnknown += 1 }
            }
        }
        return EvaluationBatch(task: stream.task.name, segments: segments, first: start, count: plans.count,
                               correct: correct, tokens: plans[0].documentTokenCount,
                               otherPerson: otherPerson, answeredUnknown: answeredUnknown)
    }
    let starts = Array(stride(from: range.lowerBound, to: range.upperBound, by: batchSize))
    let R = collective.size
    guard R > 1 else {
        for start in starts { try onBatch(try evaluate(start)) }
        return
    }
    for roundStart in stride(from: 0, to: starts.count, by: R) {
        let round = starts[roundStart..<min(roundStart + R, starts.count)]
        let K = 5  // (count, correct, tokens, other person, answered unknown) per rank
        var slots = [Double](repeating: 0, count: K * R)
        if collective.rank < round.count {
            let mine = try evaluate(round[roundStart + collective.rank])
            let r = K * collective.rank
            slots[r] = Double(mine.count)
            slots[r + 1] = Double(mine.correct)
            slots[r + 2] = Double(mine.tokens)
            slots[r + 3] = Double(mine.otherPerson ?? 0)
            slots[r + 4] = Double(mine.answeredUnknown ?? 0)
        }
        slots = try collective.sum(slots)
        for (j, start) in round.enumerated() {
            try onBatch(EvaluationBatch(task: stream.task.name, segments: segments, first: start, count: Int(slots[K * j]),
                                        correct: Int(slots[K * j + 1]), tokens: Int(slots[K * j + 2]),
                                        otherPerson: Int(slots[K * j + 3]), answeredUnknown: Int(slots[K * j + 4])))
        }
    }
}

/// Accuracy of `model` on `samples` documents of `segments` segments from `stream`
/// (items 0..<samples, so every length sees the same episodes with more noise).
public func evaluateAccuracy(model: RecurrentMemoryModel, stream: DataStream, segments: Int, samples: Int,
                             batchSize: Int, progress: ((Int) -> Void)? = nil) throws -> LengthAccuracy {
    var correct = 0, tokens = 0, done = 0, otherPerson = 0, answeredUnknown = 0
    try evaluateBatches(model: model, stream: stream, segments: segments, range: 0..<samples, batchSize: batchSize) { b in
        correct += b.correct
        tokens = b.tokens
        done += b.count
        otherPerson += b.otherPerson ?? 0
        answeredUnknown += b.answeredUnknown ?? 0
        progress?(done)
    }
    return LengthAccuracy(task: stream.task.name, segments: segments, tokens: tokens, samples: samples, correct: correct,
                          otherPerson: otherPerson, answeredUnknown: answeredUnknown)
}

extension LengthAccuracy {
    /// The Wilson score interval for the accuracy (95% by default): honest error bars for the
    /// few samples a 2M-token point can afford.
    public func wilsonInterval(z: Double = 1.96) -> ClosedRange<Double> {
        guard samples > 0 else { return 0...1 }
        let n = Double(samples), p = accuracy, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return max(0, centre - half)...min(1, centre + half)
    }
}
