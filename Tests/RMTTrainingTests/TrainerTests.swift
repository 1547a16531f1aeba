// The curriculum trainer: interrupting and resuming gives the same loss sequence as an
// uninterrupted run; the tiny RMT learns a recall task through its memory at 2 segments;
// impossible options and corrupt checkpoints are refused with one-line errors.
import Foundation
import Testing
import RMTTestSupport
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTTraining

func freshTinyModel(seed: UInt64 = 5) throws -> RecurrentMemoryModel {
    let base = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    return try RecurrentMemoryModel(config: base.config, settings: base.settings, tokenizer: base.tokenizer, seed: seed)
}

func tempDir(_ tag: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("rmt-\(tag)-\(UUID().uuidString)")
}

func lossSequence(_ out: URL) throws -> [String] {
    try metricsRecords(out, with: "loss").map { "\($0["step"]!):\($0["loss"]!)" }
}

/// A two-stage run of 6 steps per stage, validation every 3 steps on 8 documents, batch 4:
/// short enough to interrupt and resume in a test.
func shortTwoStageOptions() -> TrainingOptions {
    var options = TrainingOptions()
    options.startSegments = 1
    options.maxSegments = 2
    options.maxStepsPerStage = 6
    options.evalEvery = 3
    options.evalSamples = 8
    options.batchSize = 4
    options.learningRate = 1e-3
    options.warmup = 2
    return options
}

@Test func resumingGivesTheSameLossSequence() throws {
    let options = shortTwoStageOptions()
    let a = tempDir("train-a"), b = tempDir("train-b")
    defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }

    let whole = try Trainer(model: try freshTinyModel(), options: options, out: a,
                            train: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 1),
                            valid: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 2))
    #expect(try whole.run() == .finished)

    let first = try Trainer(model: try freshTinyModel(), options: options, out: b,
                            train: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 1),
                            valid: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 2))
    var steps = 0
    first.shouldStop = { steps += 1; return steps == 4 }  // interrupt mid-stage, between evaluations
    #expect(try first.run() == .interrupted)
    let second = try Trainer(resuming: b, train: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 1),
                             valid: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 2))
    #expect(second.state.step == 4)
    #expect(try second.run() == .finished)
    let expected = try lossSequence(a), resumed = try lossSequence(b)
    #expect(expected.count == 12)
    #expect(resumed == expected)
    let finalA = try RecurrentMemoryModel.load(directory: a.appendingPathComponent("model"))
    let finalB = try RecurrentMemoryModel.load(directory: b.appendingPathComponent("model"))
    #expect(finalA.parameters.storage.array == finalB.parameters.storage.array)
}

@Test func tinyModelLearnsRecallThroughMemory() throws {
    var options = TrainingOptions()
    options.startSegments = 1
    options.maxSegments = 2
    options.maxStepsPerStage = 600
    options.evalEvery = 50
    options.evalSamples = 64
    options.batchSize = 8
    options.learningRate = 1e-3
    options.warmup = 20
    options.targetAccuracy = 0.95
    options.patience = 20
    let out = tempDir("learn")
    defer { try? FileManager.default.removeItem(at: out) }
    let trainer = try Trainer(model: try freshTinyModel(), options: options, out: out,
                              train: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 3),
                              valid: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 4))
    _ = try trainer.run()
    let (accuracy, _) = try trainer.evaluate(segments: 2)
    print("recall through memory at 2 segments: accuracy \(accuracy) after \(trainer.state.step) steps")
    #expect(accuracy >= 0.9)
}

@Test func impossibleOptionsAreRefused() {
    let cases: [((inout TrainingOptions) -> Void, String)] = [
        ({ $0.startSegments = 0 }, "--start-segments"),
        ({ $0.startSegments = 3; $0.maxSegments = 2 }, "greater than --max-segments"),
        ({ $0.targetAccuracy = 0 }, "--target-accuracy"),
        ({ $0.targetAccuracy = 1.5 }, "--target-accuracy"),
        ({ $0.bpttDepth = 0 }, "--bptt-depth"),
        ({ $0.learningRate = .nan }, "--lr"),
        ({ $0.memoryEfficient = true; $0.bpttDepth = 2 }, "cannot be combined"),
        ({ $0.advanceTasks = [] }, "--advance-on needs task names"),
        ({ $0.advanceTasks = ["memorize", ""] }, "--advance-on needs task names"),
        ({ $0.advanceTasks = ["memorize", "detect", "memorize"] }, "--advance-on names a task twice"),
    ]
    for (edit, phrase) in cases {
        var o = TrainingOptions()
        edit(&o)
        do { try o.validate(); Issue.record("accepted options expected to fail with \(phrase)") } catch {
            #expect(error.description.contains(phrase))
        }
    }
}

@Test func corruptCheckpointIsRefused() throws {
    let out = tempDir("corrupt")
    defer { try? FileManager.default.removeItem(at: out) }
    let src = SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 1)
    #expect(throws: ModelError.self) { try Trainer(resuming: out, train: src, valid: src) }
    let ckpt = out.appendingPathComponent("checkpoint")
    try FileManager.default.createDirectory(at: ckpt, withIntermediateDirectories: true)
    try Data("{".utf8).write(to: ckpt.appendingPathComponent("trainer-state.json"))
    do { _ = try Trainer(resuming: out, train: src, valid: src); Issue.record("accepted") } catch {
        #expect("\(error)".contains("corrupt checkpoint"))
    }
}

@Test func nonFiniteLossStopsAndKeepsTheLastGoodCheckpoint() throws {
    var options = TrainingOptions()
    options.maxStepsPerStage = 10
    options.evalEvery = 2
    options.evalSamples = 4
    options.batchSize = 2
    let out = tempDir("nan")
    defer { try? FileManager.default.removeItem(at: out) }
    let model = try freshTinyModel()
    let trainer = try Trainer(model: model, options: options, out: out,
                              train: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 1),
                              valid: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 2))
    var calls = 0
    trainer.shouldStop = {
        calls += 1
        if calls == 2 { model.classifierBias[0] = .nan }  // poison the weights after the step-2 checkpoint
        return false
    }
    do {
        _ = try trainer.run()
        Issue.record("a NaN loss did not stop training")
    } catch let error as NonFiniteLossError {
        #expect(error.step == 3)
        #expect(error.description.contains("non-finite loss") && error.description.contains("checkpoint"))
    }
    let saved = try RecurrentMemoryModel.load(directory: trainer.checkpointURL)
    #expect(saved.parameters.storage.array.allSatisfy { $0.isFinite })
    let resumed = try Trainer(resuming: out, train: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 1),
                              valid: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 2))
    #expect(resumed.state.step == 2)
}

@Test func metricsRecordsCarryTheDocumentedFields() throws {
    var options = TrainingOptions()
    options.maxSegments = 1
    options.maxStepsPerStage = 2
    options.evalEvery = 2
    options.evalSamples = 2
    options.batchSize = 2
    let out = tempDir("metrics")
    defer { try? FileManager.default.removeItem(at: out) }
    let trainer = try Trainer(model: try freshTinyModel(), options: options, out: out,
                              train: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 1),
                              valid: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 2))
    _ = try trainer.run()
    let records = try metricsRecords(out)
    let steps = records.filter { $0["loss"] != nil }, evals = records.filter { $0["eval_accuracy"] != nil }
    #expect(steps.count == 2 && evals.count == 1)
    for key in ["step", "stage", "segments", "loss", "lr", "grad_norm", "tokens_per_second"] {
        #expect(steps.allSatisfy { $0[key] != nil }, "step records lack \(key)")
    }
    for key in ["step", "stage", "segments", "eval_accuracy"] { #expect(evals[0][key] != nil, "eval record lacks \(key)") }
    #expect(steps[0]["stage"] as? Int == 1)
}

/// The records of a run folder's metrics.jsonl, in order; with `key`, only those that carry it.
func metricsRecords(_ out: URL, with key: String? = nil) throws -> [[String: Any]] {
    try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        .filter { key == nil || $0[key!] != nil }
}

@Test func advanceTasksJudgeTheStageByTheirDocumentsOnly() throws {
    // The "coin" documents score exactly 0.25 whatever the model does (TaggedValidation), so a
    // stage judged by them reaches a target of 0.25 at its first evaluation and never 0.26.
    func run(target: Float, patience: Int) throws -> [[String: Any]] {
        var options = shortTwoStageOptions()
        options.evalSamples = 16
        options.maxStepsPerStage = 9
        options.targetAccuracy = target
        options.patience = patience
        options.advanceTasks = ["coin"]
        let out = tempDir("advance")
        defer { try? FileManager.default.removeItem(at: out) }
        let recall = SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 2)
        let trainer = try Trainer(model: try freshTinyModel(), options: options, out: out,
                                  train: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 1),
                                  valid: TaggedValidation(recall: recall))
        #expect(try trainer.run() == .finished)
        let evals = try metricsRecords(out, with: "eval_accuracy")
        for e in evals {
            let byTask = try #require(e["eval_accuracy_by_task"] as? [String: Double])
            #expect(byTask["coin"] == 0.25)
            #expect(e["eval_accuracy"] as? Double != 0.25, "the mixture's accuracy differs (TaggedValidation)")
            #expect(e["advance_accuracy"] as? Double == 0.25, "the stage's accuracy is the coin documents'")
            #expect(e["best_accuracy"] as? Double == 0.25, "best of the stage's own accuracy, not of the mixture's")
        }
        return evals
    }
    // Reached at each stage's first evaluation: 3 steps a stage.
    let reached = try run(target: 0.25, patience: 5)
    #expect(reached.map { $0["step"] as? Int } == [3, 6])
    #expect(reached.map { $0["segments"] as? Int } == [1, 2])
    // Never reached: each stage ends when its second evaluation does not improve (patience 1).
    let stalled = try run(target: 0.26, patience: 1)
    #expect(stalled.map { $0["step"] as? Int } == [3, 6, 9, 12])
    #expect(stalled.map { $0["segments"] as? Int } == [1, 1, 2, 2])
}

@Test func advanceTasksWithoutValidationDocumentsAreRefusedBeforeTraining() throws {
    var options = shortTwoStageOptions()
    options.evalSamples = 16
    options.advanceTasks = ["qa2"]
    let out = tempDir("advance-absent")
    defer { try? FileManager.default.removeItem(at: out) }
    do {
        _ = try Trainer(model: try freshTinyModel(), options: options, out: out,
                        train: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 1),
                        valid: TaggedValidation(recall: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 2)))
        Issue.record("a stage judged by a task with no validation documents was accepted")
    } catch {
        #expect("\(error)".contains("--advance-on qa2: no validation document is of these tasks (they are coin,same); raise --eval-samples"),
                "\(error)")
    }
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("checkpoint").path), "a refused run wrote a checkpoint")
}
