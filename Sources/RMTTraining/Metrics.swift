// Metrics: metrics.jsonl, one JSON object per line — a step record
// {"step", "stage", "segments", "data_segment_length", "loss", "lr", "grad_norm", "tokens_per_second",
// "batch_accuracy"[, "state_loss", "state_accuracy"][, "distill_loss"][, "skipped_documents"]}
// (data_segment_length: the document tokens per segment of the step's batch; the state fields with
// `--state-loss`: the state loss before its weight and the share of (sequence, entity, segment) places
// the readout got right; distill_loss with `--distill-memory`: the memory distillation's mean squared
// difference before its weight; skipped_documents: documents passed over for this batch because their
// facts did not fit at its length, absent when none)
// or an evaluation record {"step", "stage", "segments", "eval_accuracy", "eval_loss", "best_accuracy",
// "eval_accuracy_by_task" (multi-task runs only: {"memorize": 1.0, …}), "eval_state_accuracy" (a model
// with a state readout: the share of places it got right over the validation documents' segments;
// "eval_state_placed" / "eval_state_carried": the same over the places that are not `unknown`, and
// over those already known one segment before — what the memory carried)};
// `stage` counts curriculum stages from 1 (the stage of --start-segments); a step record's `segments`
// is its batch's (drawn per step with --vary-segments-from), an evaluation record's the stage's; with
// --eval-segments an evaluation record adds "eval_segments", the length its validation documents had.
// On resume, records past the checkpoint's step are dropped so the file matches the run.
import Foundation

struct StepRecord: Encodable {
    let step: Int, stage: Int, segments: Int
    /// The document tokens per segment of the step's batch (its own length under a range).
    let dataSegmentLength: Int
    let loss: Float, lr: Float, gradNorm: Float
    let tokensPerSecond: Double
    let batchAccuracy: Float
    /// With `--state-loss`: the state loss before its weight, and the readout's accuracy over the
    /// places it scored (nil when the batch had none); absent otherwise.
    var stateLoss: Float? = nil, stateAccuracy: Float? = nil
    /// With `--distill-memory`: the distillation loss before its weight.
    var distillLoss: Float? = nil
    /// A gated model: its mean share of new memory over the segments that hand theirs on
    /// (BatchResult.gateShare; the gate penalty's term before λ); absent otherwise.
    var gateShare: Float? = nil
    /// More than two segments: the memory tokens' mean squared relative move over segments 1 … N−2
    /// (BatchResult.memoryMove; the move penalty's term before μ); absent otherwise.
    var memoryMove: Float? = nil
    /// …and over the pairs whose segment holds no fact (BatchResult.quietMoveMean; the quiet scope's pairs);
    /// absent where the batch does not say where its facts are or none is quiet.
    var memoryMoveQuiet: Float? = nil
    /// Documents the batch source skipped for this step's batch (facts that did not fit at its
    /// length; TaskBatchSources.swift); absent when none.
    var skippedDocuments: Int? = nil
    enum CodingKeys: String, CodingKey {
        case step, stage, segments, dataSegmentLength = "data_segment_length", loss, lr, gradNorm = "grad_norm"
        case tokensPerSecond = "tokens_per_second", batchAccuracy = "batch_accuracy"
        case stateLoss = "state_loss", stateAccuracy = "state_accuracy", distillLoss = "distill_loss"
        case gateShare = "gate_share", memoryMove = "memory_move", memoryMoveQuiet = "memory_move_quiet"
        case skippedDocuments = "skipped_documents"
    }
}

struct EvalRecord: Encodable {
    let step: Int, stage: Int, segments: Int
    let evalAccuracy: Float, evalLoss: Float, bestAccuracy: Float
    /// Multi-task runs: accuracy per task on the same validation documents; nil otherwise.
    let evalAccuracyByTask: [String: Float]?
    /// With `advanceTasks`: the accuracy over those tasks' documents, which judges the stage
    /// (`bestAccuracy` is then its best); nil otherwise.
    var advanceAccuracy: Float? = nil
    /// A model with a state readout: its accuracy over every (document, entity, segment) place of
    /// the validation documents that have world states; nil otherwise.
    var evalStateAccuracy: Float? = nil
    /// The same over the places that are not `unknown`, and over those known one segment before
    /// (carried by the memory); nil when there were none.
    var evalStatePlaced: Float? = nil, evalStateCarried: Float? = nil
    /// With `--eval-segments`: the segments of the validation documents (the stage's otherwise).
    var evalSegments: Int? = nil
    enum CodingKeys: String, CodingKey {
        case step, stage, segments, evalAccuracy = "eval_accuracy", evalLoss = "eval_loss", bestAccuracy = "best_accuracy"
        case evalAccuracyByTask = "eval_accuracy_by_task", advanceAccuracy = "advance_accuracy"
        case evalStateAccuracy = "eval_state_accuracy", evalStatePlaced = "eval_state_placed"
        case evalStateCarried = "eval_state_carried", evalSegments = "eval_segments"
    }
}

final class MetricsLog {
    let url: URL
    let handle: FileHandle
    let encoder: JSONEncoder

    init(url: URL, truncateAfterStep: Int?) throws {
        self.url = url
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var keep = Data()
        if let last = truncateAfterStep, let old = try? String(contentsOf: url, encoding: .utf8) {
            for line in old.split(separator: "\n") {
                struct Step: Decodable { let step: Int }
                if let s = try? JSONDecoder().decode(Step.self, from: Data(line.utf8)), s.step <= last {
                    keep.append(Data((line + "\n").utf8))
                }
            }
        }
        try keep.write(to: url, options: .atomic)
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    func append<T: Encodable>(_ record: T) throws {
        var data = try encoder.encode(record)
        data.append(0x0A)
        try handle.write(contentsOf: data)
    }

    deinit { try? handle.close() }
}
