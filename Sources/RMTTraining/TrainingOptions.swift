// TrainingOptions: every knob of a curriculum training run (what rmt-train's flags set),
// validated in one place, and stored in each checkpoint so `--resume` continues the same run.
import RMTBase
import RMTData
import RMTModel
import RMTRecurrence

public struct TrainingOptions: Codable, Sendable, Equatable {
    /// Segments per document in the first stage, and the last stage.
    public var startSegments = 1
    public var maxSegments = 2
    /// `--vary-segments-from N`: each training batch reads documents of a segment count drawn
    /// uniformly from N to the stage's count (`segmentCount(forStep:stage:)`), so that one stage
    /// trains on short and long documents together (BABILong's `vary_n_segments`); validation
    /// stays at the stage's count (or `evalSegments`). nil = every batch at the stage's count.
    /// Optional so that the options of runs made before it decode.
    public var varySegmentsFrom: Int? = nil
    /// `--eval-segments N`: every validation reads documents of N segments, whatever the stage
    /// (`Trainer.validationSegments`), so that a stage's best model is the one that carries
    /// furthest at a length it is not trained on — a stage's own count can pick a model that has
    /// let go of what it read further back (Docs/results.md, "Session 51"). nil = the stage's count.
    /// Optional so that the options of runs made before it decode.
    public var evalSegments: Int? = nil
    /// Advance when validation accuracy reaches this, in (0, 1].
    public var targetAccuracy: Float = 0.95
    /// The tasks whose validation documents judge a stage — its target, its patience and the best
    /// model it keeps (accuracy over those documents only); nil = every validation document. The
    /// other tasks are still trained and reported. For a mixture where one hard task (qa2) would
    /// hold back the memory tasks' curriculum.
    public var advanceTasks: [String]? = nil
    /// Advance (or stop, at the last stage) after this many steps in a stage.
    public var maxStepsPerStage = 1000
    /// Evaluate (and checkpoint) every this many steps.
    public var evalEvery = 100
    /// Validation documents per evaluation.
    public var evalSamples = 200
    /// Advance (or stop) after this many evaluations without improvement.
    public var patience = 5
    public var batchSize = 8
    public var learningRate: Float = 1e-4
    /// Peak learning rate of the associative memory's tensors (`--associative-lr`), on the same
    /// warm-up and decay as `learningRate`; nil = `learningRate`. A memory added to a pretrained
    /// model starts from zero values, and at the backbone's rate it barely moves (Docs/associative-memory.md).
    public var associativeLearningRate: Float? = nil
    /// Peak learning rate of a relative scheme's position tensors (`--position-lr`: biases, slopes,
    /// FIRE/DAPE MLPs, CoPE embeddings, temperatures, the type-pair bias), on the same schedule;
    /// nil = `learningRate`. A scheme put on a pretrained model starts its terms fresh (T5 and the
    /// type-pair bias at zero), and at a fine-tuning rate they barely move (Docs/position-encodings.md).
    public var positionLearningRate: Float? = nil
    /// Peak learning rate of the state readout's tensors (`--state-lr`, rmt.state.*), on the same
    /// schedule; nil = `learningRate`. The readout starts fresh beside a trained backbone, and at a
    /// fine-tuning rate it stays near chance for hundreds of steps.
    public var stateLearningRate: Float? = nil
    /// Peak learning rate of the memory gate's tensors (`--gate-lr`, rmt.memory_gate.*), on the same
    /// schedule; nil = `learningRate`. The gate starts at one bias in every channel beside a trained
    /// model, and at a fine-tuning rate (2e-5 a step under Adam) it would take thousands of steps to move.
    public var gateLearningRate: Float? = nil
    /// Peak learning rate of the backbone (`--backbone-lr`): every tensor but the answer head
    /// (`pooler.*`, `rmt.classifier.*`; `RMTTensorName.isAnswerHead`) and those with a rate of their own above; nil =
    /// `learningRate`. 0 freezes the backbone, so a run trains the head alone — linear probing
    /// before fine-tuning (LP-FT), or a calibration of the head on longer documents.
    public var backboneLearningRate: Float? = nil
    public var warmup = 100
    public var weightDecay: Float = 0.01
    /// Gradient clipping by global norm and by value (nil = off).
    public var clipNorm: Float? = 1.0
    public var clipValue: Float? = nil
    /// BPTT depth in segments (nil = full); `memoryEfficient` recomputes segments instead.
    public var bpttDepth: Int? = nil
    public var memoryEfficient = false
    /// Loss summed over every segment instead of the final one, each against the final answer.
    public var sumLoss = false
    /// Loss summed over every segment, each against the answer of the document read so far
    /// (`--prefix-loss`; every-segment question layout). Optional so that the options of runs
    /// made before it decode (nil = off).
    public var prefixLoss: Bool? = nil
    /// Weight w of the state loss (`--state-loss`: the state readout scored on the memory leaving
    /// every segment against where each person and object is; BPTT.swift); nil = off. Optional
    /// so that the options of runs made before it decode.
    public var stateLoss: Float? = nil
    /// The temperature T of each named task's answer loss (`--loss-temperature TASK=T,…`): its
    /// documents are scored on logits / T, so calibration a task needs (T > 1: less sure) is not
    /// asked of the weights; nil: every task at 1. Answers and validation accuracy are unchanged.
    /// (A list, not a dictionary: the options file's key strategy would rewrite a task name.)
    public var lossTemperatures: [TaskTemperature]? = nil
    /// `lossTemperatures` by task name (empty when none).
    public var lossTemperatureByTask: [String: Float] {
        Dictionary((lossTemperatures ?? []).map { ($0.task, $0.temperature) }, uniquingKeysWith: { first, _ in first })
    }
    /// Memory distillation (`--distill-memory DIR`, `--distill-weight W`): the frozen teacher whose
    /// memory each segment's is pulled toward (MemoryDistillation.swift); nil = off. Optional so
    /// that the options of runs made before it decode.
    public var memoryTeacher: MemoryTeacher? = nil
    /// The starting bias of a memory gate the run added (`--memory-gate-bias`; nil: not given):
    /// recorded so that a resume given the same flags agrees.
    public var memoryGateBias: Float? = nil
    /// The gate penalty's λ (`--gate-penalty`): λ · the mean share of new memory a gated model lets
    /// in at every segment that hands its memory on is added to the loss (BPTT.swift); nil = off.
    /// Optional so that the options of runs made before it decode.
    public var gatePenalty: Float? = nil
    /// The move penalty's μ (`--move-penalty`): μ · the mean squared relative move of the memory
    /// tokens over every segment that hands its memory on is added to the loss (MemoryMove.swift);
    /// nil = off. Optional so that the options of runs made before it decode.
    public var movePenalty: Float? = nil
    /// The segments the move penalty prices (`--move-penalty-scope`); nil = every one it can (`all`).
    /// Optional so that the options of runs made before it decode.
    public var moveScope: MoveScope? = nil
    /// Keep the optimizer state and schedule across stages (default: fresh, as the paper).
    public var keepOptimizer = false
    public var seed: UInt64 = 1

    public init() {}

    /// Which segments the loss scores, and against which labels.
    public var segmentLoss: SegmentLoss {
        prefixLoss == true ? .prefix : sumLoss ? .everySegment : .finalSegment
    }

    /// Each parameter entry's multiple of the step's learning rate: the associative memory's
    /// tensors (AssociativeSettings.isTensor) at associativeLearningRate / learningRate, the
    /// position scheme's (PositionSettings.isTensor) at positionLearningRate / learningRate, the state
    /// readout's (`rmt.state.*`) at stateLearningRate / learningRate, the memory gate's
    /// (`rmt.memory_gate.*`) at gateLearningRate / learningRate, the answer head's 1, the rest
    /// (the backbone) at backboneLearningRate / learningRate — 0 when the backbone is frozen.
    public func learningRateScales(_ layout: ParameterLayout) -> [Float] {
        let associative = (associativeLearningRate ?? learningRate) / learningRate
        let position = (positionLearningRate ?? learningRate) / learningRate
        let state = (stateLearningRate ?? learningRate) / learningRate
        let gate = (gateLearningRate ?? learningRate) / learningRate
        let backbone = (backboneLearningRate ?? learningRate) / learningRate
        return layout.entries.map {
            AssociativeSettings.isTensor(named: $0.name) ? associative
                : PositionSettings.isTensor(named: $0.name) ? position
                : RMTTensorName.isStateReadout($0.name) ? state
                : RMTTensorName.isMemoryGate($0.name) ? gate
                : RMTTensorName.isAnswerHead($0.name) ? 1 : backbone
        }
    }

    /// The segment count of training step `step` (counted from 1) in the stage of `stage`
    /// segments: `stage` without `varySegmentsFrom`, else uniform in N…`stage`, drawn from the
    /// generator of item `step` of a stream seeded `mix(seed ^ "segments")` — a function of the
    /// run's seed and the step alone, so a resumed run draws the same counts, and every MPI rank
    /// the same count for the batch they share.
    public func segmentCount(forStep step: Int, stage: Int) -> Int {
        guard let lo = varySegmentsFrom, lo < stage else { return stage }
        return SplitMix64.draw(lo...stage, item: step, seed: seed, salt: Self.segmentsSalt)
    }

    /// The fewest segments a training batch of the stage of `stage` segments can have.
    public func fewestSegments(stage: Int) -> Int { min(varySegmentsFrom ?? stage, stage) }

    /// "segments" in ASCII: separates these draws from the data streams' generators.
    static let segmentsSalt: UInt64 = 0x7365_676D_656E_7473

    public var bpttMode: BPTTMode {
        if memoryEfficient { return .memoryEfficient }
        if let d = bpttDepth { return .truncated(depth: d) }
        return .full
    }

    /// Checks the options; the message names the flag at fault.
    public func validate() throws(OptionsError) {
        func fail(_ s: String) -> OptionsError { OptionsError(message: s) }
        if startSegments < 1 { throw fail("--start-segments must be at least 1, got \(startSegments)") }
        if maxSegments < 1 { throw fail("--max-segments must be at least 1, got \(maxSegments)") }
        if startSegments > maxSegments { throw fail("--start-segments \(startSegments) is greater than --max-segments \(maxSegments)") }
        if let lo = varySegmentsFrom, !(1...startSegments).contains(lo) {
            throw fail("--vary-segments-from must be in 1...\(startSegments) (--start-segments), got \(lo)")
        }
        if let n = evalSegments, n < 1 { throw fail("--eval-segments must be at least 1, got \(n)") }
        if !(targetAccuracy > 0 && targetAccuracy <= 1) { throw fail("--target-accuracy must be in (0, 1], got \(targetAccuracy)") }
        if let tasks = advanceTasks {
            if tasks.isEmpty || tasks.contains(where: { $0.isEmpty }) { throw fail("--advance-on needs task names, e.g. memorize,detect") }
            if Set(tasks).count != tasks.count { throw fail("--advance-on names a task twice: \(tasks.joined(separator: ","))") }
        }
        if maxStepsPerStage < 1 { throw fail("--max-steps-per-stage must be at least 1") }
        if evalEvery < 1 { throw fail("--eval-every must be at least 1") }
        if evalSamples < 1 { throw fail("--eval-samples must be at least 1") }
        if patience < 1 { throw fail("--patience must be at least 1") }
        if batchSize < 1 || batchSize > 4096 { throw fail("--batch-size must be in 1...4096, got \(batchSize)") }
        if !(learningRate > 0 && learningRate.isFinite) { throw fail("--lr must be a positive number") }
        if let a = associativeLearningRate, !(a > 0 && a.isFinite) { throw fail("--associative-lr must be a positive number") }
        if let p = positionLearningRate, !(p > 0 && p.isFinite) { throw fail("--position-lr must be a positive number") }
        if let g = gateLearningRate, !(g > 0 && g.isFinite) { throw fail("--gate-lr must be a positive number") }
        if let b = backboneLearningRate, !(b >= 0 && b.isFinite) { throw fail("--backbone-lr must be 0 (frozen) or a positive number") }
        if warmup < 0 { throw fail("--warmup must not be negative") }
        if !(weightDecay >= 0 && weightDecay.isFinite) { throw fail("--weight-decay must not be negative") }
        if let c = clipNorm, !(c > 0 && c.isFinite) { throw fail("--clip must be positive") }
        if let c = clipValue, !(c > 0 && c.isFinite) { throw fail("--clip-value must be positive") }
        if let d = bpttDepth, d < 1 { throw fail("--bptt-depth must be at least 1 (1 = the final segment only)") }
        if memoryEfficient && bpttDepth != nil { throw fail("--memory-efficient and --bptt-depth cannot be combined") }
        if let w = stateLoss, !(w > 0 && w.isFinite) { throw fail("--state-loss must be a positive weight, got \(w)") }
        if let l = gatePenalty, !(l > 0 && l.isFinite) { throw fail("--gate-penalty must be a positive weight, got \(l)") }
        if let m = movePenalty, !(m > 0 && m.isFinite) { throw fail("--move-penalty must be a positive weight, got \(m)") }
        if moveScope != nil && movePenalty == nil { throw fail("--move-penalty-scope says which segments --move-penalty prices; give --move-penalty too") }
        if let temperatures = lossTemperatures {
            if temperatures.isEmpty || temperatures.contains(where: \.task.isEmpty) { throw fail("--loss-temperature needs TASK=T pairs, e.g. babi-qa3=1.5") }
            if Set(temperatures.map(\.task)).count != temperatures.count { throw fail("--loss-temperature names a task twice") }
            if let bad = temperatures.first(where: { !($0.temperature > 0 && $0.temperature.isFinite) }) {
                throw fail("--loss-temperature \(bad.task)=\(bad.temperature): a temperature must be a positive number")
            }
        }
        if let r = stateLearningRate, !(r > 0 && r.isFinite) { throw fail("--state-lr must be a positive number") }
        if stateLearningRate != nil && stateLoss == nil { throw fail("--state-lr sets the state readout's learning rate; give --state-loss W too") }
        if let t = memoryTeacher {
            if t.path.isEmpty { throw fail("--distill-memory needs a model folder") }
            if !(t.weight > 0 && t.weight.isFinite) { throw fail("--distill-weight must be a positive number, got \(t.weight)") }
        }
        if sumLoss && prefixLoss == true {
            throw fail("--sum-loss and --prefix-loss cannot be combined (both score every segment: against the final answer, or against the answer so far)")
        }
    }
}

/// An impossible option combination, with a one-line message.
public struct OptionsError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// The teacher of memory distillation (`TrainingOptions.memoryTeacher`): its model folder, the
/// loss's weight, and the FNV-1a 64 of its model.safetensors as the run began (nil until the
/// trainer records it), so that a resume reads the same teacher or refuses.
public struct MemoryTeacher: Codable, Sendable, Equatable {
    public var path: String
    public var weight: Float
    public var fingerprint: String?
    public init(path: String, weight: Float = 1, fingerprint: String? = nil) {
        (self.path, self.weight, self.fingerprint) = (path, weight, fingerprint)
    }
}

/// One task's answer-loss temperature (`TrainingOptions.lossTemperatures`).
public struct TaskTemperature: Codable, Sendable, Equatable {
    public var task: String
    public var temperature: Float
    public init(task: String, temperature: Float) { (self.task, self.temperature) = (task, temperature) }
}
