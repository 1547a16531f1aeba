// Trainer's validation: the fixed validation documents per segment count (made once), one
// pass over them counted per task (ValidationCounts), and the accuracy a curriculum stage is
// judged by — over every document, or over the documents of `advanceTasks` (--advance-on),
// whose presence is checked before training.
import Foundation
import RMTModel
import RMTRecurrence

extension Trainer {
    /// Validation accuracy and mean loss on `segments`-segment documents.
    public func evaluate(segments: Int) throws -> (accuracy: Float, loss: Float) {
        let r = try evaluateByTask(segments: segments)
        return (r.accuracy, r.loss)
    }

    /// Validation accuracy, mean loss, and accuracy per task when the validation documents
    /// say their task (empty otherwise).
    public func evaluateByTask(segments: Int) throws -> (accuracy: Float, loss: Float, byTask: [String: Float]) {
        let v = try validate(segments: segments)
        return (v.accuracy, v.loss, v.byTask)
    }

    /// One pass over the validation documents of `segments` segments.
    func validate(segments: Int) throws -> ValidationCounts {
        var correct = 0, total = 0
        var lossSum: Float = 0
        var taskCounts: [String: (correct: Int, total: Int)] = [:]
        let batches = try validationBatches(segments: segments)
        // Each rank reads its share of the batches (Evaluation.swift); (loss, right) per document,
        // then the state readout's places right and scored and its StateCounts (the last six).
        let width = 2 * (batches.map(\.batchSize).max() ?? 0) + 6
        var stateCorrect = 0, stateScored = 0, stateCounts = StateCounts()
        try dealOut(count: batches.count, width: width, over: collective, work: { i in
            let batch = batches[i]
            var state = (correct: 0, scored: 0, counts: StateCounts())
            let scores = try readAndScore(evalProcessor, segments: batch.segmentCount, labels: batch.labels,
                                          memoryLeaving: stateScorer(batch) {
                                              state = (state.correct + $0, state.scored + $1, state.counts + $2)
                                          }) {
                batch.contents[$0]
            }
            return (0..<batch.batchSize).flatMap { [Double(scores.losses[$0]), scores.predicted[$0] == Int(batch.labels[$0]) ? 1 : 0] }
                + [Double](repeating: 0, count: width - 6 - 2 * batch.batchSize) + [Double(state.correct), Double(state.scored)]
                + state.counts.numbers
        }, each: { i, v in
            stateCorrect += Int(v[width - 6])
            stateScored += Int(v[width - 5])
            stateCounts = stateCounts + StateCounts(numbers: v[(width - 4)...])
            let batch = batches[i]
            for b in 0..<batch.batchSize {
                lossSum += Float(v[2 * b])
                let right = v[2 * b + 1] > 0
                if right { correct += 1 }
                total += 1
                if let task = batch.tasks?[b] {
                    let c = taskCounts[task, default: (0, 0)]
                    taskCounts[task] = (c.correct + (right ? 1 : 0), c.total + 1)
                }
            }
        })
        return ValidationCounts(correct: correct, total: total, lossSum: lossSum, byTaskCounts: taskCounts,
                                stateCorrect: stateCorrect, stateScored: stateScored, stateCounts: stateCounts)
    }

    /// For a model with a state readout and a batch with state labels: what scores the memory leaving
    /// each segment (hands `count(right, scored, counts)` for each: every place, then the placed and
    /// carried ones, Evaluation.swift's `stateCounts`); nil otherwise.
    func stateScorer(_ batch: SegmentBatch, count: @escaping (Int, Int, StateCounts) -> Void) -> ((Int, [Float]) -> Void)? {
        guard let readout = model.stateReadout, let rows = batch.stateLabels else { return nil }
        let E = readout.entities
        // states[b][k]: (E) document b's targets after segment k, the layout stateCounts reads.
        let states: [[[Int32]]?] = (0..<batch.batchSize).map { b in rows.map { Array($0[(b * E)..<((b + 1) * E)]) } }
        let unknown = model.settings.labels.firstIndex(of: unknownLabel)
        return { [model] k, memory in
            var acts = readout.forward(memory: memoryTokens(memory, model: model, batch: batch.batchSize), batch: batch.batchSize)
            let scored = readout.loss(&acts, targets: rows[k])
            count(scored.correct, scored.scored,
                  stateCounts(predicted: readout.predictions(acts), entities: E, states: states, segment: k, unknown: unknown))
        }
    }

    /// The accuracy a stage is judged by (target, patience, best model): over every validation
    /// document, or over the documents of `options.advanceTasks`.
    func stageAccuracy(_ v: ValidationCounts) throws -> Float {
        guard let tasks = options.advanceTasks else { return v.accuracy }
        let counts = tasks.compactMap { v.byTaskCounts[$0] }
        let total = counts.reduce(0) { $0 + $1.total }
        guard total > 0 else { throw noAdvanceDocuments(seen: Set(v.byTaskCounts.keys)) }
        return Float(counts.reduce(0) { $0 + $1.correct }) / Float(total)
    }

    /// With `advanceTasks`: the validation documents of the current stage (made now, kept for its
    /// evaluations) must include some of those tasks' — checked before training, not at the first
    /// evaluation. Documents are drawn per task, so a small --eval-samples can miss a task.
    func checkAdvanceTasksValidate() throws {
        guard let tasks = options.advanceTasks else { return }
        var seen = Set<String>()
        for batch in try validationBatches(segments: validationSegments) { seen.formUnion(batch.tasks ?? []) }
        if seen.isDisjoint(with: tasks) { throw noAdvanceDocuments(seen: seen) }
    }

    /// `--advance-on` names tasks none of the validation documents (of tasks `seen`) is of.
    func noAdvanceDocuments(seen: Set<String>) -> ModelError {
        ModelError(out.path, "--advance-on \((options.advanceTasks ?? []).joined(separator: ",")): no validation document is of "
                   + (seen.isEmpty ? "a named task (the documents do not say their task)"
                      : "these tasks (they are \(seen.sorted().joined(separator: ","))); raise --eval-samples"))
    }

    /// The validation documents of `segments` segments, made once per segment count.
    func validationBatches(segments: Int) throws -> [SegmentBatch] {
        if let cached = validationCache[segments] { return cached }
        let batches = try valid.batches(segments: segments, count: options.evalSamples, batchSize: options.batchSize)
            .map { $0.read(passes: model.settings.readingPasses) }  // (N·passes) segments each
        validationCache[segments] = batches
        return batches
    }
}

/// What one validation pass counted: documents right, documents, summed loss, per task, and the
/// state readout's places.
struct ValidationCounts {
    var correct: Int, total: Int, lossSum: Float
    var byTaskCounts: [String: (correct: Int, total: Int)]
    /// The state readout's places right and scored over every segment (0, 0 without one), and
    /// of those the placed (not `unknown`) and carried ones.
    var stateCorrect = 0, stateScored = 0
    var stateCounts = StateCounts()
    /// Their ratio; nil when nothing was scored.
    var stateAccuracy: Float? { stateScored > 0 ? Float(stateCorrect) / Float(stateScored) : nil }
    /// "  state A (placed P, carried C)" for the progress line; parts without places are left out, "" without a readout.
    var stateSummary: String {
        guard let stateAccuracy else { return "" }
        let carried = stateCounts.carriedAccuracy.map { String(format: ", carried %.3f", $0) } ?? ""
        return String(format: "  state %.3f", stateAccuracy)
            + (stateCounts.placedAccuracy.map { String(format: " (placed %.3f", $0) + carried + ")" } ?? "")
    }
    var accuracy: Float { Float(correct) / Float(max(total, 1)) }
    var loss: Float { lossSum / Float(max(total, 1)) }
    var byTask: [String: Float] { byTaskCounts.mapValues { Float($0.correct) / Float(max($0.total, 1)) } }
}
