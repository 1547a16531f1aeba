// Position schemes at the model level: config.json and checkpoint round trips for every scheme,
// validation errors, the default staying absolute, and reading with another segment length
// (relative schemes run at any length; absolute positions refuse a longer one).
import Foundation
import Testing
import RMTTestSupport
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTSafetensors
import RMTTokenizer

func tinyPositionModel(_ scheme: PositionSettings.Scheme, temperature: PositionSettings.Temperature = .none,
                       segmentLength S: Int = 8) throws -> RecurrentMemoryModel {
    let base = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    var settings = base.settings
    settings.segmentLength = S
    let position = PositionSettings.forTraining(scheme, temperature: temperature, textTokens: S,
                                                positions: settings.positionsPerSegment)
    return try RecurrentMemoryModel(config: base.config.withPosition(position), settings: settings,
                                    tokenizer: base.tokenizer, seed: 7)
}

let allSchemes = PositionSettings.Scheme.allCases

@Test(arguments: allSchemes)
func positionSchemeRoundTripsThroughTheModelFolder(_ scheme: PositionSettings.Scheme) throws {
    let model = try tinyPositionModel(scheme, temperature: scheme == .absolute ? .perHead : .perHeadLogN)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-pos-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    try model.save(to: dir)
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json"))) as? [String: Any]
    let section = json?["rmt_position"] as? [String: Any]
    #expect(section?["scheme"] as? String == scheme.rawValue)
    #expect(json?["position_embedding_type"] as? String == (scheme == .absolute ? "absolute" : "rmt_relative"))
    let loaded = try RecurrentMemoryModel.load(directory: dir)
    #expect(loaded.config == model.config)
    #expect(loaded.parameters.layout == model.parameters.layout)
    #expect(loaded.parameters.storage.array == model.parameters.storage.array)
    let names = model.parameters.layout.entries.map(\.name).filter { $0.contains(".attention.self.position.") }
    #expect(names.contains("encoder.layer.1.attention.self.position.temperature"))
    #expect(names.contains("encoder.layer.0.attention.self.position.type_bias") == (scheme != .absolute))
    // Same answers after the round trip.
    let doc: [[Int32]] = [[5, 6, 7, 8, 9, 10, 11, 12], [13, 14, 15]]
    func logits(_ m: RecurrentMemoryModel) throws -> [Float] {
        let p = SegmentProcessor(model: m, batchCapacity: 1)
        var memory = p.initialMemory(batch: 1)
        for seg in doc { try memory.withUnsafeMutableBufferPointer { try p.step(contents: [seg], memory: $0.baseAddress!) } }
        return p.classify()
    }
    #expect(try logits(loaded) == logits(model))
}

@Test func defaultModelsStayAbsoluteWithNoPositionTensors() throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    #expect(model.config.position == nil && model.config.usesAbsolutePositions)
    #expect(!model.parameters.layout.entries.contains { $0.name.contains(".position.") })
    #expect(try model.configJSON().range(of: Data("rmt_position".utf8)) == nil)
    // A plain absolute "scheme" collapses to no section at all.
    #expect(model.config.withPosition(PositionSettings(scheme: .absolute)).position == nil)
}

@Test func positionSettingsAreValidated() throws {
    var config = BertConfig(vocabSize: 50, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16)
    config.position = PositionSettings(scheme: .alibi)
    #expect(throws: ModelError.self) { try config.validate() }  // position_embedding_type must say rmt_relative
    config.positionEmbeddingType = "rmt_relative"
    try config.validate()
    for bad in [PositionSettings(scheme: .t5, t5Buckets: 6), PositionSettings(scheme: .t5, t5Buckets: 32, t5MaxDistance: 4),
                PositionSettings(scheme: .fire), PositionSettings(scheme: .fire, fireWidth: 0, fireInitL: 8),
                PositionSettings(scheme: .alibi, temperature: .logN), PositionSettings(scheme: .alibi, alibiLeftOffset: .nan),
                PositionSettings(scheme: .cope, copeNpos: 1), PositionSettings(scheme: .dape, dapeBase: .cope),
                PositionSettings(scheme: .dape, dapeBase: .absolute), PositionSettings(scheme: .dape, dapeWidth: 0),
                PositionSettings(scheme: .dape, dapeBase: .fire)] {
        config.position = bad
        #expect(throws: ModelError.self, "\(bad)") { try config.validate() }
    }
    let data = Data(#"{"vocab_size": 50, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16, "position_embedding_type": "rmt_relative", "rmt_position": {"scheme": "rope"}}"#.utf8)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-pos-config-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    try data.write(to: url)
    do { _ = try BertConfig.load(contentsOf: url); Issue.record("an unknown scheme loaded") } catch let e as ModelError {
        #expect(e.description.contains(url.path) && e.description.contains("rmt_position"), "\(e)")
    }
    #expect(throws: ModelError.self) { try PositionSettings.fromCommandLine(scheme: "rope", temperature: nil, textTokens: 8, positions: 14) }
    #expect(throws: ModelError.self) { try PositionSettings.fromCommandLine(scheme: "alibi", temperature: "hot", textTokens: 8, positions: 14) }
    #expect(try PositionSettings.fromCommandLine(scheme: "kerple-log", temperature: "log-n", textTokens: 8, positions: 14)
            == PositionSettings(scheme: .kerpleLog, temperature: .logN, logNBase: 14))
}

@Test(arguments: [PositionSettings.Scheme.alibi, .kerpleLog, .kerplePower, .t5, .fire, .none, .cope, .dape])
func relativeModelsReadLongerSegments(_ scheme: PositionSettings.Scheme) throws {
    let model = try tinyPositionModel(scheme, temperature: .perHeadLogN)
    // The tiny config has 16 absolute positions: 3 + 3 + 32 would not fit them.
    let long = try model.readingSegments(of: 32)
    #expect(long.settings.segmentLength == 32 && long.parameters === model.parameters)
    let p = SegmentProcessor(model: long, batchCapacity: 2)
    var memory = p.initialMemory(batch: 2)
    try memory.withUnsafeMutableBufferPointer {
        try p.step(contents: [(0..<32).map { Int32(5 + $0) }, [7, 8, 9]], memory: $0.baseAddress!)
    }
    #expect(memory.allSatisfy { $0.isFinite })
    #expect(p.seqLen == 3 + 3 + 32)
}

@Test func absoluteModelsRefuseLongerSegments() throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    do {
        _ = try model.readingSegments(of: 9)
        Issue.record("an absolute model accepted a longer segment")
    } catch let e as ModelError {
        #expect(e.description.contains("absolute position") && e.description.contains("9"), "\(e)")
        #expect(!e.description.contains("\n"))
    }
    let short = try model.readingSegments(of: 4)
    #expect(short.settings.segmentLength == 4)
}

/// With a relative scheme, the text–text part of a segment does not depend on where the text
/// starts: the same text after 1 or 3 memory slots, with the special keys masked out by making
/// their type-pair biases very negative, gives the same text outputs in the first layer.
@Test func relativeSegmentsAreTranslationInvariantInText() throws {
    let model = try tinyPositionModel(.kerpleLog)
    for l in 0..<model.config.numHiddenLayers {
        let beta = model.parameters.pointer(PositionSettings.tensorName(layer: l, "type_bias"))
        let K = PositionKind.count
        for h in 0..<model.config.numAttentionHeads { for a in 0..<K { for b in 0..<K where b != 3 { beta[(h * K + a) * K + b] = -1e4 } } }
    }
    let text: [Int32] = [11, 12, 13, 14, 15]
    var outputs: [[Float]] = []
    for M in [1, 3] {
        let T = M + 3 + text.count
        let ids: [Int32] = [2] + Array(repeating: 0, count: M) + [3] + text + [3]
        let acts = BertActivations(config: model.config, batchCapacity: 1, seqCapacity: T, keepAllLayers: false)
        try model.encoder.gatherWordEmbeddings(acts, ids: ids, batch: 1, seqLen: T)
        let positions = SegmentProcessor.positionLayout([text], memoryTokens: M, seqLen: T, span: 8)
        let h = try model.encoder.forward(acts, positionLayout: positions)
        outputs.append(Array(UnsafeBufferPointer(start: h + (M + 2) * model.config.hiddenSize,
                                                 count: text.count * model.config.hiddenSize)))
    }
    expectClose(outputs[1], outputs[0], abs: 1e-5, "text rows after moving the text block")
}

/// After an optimizer step the Kerple parameters are projected back into their clamps, so none
/// stays where the forward's clamp would give it zero gradient; other tensors are untouched; and
/// a step's projection allocates nothing.
@Test func kerpleParametersAreProjectedIntoRange() throws {
    for scheme in [PositionSettings.Scheme.kerpleLog, .kerplePower] {
        let model = try tinyPositionModel(scheme)
        let names = scheme == .kerpleLog ? ["kerple_r1", "kerple_r2"] : ["kerple_a", "kerple_p"]
        for n in names {
            let p = model.parameters.pointer(PositionSettings.tensorName(layer: 1, n))
            p[0] = -0.5
            p[1] = 5
        }
        let before = model.parameters.values(PositionSettings.tensorName(layer: 0, "type_bias"))
        model.parameters.projectPositionParameters(model.config)
        // The next step's projection (idempotent) builds no tensor name: no allocation.
        let n = allocations { model.parameters.projectPositionParameters(model.config) }
        #if os(Linux)
        #expect(n == 0, "\(scheme): projecting allocated \(n) times")
        #endif
        for n in names {
            let v = model.parameters.values(PositionSettings.tensorName(layer: 1, n))
            #expect(v[0] == 0.01, "\(n)")
            #expect(v[1] == (n == "kerple_p" ? 2 : 5), "\(n)")
        }
        #expect(model.parameters.values(PositionSettings.tensorName(layer: 0, "type_bias")) == before)
    }
}
