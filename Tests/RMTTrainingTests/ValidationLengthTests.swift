// Validation at a length of its own (`--eval-segments N`, TrainingOptions.evalSegments): every
// evaluation reads documents of N segments whatever the stage — its accuracy and loss are those of
// the model read at N, not at the stage's count — and the evaluation record says so
// ("eval_segments", beside the stage's "segments"); N < 1 is refused; options.json of runs from
// before the flag decode with it off, and a resumed run keeps it.
import Foundation
import Testing
import RMTData
import RMTModel
import RMTRecurrence
import RMTTraining

private func sources(seed: UInt64) throws -> (RecurrentMemoryModel, TaskBatchSource, TaskValidationSource) {
    let (model, task, noise) = try tinyTaskSetup("memorize", memoryTokens: 2, segmentLength: 32, seed: 5, sentences: 400)
    func stream(_ split: DataSplit) throws -> DataStream {
        try DataStream(task: task, noise: noise, tokenizer: model.tokenizer, seed: DataStream.seed(seed, for: split), segmentLength: 32)
    }
    return (model, TaskBatchSource(stream: try stream(.train)), TaskValidationSource(stream: try stream(.validation)))
}

@Test func validationReadsItsOwnLengthAtEveryStageAndTheRecordSaysSo() throws {
    var options = shortTwoStageOptions()  // stages of 1 and 2 segments, an evaluation every 3 steps
    options.evalSegments = 3
    options.targetAccuracy = 1
    options.patience = 10
    let out = tempDir("eval-segments")
    defer { try? FileManager.default.removeItem(at: out) }
    let (model, train, valid) = try sources(seed: 5)
    let trainer = try Trainer(model: model, options: options, out: out, train: train, valid: valid)
    #expect(trainer.validationSegments == 3)
    var calls = 0
    trainer.shouldStop = { calls += 1; return calls == 3 }  // right after the first evaluation (step 3)
    #expect(try trainer.run() == .interrupted)
    let first = try #require(try metricsRecords(out, with: "eval_accuracy").first)
    #expect(first["step"] as? Int == 3 && first["segments"] as? Int == 1 && first["eval_segments"] as? Int == 3, "\(first)")
    // The record is the model read at 3 segments: the same numbers again, and not those at 1.
    let atThree = try trainer.evaluate(segments: 3), atOne = try trainer.evaluate(segments: 1)
    #expect(Float(first["eval_accuracy"] as! Double) == atThree.accuracy && Float(first["eval_loss"] as! Double) == atThree.loss,
            "\(first) against \(atThree)")
    #expect(atOne.loss != atThree.loss)

    // Resumed, the run keeps validating at 3 through its second stage.
    let (_, train2, valid2) = try sources(seed: 5)
    let resumed = try Trainer(resuming: out, train: train2, valid: valid2)
    #expect(resumed.options.evalSegments == 3)
    #expect(try resumed.run() == .finished)
    let evals = try metricsRecords(out, with: "eval_accuracy")
    #expect(evals.map { $0["segments"] as! Int } == [1, 1, 2, 2] && evals.allSatisfy { $0["eval_segments"] as? Int == 3 }, "\(evals)")
}

@Test func withoutEvalSegmentsTheRecordHasNoLengthOfItsOwn() throws {
    let out = tempDir("eval-segments-off")
    defer { try? FileManager.default.removeItem(at: out) }
    let (model, train, valid) = try sources(seed: 5)
    let trainer = try Trainer(model: model, options: shortTwoStageOptions(), out: out, train: train, valid: valid)
    #expect(try trainer.run() == .finished)
    let evals = try metricsRecords(out, with: "eval_accuracy")
    #expect(!evals.isEmpty && evals.allSatisfy { $0["eval_segments"] == nil }, "\(evals)")
}

@Test func evalSegmentsBelowOneIsRefusedAndOldOptionsDecodeWithout() throws {
    var options = TrainingOptions()
    for bad in [0, -2] {
        options.evalSegments = bad
        do { try options.validate(); Issue.record("accepted \(bad)") } catch {
            #expect(error.description == "--eval-segments must be at least 1, got \(bad)", "\(error)")
        }
    }
    options.evalSegments = 16
    try options.validate()
    var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(options)) as! [String: Any]
    #expect(json["evalSegments"] as? Int == 16)
    json.removeValue(forKey: "evalSegments")
    let old = try JSONDecoder().decode(TrainingOptions.self, from: JSONSerialization.data(withJSONObject: json))
    #expect(old.evalSegments == nil)
}
