// The model with its answer logits divided by T (AnswerTemperature.swift): it reads a document to
// the same answer with logits exactly the original's / T, leaves every other parameter and the
// original untouched, and refuses a temperature that is not a positive finite number.
import Foundation
import Testing
import RMTTestSupport
import RMTModel
import RMTRecurrence

@Test func answerTemperatureDividesTheLogitsAndNothingElse() throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let before = model.parameters.copy()
    let count = model.parameters.layout.count
    func flat(_ p: ParameterSet) -> [Float] { Array(UnsafeBufferPointer(start: p.storage.pointer, count: count)) }
    func answer(_ m: RecurrentMemoryModel) throws -> [Float] {
        let session = DocumentSession(model: m)
        for k in 0..<2 { try session.read((0..<m.settings.segmentLength).map { Int32(5 + (k * 7 + $0) % 30) }) }
        return try session.answer(questionTokens: [40, 41]).logits
    }
    let original = try answer(model)
    for temperature in [0.5, 2.0, 7.25] {
        let hot = try model.withAnswerTemperature(temperature)
        let logits = try answer(hot)
        #expect(logits.count == original.count)
        var worst: Float = 0
        for (a, b) in zip(logits, original) { worst = max(worst, abs(a - b / Float(temperature))) }
        #expect(worst < 1e-5 * max(1, original.map(abs).max()!), "T \(temperature): largest difference \(worst)")
        #expect(logits.indices.max { logits[$0] < logits[$1] } == original.indices.max { original[$0] < original[$1] })
        for entry in model.parameters.layout.entries
        where entry.name != RMTTensorName.classifierWeight && entry.name != RMTTensorName.classifierBias {
            #expect(hot.parameters.values(entry.name) == model.parameters.values(entry.name), "\(entry.name) changed")
        }
    }
    #expect(flat(model.parameters) == flat(before), "the original is not changed")
    for bad in [0.0, -1.0, .nan, .infinity] {
        #expect { try model.withAnswerTemperature(bad) } throws: { "\($0)".contains("temperature") }
    }
}
