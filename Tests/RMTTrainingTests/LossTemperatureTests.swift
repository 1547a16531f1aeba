// Loss temperatures (`--loss-temperature TASK=T`, BPTTEngine.lossTemperatures, AnswerHead.loss):
// a document of a named task is scored on logits / T. Proven by an identity, on the tiny RMT of
// RMTFiniteDifferenceTests.swift (FDProblem, whose plain gradients are proven there against the
// Double RMT and finite differences): scoring every document at T is scoring the model whose
// classifier is divided by T (RecurrentMemoryModel.withAnswerTemperature) — the same loss, the same
// gradient of every tensor but the classifier, whose gradient is that model's divided by T — in full,
// memory-efficient and summed-loss BPTT. In a mixed batch each document keeps its own temperature
// (the batch's gradient is the mean of its documents' own); a task not named is scored as without
// temperatures, bit for bit; a batch that does not say its tasks is refused; and TrainingOptions
// refuses empty, repeated or non-positive temperatures.
import Foundation
import RMTBase
import RMTModel
import RMTRecurrence
import RMTTraining
import Testing

/// Loss, final logits and every tensor's gradient of one BPTT pass.
private func pass(_ model: RecurrentMemoryModel, _ batch: SegmentBatch, mode: BPTTMode = .full, loss: SegmentLoss = .finalSegment,
                  temperatures: [String: Float] = [:]) throws -> (loss: Float, logits: [Float], gradients: [String: [Float]]) {
    let engine = BPTTEngine(model: model, batchCapacity: 2, mode: mode, segmentLoss: loss, lossTemperatures: temperatures)
    let result = try engine.lossAndGradients(batch)
    let grads = Dictionary(uniqueKeysWithValues: model.parameters.layout.entries.map { ($0.name, engine.gradients.values($0.name)) })
    return (result.loss, result.logits, grads)
}

/// The largest difference relative to the reference's scale (at least 1e-3: a tensor whose gradient
/// is zero in exact arithmetic, like the key biases', holds rounding noise only) — RMTFiniteDifferenceTests' scaledError.
private func maxRelative(_ a: [Float], _ b: [Float]) -> Double { scaledError(a.map(Double.init), b.map(Double.init)) }

private let classifier: Set = [RMTTensorName.classifierWeight, RMTTensorName.classifierBias]

@Test(arguments: [("full", BPTTMode.full, SegmentLoss.finalSegment), ("memory-efficient", .memoryEfficient, .finalSegment),
                  ("summed", .full, .everySegment)])
func lossTemperatureIsTheModelWithItsClassifierDividedByT(_ name: String, _ mode: BPTTMode, _ loss: SegmentLoss) throws {
    let problem = FDProblem.shared
    let model = try problem.floatModel()
    let t: Float = 1.7
    let batch = SegmentBatch(contents: problem.contents, labels: problem.labels, tasks: ["qa", "qa"])
    let tempered = try pass(model, batch, mode: mode, loss: loss, temperatures: ["qa": t])
    let divided = try pass(try model.withAnswerTemperature(Double(t)), batch, mode: mode, loss: loss)
    let plain = try pass(model, batch, mode: mode, loss: loss)
    #expect(abs(tempered.loss - divided.loss) < 1e-5 * max(1, abs(divided.loss)), "\(name): \(tempered.loss) vs \(divided.loss)")
    #expect(abs(tempered.loss - plain.loss) > 1e-3, "\(name): the temperature changes the loss")
    #expect(tempered.logits == plain.logits, "\(name): the logits reported are the model's own")
    for entry in model.parameters.layout.entries {
        let expected = classifier.contains(entry.name) ? divided.gradients[entry.name]!.map { $0 / t } : divided.gradients[entry.name]!
        let err = maxRelative(tempered.gradients[entry.name]!, expected)
        #expect(err < 1e-4, "\(name): gradient of \(entry.name) relative error \(err)")
    }
    #expect(maxRelative(tempered.gradients["encoder.layer.0.attention.self.query.weight"]!,
                        plain.gradients["encoder.layer.0.attention.self.query.weight"]!) > 1e-3,
            "\(name): the temperature reaches the encoder's gradient")
}

@Test func lossTemperatureIsPerDocumentAndOnlyForTheNamedTasks() throws {
    let problem = FDProblem.shared
    let model = try problem.floatModel()
    // One document alone: segment k of sequence b.
    func alone(_ b: Int, task: String) -> SegmentBatch {
        SegmentBatch(contents: problem.contents.map { [$0[b]] }, labels: [problem.labels[b]], tasks: [task])
    }
    let temperatures: [String: Float] = ["qa": 2.5]
    let mixed = try pass(model, SegmentBatch(contents: problem.contents, labels: problem.labels, tasks: ["qa", "other"]),
                         temperatures: temperatures)
    let first = try pass(model, alone(0, task: "qa"), temperatures: temperatures)
    let second = try pass(model, alone(1, task: "other"), temperatures: temperatures)
    #expect(abs(mixed.loss - (first.loss + second.loss) / 2) < 1e-5 * max(1, abs(mixed.loss)))
    for entry in model.parameters.layout.entries {
        let mean = zip(first.gradients[entry.name]!, second.gradients[entry.name]!).map { ($0 + $1) / 2 }
        let err = maxRelative(mixed.gradients[entry.name]!, mean)
        #expect(err < 1e-4, "gradient of \(entry.name) relative error \(err)")
    }
    // No document of a named task: exactly the plain pass.
    let unnamed = SegmentBatch(contents: problem.contents, labels: problem.labels, tasks: ["other", "other"])
    let untouched = try pass(model, unnamed, temperatures: temperatures), plain = try pass(model, unnamed)
    #expect(untouched.loss == plain.loss && untouched.gradients == plain.gradients)
    // Documents that do not say their task cannot be scored by task.
    #expect { try pass(model, SegmentBatch(contents: problem.contents, labels: problem.labels), temperatures: temperatures) }
        throws: { "\($0)".contains("task") }
}

@Test func lossTemperatureOptionsAreChecked() throws {
    var o = TrainingOptions()
    o.lossTemperatures = [TaskTemperature(task: "babi-qa3", temperature: 1.5)]
    try o.validate()
    #expect(o.lossTemperatureByTask == ["babi-qa3": 1.5])
    for (bad, says) in [([TaskTemperature](), "TASK=T"), ([TaskTemperature(task: "", temperature: 1)], "TASK=T"),
                        ([TaskTemperature(task: "a", temperature: 0)], "positive"), ([TaskTemperature(task: "a", temperature: .nan)], "positive"),
                        ([TaskTemperature(task: "a", temperature: 1), TaskTemperature(task: "a", temperature: 2)], "twice")] {
        o.lossTemperatures = bad
        #expect { try o.validate() } throws: { "\($0)".contains(says) }
    }
    // Saved and read back with the run's key strategy, a task name is kept as written.
    o.lossTemperatures = [TaskTemperature(task: "custom:My_Task", temperature: 1.25)]
    let encoder = JSONEncoder(); encoder.keyEncodingStrategy = .convertToSnakeCase
    let decoder = JSONDecoder(); decoder.keyDecodingStrategy = .convertFromSnakeCase
    let back = try decoder.decode(TrainingOptions.self, from: try encoder.encode(o))
    #expect(back.lossTemperatures == o.lossTemperatures)
}
