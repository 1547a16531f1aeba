// bf16 inference in the encoder (ComputeOptions.precision = .bf16): the four linear layers of
// each layer run on bf16 weights converted once, the rest stays fp32, and a forward that keeps
// its activations for training stays fp32 entirely. Run with the plain-loop bf16 twin (every
// CPU) against transformers' fp32 output, and — where the CPU has AVX512-BF16 (AMX-BF16) — the SIMD
// kernels against the twin.
import Foundation
import Testing
import RMTTestSupport
import RMTKernels
import RMTModel
import RMTSafetensors

/// The fixture's last hidden state under `options`, with activations kept for training or not.
private func hidden(_ f: TinyBertFixture, _ options: ComputeOptions, keepAllLayers: Bool = false) throws -> [Float] {
    f.encoder.compute = options
    let acts = BertActivations(config: f.config, batchCapacity: f.batch, seqCapacity: f.seqLen, keepAllLayers: keepAllLayers)
    try f.encoder.gatherWordEmbeddings(acts, ids: f.ids, batch: f.batch, seqLen: f.seqLen)
    try f.encoder.forward(acts, attentionMask: f.mask, tokenTypeIDs: f.types)
    return Array(UnsafeBufferPointer(start: acts.lastHiddenState, count: f.batch * f.seqLen * f.config.hiddenSize))
}

private func maxAbsDifference(_ x: [Float], _ y: [Float]) -> Float {
    zip(x, y).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

@Test func bf16EncoderConvertsWeightsOnceAndStaysFP32ForTraining() throws {
    let f = try TinyBertFixture()
    let expected = try f.reference.floats("last_hidden_state")
    let fp32 = try hidden(f, ComputeOptions(precision: .fp32))
    #expect(f.encoder.bf16Weights == nil)
    for fused in [true, false] {
        let options = ComputeOptions(fused: fused, precision: .bf16, bf16Kernel: .twin)
        let bf16 = try hidden(f, options)
        // The copies: one set per layer, the same shapes as the fp32 weights, each value rounded once.
        let copies = try #require(f.encoder.bf16Weights)
        #expect(copies.count == f.config.numHiddenLayers)
        let w = f.encoder.weights.layers[0]
        let C = f.config.hiddenSize, F = f.config.intermediateSize
        #expect(copies[0].qkv.rows == 3 * C && copies[0].qkv.cols == C && copies[0].ffnIn.rows == F && copies[0].ffnOut.cols == F)
        #expect((0..<(3 * C * C)).allSatisfy { copies[0].qkv.pointer[$0] == bf16Bits(w.qkvWeight[$0]) })
        // bf16 changes the result (the products really ran in bf16) by far less than the hidden
        // state's size: inputs rounded to 8 significant bits, sums in fp32, fp32 LayerNorms.
        let scale = expected.map(abs).max() ?? 1
        let error = maxAbsDifference(bf16, expected)
        #expect(error > 1e-5 && error < 0.05 * scale, "bf16 vs transformers fp32: max error \(error), scale \(scale)")
        // A forward kept for training is fp32 whatever the precision: bit for bit the fp32 result.
        var fp32Options = options
        fp32Options.precision = .fp32
        let trainingFP32 = try hidden(f, fp32Options, keepAllLayers: true)
        let trainingBF16 = try hidden(f, options, keepAllLayers: true)
        #expect(trainingBF16.map(\.bitPattern) == trainingFP32.map(\.bitPattern))
    }
    // Back to fp32: the copies are dropped and the result is fp32's again.
    let again = try hidden(f, ComputeOptions(precision: .fp32))
    #expect(f.encoder.bf16Weights == nil)
    #expect(again.map(\.bitPattern) == fp32.map(\.bitPattern))
    // auto is fp32 until bf16's accuracy is proven (Docs/Architecture.md).
    let auto = try hidden(f, ComputeOptions(precision: .auto, bf16Kernel: .twin))
    #expect(f.encoder.bf16Weights == nil && auto.map(\.bitPattern) == fp32.map(\.bitPattern))
}

@Test func bf16WeightCopiesFollowRefresh() throws {
    let f = try TinyBertFixture()
    f.encoder.compute = ComputeOptions(precision: .bf16, bf16Kernel: .twin)
    let w = f.encoder.weights.layers[1].ffnOutWeight
    let before = try #require(f.encoder.bf16Weights)[1].ffnOut.pointer[0]
    w[0] = w[0] * 2 + 1
    #expect(try #require(f.encoder.bf16Weights)[1].ffnOut.pointer[0] == before)  // a snapshot
    f.encoder.refreshBF16Weights()
    #expect(try #require(f.encoder.bf16Weights)[1].ffnOut.pointer[0] == bf16Bits(w[0]))
}

// Runs only on a CPU with AVX512-BF16 (both SIMD kernels where it has AMX-BF16 too); reported as
// skipped (not passed) elsewhere.
@Test(.enabled(if: CPUInfo.features.contains(.avx512BF16), "needs AVX512-BF16"))
func bf16SIMDEncoderMatchesTheTwinEncoder() throws {
    let f = try TinyBertFixture()
    let kernels = [BF16Kernel.avx512, .amx].filter(\.isAvailable)
    #expect(kernels.contains(.avx512))
    for kernel in kernels {
        for fused in [true, false] {
            let twin = try hidden(f, ComputeOptions(fused: fused, precision: .bf16, bf16Kernel: .twin))
            let simd = try hidden(f, ComputeOptions(fused: fused, precision: .bf16, bf16Kernel: kernel))
            #expect(f.encoder.compute.kernels.description.hasSuffix("precision=\(kernel)"))
            // The same bf16 inputs; only the fp32 summation order differs.
            let scale = twin.map(abs).max() ?? 1
            #expect(maxAbsDifference(simd, twin) <= 1e-4 * scale, "\(kernel) fused \(fused)")
        }
    }
}

@Test func mixedPrecisionTrainingRoundsOnlyTheForwardThatKeepsActivations() throws {
    let f = try TinyBertFixture()
    let fp32 = try hidden(f, ComputeOptions(precision: .fp32))
    var options = ComputeOptions(precision: .fp32, bf16Kernel: .twin)
    options.trainsInBF16 = true
    #expect(options.linearBF16 == nil && options.linearTrainingBF16 == .twin)
    // Inference (validation, evaluation during training) reads in fp32, bit for bit.
    #expect(try hidden(f, options) == fp32)
    // The training forward runs the linear layers in bf16: not fp32's numbers, within its rounding.
    let trained = try hidden(f, options, keepAllLayers: true)
    #expect(trained != fp32)
    #expect(maxAbsDifference(trained, fp32) < 0.05, "\(maxAbsDifference(trained, fp32))")
    #expect(try hidden(f, ComputeOptions(precision: .fp32), keepAllLayers: true) == fp32, "fp32 training forward unchanged")
}
