// Memory distillation (`--distill-memory`, MemoryDistillation.swift, BPTT.swift) proven as the
// state loss is, on the tiny RMT of RMTFiniteDifferenceTests.swift (FDProblem: 2 layers, C = 8,
// M = 2, 3 segments) with a teacher of the same shape whose weights are the student's plus seeded
// noise (σ 0.05), weight 0.9:
// 1. The Double RMT with the distillation term (ReferenceDouble.RMTMemoryDistillation: the
//    teacher's memory after each segment as constants) against central differences (ε = 1e-5) of
//    every entry of every tensor: full BPTT, truncated depth 2 and 1 (an early segment's term then
//    trains that segment only), the summed loss; bound 1e-6.
// 2. The fast Float BPTT (BPTTEngine with a MemoryDistillation of the Float teacher) against that
//    Double gradient, every entry of every tensor, in those modes and memory-efficient; bound 1e-4.
//    Its loss + w·distillLoss must equal the Double objective.
// Both on the plain RMT and on the gated one (FDProblem.gated: the term then scores the memory the
// gate hands on, and its gradient reaches the encoder and the memory that entered through the gate).
// 3. A teacher equal to the student: the term is 0 and so is its gradient (the gradients are the
//    plain run's); a teacher of another memory size, hidden size or vocabulary is refused; the
//    term changes the encoder's gradient (the checks have teeth).
import RMTBase
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTReference
import RMTTestSupport
import RMTTokenizer
import RMTTraining
import Testing

/// The teacher every test here reads beside FDProblem's student.
private struct DistillationProblem: Sendable {
    static let shared = DistillationProblem(.shared), gated = DistillationProblem(.gated)
    static func of(gated: Bool) -> DistillationProblem { gated ? .gated : .shared }
    let weight = 0.9
    /// The student (FDProblem.shared or .gated).
    let problem: FDProblem
    /// The teacher's Double weights: the student's plus noise, rounded to Float.
    let teacher: RD.RMTParameters

    init(_ problem: FDProblem) {
        self.problem = problem
        var rng = SplitMix64(seed: 31)
        var p = problem.parameters
        for (_, path) in problem.tensors {
            let noise = rng.normals(p[keyPath: path].count, std: 0.05)
            p[keyPath: path] = zip(p[keyPath: path], noise).map { Double(Float($0 + Double($1))) }
        }
        teacher = p
    }

    /// The teacher's memory leaving each segment (N rows of B·M·C) as the Double term's targets.
    var loss: RD.RMTMemoryDistillation {
        let f = RD.rmtForward(parameters: teacher, contents: problem.contents, labels: problem.labels, tokens: problem.tokens,
                              shape: problem.shape, sumLoss: false)
        return RD.RMTMemoryDistillation(targets: f.segments.map(\.memoryOut), weight: weight)
    }

    /// FDProblem's Float model with the teacher's weights.
    func teacherModel() throws -> RecurrentMemoryModel {
        let model = try problem.floatModel()
        for (name, path, range) in problem.huggingFaceTensors() {
            for (i, v) in slice(teacher[keyPath: path], range).enumerated() { model.parameters.pointer(name)[i] = Float(v) }
        }
        return model
    }
}

private let doubleCases = [FDCase.full, .truncated2, .truncated1, .sumLoss]

@Test(arguments: [false, true], doubleCases)
func doubleRMTWithMemoryDistillationMatchesFiniteDifferences(gated: Bool, _ c: FDCase) {
    let distill = DistillationProblem.of(gated: gated).loss, problem = DistillationProblem.of(gated: gated).problem
    let p = problem.parameters
    let baseline = RD.rmtForward(parameters: p, contents: problem.contents, labels: problem.labels, tokens: problem.tokens,
                                 shape: problem.shape, sumLoss: c.sumLoss, distillation: distill)
    let analytic = RD.rmtBackward(forward: baseline, parameters: p, labels: problem.labels, shape: problem.shape,
                                  sumLoss: c.sumLoss, depth: c.depth, state: nil, distillation: distill).parameters
    func loss(_ q: RD.RMTParameters) -> Double {
        RD.rmtTruncatedLoss(parameters: q, baseline: baseline, contents: problem.contents, labels: problem.labels,
                            tokens: problem.tokens, shape: problem.shape, sumLoss: c.sumLoss, depth: c.depth, distillation: distill)
    }
    #expect(loss(p) == baseline.loss)
    let plain = RD.rmtForward(parameters: p, contents: problem.contents, labels: problem.labels, tokens: problem.tokens,
                              shape: problem.shape, sumLoss: c.sumLoss).loss
    #expect(baseline.loss - plain > 1e-3, "\(c.name): the teacher's memory is the student's (term \(baseline.loss - plain))")
    var worst = (error: 0.0, tensor: "")
    for (name, path) in problem.tensors {
        let numeric = numericalGradient(at: p[keyPath: path], eps: 1e-5) { values in
            var q = p
            q[keyPath: path] = values
            return loss(q)
        }
        let err = scaledError(analytic[keyPath: path], numeric)
        if err >= worst.error { worst = (err, name) }
        #expect(err < 1e-6, "\(c.name): \(name) relative error \(err)")
    }
    print("RMT with memory distillation\(gated ? " (gated)" : ""), finite differences, \(c.name): worst relative error \(worst.error) at \(worst.tensor)")
}

@Test(arguments: [false, true], doubleCases + [.memoryEfficient, .memoryEfficientSum])
func fastBPTTWithMemoryDistillationMatchesDoubleRMT(gated: Bool, _ c: FDCase) throws {
    let distill = DistillationProblem.of(gated: gated), problem = distill.problem
    let forward = RD.rmtForward(parameters: problem.parameters, contents: problem.contents, labels: problem.labels,
                                tokens: problem.tokens, shape: problem.shape, sumLoss: c.sumLoss, distillation: distill.loss)
    let expected = RD.rmtBackward(forward: forward, parameters: problem.parameters, labels: problem.labels, shape: problem.shape,
                                  sumLoss: c.sumLoss, depth: c.depth, state: nil, distillation: distill.loss).parameters
    let model = try problem.floatModel()
    let teacher = try MemoryDistillation(teacher: try distill.teacherModel(), weight: Float(distill.weight), student: model, batchCapacity: 2)
    let engine = BPTTEngine(model: model, batchCapacity: 2, mode: c.mode, segmentLoss: c.loss, distillation: teacher)
    let result = try engine.lossAndGradients(SegmentBatch(contents: problem.contents, labels: problem.labels))
    let objective = Double(result.loss) + distill.weight * Double(result.distillLoss)
    #expect(abs(objective - forward.loss) < 1e-5 * max(1, abs(forward.loss)), "\(c.name): objective \(objective) vs \(forward.loss)")
    var worst = (error: 0.0, tensor: "")
    for (name, path, range) in problem.huggingFaceTensors() {
        let err = scaledError(engine.gradients.values(name).map(Double.init), slice(expected[keyPath: path], range))
        if err >= worst.error { worst = (err, name) }
        #expect(err < 1e-4, "\(c.name): gradient of \(name) relative error \(err)")
    }
    print("RMT fast BPTT with memory distillation vs Double\(gated ? " (gated)" : ""), \(c.name): worst relative error \(worst.error) at \(worst.tensor)")
}

@Test func aTeacherEqualToTheStudentAddsNothing() throws {
    let problem = FDProblem.shared
    let batch = SegmentBatch(contents: problem.contents, labels: problem.labels)
    let plain = BPTTEngine(model: try problem.floatModel(), batchCapacity: 2, mode: .full)
    let expected = try plain.lossAndGradients(batch)
    let model = try problem.floatModel()
    let same = try MemoryDistillation(teacher: try problem.floatModel(), weight: 5, student: model, batchCapacity: 2)
    let engine = BPTTEngine(model: model, batchCapacity: 2, mode: .full, distillation: same)
    let result = try engine.lossAndGradients(batch)
    #expect(result.distillLoss < 1e-10, "a teacher with the student's weights: distillation loss \(result.distillLoss)")
    #expect(result.loss == expected.loss)
    for name in model.parameters.layout.entries.map(\.name) {
        let err = scaledError(engine.gradients.values(name).map(Double.init), plain.gradients.values(name).map(Double.init))
        #expect(err < 1e-5, "gradient of \(name) moved by \(err)")
    }
}

@Test func memoryDistillationChangesTheEncoderGradientAndRefusesAnotherShape() throws {
    let problem = FDProblem.shared, distill = DistillationProblem.shared
    let batch = SegmentBatch(contents: problem.contents, labels: problem.labels)
    func gradient(_ weight: Float?) throws -> [Float] {
        let model = try problem.floatModel()
        let teacher = try weight.map { try MemoryDistillation(teacher: try distill.teacherModel(), weight: $0, student: model, batchCapacity: 2) }
        let engine = BPTTEngine(model: model, batchCapacity: 2, mode: .full, distillation: teacher)
        _ = try engine.lossAndGradients(batch)
        return engine.gradients.values("encoder.layer.0.attention.self.query.weight") + engine.gradients.values(RMTTensorName.memoryEmbeddings)
    }
    let difference = scaledError(try gradient(Float(distill.weight)).map(Double.init), try gradient(nil).map(Double.init))
    #expect(difference > 1e-2, "the distillation changed the encoder's gradient by only \(difference)")

    let student = try problem.floatModel()
    func model(memoryTokens: Int = 2, hidden: Int = 8, extraToken: Bool = false) throws -> RecurrentMemoryModel {
        let config = BertConfig(vocabSize: 20, hiddenSize: hidden, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 12,
                                maxPositionEmbeddings: 12, typeVocabSize: 2, layerNormEps: 1e-12)
        let settings = RMTSettings(memoryTokens: memoryTokens, segmentLength: 5, labels: ["red", "green", "blue"])
        let vocabulary = try Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                                        + (5..<20).map { extraToken && $0 == 19 ? "other" : "w\($0)" })
        return try RecurrentMemoryModel(config: config, settings: settings, tokenizer: BertTokenizer(vocabulary: vocabulary),
                                        parameters: ParameterSet(layout: RecurrentMemoryModel.layout(config, settings)))
    }
    _ = try MemoryDistillation(teacher: try model(), weight: 1, student: student, batchCapacity: 2)  // one layer fewer: fine
    for (teacher, what) in [(try model(memoryTokens: 3), "memory"), (try model(hidden: 4), "hidden size"),
                            (try model(extraToken: true), "vocabulary")] {
        do {
            _ = try MemoryDistillation(teacher: teacher, weight: 1, student: student, batchCapacity: 2)
            Issue.record("a teacher of another \(what) was accepted")
        } catch let error as OptionsError {
            #expect(error.message.contains(what), "\(error.message)")
        }
    }
    for bad: Float in [0, -1, .nan, .infinity] {
        #expect(throws: OptionsError.self) { _ = try MemoryDistillation(teacher: try model(), weight: bad, student: student, batchCapacity: 2) }
    }
}
