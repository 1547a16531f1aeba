// A trained absolute-position model under another position scheme (PositionSchemeChange.swift,
// rmt-train --model DIR --position SCHEME): every shared tensor copied, the scheme's own tensors
// exactly those a new model of the scheme has (seeded the same way), the original untouched, and
// the result reads longer segments than the absolute model could; a model that already has a
// relative scheme, or absolute asked for, is refused.
import Foundation
import Testing
import RMTTestSupport
import RMTModel
import RMTRecurrence

@Test(arguments: ["alibi", "fire", "t5", "kerple_log", "cope"])
func anAbsoluteModelTakesAnotherPositionScheme(scheme: String) throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let before = Array(UnsafeBufferPointer(start: model.parameters.storage.pointer, count: model.parameters.layout.count))
    let positions = try #require(try PositionSettings.fromCommandLine(scheme: scheme, temperature: nil,
                                                                       textTokens: model.settings.segmentLength,
                                                                       positions: model.settings.positionsPerSegment))
    let (changed, fresh) = try model.withPositionScheme(positions, seed: 7)
    #expect(changed.config.position?.scheme.rawValue == scheme)
    #expect(changed.config.positionEmbeddingType == "rmt_relative")
    #expect(!changed.config.usesAbsolutePositions)
    // Shared tensors copied; the new ones are the scheme's, initialised as a new model's.
    let made = try RecurrentMemoryModel(config: changed.config, settings: changed.settings, tokenizer: changed.tokenizer, seed: 7)
    #expect(!fresh.isEmpty || scheme == "alibi")
    for entry in changed.parameters.layout.entries {
        if let old = model.parameters.layout.entry(entry.name) {
            #expect(old.count == entry.count)
            #expect(changed.parameters.values(entry.name) == model.parameters.values(entry.name), "\(entry.name) copied")
            #expect(!fresh.contains(entry.name))
        } else {
            #expect(fresh.contains(entry.name))
            #expect(changed.parameters.values(entry.name) == made.parameters.values(entry.name), "\(entry.name) as a new model's")
        }
    }
    #expect(Array(UnsafeBufferPointer(start: model.parameters.storage.pointer, count: model.parameters.layout.count)) == before,
            "the original is untouched")
    // A relative model reads segments longer than its trained length; the absolute one cannot.
    let longer = try changed.readingSegments(of: 2 * model.settings.segmentLength)
    let session = DocumentSession(model: longer)
    try session.read((0..<(2 * model.settings.segmentLength - 2)).map { Int32(5 + $0 % 6) })
    let answer = try session.answer(question: "w5")
    #expect(answer.segments == 1 && answer.top.allSatisfy { $0.probability.isFinite })
    #expect(throws: ModelError.self) { try model.readingSegments(of: 2 * model.settings.segmentLength) }
    // One scheme does not carry to another.
    #expect(throws: ModelError.self) { try changed.withPositionScheme(positions, seed: 7) }
}
