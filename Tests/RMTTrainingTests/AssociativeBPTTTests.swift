// BPTT through the associative memory's state (Docs/associative-memory.md): the tiny RMT fixture
// given an associative memory with random (non-zero) tensors reads three segments, and the
// engine's gradient (full and memory-efficient BPTT) is checked entry by entry (up to 16 per
// tensor) against central differences of the Double composition (DoubleAssociativeRMT: memory
// tokens carried, the state carried, the answer of the final segment; γ held fixed) — so the state
// gradient handed between segments is proven, the only way the first segments' writes reach the
// answer. Bound 1e-4 relative per tensor, every tensor, with ε = 0.1: with ARMT's ε = 1e-5 a row
// whose query features miss z's support has a denominator ≈ ε, and this random tiny model's
// gradients reach 10⁴ there (measured), where Float and Double part by 3e-4–0.3 — a property
// of the read's conditioning (Docs/associative-memory.md), not of the wiring.
// The same for a memory written by every content row (`write: all`: memory rows, [SEP], text),
// and, since there the writing rows end where each sequence's text ends, a padded batch must give
// each sequence's loss, logits, final state and gradient as it alone would (padding never writes).
// Memory-efficient BPTT must equal full BPTT; a zero value projection must give the fixture's
// own loss; the carried state round-trips through MemoryState.
import Foundation
import RMTBase
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTSafetensors
import RMTTestSupport
import RMTTraining
import Testing

/// The tiny fixture RMT with an associative memory (key size 4, ν = 3), every new tensor drawn
/// at a scale where the memory changes the answer (`valueScale` 0 keeps the initialisation).
private func associativeTinyModel(valueScale: Float = 0.3, eps: Float = 1e-5,
                                   write: AssociativeSettings.WriteRows = .memory) throws -> RecurrentMemoryModel {
    let base = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let model = try base.withAssociativeMemory(AssociativeSettings(keySize: 4, nu: 3, eps: eps, write: write), seed: 81)
    var rng = SplitMix64(seed: 82)
    for e in model.parameters.layout.entries where AssociativeSettings.isTensor(named: e.name) {
        let p = model.parameters.pointer(e.name)
        let scale: Float = e.name.hasSuffix("value.weight") ? valueScale : e.name.hasSuffix("bias") ? 0.2 : 0.3
        for i in 0..<e.count { p[i] = rng.nextNormal() * scale }
    }
    return model
}

/// Three segments of equal length (no padding) for the tiny model: [CLS] m1..m3 [SEP] 4 tokens [SEP].
private func equalSegmentBatch(_ model: RecurrentMemoryModel) -> (batch: SegmentBatch, ids: [[Int32]], seqLen: Int) {
    var rng = SplitMix64(seed: 85)
    let M = model.settings.memoryTokens, B = 2, n = 4, T = M + 3 + n
    var contents: [[[Int32]]] = [], ids: [[Int32]] = []
    for _ in 0..<3 {
        let segment = (0..<B).map { _ in (0..<n).map { _ in Int32(5 + rng.next() % 90) } }
        contents.append(segment)
        ids.append(segment.flatMap { [model.clsID] + [Int32](repeating: model.padID, count: M) + [model.sepID] + $0 + [model.sepID] })
    }
    return (SegmentBatch(contents: contents, labels: [1, 3]), ids, T)
}

@Test(arguments: [BPTTMode.full, BPTTMode.memoryEfficient], AssociativeSettings.WriteRows.allCases)
func bpttThroughTheAssociativeStateMatchesCentralDifferences(mode: BPTTMode, write: AssociativeSettings.WriteRows) throws {
    let model = try associativeTinyModel(eps: 0.1, write: write)
    let (batch, ids, T) = equalSegmentBatch(model)
    let engine = BPTTEngine(model: model, batchCapacity: 2, mode: mode)
    let result = try engine.lossAndGradients(batch)
    let M = model.settings.memoryTokens
    // Every content row: [CLS] m1..mM [SEP] t1..tn [SEP] writes from m1 to tn.
    let rows = write == .memory ? 1..<(M + 1) : 1..<(T - 1)
    let reference = DoubleAssociativeRMT(model.parameters, config: model.config, batch: 2, seqLen: T, memoryRows: 1..<(M + 1),
                                         writeRows: rows)
    let memory0 = (0..<2).flatMap { _ in reference.p[RMTTensorName.memoryEmbeddings]! }
    let state0 = [Double](repeating: 0, count: 2 * model.encoder.associativeStateCount)
    let base = reference.forward(ids, state: state0, memory: memory0)
    let classes = model.settings.labels.count
    #expect(abs(Double(result.loss) - reference.answerLoss(base.hidden[2], labels: batch.labels, classes: classes)) < 1e-5)
    func loss(_ m: DoubleAssociativeRMT) -> Double {
        let memory = (0..<2).flatMap { _ in m.p[RMTTensorName.memoryEmbeddings]! }
        let f = m.forward(ids, state: state0, memory: memory, gammas: base.gammas)
        return m.answerLoss(f.hidden[2], labels: batch.labels, classes: classes)
    }
    // Up to 16 entries per tensor (all of a small one), spread over it; error relative to the
    // tensor's largest numeric entry, floored at 1e-2 (the key biases' true gradient is 0).
    var rng = SplitMix64(seed: 86)
    for e in model.parameters.layout.entries {
        let indices = e.count <= 16 ? Array(0..<e.count) : (0..<16).map { _ in Int(rng.next() % UInt64(e.count)) }
        let analytic = engine.gradients.values(e.name)
        var worst = 0.0, scale = 1e-2
        var numeric: [(Int, Double)] = []
        for i in indices {
            var m = reference
            let saved = m.p[e.name]![i], eps = 1e-5
            m.p[e.name]![i] = saved + eps
            let plus = loss(m)
            m.p[e.name]![i] = saved - eps
            numeric.append((i, (plus - loss(m)) / (2 * eps)))
        }
        for (_, g) in numeric { scale = max(scale, abs(g)) }
        for (i, g) in numeric { worst = max(worst, abs(Double(analytic[i]) - g) / scale) }
        #expect(worst <= 1e-4, "\(mode), \(write): \(e.name): relative error \(worst)")
    }
}

@Test func paddingNeverWritesIntoAnAssociativeMemoryWrittenByEveryRow() throws {
    let model = try associativeTinyModel(write: .all)
    var rng = SplitMix64(seed: 87)
    // Two documents of three segments whose lengths differ in every segment (the shorter one padded).
    let lengths = [[2, 6], [7, 3], [4, 5]]
    let contents = lengths.map { pair in pair.map { n in (0..<n).map { _ in Int32(5 + rng.next() % 90) } } }
    let both = BPTTEngine(model: model, batchCapacity: 2, mode: .full)
    let together = try both.lossAndGradients(SegmentBatch(contents: contents, labels: [1, 3]))
    var losses: [Float] = [], logits: [Float] = [], gradients: [[Float]] = []
    for d in 0..<2 {
        let alone = BPTTEngine(model: model, batchCapacity: 1, mode: .full)
        let r = try alone.lossAndGradients(SegmentBatch(contents: contents.map { [$0[d]] }, labels: [[1, 3][d]]))
        losses.append(r.loss); logits += r.logits; gradients.append(alone.gradients.storage.array)
    }
    #expect(abs(together.loss - (losses[0] + losses[1]) / 2) < 1e-5, "\(together.loss) against \(losses)")
    expectClose(together.logits, logits, abs: 1e-5, "each document's logits as read alone")
    // The batch's loss is the documents' mean, so its gradient is the mean of theirs.
    let mean = zip(gradients[0], gradients[1]).map { ($0 + $1) / 2 }
    let scale = mean.map(abs).max() ?? 1
    expectClose(both.gradients.storage.array, mean, abs: 1e-5 * Double(scale), "the batch's gradient is its documents' mean")
    // The states carried out of the last segment, document by document, through the forward path.
    let processor = SegmentProcessor(model: model, batchCapacity: 2)
    var carried = processor.initialMemory(batch: 2)
    for segment in contents { try carried.withUnsafeMutableBufferPointer { try processor.step(contents: segment, memory: $0.baseAddress!) } }
    for d in 0..<2 {
        let single = SegmentProcessor(model: model)
        var one = single.initialMemory(batch: 1)
        for segment in contents { try one.withUnsafeMutableBufferPointer { try single.step(contents: [segment[d]], memory: $0.baseAddress!) } }
        expectClose(Array(carried[(d * model.carriedCount)..<((d + 1) * model.carriedCount)]), one, abs: 1e-5,
                    "document \(d)'s carried memory and state")
    }
}

@Test func memoryEfficientBPTTEqualsFullBPTTWithTheAssociativeMemory() throws {
    let model = try associativeTinyModel()
    let batch = try tinyBatch(try SafetensorsFile(contentsOf: fixture("tiny-rmt/reference.safetensors")))
    let full = BPTTEngine(model: model, batchCapacity: 2, mode: .full)
    let efficient = BPTTEngine(model: model, batchCapacity: 2, mode: .memoryEfficient)
    let a = try full.lossAndGradients(batch), b = try efficient.lossAndGradients(batch)
    #expect(a.loss == b.loss)
    expectClose(efficient.gradients.storage.array, full.gradients.storage.array, abs: 1e-6, "memory-efficient = full")
    let value = full.gradients.values(AssociativeSettings.tensorName(layer: 0, "value.weight"))
    #expect(value.contains { $0 != 0 }, "the first layer's value projection gets a gradient")
}

@Test func anAddedAssociativeMemoryAnswersAsTheModelDidUntilItTrains() throws {
    let base = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let added = try base.withAssociativeMemory(AssociativeSettings(keySize: 4), seed: 84)
    let K = 2 * 3 * 4, C = base.config.hiddenSize  // ν = 3, key size 4
    #expect(added.carriedCount == base.carriedCount + base.config.numHiddenLayers * (K * C + K))
    let batch = try tinyBatch(try SafetensorsFile(contentsOf: fixture("tiny-rmt/reference.safetensors")))
    let a = try BPTTEngine(model: base, batchCapacity: 2, mode: .full).lossAndGradients(batch)
    let b = try BPTTEngine(model: added, batchCapacity: 2, mode: .full).lossAndGradients(batch)
    #expect(a.loss == b.loss && a.logits == b.logits)
    #expect(throws: ModelError.self) { try added.withAssociativeMemory(AssociativeSettings(keySize: 4), seed: 1) }
}

@Test func theAssociativeStateRoundTripsThroughAMemoryState() throws {
    let model = try associativeTinyModel()
    let processor = SegmentProcessor(model: model)
    var carried = processor.initialMemory(batch: 1)
    #expect(carried.count == model.carriedCount && model.carriedCount > model.memoryCount)
    try carried.withUnsafeMutableBufferPointer { try processor.step(contents: [[5, 6, 7]], memory: $0.baseAddress!) }
    #expect(carried[model.memoryCount...].contains { $0 != 0 }, "the step wrote the associative state")
    var state = MemoryState(memory: carried)
    state.segmentsRead = 1
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-associative-state-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("state.safetensors")
    try state.save(to: url, model: model)
    #expect(try MemoryState.load(from: url, model: model) == state)
    let plain = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    #expect(throws: ModelError.self) { try MemoryState.load(from: url, model: plain) }  // another model's state
}
