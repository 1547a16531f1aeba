// Trainer: the curriculum loop. One stage per segment count N, from start to max:
// train on N-segment documents, evaluate every `evalEvery` steps on a fixed validation
// set, keep the stage's best parameters, and advance to N + 1 when validation accuracy
// reaches the target, stops improving (`patience`) or the stage's step budget is spent.
// Each stage starts from the previous stage's best parameters with a fresh optimizer and
// schedule (the paper's recipe) unless `keepOptimizer` is set.
//
// Everything needed to continue — parameters, AdamW moments, the stage's best parameters,
// the data stream position, counters — is written atomically to OUT/checkpoint at the start
// (step 0), at every evaluation and when interrupted; `Trainer(resuming:)` recovers the
// folder from any state a kill leaves (RunFolder) and continues at the same step with the
// same data, so the loss sequence equals an uninterrupted run's.
//
// OUT/metrics.jsonl   one JSON object per step and per evaluation
// OUT/checkpoint/     resumable state (a model folder plus optimizer and trainer state)
// OUT/stages/N/       best model of stage N       OUT/model/  best model of the last stage
//
// Data-parallel (`collective` of several ranks, DataParallel.swift): each rank trains on its
// slice of the global batch, gradients are summed over the ranks before clipping, evaluation
// is split by batches, and only rank 0 writes files. One rank (`SingleProcess`) is the plain run.
import Foundation
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTSafetensors

/// Counters that, with the options, parameters and optimizer, define where training is.
public struct TrainerState: Codable, Sendable, Equatable {
    public var step = 0
    public var segments: Int
    public var stepInStage = 0
    public var bestAccuracy: Float = -1
    public var evalsWithoutImprovement = 0
    public var dataPosition: UInt64 = 0
    public var finished = false
}

/// How a `run` ended.
public enum TrainingOutcome: Sendable, Equatable {
    case finished
    case interrupted
}

/// Training stopped on a non-finite training loss, gradient or validation loss.
public struct NonFiniteLossError: Error, CustomStringConvertible {
    public let step: Int
    /// The last good checkpoint on disk and its step; nil when none was written yet.
    public let checkpoint: URL?
    public let checkpointStep: Int?
    public init(step: Int, checkpoint: URL?, checkpointStep: Int?) {
        self.step = step
        self.checkpoint = checkpoint
        self.checkpointStep = checkpointStep
    }
    public var description: String {
        let saved = checkpoint.map { "the last good checkpoint is \($0.path) (step \(checkpointStep ?? 0))" }
            ?? "no checkpoint was written yet"
        return "non-finite loss or gradient at step \(step); stopped before saving it — \(saved)"
    }
}

public final class Trainer: @unchecked Sendable {
    public let options: TrainingOptions
    public let model: RecurrentMemoryModel
    public let out: URL
    public private(set) var state: TrainerState
    public let engine: BPTTEngine
    public private(set) var optimizer: AdamW
    let train: TrainingBatchSource
    let valid: ValidationSource
    let evalProcessor: SegmentProcessor
    var bestParameters: ParameterSet?
    var validationCache: [Int: [SegmentBatch]] = [:]
    /// nil on ranks other than 0, which write nothing.
    let metrics: MetricsLog?
    /// The ranks this run is spread over (one process unless run under MPI).
    public let collective: any Collective
    /// Rank 0's hold on the run folder (RunLock): one training process per folder, from before
    /// the first write. Taken by the initializer unless the caller passes its own (the CLI
    /// locks before it writes data.json), and then let go when `run` returns.
    private var runLock: RunLock?
    /// Whether this trainer took `runLock` itself (and so releases it when `run` returns).
    private let ownsLock: Bool

    /// Called with a one-line progress message after each step and evaluation.
    public var onProgress: ((String) -> Void)?
    /// Polled after each step; true makes `run` checkpoint and return `.interrupted`.
    public var shouldStop: () -> Bool = { false }

    public var checkpointURL: URL { out.appendingPathComponent("checkpoint") }

    /// Curriculum stage, counted from 1 at `startSegments`.
    public var stage: Int { state.segments - options.startSegments + 1 }

    /// Starts a new run in `out` (its metrics.jsonl is replaced) and writes its step-0 checkpoint.
    /// The model's inference runs fp32 from here on (its `compute.precision` is set to `.fp32`);
    /// training is fp32, or mixed precision where `compute.trainsInBF16` (kept as set).
    /// - Parameter lock: the caller's lock on `out`, held until the caller releases it; nil = the
    ///   trainer locks `out` itself (refused with a `ModelError` while another process trains in it).
    public init(model: RecurrentMemoryModel, options: TrainingOptions, out: URL,
                train: TrainingBatchSource, valid: ValidationSource, collective: any Collective = SingleProcess(),
                lock: RunLock? = nil) throws {
        try options.validate()
        if options.segmentLoss == .prefix && model.settings.questionLayout != .everySegment {
            throw OptionsError(message: "--prefix-loss needs a model whose question is in every segment (question layout every-segment; this one is \(model.settings.questionLayout.rawValue)): an earlier segment cannot answer a question it has not read")
        }
        if options.stateLoss != nil && model.settings.stateEntities == nil {
            throw OptionsError(message: "--state-loss scores the model's state readout, and this model has none (rmt-train adds one)")
        }
        if options.associativeLearningRate != nil && model.config.associative == nil {
            throw OptionsError(message: "--associative-lr sets the learning rate of an associative memory, and this model has none (add one with --associative D)")
        }
        if options.gateLearningRate != nil && !model.settings.hasMemoryGate {
            throw OptionsError(message: "--gate-lr sets the learning rate of a memory gate, and this model has none (add one with --memory-gate)")
        }
        if options.gatePenalty != nil && !model.settings.hasMemoryGate {
            throw OptionsError(message: "--gate-penalty prices the share of new memory a memory gate lets in, and this model has none (add one with --memory-gate)")
        }
        if options.movePenalty != nil && model.config.associative != nil {
            throw OptionsError(message: "--move-penalty prices the move of the memory tokens, and this model also carries an associative memory, which it would not price (train it without one)")
        }
        if options.positionLearningRate != nil && model.config.position?.usesAbsolutePositions ?? true {
            throw OptionsError(message: "--position-lr sets the learning rate of a relative position scheme's tensors, and this model has none (absolute positions; give it one with --position SCHEME)")
        }
        try Self.checkBatchDivides(options.batchSize, over: collective)
        ownsLock = lock == nil
        self.collective = collective
        var options = options
        options.memoryTeacher = try options.memoryTeacher.map(MemoryDistillation.recorded)  // the teacher's fingerprint, for --resume
        self.options = options
        self.model = model
        model.compute.precision = .fp32  // validation reads fp32: weights change every step (trainsInBF16 is kept)
        self.out = out
        self.train = train
        self.valid = valid
        state = TrainerState(segments: options.startSegments)
        engine = try Self.makeEngine(model, options, ranks: collective.size)
        optimizer = Self.makeOptimizer(model, options)
        evalProcessor = SegmentProcessor(model: model, batchCapacity: options.batchSize)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        if collective.isRoot { runLock = try Self.lock(out, given: lock) }
        if collective.isRoot { try RunFolder.recover(out) }  // temp folders of an earlier, killed run
        metrics = collective.isRoot ? try MetricsLog(url: out.appendingPathComponent("metrics.jsonl"), truncateAfterStep: nil) : nil
        train.position = 0
        try checkAdvanceTasksValidate()
        try saveCheckpoint()  // step 0: a run killed before its first evaluation still resumes
    }

    /// Continues the run saved in `out/checkpoint`, after recovering the run folder from any
    /// state a kill can leave (RunFolder.recover, by rank 0 while the others wait). Every file
    /// the resume needs is checked: a missing or corrupt one is a `ModelError` naming it.
    /// The reloaded model runs with `compute` (a new run's model brings its own).
    /// `lock` as for a new run.
    public init(resuming out: URL, train: TrainingBatchSource, valid: ValidationSource,
                collective: any Collective = SingleProcess(), compute: ComputeOptions = .default,
                lock: RunLock? = nil) throws {
        ownsLock = lock == nil
        if collective.isRoot {
            guard ModelFolder.isFolder(out) else {
                throw ModelError(out.path, "no checkpoint to resume (no such run folder)")
            }
            runLock = try Self.lock(out, given: lock)
            try RunFolder.recover(out)
        }
        try collective.barrier()  // the other ranks read the checkpoint once rank 0 has recovered it
        let dir = out.appendingPathComponent("checkpoint")
        guard FileManager.default.fileExists(atPath: dir.path) else {
            throw ModelError(out.path, "no checkpoint to resume (the run was stopped before its step-0 checkpoint)")
        }
        (options, state) = try Self.readCheckpointState(dir)
        try Self.checkBatchDivides(options.batchSize, over: collective)
        self.collective = collective
        model = try RecurrentMemoryModel.load(directory: dir)
        model.compute = compute
        model.compute.precision = .fp32  // validation reads fp32: weights change every step (trainsInBF16 is kept)
        self.out = out
        self.train = train
        self.valid = valid
        engine = try Self.makeEngine(model, options, ranks: collective.size)
        optimizer = Self.makeOptimizer(model, options)
        try optimizer.load(from: try requireFile(dir, "optimizer.safetensors"))
        let bestURL = dir.appendingPathComponent("stage-best.safetensors")
        if FileManager.default.fileExists(atPath: bestURL.path) {
            let best = ParameterSet(layout: model.parameters.layout)
            do { try best.load(from: SafetensorsFile(contentsOf: bestURL)) } catch let e as SafetensorsError {
                throw ModelError(e.path, e.problem)
            }
            bestParameters = best
        }
        evalProcessor = SegmentProcessor(model: model, batchCapacity: options.batchSize)
        metrics = collective.isRoot ? try MetricsLog(url: out.appendingPathComponent("metrics.jsonl"), truncateAfterStep: state.step) : nil
        train.position = state.dataPosition
        try checkAdvanceTasksValidate()
    }

    /// The BPTT engine the options ask for, on each rank's share of the batch (with the memory
    /// teacher, when there is one, loaded and checked against its recorded fingerprint).
    private static func makeEngine(_ model: RecurrentMemoryModel, _ options: TrainingOptions, ranks: Int) throws -> BPTTEngine {
        let capacity = options.batchSize / ranks
        let distillation = try options.memoryTeacher.map { try MemoryDistillation(loading: $0, student: model, batchCapacity: capacity) }
        return BPTTEngine(model: model, batchCapacity: capacity, mode: options.bpttMode, segmentLoss: options.segmentLoss,
                          stateLossWeight: options.stateLoss ?? 0, lossTemperatures: options.lossTemperatureByTask,
                          distillation: distillation, gatePenalty: options.gatePenalty ?? 0,
                          movePenalty: options.movePenalty ?? 0, moveScope: options.moveScope ?? .all)
    }

    /// The caller's lock when it is for `out`, else a new one on `out`.
    private static func lock(_ out: URL, given: RunLock?) throws -> RunLock {
        guard let given else { return try RunLock(acquiring: out) }
        guard given.isHeld, given.folder.standardizedFileURL.path == out.standardizedFileURL.path else {
            throw ModelError(out.path, "the run lock given is \(given.isHeld ? "for \(given.folder.path)" : "released"), not held for this folder")
        }
        return given
    }

    /// options.json and trainer-state.json of a checkpoint, decoded and checked against each other.
    /// Both are snake_case; a run folder written before (camelCase keys) reads the same.
    public static func readCheckpointState(_ dir: URL) throws -> (TrainingOptions, TrainerState) {
        let decoder = checkpointDecoder
        func read<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
            let url = try requireFile(dir, name)
            do { return try decoder.decode(T.self, from: Data(contentsOf: url)) } catch let error as DecodingError {
                throw ModelError(url.path, "corrupt checkpoint: \(describeDecodingError(error))")
            } catch { throw ModelError(url.path, "corrupt checkpoint: unreadable") }
        }
        let state = try read(TrainerState.self, "trainer-state.json")
        let options = try read(TrainingOptions.self, "options.json")
        let stateURL = dir.appendingPathComponent("trainer-state.json").path
        do { try options.validate() } catch {
            throw ModelError(dir.appendingPathComponent("options.json").path, "corrupt checkpoint: \(error.description)")
        }
        guard state.step >= 0, state.stepInStage >= 0, state.stepInStage <= state.step,
              state.stepInStage <= options.maxStepsPerStage, state.evalsWithoutImprovement >= 0,
              (options.startSegments...options.maxSegments).contains(state.segments),
              state.bestAccuracy == -1 || (0...1).contains(state.bestAccuracy) else {
            throw ModelError(stateURL, "corrupt checkpoint: counters out of range for its options.json")
        }
        return (options, state)
    }

    /// Reads a checkpoint's options.json and trainer-state.json: snake_case keys, and the camelCase
    /// keys of run folders written before (converting from snake case leaves those as they are).
    static var checkpointDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// Trains until the last stage ends or `shouldStop` says so. A lock the trainer took itself
    /// is let go when this returns (taken again by another call).
    public func run() throws -> TrainingOutcome {
        if ownsLock && collective.isRoot && runLock == nil { runLock = try RunLock(acquiring: out) }
        defer { if ownsLock { runLock?.release(); runLock = nil } }
        while !state.finished {
            let started = Date()
            let lr = currentLearningRate()
            // The stage's count, or with --vary-segments-from a count drawn for this step.
            let segments = options.segmentCount(forStep: state.step + 1, stage: state.segments)
            let batch = try train.nextBatch(segments: segments, batchSize: options.batchSize)
                .read(passes: model.settings.readingPasses)  // (N·passes) segments
            engine.gradients.storage.zero()
            var result = try engine.lossAndGradients(localShare(of: batch))
            try sumOverRanks(&result)
            let norm = clipGradients(engine.gradients, maxNorm: options.clipNorm, maxValue: options.clipValue, compute: model.compute)
            guard result.loss.isFinite, norm.isFinite else { throw nonFinite(step: state.step + 1) }
            optimizer.update(parameters: model.parameters, gradients: engine.gradients, learningRate: lr, compute: model.compute)
            model.parameters.projectPositionParameters(model.config)  // Kerple's clamps (no-op otherwise)
            state.step += 1
            state.stepInStage += 1
            state.dataPosition = train.position
            let seconds = Date().timeIntervalSince(started)
            let tokens = batch.positions(memoryTokens: model.settings.memoryTokens)  // as computed: short segments count short
            let skipped = train.skippedInLastBatch  // documents passed over for this batch (facts that did not fit)
            try metrics?.append(StepRecord(step: state.step, stage: stage, segments: segments,
                                          dataSegmentLength: batch.segmentLength ?? model.settings.segmentLength, loss: result.loss, lr: lr,
                                          gradNorm: norm, tokensPerSecond: Double(tokens) / seconds,
                                          batchAccuracy: Float(result.correct) / Float(batch.batchSize),
                                          stateLoss: options.stateLoss == nil ? nil : result.stateLoss,
                                          stateAccuracy: result.stateScored > 0 ? Float(result.stateCorrect) / Float(result.stateScored) : nil,
                                          distillLoss: options.memoryTeacher == nil ? nil : result.distillLoss,
                                          gateShare: result.gateShare, memoryMove: result.memoryMove,
                                          memoryMoveQuiet: result.quietMoveMean,
                                          skippedDocuments: skipped > 0 ? skipped : nil))
            onProgress?(String(format: "step %d  segments %d  loss %.4f  lr %.2e  grad %.3f  %.0f tok/s",
                               state.step, segments, result.loss, lr, norm, Double(tokens) / seconds)
                        + (options.memoryTeacher == nil ? "" : String(format: "  distill %.3g", result.distillLoss))
                        + (result.gateShare.map { String(format: "  gate %.3f", $0) } ?? "")
                        + (result.memoryMove.map { String(format: "  move %.3g", $0) } ?? "")
                        + (result.quietMoveMean.map { String(format: " (quiet %.3g)", $0) } ?? "")
                        + (skipped > 0 ? "  skipped \(skipped)" : ""))
            if state.stepInStage % options.evalEvery == 0 || state.stepInStage >= options.maxStepsPerStage {
                try evaluateAndAdvance()
            }
            if try stopRequestedOnAnyRank() && !state.finished {
                try saveCheckpoint()
                try collective.barrier()  // every rank returns once the checkpoint is on disk
                return .interrupted
            }
        }
        try RunFolder.recover(out)  // nothing half-written stays behind a finished run
        return .finished
    }

    /// The error for a non-finite loss at `step`, naming the checkpoint on disk (if any).
    func nonFinite(step: Int) -> NonFiniteLossError {
        let saved = RunFolder.checkpointStep(out)
        return NonFiniteLossError(step: step, checkpoint: saved == nil ? nil : checkpointURL, checkpointStep: saved)
    }

    /// A fresh AdamW for `model` under `options` (weight decay, per-entry learning-rate factors).
    static func makeOptimizer(_ model: RecurrentMemoryModel, _ options: TrainingOptions) -> AdamW {
        AdamW(layout: model.parameters.layout, settings: AdamWSettings(weightDecay: options.weightDecay),
              entryScales: options.learningRateScales(model.parameters.layout))
    }

    func currentLearningRate() -> Float {
        let step = options.keepOptimizer ? state.step : state.stepInStage
        let total = options.keepOptimizer ? options.maxStepsPerStage * (options.maxSegments - options.startSegments + 1)
                                          : options.maxStepsPerStage
        return learningRate(step: step, peak: options.learningRate, warmup: options.warmup, total: total)
    }

    /// The segments of every validation document: `--eval-segments`, else the stage's count.
    public var validationSegments: Int { options.evalSegments ?? state.segments }

    func evaluateAndAdvance() throws {
        let v = try validate(segments: validationSegments)
        let (accuracy, loss, byTask) = (v.accuracy, v.loss, v.byTask)
        guard loss.isFinite else { throw nonFinite(step: state.step) }  // diverged weights: keep the last checkpoint
        let judged = try stageAccuracy(v)
        if judged > state.bestAccuracy {
            state.bestAccuracy = judged
            state.evalsWithoutImprovement = 0
            bestParameters = model.parameters.copy()
            if collective.isRoot { try model.save(to: out.appendingPathComponent("stages/\(state.segments)")) }
        } else {
            state.evalsWithoutImprovement += 1
        }
        let advanceOn = options.advanceTasks == nil ? nil : judged
        try metrics?.append(EvalRecord(step: state.step, stage: stage, segments: state.segments, evalAccuracy: accuracy,
                                      evalLoss: loss, bestAccuracy: state.bestAccuracy,
                                      evalAccuracyByTask: byTask.count > 1 ? byTask : nil, advanceAccuracy: advanceOn,
                                      evalStateAccuracy: v.stateAccuracy, evalStatePlaced: v.stateCounts.placedAccuracy,
                                      evalStateCarried: v.stateCounts.carriedAccuracy, evalSegments: options.evalSegments))
        let perTask = byTask.count > 1
            ? "  [" + byTask.sorted { $0.key < $1.key }.map { String(format: "%@ %.2f", $0.key, $0.value) }.joined(separator: ", ") + "]"
            : ""
        let judgedText = advanceOn.map { String(format: "  advance-on %.3f", $0) } ?? ""
        let length = options.evalSegments.map { String(format: "stage %d  read at %d segments", state.segments, $0) }
            ?? String(format: "segments %d", state.segments)
        onProgress?(String(format: "eval step %d  ", state.step) + length + String(format: "  accuracy %.3f", accuracy) + judgedText
                    + String(format: "  (best %.3f)  loss %.4f", state.bestAccuracy, loss)
                    + v.stateSummary + perTask)
        let reached = judged >= options.targetAccuracy
        let stalled = state.evalsWithoutImprovement >= options.patience
        let spent = state.stepInStage >= options.maxStepsPerStage
        if reached || stalled || spent {
            if let best = bestParameters {
                model.parameters.storage.pointer.update(from: best.storage.pointer, count: best.layout.count)
            }
            if state.segments >= options.maxSegments {
                state.finished = true
                if collective.isRoot { try model.save(to: out.appendingPathComponent("model")) }
            } else {
                state.segments += 1
                state.stepInStage = 0
                state.bestAccuracy = -1
                state.evalsWithoutImprovement = 0
                bestParameters = nil
                if !options.keepOptimizer {
                    optimizer = Self.makeOptimizer(model, options)
                }
                onProgress?("stage: \(state.segments) segments (\(reached ? "target reached" : stalled ? "no improvement" : "step budget spent"))")
            }
        }
        try saveCheckpoint()
    }

    /// Writes OUT/checkpoint atomically: model folder + optimizer + best-of-stage + state
    /// (rank 0 only; the other ranks hold the same state).
    public func saveCheckpoint() throws {
        guard collective.isRoot else { return }
        // Only while the folder is this trainer's: a lock it let go (run returned) is taken again
        // for the write, so a trainer resumed meanwhile elsewhere is not overwritten.
        let again = ownsLock && runLock == nil ? try RunLock(acquiring: out) : nil
        defer { again?.release() }
        if !ownsLock, runLock?.isHeld != true {
            throw ModelError(out.path, "the run lock given to this trainer has been released; it no longer writes the folder")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase  // like every other file of the run
        try AtomicDirectory.write(checkpointURL) { dir in
            try model.writeFiles(into: dir)
            try optimizer.save(to: dir.appendingPathComponent("optimizer.safetensors"))
            if let best = bestParameters { try best.save(to: dir.appendingPathComponent("stage-best.safetensors")) }
            try encoder.encode(options).write(to: dir.appendingPathComponent("options.json"))
            try encoder.encode(state).write(to: dir.appendingPathComponent("trainer-state.json"))
        }
    }
}
