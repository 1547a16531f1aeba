// The state loss (`--state-loss`, BPTT.swift, RMTModel/StateReadout.swift) proven in three steps,
// on the tiny RMT of RMTFiniteDifferenceTests.swift (FDProblem: 2 layers, C = 8, M = 2, 3 segments,
// 3 classes) with a readout of E = 2 entities, some targets −1 (not scored), weight 0.7:
// 1. The Double readout alone (ReferenceDouble.stateReadout*) against central differences (ε = 1e-5)
//    of every entry of its weight, bias and of the memory it reads; bound 1e-7 relative; the Float
//    readout against it.
// 2. The whole Double RMT with the state loss against central differences of every entry of every
//    tensor (encoder, memory embeddings, head, readout): full BPTT, truncated depth 2 and 1 (the
//    readout of an early segment then trains that segment only), the summed loss; bound 1e-6.
// 3. The fast Float BPTT (BPTTEngine, stateLossWeight 0.7) against that Double gradient, every entry
//    of every tensor including rmt.state.*, in the modes above and memory-efficient; bound 1e-4, as
//    for the other losses. Its loss + w·stateLoss must equal the Double objective.
// Steps 1–3 run for the linear probe and for the two-layer one (a hidden layer of D = 3, GELU).
// A last test shows the checks have teeth: the state loss changes the encoder's gradient.
import RMTBase
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTReference
import RMTTestSupport
import RMTTokenizer
import RMTTraining
import Testing


/// The readout, targets and weight every test here adds to FDProblem: a linear probe (`shared`)
/// or one with a hidden layer of 3 (`hidden`).
private struct StateProblem: Sendable {
    static let shared = StateProblem(hidden: 0)
    static let hidden = StateProblem(hidden: 3)
    static func with(hidden D: Int) -> StateProblem { D == 0 ? shared : hidden }
    let entities = ["ann", "box"]
    let weight = 0.7
    /// targets[k]: (B·E) per segment, −1 = not scored.
    let targets: [[Int32]] = [[-1, 0, 1, 2], [2, -1, 0, 1], [1, 2, -1, 0]]
    let parameters: RD.StateReadoutParameters

    init(hidden D: Int) {
        let C = FDProblem.shared.shape.channels, L = FDProblem.shared.shape.classes
        var rng = SplitMix64(seed: 77)
        func draw(_ n: Int, _ std: Float) -> [Double] { rng.normals(n, std: std).map { Double(Float($0)) } }
        let M = FDProblem.shared.shape.memoryTokens, E = entities.count
        parameters = RD.StateReadoutParameters(weight: draw(E * L * (D > 0 ? D : M * C), 0.5), bias: draw(E * L, 0.3),
                                               hiddenWeight: draw(D * M * C, 0.5), hiddenBias: draw(D, 0.3))
    }

    var loss: RD.RMTStateLoss { RD.RMTStateLoss(parameters: parameters, targets: targets, weight: weight, entities: entities.count) }

    /// FDProblem's Float model with this readout's weights.
    func floatModel() throws -> RecurrentMemoryModel {
        let model = try FDProblem.shared.floatModel().withStateReadout(entities: entities, hidden: parameters.hidden > 0 ? parameters.hidden : nil,
                                                                       seed: 1)
        for (name, path) in readoutTensors(hidden: parameters.hidden) {
            for (i, v) in parameters[keyPath: path].enumerated() { model.parameters.pointer(name)[i] = Float(v) }
        }
        return model
    }
}

/// The readout's tensors: the model's name and the Double parameters' field.
private func readoutTensors(hidden D: Int) -> [(String, WritableKeyPath<RD.StateReadoutParameters, [Double]>)] {
    [(RMTTensorName.stateWeight, \.weight), (RMTTensorName.stateBias, \.bias)]
        + (D > 0 ? [(RMTTensorName.stateHiddenWeight, \.hiddenWeight), (RMTTensorName.stateHiddenBias, \.hiddenBias)] : [])
}

@Test(arguments: [0, 4])
func doubleStateReadoutMatchesFiniteDifferences(hidden D: Int) {
    let (B, E, M, C, L) = (2, 3, 4, 5, 3)
    var rng = SplitMix64(seed: 5)
    func draw(_ n: Int) -> [Double] { rng.normals(n, std: 1).map { Double($0) } }
    let memory = draw(B * M * C)
    let p = RD.StateReadoutParameters(weight: draw(E * L * (D > 0 ? D : M * C)), bias: draw(E * L), hiddenWeight: draw(D * M * C),
                                      hiddenBias: draw(D))
    let targets: [Int32] = [0, -1, 2, 1, 2, -1]
    let scale = 1.3
    func loss(_ m: [Double], _ q: RD.StateReadoutParameters) -> Double {
        scale * RD.stateReadoutForward(memory: m, targets: targets, parameters: q, batch: B, entities: E, slots: M,
                                       channels: C, classes: L).loss
    }
    let acts = RD.stateReadoutForward(memory: memory, targets: targets, parameters: p, batch: B, entities: E, slots: M,
                                      channels: C, classes: L)
    var dMemory = [Double](repeating: 0, count: memory.count)
    var g = p.zeroed
    RD.stateReadoutBackward(dMemory: &dMemory, dparameters: &g, activations: acts, targets: targets, parameters: p, scale: scale,
                            batch: B, entities: E, slots: M, channels: C, classes: L)
    let numericMemory = numericalGradient(at: memory, eps: 1e-5) { loss($0, p) }
    #expect(scaledError(dMemory, numericMemory) < 1e-7, "memory")
    for (name, path) in readoutTensors(hidden: D) {
        let numeric = numericalGradient(at: p[keyPath: path], eps: 1e-5) { values in
            var q = p
            q[keyPath: path] = values
            return loss(memory, q)
        }
        #expect(scaledError(g[keyPath: path], numeric) < 1e-7, "\(name)")
    }
    // The Float readout: the same loss and gradients (rounding only).
    let values = readoutTensors(hidden: D).map { p[keyPath: $0.1].map(Float.init) }  // weight, bias[, hidden weight, hidden bias]
    func buffers(_ arrays: [[Float]]) -> [UnsafeMutablePointer<Float>] {
        arrays.map { a in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: a.count)
            buffer.initialize(from: a, count: a.count)
            return buffer
        }
    }
    let pointers = buffers(values), gradientPointers = buffers(values.map { [Float](repeating: 0, count: $0.count) })
    defer { (pointers + gradientPointers).forEach { $0.deallocate() } }
    let T = M + 3
    var hidden = [Float](repeating: 0, count: B * T * C), dHidden = hidden
    for b in 0..<B { for i in 0..<(M * C) { hidden[(b * T + 1) * C + i] = Float(memory[b * M * C + i]) } }
    func tensors(_ t: [UnsafeMutablePointer<Float>]) -> StateReadout.Tensors {
        .init(weight: t[0], bias: t[1], hidden: D > 0 ? (t[2], t[3]) : nil)
    }
    let readout = StateReadout(weights: tensors(pointers), entities: E, slots: M, hidden: D, channels: C, classes: L)
    var a = hidden.withUnsafeBufferPointer { readout.forward(lastHidden: $0.baseAddress!, batch: B, seqLen: T) }
    let scored = readout.loss(&a, targets: targets)
    #expect(abs(Double(scored.loss) - acts.loss) < 1e-6 * max(1, acts.loss), "Float readout loss \(scored.loss) vs \(acts.loss)")
    #expect(scored.scored == 4)
    dHidden.withUnsafeMutableBufferPointer {
        readout.backward(a, targets: targets, scale: Float(scale), grads: tensors(gradientPointers), dHidden: $0.baseAddress!, seqLen: T)
    }
    let grads = zip(values, gradientPointers).map { Array(UnsafeBufferPointer(start: $0.1, count: $0.0.count)) }
    var floatMemoryGradient = [Double](repeating: 0, count: B * M * C)
    for b in 0..<B { for i in 0..<(M * C) { floatMemoryGradient[b * M * C + i] = Double(dHidden[(b * T + 1) * C + i]) } }
    #expect(scaledError(floatMemoryGradient, dMemory) < 1e-5, "Float readout: memory gradient")
    for (i, (name, path)) in readoutTensors(hidden: D).enumerated() {
        #expect(scaledError(grads[i].map(Double.init), g[keyPath: path]) < 1e-5, "Float readout: gradient of \(name)")
    }
    // Rows other than the memory's get nothing.
    for b in 0..<B { for t in [0, M + 1, M + 2] { #expect((0..<C).allSatisfy { dHidden[(b * T + t) * C + $0] == 0 }) } }
}

/// The cases checked here (FDCase from RMTFiniteDifferenceTests.swift).
private let stateCases = [FDCase.full, .truncated2, .truncated1, .sumLoss]

/// (case, hidden width): every case for the linear probe, full BPTT and truncated 1 for the two-layer one.
private let doubleStateCases = zip(stateCases + [.full, .truncated1], [0, 0, 0, 0, 3, 3])

@Test(arguments: doubleStateCases)
func doubleRMTWithStateLossMatchesFiniteDifferences(_ c: FDCase, hidden D: Int) {
    let problem = FDProblem.shared, state = StateProblem.with(hidden: D)
    let p = problem.parameters
    let baseline = RD.rmtForward(parameters: p, contents: problem.contents, labels: problem.labels, tokens: problem.tokens,
                                 shape: problem.shape, sumLoss: c.sumLoss, state: state.loss)
    let analytic = RD.rmtBackward(forward: baseline, parameters: p, labels: problem.labels, shape: problem.shape,
                                  sumLoss: c.sumLoss, depth: c.depth, state: state.loss)
    func loss(_ q: RD.RMTParameters, _ readout: RD.StateReadoutParameters) -> Double {
        var s = state.loss
        s.parameters = readout
        return RD.rmtTruncatedLoss(parameters: q, baseline: baseline, contents: problem.contents, labels: problem.labels,
                                   tokens: problem.tokens, shape: problem.shape, sumLoss: c.sumLoss, depth: c.depth, state: s)
    }
    #expect(loss(p, state.parameters) == baseline.loss)
    let eps = 1e-5
    var worst = (error: 0.0, tensor: "")
    for (name, path) in RD.RMTParameters.tensors(layers: problem.shape.layers) {
        let numeric = numericalGradient(at: p[keyPath: path], eps: eps) { values in
            var q = p
            q[keyPath: path] = values
            return loss(q, state.parameters)
        }
        let err = scaledError(analytic.parameters[keyPath: path], numeric)
        if err >= worst.error { worst = (err, name) }
        #expect(err < 1e-6, "\(c.name): \(name) relative error \(err)")
    }
    for (name, path) in readoutTensors(hidden: D) {
        let numeric = numericalGradient(at: state.parameters[keyPath: path], eps: eps) { values in
            var r = state.parameters
            r[keyPath: path] = values
            return loss(p, r)
        }
        let err = scaledError(analytic.state![keyPath: path], numeric)
        if err >= worst.error { worst = (err, name) }
        #expect(err < 1e-6, "\(c.name): \(name) relative error \(err)")
    }
    print("RMT with state loss (hidden \(D)), finite differences, \(c.name): worst relative error \(worst.error) at \(worst.tensor)")
}

/// (case, hidden width): every mode for the linear probe; full, truncated and memory-efficient for the two-layer one.
private let fastStateCases = zip(stateCases + [.memoryEfficient, .memoryEfficientSum, .full, .truncated2, .memoryEfficient],
                                 [0, 0, 0, 0, 0, 0, 3, 3, 3])

@Test(arguments: fastStateCases)
func fastBPTTWithStateLossMatchesDoubleRMT(_ c: FDCase, hidden D: Int) throws {
    let problem = FDProblem.shared, state = StateProblem.with(hidden: D)
    let forward = RD.rmtForward(parameters: problem.parameters, contents: problem.contents, labels: problem.labels,
                                tokens: problem.tokens, shape: problem.shape, sumLoss: c.sumLoss, state: state.loss)
    let expected = RD.rmtBackward(forward: forward, parameters: problem.parameters, labels: problem.labels, shape: problem.shape,
                                  sumLoss: c.sumLoss, depth: c.depth, state: state.loss)
    let model = try state.floatModel()
    let engine = BPTTEngine(model: model, batchCapacity: 2, mode: c.mode, segmentLoss: c.loss, stateLossWeight: Float(state.weight))
    let result = try engine.lossAndGradients(SegmentBatch(contents: problem.contents, labels: problem.labels,
                                                          stateLabels: state.targets))
    let objective = Double(result.loss) + state.weight * Double(result.stateLoss)
    #expect(abs(objective - forward.loss) < 1e-5 * max(1, abs(forward.loss)), "\(c.name): objective \(objective) vs \(forward.loss)")
    #expect(result.stateScored == state.targets.joined().filter { $0 >= 0 }.count)
    var worst = (error: 0.0, tensor: "")
    var compared: [(String, [Double])] = problem.huggingFaceTensors().map { ($0.name, slice(expected.parameters[keyPath: $0.path], $0.range)) }
    compared += readoutTensors(hidden: D).map { ($0.0, expected.state![keyPath: $0.1]) }
    for (name, reference) in compared {
        let err = scaledError(engine.gradients.values(name).map(Double.init), reference)
        if err >= worst.error { worst = (err, name) }
        #expect(err < 1e-4, "\(c.name): gradient of \(name) relative error \(err)")
    }
    print("RMT fast BPTT with state loss (hidden \(D)) vs Double, \(c.name): worst relative error \(worst.error) at \(worst.tensor)")
}

@Test func stateLossChangesTheEncoderGradient() throws {
    let problem = FDProblem.shared, state = StateProblem.shared
    let model = try state.floatModel()
    func gradient(_ weight: Float) throws -> [Float] {
        let engine = BPTTEngine(model: model, batchCapacity: 2, mode: .full, stateLossWeight: weight)
        _ = try engine.lossAndGradients(SegmentBatch(contents: problem.contents, labels: problem.labels, stateLabels: state.targets))
        return engine.gradients.values("encoder.layer.0.attention.self.query.weight") + engine.gradients.values(RMTTensorName.memoryEmbeddings)
    }
    let (without, with) = (try gradient(0), try gradient(Float(state.weight)))
    let difference = scaledError(with.map(Double.init), without.map(Double.init))
    #expect(difference > 1e-2, "the state loss changed the encoder's gradient by only \(difference)")
    // A batch without state labels trains as without the loss; a model without a readout refuses it.
    let engine = BPTTEngine(model: try problem.floatModel(), batchCapacity: 2, mode: .full, stateLossWeight: 1)
    #expect(throws: (any Error).self) {
        _ = try engine.lossAndGradients(SegmentBatch(contents: problem.contents, labels: problem.labels, stateLabels: state.targets))
    }
}

/// Held-out counting (Evaluation.swift `stateCounts`): a readout that always says label 1 is right
/// exactly where the target is 1; `unknown` and −1 targets are not places; a place is carried when
/// the segment before had the same target.
@Test func stateCountsCountPlacesAndCarriedPlaces() throws {
    let model = try StateProblem.shared.floatModel()
    let readout = try #require(model.stateReadout)
    model.parameters.pointer(RMTTensorName.stateWeight).update(repeating: 0, count: 2 * 3 * 2 * 8)
    let bias = model.parameters.pointer(RMTTensorName.stateBias)
    for e in 0..<2 { (bias[e * 3], bias[e * 3 + 1], bias[e * 3 + 2]) = (0, 5, 0) }  // always label 1
    // Two documents, two entities, three segments; labels: 0, 1, 2 (no `unknown` in this label set:
    // label 2 plays it below), −1 not scored.
    let states: [[[Int32]]?] = [[[1, -1], [1, 0], [0, 0]], nil]
    let memory = [Float](repeating: 0.1, count: 2 * model.carriedCount)
    func counts(_ k: Int, unknown: Int?) -> StateCounts {
        stateCounts(readout, memory: memory, model: model, states: states, segment: k, unknown: unknown)
    }
    #expect(counts(0, unknown: nil) == StateCounts(placed: 1, placedRight: 1, carried: 0, carriedRight: 0))
    #expect(counts(1, unknown: nil) == StateCounts(placed: 2, placedRight: 1, carried: 1, carriedRight: 1))
    #expect(counts(2, unknown: nil) == StateCounts(placed: 2, placedRight: 0, carried: 1, carriedRight: 0))
    #expect(counts(1, unknown: 0) == StateCounts(placed: 1, placedRight: 1, carried: 1, carriedRight: 1))
}

/// A model with a readout answering more labels keeps each entity's probe rows of the labels it had
/// (a new label: zero weights, the entity's mean bias); carrying another number of memory tokens
/// drops the readout, whose probes read every slot.
@Test func theReadoutFollowsLabelsAndDropsWithTheMemorySize() throws {
    let model = try StateProblem.shared.floatModel()  // labels red, green, blue; E = 2; M·C = 16
    let wider = try model.answering(labels: ["blue", "purple", "red", "green"])
    let (old, new) = (model.parameters.values(RMTTensorName.stateWeight), wider.parameters.values(RMTTensorName.stateWeight))
    let (oldBias, newBias) = (model.parameters.values(RMTTensorName.stateBias), wider.parameters.values(RMTTensorName.stateBias))
    let width = 16
    for e in 0..<2 {
        for (to, from) in [(0, 2), (2, 0), (3, 1)] {  // blue, red, green
            #expect(Array(new[((e * 4 + to) * width)..<((e * 4 + to + 1) * width)]) == Array(old[((e * 3 + from) * width)..<((e * 3 + from + 1) * width)]))
            #expect(newBias[e * 4 + to] == oldBias[e * 3 + from])
        }
        #expect(new[((e * 4 + 1) * width)..<((e * 4 + 2) * width)].allSatisfy { $0 == 0 }, "purple starts at zero")
        #expect(abs(newBias[e * 4 + 1] - oldBias[(e * 3)..<(e * 3 + 3)].reduce(0, +) / 3) < 1e-6, "at the entity's mean bias")
    }
    let resized = try model.carrying(memoryTokens: 3, seed: 1)
    #expect(resized.settings.stateEntities == nil && resized.stateReadout == nil)
    #expect(resized.parameters.layout.entry(RMTTensorName.stateWeight) == nil)
    // With a hidden layer: it is kept as it is, the output rows (width D = 3) map by label; resizing drops both.
    let twoLayer = try StateProblem.hidden.floatModel()
    let relabelled = try twoLayer.answering(labels: ["blue", "purple", "red", "green"])
    for name in [RMTTensorName.stateHiddenWeight, RMTTensorName.stateHiddenBias] {
        #expect(relabelled.parameters.values(name) == twoLayer.parameters.values(name), "\(name) kept")
    }
    let (old3, new3) = (twoLayer.parameters.values(RMTTensorName.stateWeight), relabelled.parameters.values(RMTTensorName.stateWeight))
    #expect(old3.count == 2 * 3 * 3 && new3.count == 2 * 4 * 3)
    #expect(Array(new3[((1 * 4 + 2) * 3)..<((1 * 4 + 3) * 3)]) == Array(old3[((1 * 3 + 0) * 3)..<((1 * 3 + 1) * 3)]), "red, entity 1")
    let dropped = try twoLayer.carrying(memoryTokens: 3, seed: 1)
    #expect(dropped.settings.stateHidden == nil && dropped.parameters.layout.entry(RMTTensorName.stateHiddenWeight) == nil)
}
