// T5 biases started from an absolute model's attention (PositionFromAttention.swift, rmt-train
// --position-init attention) against the PyTorch/Hugging Face reference of
// Fixtures/gen/gen_t5_from_attention.py: the offset profile of every layer and head, the bucket
// tables (log buckets averaged, empty buckets copied, far buckets at 0) and the model they go into;
// the content-free sequence it is measured on; and the refusals (not t5, not absolute, sequences too
// short or of two lengths).
import Foundation
import Testing
import RMTTestSupport
import RMTModel
import RMTRecurrence

private struct T5FromAttentionFixture: Decodable {
    struct Setting: Decodable {
        let buckets: Int, max_distance: Int, reach: Int
        let profile: [[[Double]]]  // layers × (2·reach + 1) × heads
        let t5_bias: [[[Double]]]  // layers × buckets × heads
    }
    let sequences: [[Int32]]
    let settings: [Setting]

    static func load() throws -> T5FromAttentionFixture {
        try JSONDecoder().decode(Self.self, from: Data(contentsOf: fixture("position/t5-from-attention.json")))
    }
}

@Test func attentionProfileAndT5TablesMatchHuggingFace() throws {
    let fx = try T5FromAttentionFixture.load()
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    for setting in fx.settings {
        let profile = try model.attentionOffsetProfile(sequences: fx.sequences, reach: setting.max_distance, batch: 2)
        #expect(profile.reach == setting.reach && profile.layers == 2 && profile.heads == 4)
        var worst = 0.0
        for l in 0..<profile.layers {
            for r in -profile.reach...profile.reach {
                for h in 0..<profile.heads {
                    worst = max(worst, abs(profile.value(layer: l, offset: r, head: h) - setting.profile[l][r + profile.reach][h]))
                }
            }
            let table = profile.t5Table(layer: l, buckets: setting.buckets, maxDistance: setting.max_distance)
            for b in 0..<setting.buckets {
                for h in 0..<profile.heads {
                    worst = max(worst, abs(table[b * profile.heads + h] - setting.t5_bias[l][b][h]))
                }
            }
        }
        #expect(worst < 1e-4, "buckets \(setting.buckets), max distance \(setting.max_distance): largest difference \(worst)")
    }
    // The batch size does not change the profile.
    let one = try model.attentionOffsetProfile(sequences: fx.sequences, reach: 5, batch: 1)
    let all = try model.attentionOffsetProfile(sequences: fx.sequences, reach: 5, batch: 3)
    #expect(zip(one.logProbability, all.logProbability).allSatisfy { abs($0 - $1) < 1e-9 })
}

@Test func t5BiasesFromAttentionGoIntoTheModel() throws {
    let fx = try T5FromAttentionFixture.load()
    let setting = try #require(fx.settings.first { $0.max_distance == 64 })
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let before = Array(UnsafeBufferPointer(start: model.parameters.storage.pointer, count: model.parameters.layout.count))
    var position = try #require(try PositionSettings.fromCommandLine(scheme: "t5", temperature: nil,
                                                                      textTokens: model.settings.segmentLength,
                                                                      positions: model.settings.positionsPerSegment))
    position.t5Buckets = setting.buckets
    position.t5MaxDistance = setting.max_distance
    let profile = try model.attentionOffsetProfile(sequences: fx.sequences, reach: setting.max_distance)
    let (changed, fresh) = try model.withPositionScheme(position, seed: 7, t5From: profile)
    let (plain, plainFresh) = try model.withPositionScheme(position, seed: 7)
    #expect(fresh == plainFresh)
    for entry in changed.parameters.layout.entries {
        let values = changed.parameters.values(entry.name)
        if entry.name.hasSuffix("t5_bias") {
            let l = try #require(Int(entry.name.split(separator: ".")[2]))
            let expected = setting.t5_bias[l].joined().map(Float.init)
            #expect(zip(values, expected).allSatisfy { abs($0 - $1) < 1e-4 }, "\(entry.name)")
            #expect(values.contains { $0 != 0 })
        } else {
            #expect(values == plain.parameters.values(entry.name), "\(entry.name) as the plain conversion's")
        }
    }
    #expect(Array(UnsafeBufferPointer(start: model.parameters.storage.pointer, count: model.parameters.layout.count)) == before,
            "the original is untouched")
}

@Test func contentFreeSequenceIsMasksBetweenClsAndSep() throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let sequence = try model.contentFreeSequence()
    let mask = try #require(model.tokenizer.vocabulary.maskID)
    #expect(sequence.count == min(AttentionOffsetProfile.defaultSequenceLength, model.config.maxPositionEmbeddings))
    #expect(sequence.first == model.clsID && sequence.last == model.sepID)
    #expect(sequence.dropFirst().dropLast().allSatisfy { $0 == mask })
    // Every head of a content-free sequence still has a profile (its positional preference).
    let profile = try model.attentionOffsetProfile(sequences: [sequence], reach: 128)
    #expect(profile.reach == (sequence.count - 3) / 2 && profile.logProbability.allSatisfy { $0.isFinite && $0 <= 0 })
}

@Test func t5FromAttentionRefusals() throws {
    let fx = try T5FromAttentionFixture.load()
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let profile = try model.attentionOffsetProfile(sequences: fx.sequences, reach: 5)
    func settings(_ scheme: String) throws -> PositionSettings {
        try #require(try PositionSettings.fromCommandLine(scheme: scheme, temperature: nil, textTokens: model.settings.segmentLength,
                                                          positions: model.settings.positionsPerSegment))
    }
    #expect(throws: ModelError.self) { try model.withPositionScheme(settings("alibi"), seed: 1, t5From: profile) }
    let (relative, _) = try model.withPositionScheme(settings("t5"), seed: 1)
    #expect(throws: ModelError.self) { try relative.attentionOffsetProfile(sequences: fx.sequences, reach: 5) }
    #expect(throws: ModelError.self) { try model.attentionOffsetProfile(sequences: [], reach: 5) }
    #expect(throws: ModelError.self) { try model.attentionOffsetProfile(sequences: [fx.sequences[0], Array(fx.sequences[1].prefix(10))], reach: 5) }
    #expect(throws: ModelError.self) { try model.attentionOffsetProfile(sequences: [[2, 5, 6, 3]], reach: 5) }
    #expect(throws: ModelError.self) { try model.attentionOffsetProfile(sequences: [[Int32](repeating: 5, count: 17)], reach: 5) }
}
