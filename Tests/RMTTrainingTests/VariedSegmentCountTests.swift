// Training batches of varied segment counts (`--vary-segments-from N`, TrainingOptions.segmentCount):
// without it every step reads the stage's count; with it each step's count is uniform in N…stage,
// a function of the run's seed and the step alone (so a resumed run draws the same), every count
// of the range drawn; validation refuses N outside 1…--start-segments; a run records each step's
// drawn count in metrics.jsonl, evaluates at the stage's count, and resumed mid-stage gives the
// same losses and model as a run that never stopped; options.json of runs from before the flag
// decode with it off.
import Foundation
import Testing
import RMTBase
import RMTData
import RMTModel
import RMTRecurrence
import RMTTraining

@Test func withoutVaryingEveryStepReadsTheStagesCount() {
    let options = TrainingOptions()
    #expect((1...50).allSatisfy { options.segmentCount(forStep: $0, stage: 5) == 5 })
    #expect(options.fewestSegments(stage: 5) == 5)
}

@Test func variedCountsAreUniformInTheRangeAndAFunctionOfSeedAndStep() {
    var options = TrainingOptions()
    options.varySegmentsFrom = 2
    options.seed = 11
    let counts = (1...1_000).map { options.segmentCount(forStep: $0, stage: 6) }
    #expect(counts.allSatisfy { (2...6).contains($0) })
    // Uniform over 2…6: 200 expected each; a fair draw stays within ±60 (4.7 standard deviations).
    let histogram = Dictionary(grouping: counts, by: { $0 }).mapValues(\.count)
    #expect(histogram.keys.sorted() == [2, 3, 4, 5, 6] && histogram.values.allSatisfy { (140...260).contains($0) }, "\(histogram)")
    // The same (seed, step) draws the same count, in any order; another seed other counts.
    #expect((1...1_000).reversed().map { options.segmentCount(forStep: $0, stage: 6) } == counts.reversed())
    var other = options
    other.seed = 12
    #expect((1...1_000).map { other.segmentCount(forStep: $0, stage: 6) } != counts)
    #expect(options.fewestSegments(stage: 6) == 2)
    // At a stage no longer than N every step reads the stage's count.
    #expect((1...50).allSatisfy { options.segmentCount(forStep: $0, stage: 2) == 2 && options.segmentCount(forStep: $0, stage: 1) == 1 })
    #expect(options.fewestSegments(stage: 1) == 1)
}

@Test func varyingFromOutsideOneToTheStartIsRefused() throws {
    var options = TrainingOptions()
    options.startSegments = 3
    options.maxSegments = 5
    for bad in [0, -1, 4] {
        options.varySegmentsFrom = bad
        do { try options.validate(); Issue.record("accepted \(bad)") } catch {
            #expect(error.description == "--vary-segments-from must be in 1...3 (--start-segments), got \(bad)", "\(error)")
        }
    }
    for good in [1, 2, 3] {
        options.varySegmentsFrom = good
        try options.validate()
    }
}

@Test func optionsFromBeforeVaryingDecodeWithItOff() throws {
    var options = TrainingOptions()
    options.varySegmentsFrom = 2
    options.startSegments = 2
    var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(options)) as! [String: Any]
    #expect(json["varySegmentsFrom"] as? Int == 2)
    json.removeValue(forKey: "varySegmentsFrom")
    let old = try JSONDecoder().decode(TrainingOptions.self, from: JSONSerialization.data(withJSONObject: json))
    #expect(old.varySegmentsFrom == nil && old.startSegments == 2)
}

/// Two stages (2 and 3 segments), 6 steps each, every batch from 1 segment up.
private func variedOptions() -> TrainingOptions {
    var options = shortTwoStageOptions()
    options.startSegments = 2
    options.maxSegments = 3
    options.varySegmentsFrom = 1
    options.seed = 6
    return options
}

private func memorizeSources(seed: UInt64) throws -> (TaskBatchSource, TaskValidationSource) {
    let (model, task, noise) = try tinyTaskSetup("memorize", memoryTokens: 2, segmentLength: 32, sentences: 400)
    func stream(_ split: DataSplit) throws -> DataStream {
        try DataStream(task: task, noise: noise, tokenizer: model.tokenizer, seed: DataStream.seed(seed, for: split), segmentLength: 32)
    }
    return (TaskBatchSource(stream: try stream(.train)), TaskValidationSource(stream: try stream(.validation)))
}

private func tinyModel() throws -> RecurrentMemoryModel {
    try tinyTaskSetup("memorize", memoryTokens: 2, segmentLength: 32, seed: 5, sentences: 400).model
}

@Test func aVariedRunRecordsEachStepsCountEvaluatesAtTheStagesAndResumesTheSame() throws {
    let options = variedOptions()
    let a = tempDir("vary-a"), b = tempDir("vary-b")
    defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
    let (trainA, validA) = try memorizeSources(seed: 5)
    #expect(try Trainer(model: try tinyModel(), options: options, out: a, train: trainA, valid: validA).run() == .finished)

    let steps = try metricsRecords(a, with: "loss")
    #expect(steps.count == 12)
    var drawn: [Int] = []
    for row in steps {
        let step = row["step"] as! Int, stage = row["stage"] as! Int, segments = row["segments"] as! Int
        #expect(segments == options.segmentCount(forStep: step, stage: stage + 1), "step \(step): \(row)")
        #expect((1...(stage + 1)).contains(segments))
        drawn.append(segments)
    }
    // Pinned from the rule computed apart from this code (SplitMix64 in a few lines of Python, the
    // salt "segments", seed 6): each stage draws every count it can.
    #expect(drawn == [2, 1, 2, 1, 1, 2, 1, 3, 3, 2, 3, 1], "\(drawn)")
    let evals = try metricsRecords(a, with: "eval_accuracy")
    #expect(evals.map { $0["segments"] as! Int } == [2, 2, 3, 3], "validation at the stage's count: \(evals)")

    let (trainB, validB) = try memorizeSources(seed: 5)
    let first = try Trainer(model: try tinyModel(), options: options, out: b, train: trainB, valid: validB)
    var taken = 0
    first.shouldStop = { taken += 1; return taken == 8 }  // in the second stage, between evaluations
    #expect(try first.run() == .interrupted)
    let (trainC, validC) = try memorizeSources(seed: 5)
    let second = try Trainer(resuming: b, train: trainC, valid: validC)
    #expect(second.state.step == 8 && second.options.varySegmentsFrom == 1)
    #expect(try second.run() == .finished)
    #expect(try lossSequence(b) == lossSequence(a))
    #expect(try metricsRecords(b, with: "loss").map { $0["segments"] as! Int } == drawn)
    let finalA = try RecurrentMemoryModel.load(directory: a.appendingPathComponent("model"))
    let finalB = try RecurrentMemoryModel.load(directory: b.appendingPathComponent("model"))
    #expect(finalA.parameters.storage.array == finalB.parameters.storage.array)
}
