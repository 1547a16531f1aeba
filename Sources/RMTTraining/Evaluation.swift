// Evaluation: the one way the package scores a model on documents — a batch read in lockstep,
// segment by segment, and its answers scored by the AnswerHead (`readAndScore`), the batches
// dealt out over the ranks of a run (`dealOut`). The trainer's validation
// (Trainer.evaluateByTask) and accuracy against document length — the paper's extrapolation
// figure (`evaluateBatches`) — are both this. For the latter the documents are generated lazily
// segment by segment (DocumentSegmentStream), so memory stays flat even at 4096 segments (2M
// tokens) and the batch makes the GEMMs large enough to keep both cores busy.
import Foundation
import RMTData
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
    /// correct / samples (0 for no samples); stored so that it is written with the rest.
    public let accuracy: Double
    /// A model with a state readout: what it says about the memory (nil when not recorded).
    public var state: StateCounts? = nil

    enum CodingKeys: String, CodingKey {
        case task, segments, tokens, samples, correct, accuracy, state
        case otherPerson = "other_person", answeredUnknown = "answered_unknown"
    }
    public init(task: String, segments: Int, tokens: Int, samples: Int, correct: Int,
                otherPerson: Int? = nil, answeredUnknown: Int? = nil, state: StateCounts? = nil) {
        self.state = state
        self.task = task
        self.segments = segments
        self.tokens = tokens
        self.samples = samples
        self.correct = correct
        accuracy = samples > 0 ? Double(correct) / Double(samples) : 0
        self.otherPerson = otherPerson
        self.answeredUnknown = answeredUnknown
    }
}

/// What a model's state readout (StateReadout) says about the memory leaving each segment of
/// documents with world states: over every (document, person or object, segment) the story has
/// placed by then — the places scored and right — and, of those, the places already known one
/// segment before (what the memory carried, not what the segment just read).
public struct StateCounts: Codable, Sendable, Equatable {
    public var placed = 0, placedRight = 0, carried = 0, carriedRight = 0

    enum CodingKeys: String, CodingKey {
        case placed, placedRight = "placed_right", carried, carriedRight = "carried_right"
    }
    public init(placed: Int = 0, placedRight: Int = 0, carried: Int = 0, carriedRight: Int = 0) {
        (self.placed, self.placedRight, self.carried, self.carriedRight) = (placed, placedRight, carried, carriedRight)
    }
    public static func + (a: StateCounts, b: StateCounts) -> StateCounts {
        StateCounts(placed: a.placed + b.placed, placedRight: a.placedRight + b.placedRight,
                    carried: a.carried + b.carried, carriedRight: a.carriedRight + b.carriedRight)
    }
    /// placedRight / placed and carriedRight / carried; nil when there were none.
    public var placedAccuracy: Float? { placed > 0 ? Float(placedRight) / Float(placed) : nil }
    public var carriedAccuracy: Float? { carried > 0 ? Float(carriedRight) / Float(carried) : nil }
    /// As four numbers, and back (for `dealOut`).
    var numbers: [Double] { [placed, placedRight, carried, carriedRight].map(Double.init) }
    init(numbers v: ArraySlice<Double>) {
        let n = v.map { Int($0) }
        self.init(placed: n[0], placedRight: n[1], carried: n[2], carriedRight: n[3])
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
    /// The documents answered wrongly (their indices, ascending; `count - correct` of them), so
    /// that two models read on the same documents can be compared document by document (paired,
    /// Scripts/ledger-compare.py) and a failure found again by its index in the evaluation stream;
    /// nil in ledgers written before it was recorded.
    public var wrong: [Int]? = nil
    /// A model with a state readout, on documents with world states: its counts; nil otherwise.
    public var state: StateCounts? = nil

    enum CodingKeys: String, CodingKey {
        case task, segments, first, count, correct, tokens, wrong, state
        case otherPerson = "other_person", answeredUnknown = "answered_unknown"
    }

    public init(task: String, segments: Int, first: Int, count: Int, correct: Int, tokens: Int,
                otherPerson: Int? = nil, answeredUnknown: Int? = nil, wrong: [Int]? = nil, state: StateCounts? = nil) {
        self.state = state
        self.task = task
        self.segments = segments
        self.first = first
        self.count = count
        self.correct = correct
        self.tokens = tokens
        self.otherPerson = otherPerson
        self.answeredUnknown = answeredUnknown
        self.wrong = wrong
    }
}

/// Where a batch of `evaluateBatches` is, for a status line while 1M-token documents are read:
/// documents `first..<first + count`, about to read segment `segment` of `segments` (every
/// reading's, for a model that reads each document more than once), each document `tokens`
/// tokens over all its readings (the status line's tokens/s).
public struct EvaluationProgress: Sendable {
    public let first: Int, count: Int, segment: Int, segments: Int, tokens: Int
}

/// Reads documents `range` of `segments` segments from `stream` in batches of `batchSize` and
/// calls `onBatch` after each batch (so a caller can record progress and resume). Answers are
/// compared by label name: the stream is renumbered to the model's labels.
///
/// Over several ranks (`collective`), the batches are dealt out in rounds — batch j of a round
/// to rank j — and each round's results are summed over the ranks, so every rank then sees
/// every batch, in the same order as one process would (rank 0 records them).
/// - Throws: `DataError` when the model's labels lack an answer of the task, or when the stream
///   lays its documents out otherwise than the model reads them (`questionLayout`: an
///   every-segment model given `doc [SEP] Q` documents scores near chance, silently).
///
/// `readingLength`: read the same documents re-split into segments of this many document tokens
/// (`model` must read that length: `RecurrentMemoryModel.readingSegments(of:)`); documents of a
/// batch that then need different numbers of segments are read in groups. nil = as made.
/// `onSegment` is called before each segment a batch (or group) reads, on the rank reading it.
///
/// `probe`: each document's final segment asks its memory probe instead of its question
/// (`DataStream.probePlan`: where another person of the story is), and documents without one are
/// left out — a batch counts the probed documents of its range (none: no batch is reported), and
/// its task is named `TASK+probe`.
///
/// `memoryWriter`: every segment but the final one is read by this model (from its own memory
/// embeddings), and `model` reads the final segment from the memory it hands on — where a difference
/// between two models lies: in the memory written, or in the final reading
/// (`memoryWriterProblem`, or a `ModelError`).
public func evaluateBatches(model: RecurrentMemoryModel, stream: DataStream, segments: Int, range: Range<Int>,
                            batchSize: Int, collective: any Collective = SingleProcess(), readingLength: Int? = nil,
                            probe: Bool = false, memoryWriter: RecurrentMemoryModel? = nil,
                            onSegment: ((EvaluationProgress) -> Void)? = nil,
                            onDocument: ((DocumentPrediction) throws -> Void)? = nil,
                            onBatch: (EvaluationBatch) throws -> Void) throws {
    // Number the answers by the model's labels (a model made before `unknown` still reads the
    // tasks that never answer it; one that lacks an answer of the task is an error).
    let stream = stream.labels == model.settings.labels ? stream : try stream.relabelled(to: model.settings.labels)
    guard stream.questionLayout == model.settings.questionLayout else {
        throw DataError("task \(stream.task.name)", "the documents are laid out \(stream.questionLayout.rawValue) but the model reads \(model.settings.questionLayout.rawValue); make the stream with the model's question layout")
    }
    let processor = SegmentProcessor(model: model, batchCapacity: batchSize)
    if let memoryWriter, let problem = model.memoryWriterProblem(from: memoryWriter) {
        throw ModelError("memory writer", "cannot hand its memory to the model: \(problem)")
    }
    let writer = memoryWriter.map { SegmentProcessor(model: $0, batchCapacity: batchSize) }
    let starts = Array(stride(from: range.lowerBound, to: range.upperBound, by: batchSize))
    // Per batch: count, tokens, other person, answered unknown, whether the state readout scored,
    // its four counts (StateCounts), then one 0/1 per document (1 = answered wrongly; the correct
    // count is the rest), then per document the predicted label's index, its probability and the L
    // answer logits (for `onDocument`).
    let head = 9, L = model.settings.labels.count
    let readout = model.stateReadout, unknownIndex = model.settings.labels.firstIndex(of: unknownLabel)
    // Batch j's documents as read: (index in the stream, plan), re-split when asked; cheap recipes,
    // made again where the results are reported (under MPI the rank that read them may be another).
    func documents(_ j: Int) throws -> [(index: Int, plan: DocumentPlan)] {
        try (starts[j]..<min(starts[j] + batchSize, range.upperBound)).compactMap { index in
            guard let made = probe ? try stream.probePlan(index: index, segments: segments)
                                   : try stream.plan(index: index, segments: segments) else { return nil }
            return (index, try readingLength.map { try made.resplit(segmentLength: $0) } ?? made)
        }
    }
    try dealOut(count: starts.count, width: head + (3 + L) * batchSize, over: collective, work: { j in
        let plans = try documents(j).map(\.plan)
        guard !plans.isEmpty else { return [0] }
        var otherPerson = 0, answeredUnknown = 0
        var state: StateCounts? = nil
        var wrong = [Double](repeating: 0, count: plans.count)
        var predicted = [Double](repeating: 0, count: plans.count), probability = predicted
        var logits = [Double](repeating: 0, count: plans.count * L)  // (count, L)
        for count in Set(plans.map(\.segmentCount)).sorted() {  // one group unless re-split
            let group = plans.indices.filter { plans[$0].segmentCount == count }
            var streams = group.map { plans[$0].makeSegmentStream() }
            let states = group.map { plans[$0].segmentStates() }
            var scorer: ((Int, [Float]) -> Void)?
            if let readout, states.contains(where: { $0 != nil }) {
                var counts = state ?? StateCounts()
                scorer = { k, memory in
                    counts = counts + stateCounts(readout, memory: memory, model: model, states: states, segment: k, unknown: unknownIndex)
                    state = counts
                }
            }
            // A model that reads each document P times (RMTSettings.passes) reads its count·P
            // segments: the document again after its last segment, the memory carried on.
            let passes = model.settings.readingPasses
            let scores = try readAndScore(processor, segments: count * passes, labels: group.map { Int32(plans[$0].label) }, writer: writer,
                                          memoryLeaving: scorer.map { score in { k, memory in  // the last reading's segments
                                              if k >= count * (passes - 1) { score(k - count * (passes - 1), memory) } } }) { k in
                onSegment?(EvaluationProgress(first: starts[j], count: plans.count, segment: k, segments: count * passes,
                                              tokens: plans[0].documentTokenCount * passes))
                if k > 0 && k % count == 0 { streams = group.map { plans[$0].makeSegmentStream() } }  // the next reading
                return streams.indices.map { streams[$0].nextSegment()! }
            }
            for (b, i) in group.enumerated() {
                let plan = plans[i], name = model.settings.labels[scores.predicted[b]]
                predicted[i] = Double(scores.predicted[b])
                probability[i] = Double(scores.probability[b])
                for l in 0..<L { logits[i * L + l] = Double(scores.logits[b * L + l]) }
                if scores.predicted[b] != plan.label {
                    wrong[i] = 1
                    if plan.distractorAnswers.contains(name) { otherPerson += 1 }
                }
                if name == unknownLabel && plan.answer != unknownLabel { answeredUnknown += 1 }
            }
        }
        return [Double(plans.count), Double(plans[0].documentTokenCount), Double(otherPerson), Double(answeredUnknown),
                state == nil ? 0 : 1] + (state ?? StateCounts()).numbers
            + wrong + predicted + probability + logits
    }, each: { j, v in
        let count = Int(v[0])
        guard count > 0 else { return }
        let read = probe || onDocument != nil ? try documents(j) : []
        let index = { (d: Int) in probe ? read[d].index : starts[j] + d }
        let wrong = (0..<count).filter { v[head + $0] != 0 }.map(index)
        try onBatch(EvaluationBatch(task: evaluatedTaskName(stream.task.name, probe: probe, crossSegment: stream.crossSegmentRate > 0,
                                                                      hiddenQuestion: stream.hiddenQuestionRate > 0,
                                                                      decoyQuestion: stream.decoyQuestionRate > 0),
                                    segments: segments,
                                    first: starts[j], count: count, correct: count - wrong.count, tokens: Int(v[1]),
                                    otherPerson: Int(v[2]), answeredUnknown: Int(v[3]), wrong: wrong,
                                    state: v[4] != 0 ? StateCounts(numbers: v[5..<9]) : nil))
        guard let onDocument else { return }
        for (d, document) in read.enumerated() {
            let at = head + 3 * count + d * L, predicted = Int(v[head + count + d])
            // The probability rmt-ask would report: at the question form's temperature, if the model records one.
            let temperature = model.answerTemperature(questionTokens: document.plan.askedQuestionTokens,
                                                      segments: document.plan.segmentCount)
            let probability = temperature == 1 ? v[head + 2 * count + d]
                : Double(AnswerHead.probabilities(v[at..<(at + L)].map { Float($0 / temperature) })[predicted])
            try onDocument(DocumentPrediction(plan: document.plan, index: document.index,
                                              predicted: model.settings.labels[predicted], probability: probability,
                                              logits: Dictionary(uniqueKeysWithValues: zip(model.settings.labels, v[at..<(at + L)]))))
        }
    })
}

/// (B, M, C) the memory tokens of what B sequences hand on ((B, stride) floats: the memory tokens,
/// then an associative memory's state).
func memoryTokens(_ memory: [Float], model: RecurrentMemoryModel, batch B: Int) -> [Float] {
    let floats = model.memoryCount, stride = model.carriedCount
    var tokens = [Float](repeating: 0, count: B * floats)
    for b in 0..<B { for i in 0..<floats { tokens[b * floats + i] = memory[b * stride + i] } }
    return tokens
}

/// The state readout's counts on the memory leaving segment `k` ((B, stride) floats) of documents
/// whose per-segment state labels are `states` (nil: a document without world states).
public func stateCounts(_ readout: StateReadout, memory: [Float], model: RecurrentMemoryModel, states: [[[Int32]]?], segment k: Int,
                 unknown: Int?) -> StateCounts {
    let B = states.count
    let predicted = readout.predictions(readout.forward(memory: memoryTokens(memory, model: model, batch: B), batch: B))
    return stateCounts(predicted: predicted, entities: readout.entities, states: states, segment: k, unknown: unknown)
}

/// The same counts from the readout's `predicted` labels (B·E) on segment `k` (a caller that has
/// already run the readout).
func stateCounts(predicted: [Int], entities E: Int, states: [[[Int32]]?], segment k: Int, unknown: Int?) -> StateCounts {
    let B = states.count
    var counts = StateCounts()
    for b in 0..<B {
        guard let rows = states[b] else { continue }
        for e in 0..<E {
            let target = Int(rows[k][e])
            guard target >= 0, target != unknown else { continue }  // placed only
            let right = predicted[b * E + e] == target
            counts.placed += 1
            if right { counts.placedRight += 1 }
            if k > 0 && Int(rows[k - 1][e]) == target {
                counts.carried += 1
                if right { counts.carriedRight += 1 }
            }
        }
    }
    return counts
}

/// The name `evaluateBatches` gives a task's rows: `TASK+probe` when its documents ask memory
/// probes, `TASK+cross` when their supporting facts are placed apart (`DataStream.crossSegmentRate`),
/// `TASK+hidden` when only their final segment reads the question (`DataStream.hiddenQuestionRate`),
/// `TASK+decoy` when the earlier segments read a decoy question (`DataStream.decoyQuestionRate`).
public func evaluatedTaskName(_ task: String, probe: Bool, crossSegment: Bool = false, hiddenQuestion: Bool = false,
                              decoyQuestion: Bool = false) -> String {
    task + (crossSegment ? "+cross" : "") + (hiddenQuestion ? "+hidden" : "") + (decoyQuestion ? "+decoy" : "") + (probe ? "+probe" : "")
}

/// Reads B documents in lockstep — segment k of each from `segment(k)` (B lists of ≤ S tokens) —
/// from a fresh memory and scores the final answers against `labels` (B): per document, the
/// cross-entropy loss, the top answer's label index and probability, and (B, L) the answer logits.
/// `memoryLeaving(k, memory)`, if given, sees the memory each segment hands on ((B, stride) floats:
/// the M × C memory tokens first).
func readAndScore(_ processor: SegmentProcessor, segments: Int, labels: [Int32], writer: SegmentProcessor? = nil,
                  memoryLeaving: ((Int, [Float]) -> Void)? = nil,
                  segment: (Int) throws -> [[Int32]]) throws
    -> (losses: [Float], predicted: [Int], probability: [Float], logits: [Float]) {
    var memory = (writer ?? processor).initialMemory(batch: labels.count)  // (B, stride)
    for k in 0..<segments {
        let contents = try segment(k)
        let reader = k < segments - 1 ? writer ?? processor : processor
        try memory.withUnsafeMutableBufferPointer { try reader.step(contents: contents, memory: $0.baseAddress!) }
        memoryLeaving?(k, memory)
    }
    var answer = processor.answer()
    let (losses, predicted) = processor.answerHead.score(&answer, labels: labels)  // fills answer.probs (B, L)
    let L = answer.probs.count / max(labels.count, 1)
    return (losses, predicted, predicted.enumerated().map { b, p in answer.probs[b * L + p] }, answer.logits)
}

/// Shares `count` work items out over the ranks of `collective` in rounds — item i of the run to
/// rank i mod R — and hands each item's numbers (at most `width`, zero-padded), summed over the
/// ranks, to `each` in item order on every rank: every rank sees every result, in the order one
/// process would produce them (each slot is written by one rank, so the sums are exact).
func dealOut(count: Int, width: Int, over collective: any Collective, work: (Int) throws -> [Double],
             each: (Int, [Double]) throws -> Void) throws {
    let R = collective.size
    for roundStart in stride(from: 0, to: count, by: R) {
        let round = roundStart..<min(roundStart + R, count)
        var slots = [Double](repeating: 0, count: width * R)
        if round.contains(roundStart + collective.rank) {
            let mine = try work(roundStart + collective.rank)
            precondition(mine.count <= width, "dealOut: \(mine.count) numbers for a width of \(width)")
            let at = width * collective.rank
            slots.replaceSubrange(at..<(at + mine.count), with: mine)
        }
        slots = try collective.sum(slots)
        for i in round { try each(i, Array(slots[(width * (i - roundStart))..<(width * (i - roundStart + 1))])) }
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
