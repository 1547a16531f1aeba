// Every position scheme against its PyTorch reference (Fixtures/position/<scheme>, written by
// Fixtures/gen/gen_position_schemes.py in float64): the tiny RMT over two documents of three
// segments with padding — memory after every segment and final logits within 1e-5 — and the
// loss and the gradient of every tensor under full BPTT (and memory-efficient BPTT, which must
// give the same), position tensors included.
import Foundation
import Testing
import RMTTestSupport
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTSafetensors
import RMTTraining

@Test(arguments: ["alibi", "kerple_log", "kerple_power", "t5", "fire", "none", "cope", "dape_kerple_log"])
func positionSchemeMatchesPyTorch(_ name: String) throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("position/\(name)"))
    #expect(model.config.position?.commandLineName.replacingOccurrences(of: ":", with: "_") == name)
    #expect(!model.config.usesAbsolutePositions)
    let ref = try SafetensorsFile(contentsOf: fixture("position/\(name)/reference.safetensors"))
    let contents = try (0..<3).map { k in try (0..<2).map { d in try ref.int64s("doc\(d).segment\(k)").map { Int32($0) } } }

    let processor = SegmentProcessor(model: model, batchCapacity: 2)
    var memory = processor.initialMemory(batch: 2)
    for k in 0..<3 {
        try memory.withUnsafeMutableBufferPointer { try processor.step(contents: contents[k], memory: $0.baseAddress!) }
        expectClose(memory, try ref.floats("memory\(k)"), abs: 1e-5, "\(name): memory after segment \(k)")
    }
    expectClose(processor.classify(), try ref.floats("logits"), abs: 1e-5, "\(name): logits")

    for mode in [BPTTMode.full, .memoryEfficient] {
        try checkGradients(model, ref, contents, mode: mode, name: name)
    }
}

/// Loss and every gradient under `mode` (full or memory-efficient BPTT: the same gradients)
/// against the PyTorch full-BPTT reference.
func checkGradients(_ model: RecurrentMemoryModel, _ ref: SafetensorsFile, _ contents: [[[Int32]]],
                    mode: BPTTMode, name: String) throws {
    let engine = BPTTEngine(model: model, batchCapacity: 2, mode: mode)
    let result = try engine.lossAndGradients(SegmentBatch(contents: contents, labels: [1, 3]))
    let expectedLoss = try ref.floats("loss")[0]
    #expect(abs(result.loss - expectedLoss) < 1e-5, "\(name) \(mode): loss \(result.loss) vs \(expectedLoss)")
    var positionTensors = 0
    for entry in model.parameters.layout.entries {
        let c = closeness(engine.gradients.values(entry.name), try ref.floats("grad.\(entry.name)"),
                          relative: 1e-4, scaleFloor: 1e-3)
        #expect(c.passes, "\(name) \(mode): gradient of \(entry.name): \(c)")
        if entry.name.contains(".position.") {
            positionTensors += 1
            // The RMT reads only [CLS] and the memory rows of the last layer, so the last layer's
            // text–text terms cannot reach the loss (PyTorch agrees: exactly 0); every other
            // position tensor must get a gradient (DAPE's MLP also acts on [CLS] and memory rows; its
            // output bias b2 shifts whole softmax rows, so its true gradient is 0 everywhere).
            let lastLayerTextTerm = entry.name.hasPrefix("encoder.layer.\(model.config.numHiddenLayers - 1).")
                && !entry.name.hasSuffix("type_bias") && !entry.name.hasSuffix("temperature") && !entry.name.contains("dape_")
            if entry.name.hasSuffix("dape_b2") { continue }
            #expect(engine.gradients.values(entry.name).contains { $0 != 0 } != lastLayerTextTerm,
                    "\(name): \(entry.name) \(lastLayerTextTerm ? "got a gradient" : "got no gradient")")
        }
    }
    #expect(positionTensors >= 2 * 2, "\(name): expected position tensors in every layer")
    // A relative model adds no absolute position embedding, so that table gets no gradient.
    #expect(engine.gradients.values("embeddings.position_embeddings.weight").allSatisfy { $0 == 0 })
}
