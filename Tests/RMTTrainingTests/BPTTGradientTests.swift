// BPTT gradients of the tiny RMT over three segments against PyTorch autograd (float64):
// every parameter tensor, for full BPTT, truncated BPTT (depth 2) and the summed loss;
// memory-efficient BPTT must equal full BPTT.
import Foundation
import Testing
import RMTTestSupport
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTSafetensors
import RMTTraining

func tinyBatch(_ ref: SafetensorsFile) throws -> SegmentBatch {
    let contents = try (0..<3).map { k in try (0..<2).map { d in try ref.int64s("doc\(d).segment\(k)").map { Int32($0) } } }
    return SegmentBatch(contents: contents, labels: [1, 3])
}


@Test(arguments: [("full", BPTTMode.full, false), ("truncated2", BPTTMode.truncated(depth: 2), false),
                  ("sumloss", BPTTMode.full, true), ("full", BPTTMode.memoryEfficient, false),
                  ("sumloss", BPTTMode.memoryEfficient, true)])
func bpttGradientsMatchPyTorch(name: String, mode: BPTTMode, sumLoss: Bool) throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let ref = try SafetensorsFile(contentsOf: fixture("tiny-rmt/reference.safetensors"))
    let expected = try SafetensorsFile(contentsOf: fixture("tiny-rmt/gradients.safetensors"))
    let engine = BPTTEngine(model: model, batchCapacity: 2, mode: mode, segmentLoss: sumLoss ? .everySegment : .finalSegment)
    let result = try engine.lossAndGradients(try tinyBatch(ref))
    let expectedLoss = try expected.floats("\(name).loss")[0]
    #expect(abs(result.loss - expectedLoss) < 1e-5, "loss \(result.loss) vs \(expectedLoss)")
    // Relative to the tensor's largest entry, floored at 1e-3: some gradients are exactly zero
    // in theory (the key bias: softmax ignores a constant added to every score of a row),
    // where only float noise remains.
    var worst: (Double, String) = (0, "")
    for entry in model.parameters.layout.entries {
        let ours = engine.gradients.values(entry.name)
        let theirs = try expected.floats("\(name).\(entry.name)")
        if (theirs.map(abs).max() ?? 0) < 1e-12 {
            // Exactly zero in theory (the key bias): only float32 noise of the summation order
            // remains, ~1e-7 next to key-weight gradients of ~0.4 (OpenBLAS 4e-8, own GEMM
            // 1.1e-7 — a relative bound on a floored scale was too tight for a change of order).
            expectClose(ours, theirs, abs: 5e-7, "\(name) \(mode): gradient of \(entry.name) should be ~0")
            continue
        }
        let c = closeness(ours, theirs, relative: 1e-4, scaleFloor: 1e-3)
        if c.maxRelativeError > worst.0 { worst = (c.maxRelativeError, entry.name) }
        #expect(c.passes, "\(name) \(mode): gradient of \(entry.name): \(c)")
    }
    print("bptt \(name) \(mode): worst relative error \(worst.0) at \(worst.1)")
}

@Test func truncatedDepthOneOnlyTrainsTheFinalSegment() throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let ref = try SafetensorsFile(contentsOf: fixture("tiny-rmt/reference.safetensors"))
    let engine = BPTTEngine(model: model, batchCapacity: 2, mode: .truncated(depth: 1))
    _ = try engine.lossAndGradients(try tinyBatch(ref))
    #expect(engine.gradients.values(RMTTensorName.memoryEmbeddings).allSatisfy { $0 == 0 })
    #expect(engine.gradients.values("encoder.layer.0.output.dense.weight").contains { $0 != 0 })
}
