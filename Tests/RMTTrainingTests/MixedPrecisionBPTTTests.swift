// Mixed-precision training (ComputeOptions.trainsInBF16, rmt-train --precision bf16): on the tiny
// RMT fixture (3 segments, BPTT through the memory), the bf16 products on the plain-loop twin
// (every CPU) give the fp32 loss and gradient up to bf16's input rounding — and differ from them,
// so the bf16 path really runs in the training forward and backward; the SIMD bf16 kernels this
// CPU runs give the twin's up to summation order; memory-efficient BPTT (which recomputes the
// forward) equals full BPTT. (That inference stays fp32: BF16EncoderTests.)
import Foundation
import RMTBase
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTSafetensors
import RMTTestSupport
import RMTTraining
import Testing

/// Loss and gradient of the fixture's batch under `compute` and `mode`.
private func lossAndGradient(_ model: RecurrentMemoryModel, _ batch: SegmentBatch, _ compute: ComputeOptions,
                             mode: BPTTMode = .full) throws -> (loss: Float, gradient: [Float]) {
    model.compute = compute
    let engine = BPTTEngine(model: model, batchCapacity: 2, mode: mode)
    let result = try engine.lossAndGradients(batch)
    return (result.loss, engine.gradients.storage.array)
}

/// ‖x − y‖ / ‖y‖.
private func relativeL2(_ x: [Float], _ y: [Float]) -> Double {
    let d = zip(x, y).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
    let n = y.reduce(0.0) { $0 + Double($1) * Double($1) }
    return (d / max(n, 1e-300)).squareRoot()
}

private func mixed(_ kernel: BF16Kernel) -> ComputeOptions {
    var o = ComputeOptions(precision: .fp32, bf16Kernel: kernel)
    o.trainsInBF16 = true
    return o
}

@Test func mixedPrecisionBPTTIsFP32UpToBF16Rounding() throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let batch = try tinyBatch(try SafetensorsFile(contentsOf: fixture("tiny-rmt/reference.safetensors")))
    let fp32 = try lossAndGradient(model, batch, ComputeOptions(precision: .fp32))
    let twin = try lossAndGradient(model, batch, mixed(.twin))
    #expect(mixed(.twin).kernels.description.hasSuffix(",training=bf16-twin"))
    #expect(twin.gradient != fp32.gradient && twin.loss != fp32.loss, "the bf16 products ran")
    #expect(abs(Double(twin.loss - fp32.loss)) <= 5e-3 * Double(abs(fp32.loss)), "loss \(twin.loss) vs \(fp32.loss)")
    let error = relativeL2(twin.gradient, fp32.gradient)
    #expect(error < 2e-2, "gradient relative L2 \(error)")
    // Recomputing the forward (memory-efficient BPTT) gives the same numbers in bf16 as in full BPTT.
    let efficient = try lossAndGradient(model, batch, mixed(.twin), mode: .memoryEfficient)
    #expect(efficient.loss == twin.loss)
    expectClose(efficient.gradient, twin.gradient, abs: 1e-6, "memory-efficient = full in bf16")
    for kernel in BF16Kernel.allCases where kernel != .twin && kernel.isAvailable {
        let simd = try lossAndGradient(model, batch, mixed(kernel))
        let apart = relativeL2(simd.gradient, twin.gradient)
        #expect(apart < 1e-4, "\(kernel) vs twin: relative L2 \(apart)")
        #expect(abs(Double(simd.loss - twin.loss)) <= 1e-5 * Double(abs(twin.loss)))
    }
}
