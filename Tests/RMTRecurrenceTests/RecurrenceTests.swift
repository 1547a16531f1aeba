// The RMT recurrence against the PyTorch reference (Fixtures/tiny-rmt: two documents of
// three segments, memory after each segment and final logits, ≤ 1e-5), the question
// layout, the model folder format and memory-state save/restore.
import Foundation
import RMTBase
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTSafetensors
import RMTTestSupport
import Testing

@Test func recurrenceMatchesPyTorchOverThreeSegments() throws {
    try checkRecurrenceAgainstPyTorch(compute: .default)
}

/// The same check on every kernel path in one process: each row-kernel level and GEMM backend,
/// with the last layer pruned to the rows a step reads and computed in full, fused kernels on and off.
@Test func recurrenceMatchesPyTorchOnEveryComputePath() throws {
    for level in VectorUnit.available {
        for gemm in ComputeOptions.GEMM.allCases {
            for full in [false, true] {
                for fused in [true, false] {
                    try checkRecurrenceAgainstPyTorch(compute: ComputeOptions(vector: level, gemm: gemm, fullLastLayer: full,
                                                                              fused: fused))
                }
            }
        }
    }
}

func checkRecurrenceAgainstPyTorch(compute: ComputeOptions) throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    model.compute = compute
    #expect(!model.isUntrained)
    let ref = try SafetensorsFile(contentsOf: fixture("tiny-rmt/reference.safetensors"))
    let processor = SegmentProcessor(model: model, batchCapacity: 2)
    #expect(processor.prunesLastLayer == !compute.fullLastLayer)
    var memory = processor.initialMemory(batch: 2)
    let n = model.memoryCount
    for k in 0..<3 {
        let contents = try (0..<2).map { d in try ref.int64s("doc\(d).segment\(k)").map { Int32($0) } }
        try memory.withUnsafeMutableBufferPointer { try processor.step(contents: contents, memory: $0.baseAddress!) }
        for d in 0..<2 {
            expectClose(memory[(d * n)..<((d + 1) * n)], try ref.floats("doc\(d).memory\(k)"), abs: 1e-5,
                        "document \(d), memory after segment \(k), \(compute)")
        }
    }
    let logits = processor.classify()
    let L = model.settings.labels.count
    for d in 0..<2 {
        expectClose(logits[(d * L)..<((d + 1) * L)], try ref.floats("doc\(d).logits"), abs: 1e-5, "document \(d) logits, \(compute)")
    }
}

@Test func questionLayoutPutsTheWholeQuestionInTheFinalSegment() throws {
    let layout = QuestionLayout.finalSegment
    #expect(try layout.finalSegments(rest: [5, 6], question: [7, 8], segmentLength: 8, separator: 3) == [[5, 6, 3, 7, 8]])
    #expect(try layout.finalSegments(rest: [5, 6, 7, 8, 9], question: [10, 11], segmentLength: 8, separator: 3)
            == [[5, 6, 7, 8, 9, 3, 10, 11]])
    #expect(try layout.finalSegments(rest: [5, 6, 7, 8, 9, 10], question: [11, 12], segmentLength: 8, separator: 3)
            == [[5, 6, 7, 8, 9, 10], [3, 11, 12]])
    #expect(try layout.finalSegments(rest: [], question: [11], segmentLength: 8, separator: 3) == [[3, 11]])
    #expect(throws: ModelError.self) { try layout.finalSegments(rest: [], question: Array(repeating: 9, count: 8), segmentLength: 8, separator: 3) }
    // A document of exactly N segments: the final segment is full.
    let docTokens = layout.documentTokens(forSegments: 4, questionTokens: 2, segmentLength: 8)
    let rest = docTokens - 3 * 8
    #expect(rest + 1 + 2 == 8)
}

@Test func settingsAreValidatedAgainstTheBackbone() throws {
    let config = BertConfig(vocabSize: 50, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2,
                            intermediateSize: 16, maxPositionEmbeddings: 16)
    #expect(throws: ModelError.self) { try RMTSettings(memoryTokens: 4, segmentLength: 10, labels: ["a"]).validate(against: config) }
    #expect(throws: ModelError.self) { try RMTSettings(memoryTokens: 3, segmentLength: 8, labels: []).validate(against: config) }
    #expect(throws: ModelError.self) { try RMTSettings(memoryTokens: 3, segmentLength: 8, labels: ["a", "a"]).validate(against: config) }
    try RMTSettings(memoryTokens: 3, segmentLength: 10, labels: ["a", "b"]).validate(against: config)
}

@Test func modelFolderRoundTripsAndPlainBertIsWrapped() throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-model-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    try model.save(to: dir)
    try model.save(to: dir)  // replacing an existing folder works
    let back = try RecurrentMemoryModel.load(directory: dir)
    #expect(back.parameters.storage.array == model.parameters.storage.array)
    #expect(back.settings == model.settings && back.config == model.config)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.deletingLastPathComponent().path)
        .filter { $0.contains(dir.lastPathComponent) && $0 != dir.lastPathComponent }
    #expect(leftovers.isEmpty, "temporary folders left behind: \(leftovers)")

    // A plain Hugging Face BERT folder (no rmt section) is wrapped with fresh RMT tensors.
    let tinyBert = fixture("tiny-bert")
    let vocabDir = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-wrap-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: vocabDir) }
    try FileManager.default.createDirectory(at: vocabDir, withIntermediateDirectories: true)
    for f in ["config.json", "model.safetensors"] {
        try FileManager.default.copyItem(at: tinyBert.appendingPathComponent(f), to: vocabDir.appendingPathComponent(f))
    }
    try FileManager.default.copyItem(at: fixture("tiny-rmt/vocab.txt"), to: vocabDir.appendingPathComponent("vocab.txt"))
    let wrapped = try RecurrentMemoryModel.load(directory: vocabDir)
    #expect(wrapped.isUntrained)
    #expect(wrapped.settings.memoryTokens == 10 && wrapped.settings.segmentLength == 64 - 13)
    #expect(wrapped.settings.labels == defaultLabels)
}

@Test func savedMemoryStateResumesToTheSameAnswer() throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    var rng = SplitMix64(seed: 11)
    let document = (0..<(8 * 5 + 3)).map { _ in Int32(5 + rng.next() % 94) }
    let segments = stride(from: 0, to: document.count, by: 8).map { Array(document[$0..<min($0 + 8, document.count)]) }
    let question: [Int32] = [40, 41]

    let whole = DocumentSession(model: model)
    for s in segments { try whole.read(s) }
    let expected = try whole.answer(questionTokens: question)

    let first = DocumentSession(model: model)
    for s in segments.prefix(3) { try first.read(s) }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-state-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try first.state.save(to: url, model: model)
    let restored = try MemoryState.load(from: url, model: model)
    #expect(restored == first.state)
    let second = DocumentSession(model: model, resuming: restored)
    for s in segments.dropFirst(3) { try second.read(s) }
    let resumed = try second.answer(questionTokens: question)
    #expect(resumed == expected)
    #expect(second.state == whole.state)
    #expect(expected.segments == 6 && expected.tokens == document.count)
}

/// The package's trained model is found from the library itself (no working-directory
/// assumption) and is the documented one (Docs/results.md, "The default model"): MiniLM's
/// shape (6 layers × 384), trained head, 10 memory tokens, 499-token segments read with the
/// question in every segment, seven labels ending with `unknown`.
@Test func bundledDefaultModelLoadsFromTheLibrary() throws {
    let url = DefaultLocations.bundledModel
    #expect(url.path.hasSuffix("Models/default"))
    let model = try RecurrentMemoryModel.load(directory: url)
    #expect(!model.isUntrained)
    #expect(model.config.numHiddenLayers == 6 && model.config.hiddenSize == 384)
    #expect(model.settings.memoryTokens == 10 && model.settings.segmentLength == 499)
    #expect(model.settings.questionLayout == .everySegment)
    #expect(model.settings.labels == ["bathroom", "hallway", "garden", "office", "bedroom", "kitchen", "unknown"])
}

/// The former default, kept as the fast alternative (`rmt-ask --model Models/small-memorize`):
/// the `small` preset (4 layers × 256), six room labels, the question in the final segment.
@Test func smallMemorizeModelIsTheFormerDefault() throws {
    let url = DefaultLocations.bundledModel.deletingLastPathComponent().appendingPathComponent("small-memorize")
    let model = try RecurrentMemoryModel.load(directory: url)
    #expect(!model.isUntrained)
    #expect(model.config.numHiddenLayers == 4 && model.config.hiddenSize == 256)
    #expect(model.settings.memoryTokens == 10 && model.settings.segmentLength == 499)
    #expect(model.settings.questionLayout == .finalSegment)
    #expect(model.settings.labels == ["bathroom", "hallway", "garden", "office", "bedroom", "kitchen"])
}
