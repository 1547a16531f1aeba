// RecurrentMemoryModel.comparePrecision (what `rmt-tool precision-check` prints): the same
// tokens read in fp32 and in bf16, with the plain-loop bf16 twin so that it runs on every CPU.
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTTestSupport
import Testing

@Test func comparePrecisionMeasuresBF16AgainstFP32AndRestoresTheOptions() throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let own = ComputeOptions(threads: 2, precision: .fp32)
    model.compute = own
    let tokens = model.tokenizer.encode("the kitchen is where mary went after the garden and john stayed in the hallway")
    let bf16 = ComputeOptions(threads: 2, precision: .bf16, bf16Kernel: .twin)
    let r = try model.comparePrecision(tokens: tokens, segments: 3, bf16: bf16)
    #expect(r.segments == 3 && r.positions == model.settings.positionsPerSegment)
    // bf16 moves the numbers (so it ran), by a small fraction of their size.
    #expect(r.hiddenMaxAbsError > 0 && r.hiddenMaxAbsError < 0.05 * r.hiddenMaxAbs, "\(r)")
    #expect(r.memoryMaxAbsError > 0 && r.memoryMaxAbsError < 0.05 * r.memoryMaxAbs, "\(r)")
    #expect(r.hiddenMeanAbsError <= r.hiddenMaxAbsError && r.memoryMeanAbsError <= r.memoryMaxAbsError)
    #expect(r.fp32Kernels.hasSuffix("precision=fp32") && r.bf16Kernels.hasSuffix("precision=bf16-twin"))
    #expect(model.compute == own && model.encoder.bf16Weights == nil)
    // Options that do not run bf16, no tokens, no segments: refused.
    #expect(throws: ModelError.self) { try model.comparePrecision(tokens: tokens, segments: 1, bf16: own) }
    #expect(throws: ModelError.self) { try model.comparePrecision(tokens: [], segments: 1, bf16: bf16) }
    #expect(throws: ModelError.self) { try model.comparePrecision(tokens: tokens, segments: 0, bf16: bf16) }
}
