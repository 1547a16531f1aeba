// BertEncoder.backward into gradient sets of two layouts: one with the model's layout (the
// training path: the weights' pointers moved into the gradient buffer, no name lookups) and one
// holding the same tensors at other offsets (looked up by name) get the same gradients; and a
// training segment's forward + backward allocates nothing on the calling thread once warm
// (RMTAllocationCounter, as in RMTRecurrenceTests' AllocationTests).
import RMTAllocationCounter
import Testing
import RMTBase
import RMTKernels
import RMTModel

@Test func backwardWritesTheSameGradientsWhateverTheGradientSetsLayout() throws {
    let config = BertConfig(vocabSize: 50, hiddenSize: 24, numHiddenLayers: 2, numAttentionHeads: 3, intermediateSize: 40,
                            maxPositionEmbeddings: 16)
    // The model's parameters: BERT with a pooler, then one more tensor (as an RMT's are).
    var modelLayout = ParameterLayout.bert(config, pooler: true)
    modelLayout.append("extra.weight", [5, 24])
    // Another layout with the same names: the extra tensor first, so every offset differs.
    var otherLayout = ParameterLayout()
    otherLayout.append("extra.weight", [5, 24])
    otherLayout.appendBert(config, pooler: true)
    let parameters = ParameterSet(layout: modelLayout)
    parameters.initializeBert(std: 0.1, seed: 5)
    let encoder = try BertEncoder(config: config, parameters: parameters)
    let B = 2, T = 8, C = config.hiddenSize
    let acts = BertActivations(config: config, batchCapacity: B, seqCapacity: T, keepAllLayers: true)
    var rng = SplitMix64(seed: 6)
    let ids = (0..<(B * T)).map { _ in Int32(rng.next() % UInt64(config.vocabSize)) }
    try encoder.gatherWordEmbeddings(acts, ids: ids, batch: B, seqLen: T)
    _ = try encoder.forward(acts)
    let dHidden = FloatBuffer(rng.normals(B * T * C, std: 1))
    var results: [ParameterSet] = []
    for layout in [modelLayout, otherLayout] {
        let grads = ParameterSet(layout: layout)
        let dWord = FloatBuffer(count: B * T * C)
        encoder.backward(acts, dHidden: dHidden.pointer, grads: grads,
                         scratch: BertGradientScratch(config: config, batchCapacity: B, seqCapacity: T),
                         dWordEmbeddings: dWord.pointer)
        results.append(grads)
    }
    var compared = 0, nonzero = 0
    for entry in modelLayout.entries where entry.name != "extra.weight" && !entry.name.hasPrefix("pooler.") {
        guard let other = otherLayout.entry(entry.name) else { Issue.record("\(entry.name) missing"); continue }
        let a = (0..<entry.count).map { results[0].storage.pointer[entry.offset + $0] }
        let b = (0..<entry.count).map { results[1].storage.pointer[other.offset + $0] }
        #expect(a == b, "\(entry.name)")
        compared += 1
        if a.contains(where: { $0 != 0 }) { nonzero += 1 }
    }
    #expect(compared == modelLayout.entries.count - 3)  // all but the extra tensor and the pooler's two
    #expect(nonzero >= compared - 1, "gradients written: \(nonzero) of \(compared)")  // word embeddings: by the caller
}

/// Forward (keeping every layer) and backward of one batch of segments — every position scheme
/// (the relative ones with a learned per-head log-n temperature, DAPE over Kerple-log), the
/// gradient set of the model's layout, 2 workers — allocate nothing once the buffers have grown:
/// the position gradients' buffers and the kernels' scratch are reused (PositionWorkspace).
@Test(arguments: PositionSettings.Scheme.allCases)
func aTrainingSegmentsForwardAndBackwardAllocateNothing(_ scheme: PositionSettings.Scheme) throws {
    let position = PositionSettings.forTraining(scheme, temperature: scheme == .absolute ? .none : .perHeadLogN,
                                                textTokens: 128, positions: 128)
    let config = BertConfig(vocabSize: 50, hiddenSize: 128, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 512,
                            maxPositionEmbeddings: 128).withPosition(position)
    let encoder = BertEncoder(config: config, seed: 8)
    let B = 2, T = 128, C = config.hiddenSize
    let acts = BertActivations(config: config, batchCapacity: B, seqCapacity: T, keepAllLayers: true)
    let scratch = BertGradientScratch(config: config, batchCapacity: B, seqCapacity: T)
    let grads = ParameterSet(layout: encoder.parameters.layout)
    var rng = SplitMix64(seed: 9)
    let ids = (0..<(B * T)).map { _ in Int32(rng.next() % UInt64(config.vocabSize)) }
    let dHidden = FloatBuffer(rng.normals(B * T * C, std: 1)), dWord = FloatBuffer(count: B * T * C)
    func step() throws {
        try encoder.gatherWordEmbeddings(acts, ids: ids, batch: B, seqLen: T)
        _ = try encoder.forward(acts)
        encoder.backward(acts, dHidden: dHidden.pointer, grads: grads, scratch: scratch, dWordEmbeddings: dWord.pointer)
    }
    // Warm-up: once on this thread alone (its pack and reduction buffers reach their sizes), once on 2 workers.
    for threads in [1, 2] {
        encoder.compute = ComputeOptions(threads: threads)
        try step()
    }
    var counts: [UInt] = []
    counts.reserveCapacity(3)
    for _ in 0..<3 {
        let before = rmt_allocation_count_this_thread()
        try step()
        counts.append(rmt_allocation_count_this_thread() - before)
    }
    #expect(counts.allSatisfy { $0 == 0 }, "\(scheme): allocations per forward + backward: \(counts)")
    #expect((0..<(B * T * C)).contains { dWord[$0] != 0 })
}
