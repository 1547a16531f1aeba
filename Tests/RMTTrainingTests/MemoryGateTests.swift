// The memory gate (MemoryGate.swift; `rmt.memory_gate`, `rmt-train --memory-gate`) proven as the
// rest of the recurrence is, on the tiny RMT of RMTFiniteDifferenceTests.swift with a gate
// (FDProblem.gated: 2 layers, C = 8, M = 2, 3 segments; gate weights N(0, 0.3²), bias N(0.5, 0.5²),
// so Z sits away from 0 and 1 and both of its paths carry gradient):
// 1. The Double RMT with the gate (ReferenceMemoryGate.swift) against central differences
//    (ε = 1e-5) of every entry of every tensor, the gate's 136 included: full BPTT, truncated depth 2
//    and 1 (the gate's carry into a detached memory then stops too), the summed and the prefix loss;
//    bound 1e-6.
// 2. The fast Float BPTT against that Double gradient, every entry of every tensor, in those modes
//    and memory-efficient; bound 1e-4; the loss and final logits agree.
// 3. What the gate does at its ends: zero weights and a saturated bias (σ(30) = 1 in Float) hand on
//    exactly the ungated model's memory — the same logits, bit for bit; the bias −30 hands on the
//    memory that entered, so every segment's memory is the initial one; `withMemoryGate` keeps
//    every tensor, refuses a second gate and a state readout beside it; a gated model survives its
//    folder (config `rmt.memory_gate`, the three tensors); the gate's tensors train at --gate-lr.
// 4. The share of new memory each step reports (SegmentProcessor.gateShares, what `rmt-ask --trace`
//    prints as "gate"): 1 and 0 at the saturated ends, ½ at bias 0, and the mean of Z recomputed
//    from the ungated encoder's new memory on the random gate; DocumentSession.gateShare keeps the
//    last read segment's share through a question.
// 5. The gate penalty (`--gate-penalty λ`: λ · the mean Z of the segments that hand their memory on):
//    1 and 2 again with λ = 0.7 (FDProblem.gatePenalized); the Double loss grows by exactly λ · that
//    mean, which the fast engine reports as gateShare; a single segment pays nothing.
import Foundation
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTReference
import RMTTestSupport
import RMTTraining
import Testing

@Test(arguments: [FDCase.full, .truncated2, .truncated1, .sumLoss, .prefix])
func doubleGatedRMTGradientMatchesFiniteDifferences(_ c: FDCase) {
    checkDoubleRMTGradient(FDProblem.gated, c)
}

@Test(arguments: [FDCase.full, .truncated2, .truncated1, .sumLoss, .prefix, .memoryEfficient, .memoryEfficientSum])
func fastBPTTThroughTheGateMatchesDoubleRMT(_ c: FDCase) throws {
    try checkFastBPTT(FDProblem.gated, c)
}

@Test(arguments: [FDCase.full, .truncated2, .truncated1, .sumLoss, .prefix])
func doubleGatePenaltyGradientMatchesFiniteDifferences(_ c: FDCase) {
    checkDoubleRMTGradient(FDProblem.gatePenalized, c)
}

@Test(arguments: [FDCase.full, .truncated2, .truncated1, .sumLoss, .prefix, .memoryEfficient, .memoryEfficientSum])
func fastBPTTWithTheGatePenaltyMatchesDoubleRMT(_ c: FDCase) throws {
    try checkFastBPTT(FDProblem.gatePenalized, c)
}

@Test func theGatePenaltyIsTheMeanZOfTheSegmentsThatHandTheirMemoryOn() throws {
    // The Double loss with λ is the loss without it + λ · the mean of Z over segments 0 and 1 (the
    // last segment's memory goes nowhere); the fast engine reports that mean as gateShare, with or
    // without a penalty, and its gradient differs by the penalty's (the FD checks above have teeth).
    let (penalized, plain) = (FDProblem.gatePenalized, FDProblem.gated)
    let f = penalized.forward(penalized.parameters, .full), g = plain.forward(plain.parameters, .full)
    let gates = f.segments.map { $0.gate! }
    let mean = (gates[0] + gates[1]).reduce(0, +) / Double(gates[0].count * 2)
    #expect(mean > 0.05 && mean < 0.95)
    #expect(abs(f.loss - g.loss - penalized.gatePenalty * mean) < 1e-12, "\(f.loss) vs \(g.loss) + λ·\(mean)")
    func fast(_ problem: FDProblem, contents: [[[Int32]]]) throws -> (BatchResult, BPTTEngine) { try problem.fullBPTT(contents: contents) }
    let (withPenalty, penalizedEngine) = try fast(penalized, contents: penalized.contents)
    let (without, plainEngine) = try fast(plain, contents: plain.contents)
    for share in [withPenalty.gateShare, without.gateShare] {
        #expect(abs(Double(try #require(share)) - mean) < 1e-6, "\(share ?? .nan) vs \(mean)")
    }
    #expect(withPenalty.loss == without.loss)  // the answer loss alone; the penalty is reported apart
    let bias = (penalizedEngine.gradients.values(RMTTensorName.gateBias), plainEngine.gradients.values(RMTTensorName.gateBias))
    #expect(scaledError(bias.0.map(Double.init), bias.1.map(Double.init)) > 1e-2)
    // One segment hands nothing on: no share, and the penalty changes nothing.
    let (one, oneEngine) = try fast(penalized, contents: [penalized.contents[0]])
    let (onePlain, onePlainEngine) = try fast(plain, contents: [plain.contents[0]])
    #expect(one.gateShare == nil && one.loss == onePlain.loss)
    #expect(oneEngine.gradients.values(RMTTensorName.gateBias) == onePlainEngine.gradients.values(RMTTensorName.gateBias))
}

@Test func theGateChangesTheGradientItCarries() {
    // The gated problem's gradient differs from the same weights read without the gate (the checks have teeth).
    let gated = FDProblem.gated
    var plainParameters = gated.parameters
    plainParameters.memoryGate = nil
    var plainShape = gated.shape
    plainShape.memoryGate = false
    func gradient(_ p: RD.RMTParameters, _ shape: RD.RMTShape) -> RD.RMTParameters {
        let f = RD.rmtForward(parameters: p, contents: gated.contents, labels: gated.labels, tokens: gated.tokens, shape: shape,
                              sumLoss: false)
        return RD.rmtBackward(forward: f, parameters: p, labels: gated.labels, shape: shape, sumLoss: false, depth: 3)
    }
    let (a, b) = (gradient(gated.parameters, gated.shape), gradient(plainParameters, plainShape))
    #expect(scaledError(a.memoryEmbeddings, b.memoryEmbeddings) > 1e-2)
    #expect(scaledError(a.layers[0].qkvWeight, b.layers[0].qkvWeight) > 1e-2)
}

/// Logits of `model` on the gated problem's three segments, and the memory handed on after each.
private func read(_ model: RecurrentMemoryModel) throws -> (logits: [Float], memories: [[Float]]) {
    let problem = FDProblem.shared
    let processor = SegmentProcessor(model: model, batchCapacity: 2)
    var memory = processor.initialMemory(batch: 2)
    var memories: [[Float]] = []
    for segment in problem.contents {
        try memory.withUnsafeMutableBufferPointer { try processor.step(contents: segment, memory: $0.baseAddress!) }
        memories.append(memory)
    }
    return (processor.classify(), memories)
}

@Test func theGateAtItsEndsHandsOnTheNewMemoryOrTheOldOne() throws {
    let plain = try FDProblem.shared.floatModel()
    let open = try plain.withMemoryGate(bias: 30)
    #expect(open.settings.memoryGate == true)
    for entry in plain.parameters.layout.entries {
        #expect(plain.parameters.values(entry.name) == open.parameters.values(entry.name), "\(entry.name) changed")
    }
    #expect(open.parameters.values(RMTTensorName.gateHiddenWeight).allSatisfy { $0 == 0 })
    #expect(open.parameters.values(RMTTensorName.gateBias).allSatisfy { $0 == 30 })
    let (expected, got) = (try read(plain), try read(open))
    #expect(got.logits == expected.logits, "σ(30) = 1: the ungated model's logits")
    #expect(got.memories == expected.memories)

    let closed = try plain.withMemoryGate(bias: -30)  // every segment hands on the memory that entered it
    let initial = SegmentProcessor(model: closed, batchCapacity: 2).initialMemory(batch: 2)
    for memory in try read(closed).memories { #expect(memory == initial) }
    let between = try read(try plain.withMemoryGate(bias: 0)).memories  // Z = ½: the mean of the two
    #expect(between[0] != expected.memories[0] && between[0] != initial)

    // The share each step reports (SegmentProcessor.gateShares, rmt-ask --trace's "gate"): Z's mean.
    func shares(_ model: RecurrentMemoryModel) throws -> [Float] {
        let processor = SegmentProcessor(model: model, batchCapacity: 2)
        var memory = processor.initialMemory(batch: 2)
        try memory.withUnsafeMutableBufferPointer { try processor.step(contents: FDProblem.shared.contents[0], memory: $0.baseAddress!) }
        return processor.gateShares
    }
    #expect(try shares(open) == [1, 1] && shares(plain) == [])
    #expect(try shares(closed).allSatisfy { $0 >= 0 && $0 < 1e-12 }, "σ(−30) ≈ 9e-14")
    #expect(try shares(try plain.withMemoryGate(bias: 0)) == [0.5, 0.5])

    #expect(throws: ModelError.self) { _ = try open.withMemoryGate(bias: 3) }
    #expect(throws: ModelError.self) { _ = try plain.withMemoryGate(bias: .nan) }
    #expect(throws: ModelError.self) { _ = try open.withStateReadout(entities: ["mary"], seed: 1) }
}

@Test func eachStepReportsTheMeanOfItsGate() throws {
    // With the gated problem's random gate (Z away from 0 and 1), each sequence's share after each
    // segment is the mean over (M, C) of Z = σ(H·W_hᵀ + P·W_pᵀ + b), H the new memory the same
    // encoder without the gate hands on from the same entering memory P.
    let gated = try FDProblem.gated.floatModel()
    var settings = gated.settings
    settings.memoryGate = false
    let ungatedParameters = ParameterSet(layout: RecurrentMemoryModel.layout(gated.config, settings))
    for entry in ungatedParameters.layout.entries {
        ungatedParameters.pointer(entry.name).update(from: gated.parameters.pointer(entry.name), count: entry.count)
    }
    let ungated = try RecurrentMemoryModel(config: gated.config, settings: settings, tokenizer: gated.tokenizer,
                                           parameters: ungatedParameters)
    let (withGate, without) = (SegmentProcessor(model: gated, batchCapacity: 2), SegmentProcessor(model: ungated, batchCapacity: 2))
    let gate = try #require(gated.memoryGate)
    let (n, stride) = (gated.memoryCount, gated.carriedCount)
    var memory = withGate.initialMemory(batch: 2)  // (2, carried): P, then the gated memory leaving
    for segment in FDProblem.gated.contents {
        var new = memory  // (2, carried): H, the ungated memory leaving
        try new.withUnsafeMutableBufferPointer { try without.step(contents: segment, memory: $0.baseAddress!) }
        var expected: [Float] = []
        for b in 0..<2 {
            var z = [Float](repeating: 0, count: n), scratch = z  // (M, C)
            gate.gate(hidden: Array(new[(b * stride)..<(b * stride + n)]), previous: Array(memory[(b * stride)..<(b * stride + n)]),
                      rows: gated.settings.memoryTokens, into: &z, scratch: &scratch)
            expected.append(Float(z.reduce(0.0) { $0 + Double($1) } / Double(n)))
        }
        try memory.withUnsafeMutableBufferPointer { try withGate.step(contents: segment, memory: $0.baseAddress!) }
        #expect(withGate.gateShares.count == 2)
        for (got, want) in zip(withGate.gateShares, expected) {
            #expect(abs(got - want) < 1e-5 && want > 0.05 && want < 0.95, "share \(got) vs \(want)")
        }
    }
}

@Test func aDocumentSessionKeepsTheShareOfItsLastSegment() throws {
    // DocumentSession.gateShare: nil before a segment is read, then the share of the segment just
    // read (the processor's, on the same content); asking a question leaves it as it was.
    let gated = try FDProblem.gated.floatModel()
    let session = DocumentSession(model: gated)
    #expect(session.gateShare == nil)
    let piece = [Int32](repeating: 7, count: session.textLength)  // a full piece: read at once
    try session.read(piece)
    let share = try #require(session.gateShare)
    let processor = SegmentProcessor(model: gated)
    var memory = processor.initialMemory(batch: 1)
    try memory.withUnsafeMutableBufferPointer { try processor.step(contents: [piece], memory: $0.baseAddress!) }
    #expect(processor.gateShares == [share] && share > 0.05 && share < 0.95, "\(share) vs \(processor.gateShares)")
    _ = try session.answer(questionTokens: [8, 9])
    #expect(session.gateShare == share)
    #expect(DocumentSession(model: try FDProblem.shared.floatModel()).gateShare == nil)
}

@Test func aGatedModelSurvivesItsFolderAndTrainsItsGateAtItsOwnRate() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-memory-gate-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = try FDProblem.shared.floatModel().withMemoryGate(bias: 2)
    model.parameters.pointer(RMTTensorName.gateMemoryWeight)[3] = 0.25
    try model.save(to: dir)
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json"))) as? [String: Any]
    #expect((config?["rmt"] as? [String: Any])?["memory_gate"] as? Bool == true, "\(config ?? [:])")
    let loaded = try RecurrentMemoryModel.load(directory: dir)
    #expect(loaded.settings.hasMemoryGate)
    for name in [RMTTensorName.gateHiddenWeight, RMTTensorName.gateMemoryWeight, RMTTensorName.gateBias] {
        #expect(loaded.parameters.values(name) == model.parameters.values(name), "\(name)")
    }
    #expect(try read(loaded).logits == read(model).logits)

    var options = TrainingOptions()
    options.learningRate = 2e-5
    options.gateLearningRate = 1e-3
    let scales = options.learningRateScales(loaded.parameters.layout)
    for (entry, scale) in zip(loaded.parameters.layout.entries, scales) {
        let expected: Float = RMTTensorName.isMemoryGate(entry.name) ? 50 : 1  // 1e-3 / 2e-5; the rest at --lr
        #expect(abs(scale - expected) < 1e-4, "\(entry.name): \(scale)")
    }
    #expect(scales.filter { $0 > 1 }.count == 3)
}
