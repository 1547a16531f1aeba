// Two models mixed in weight space (ModelBlending.swift): every parameter is (1 − w)·A + w·B, the
// ends give A and B exactly, neither input changes, the blend saves and loads as any model, and
// models that differ in anything but their numbers (labels, memory size, vocabulary…) or a weight
// outside 0…1 are refused with the difference named.
import Foundation
import Testing
import RMTTestSupport
import RMTModel
import RMTRecurrence

@Test func blendingMixesEveryParameterAndKeepsBothInputs() throws {
    let a = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let b = try RecurrentMemoryModel(config: a.config, settings: a.settings, tokenizer: a.tokenizer, seed: 99)
    let (pa, pb) = (a.parameters.copy(), b.parameters.copy())
    let count = a.parameters.layout.count
    func flat(_ p: ParameterSet) -> [Float] { Array(UnsafeBufferPointer(start: p.storage.pointer, count: count)) }
    let (va, vb) = (flat(pa), flat(pb))
    #expect(va != vb)

    #expect(flat(try a.blended(with: b, weight: 0).parameters) == va)
    #expect(flat(try a.blended(with: b, weight: 1).parameters) == vb)
    let quarter = try a.blended(with: b, weight: 0.25)
    let got = flat(quarter.parameters)
    var worst = 0.0
    for i in 0..<count {
        let expected = 0.75 * Double(va[i]) + 0.25 * Double(vb[i])
        worst = max(worst, abs(Double(got[i]) - expected))
    }
    #expect(worst < 1e-6, "largest difference from 0.75 A + 0.25 B in Double: \(worst)")
    #expect(flat(a.parameters) == va && flat(b.parameters) == vb, "the inputs are not changed")
    #expect(quarter.settings == a.settings && quarter.config == a.config)

    // It reads a document and answers; saved and loaded it is the same numbers.
    let session = DocumentSession(model: quarter)
    for k in 0..<2 { try session.read((0..<quarter.settings.segmentLength).map { Int32(5 + (k * 7 + $0) % 30) }) }
    #expect(try session.answer(questionTokens: [40, 41]).logits.allSatisfy { $0.isFinite })
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-blend-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try quarter.save(to: folder)
    #expect(flat(try RecurrentMemoryModel.load(directory: folder).parameters) == got)
}

@Test func blendingRefusesOtherArchitecturesAndWeightsOutsideZeroToOne() throws {
    let a = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    for w: Float in [-0.1, 1.5, .nan, .infinity] {
        #expect { try a.blended(with: a, weight: w) } throws: { "\($0)".contains("--weight") && "\($0)".contains("0...1") }
    }
    var relabelled = a.settings
    relabelled.labels[0] += "x"
    let other = try RecurrentMemoryModel(config: a.config, settings: relabelled, tokenizer: a.tokenizer, seed: 1)
    #expect { try a.blended(with: other, weight: 0.5) } throws: { "\($0)".contains("labels differ") }
    let smaller = try a.carrying(memoryTokens: a.settings.memoryTokens - 1, seed: 1)
    #expect { try a.blended(with: smaller, weight: 0.5) } throws: { "\($0)".contains("memory tokens") }
}
