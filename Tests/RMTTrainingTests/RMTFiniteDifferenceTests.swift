// End-to-end gradient check of the whole RMT over 3 segments, in two steps, without PyTorch.
//
// 1. Double analytic vs finite differences. A small random RMT (2 layers, C = 8, 2 heads,
//    F = 12, M = 2 memory tokens, S = 5, vocabulary 20, 3 classes) reads a batch of two
//    documents of 3 segments — the middle and the final segment padded for one sequence, the
//    final segment shorter (T differs between segments). `ReferenceDouble.rmtBackward`
//    (Sources/RMTReference/ReferenceRMT.swift) is compared with central differences
//    (ε = 1e-5) of the Double loss for EVERY entry of EVERY parameter tensor (1,467 values per
//    mode). Truncated BPTT (depth k: the memory entering segment N − k and every earlier one is
//    detached) is differentiated as `rmtTruncatedLoss`: the forward with each detached memory
//    held at its baseline value, whose ordinary gradient is the truncated gradient. Modes: full
//    BPTT, depth 2, depth 1, summed loss, summed loss with depth 2 (each earlier segment's loss
//    then reaches only its own segment), and the prefix loss (summed, each segment against its
//    own labels, −1 = not scored: `segmentLabels` below) in full BPTT and with depth 2. Error per tensor: max |analytic − numeric| /
//    max(max |numeric|, 1e-3); bound 1e-6, measured ≤ 8e-9 (worst: the memory embeddings,
//    whose gradient crosses all three segments).
// 2. Fast Float BPTT vs the Double reference. The same weights (rounded to Float first, so
//    both models hold identical values) become a `RecurrentMemoryModel` (Hugging Face layout:
//    the stacked qkv split into query, key, value); every entry of every gradient tensor of
//    `BPTTEngine` is compared with the Double analytic gradient: full, truncated 2 and 1,
//    summed loss (also with depth 2), the prefix loss (also with depth 2), and memory-efficient
//    BPTT (final, summed and prefix loss)
//    against the Double full gradient. Error per tensor: max |Δ| / max(max |Double|, 1e-3);
//    bound 1e-4, measured ≤ 2.2e-5 (the key bias, true gradient 0) and ≤ 2e-6 on every tensor
//    whose gradient exceeds 0.01. The loss and the final logits must agree too.
// The floor 1e-3 keeps a tensor whose true gradient is ~0 (the key bias: softmax ignores a
// constant added to every score of a row; the memory embeddings under truncation) from
// dividing noise by noise. A last test shows the checks have teeth: the BPTT modes' gradients
// differ from each other by far more than these bounds. About 5 s in release on 2 cores.
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTReference
import RMTTestSupport
import RMTTokenizer
import RMTTraining
import Testing

typealias RD = ReferenceDouble
typealias DoubleTensor = WritableKeyPath<ReferenceDouble.RMTParameters, [Double]>

/// The model, batch and special tokens every test here uses.
struct FDProblem: Sendable {
    static let shared = FDProblem()
    /// The same RMT with a memory gate (MemoryGateTests.swift).
    static let gated = FDProblem(gate: true)
    /// The gated RMT with the gate penalty λ = 0.7 (`--gate-penalty`; MemoryGateTests.swift).
    static let gatePenalized = FDProblem(gate: true, gatePenalty: 0.7)
    /// The RMT with the move penalty μ = 0.7 (`--move-penalty`; MemoryMoveTests.swift), without and with a gate.
    static let movePenalized = FDProblem(movePenalty: 0.7)
    static let gatedMovePenalized = FDProblem(gate: true, movePenalty: 0.7)
    /// …with the quiet scope (`--move-penalty-scope quiet`): segment 1, the one priced, holds a fact in sequence 0
    /// only (the flags of segments 0 and 2 price nothing either way).
    static let quietMovePenalized = FDProblem(movePenalty: 0.7, moveSpared: quietFacts)
    static let gatedQuietMovePenalized = FDProblem(gate: true, movePenalty: 0.7, moveSpared: quietFacts)
    static let quietFacts: [[Bool]] = [[true, false], [true, false], [false, true]]

    let config = BertConfig(vocabSize: 20, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2,
                            intermediateSize: 12, maxPositionEmbeddings: 12, typeVocabSize: 2, layerNormEps: 1e-12)
    let settings: RMTSettings
    let tokens = RD.RMTSpecialTokens(cls: 2, sep: 3, pad: 0)  // the vocabulary below
    /// contents[k][b]: segment k of sequence b. Sequence 1 is padded in segments 1 and 2;
    /// segment 2 is one token shorter than the others (T = 9 instead of 10).
    let contents: [[[Int32]]] = [
        [[5, 6, 7, 8, 9], [10, 11, 12, 13, 14]],
        [[15, 16, 5, 17, 1], [18, 19, 6]],
        [[7, 8, 3, 4], [3, 10]],
    ]
    let labels: [Int32] = [2, 0]
    /// segmentLabels[k][b] for the prefix loss: each segment its own labels, some not scored
    /// (−1), the last row the answers.
    let segmentLabels: [[Int32]] = [[-1, 1], [0, -1], [2, 0]]
    let shape: RD.RMTShape
    let parameters: RD.RMTParameters
    /// The gate penalty's λ the loss carries (0: none).
    let gatePenalty: Double
    /// The move penalty's μ the loss carries (0: none).
    let movePenalty: Double
    /// factSegments[k][b] of the batch, for the move penalty's quiet scope (nil: every segment priced).
    let moveSpared: [[Bool]]?

    init(gate: Bool = false, gatePenalty: Double = 0, movePenalty: Double = 0, moveSpared: [[Bool]]? = nil) {
        (self.gatePenalty, self.movePenalty, self.moveSpared) = (gatePenalty, movePenalty, moveSpared)
        var settings = RMTSettings(memoryTokens: 2, segmentLength: 5, labels: ["red", "green", "blue"])
        settings.memoryGate = gate ? true : nil
        self.settings = settings
        var shape = RD.RMTShape(vocabSize: config.vocabSize, maxPositions: config.maxPositionEmbeddings,
                            typeVocabSize: config.typeVocabSize, channels: config.hiddenSize,
                            heads: config.numAttentionHeads, ffnDim: config.intermediateSize,
                            layers: config.numHiddenLayers, memoryTokens: settings.memoryTokens,
                            classes: settings.labels.count, eps: Double(config.layerNormEps))
        shape.memoryGate = gate
        self.shape = shape
        // Rounded to Float once, so that the Double and the Float model hold identical weights.
        var p = RD.RMTParameters(randomFor: shape, seed: 2024)
        for (_, path) in RD.RMTParameters.tensors(layers: shape.layers, gate: gate) {
            p[keyPath: path] = p[keyPath: path].map { Double(Float($0)) }
        }
        parameters = p
    }

    /// What the problem adds to the plain RMT, for the tests' printout (" (gated, move penalty)").
    var label: String {
        let parts = [shape.memoryGate ? "gated" : nil, gatePenalty > 0 ? "gate penalty" : nil, movePenalty > 0 ? (moveSpared == nil ? "move penalty" : "quiet move penalty") : nil]
            .compactMap { $0 }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }

    /// Every Double tensor of the problem's RMT (the gate's too, when it has one).
    var tensors: [(name: String, path: DoubleTensor)] { RD.RMTParameters.tensors(layers: shape.layers, gate: shape.memoryGate) }

    func forward(_ p: RD.RMTParameters, _ c: FDCase) -> RD.RMTForwardResult {
        RD.rmtForward(parameters: p, contents: contents, labels: labels, segmentLabels: segmentLabels(c), tokens: tokens,
                      shape: shape, sumLoss: c.sumLoss, gatePenalty: gatePenalty, movePenalty: movePenalty, moveSpared: moveSpared)
    }

    /// The move penalty's share of the Double loss of `f`: Σ over segments and sequences of the weight
    /// (0 where spared) × the relative move, from the memories themselves.
    func moveTerm(_ f: RD.RMTForwardResult) -> Double {
        let N = f.segments.count, B = labels.count
        return (0..<N).reduce(0.0) { sum, k in
            let w = RD.rmtMoveWeights(movePenalty, segment: k, of: N, batch: B, spared: moveSpared?[k])
            let r = RD.memoryMove(entering: f.segments[k].memoryIn, leaving: f.segments[k].memoryOut, batch: B)
            return sum + (0..<B).reduce(0.0) { $0 + w[$1] * r[$1] }
        }
    }

    /// The batch the fast engine reads: the problem's segments (or the first of them), labels, per-segment
    /// labels (all segments only) and fact segments.
    func batch(contents: [[[Int32]]]? = nil) -> SegmentBatch {
        let read = contents ?? self.contents
        return SegmentBatch(contents: read, labels: labels, segmentLabels: contents == nil ? segmentLabels : nil,
                            factSegments: moveSpared.map { Array($0.prefix(read.count)) })
    }

    /// The fast Float BPTT on the problem's Float model, with its gate and move penalties.
    func engine(_ mode: BPTTMode = .full, _ loss: SegmentLoss = .finalSegment) throws -> BPTTEngine {
        BPTTEngine(model: try floatModel(), batchCapacity: 2, mode: mode, segmentLoss: loss, gatePenalty: Float(gatePenalty),
                   movePenalty: Float(movePenalty), moveScope: moveSpared == nil ? .all : .quiet)
    }

    /// Full BPTT over `contents` with the problem's labels: the result and the engine holding its gradients.
    func fullBPTT(contents: [[[Int32]]]) throws -> (BatchResult, BPTTEngine) {
        let engine = try engine()
        return (try engine.lossAndGradients(batch(contents: contents)), engine)
    }

    /// The per-segment labels a case scores against (the prefix loss), or nil.
    func segmentLabels(_ c: FDCase) -> [[Int32]]? { c.loss == .prefix ? segmentLabels : nil }

    /// Where each Hugging Face tensor of the Float model lives in the Double parameters
    /// (a range for query, key and value inside the stacked qkv tensors).
    func huggingFaceTensors() -> [(name: String, path: DoubleTensor, range: Range<Int>?)] {
        let C = shape.channels
        var out: [(name: String, path: DoubleTensor, range: Range<Int>?)] = []
        func add(_ name: String, _ path: DoubleTensor, _ range: Range<Int>? = nil) { out.append((name, path, range)) }
        add("embeddings.word_embeddings.weight", \RD.RMTParameters.wordEmbeddings)
        add("embeddings.position_embeddings.weight", \RD.RMTParameters.positionEmbeddings)
        add("embeddings.token_type_embeddings.weight", \RD.RMTParameters.tokenTypeEmbeddings)
        add("embeddings.LayerNorm.weight", \RD.RMTParameters.embNormWeight)
        add("embeddings.LayerNorm.bias", \RD.RMTParameters.embNormBias)
        for l in 0..<shape.layers {
            let prefix = "encoder.layer.\(l).", layer: WritableKeyPath<RD.RMTParameters, RD.BertLayerParameters> = \.layers[l]
            func sub(_ path: WritableKeyPath<RD.BertLayerParameters, [Double]>) -> DoubleTensor { layer.appending(path: path) }
            for (i, m) in ["query", "key", "value"].enumerated() {
                add(prefix + "attention.self.\(m).weight", sub(\.qkvWeight), (i * C * C)..<((i + 1) * C * C))
                add(prefix + "attention.self.\(m).bias", sub(\.qkvBias), (i * C)..<((i + 1) * C))
            }
            add(prefix + "attention.output.dense.weight", sub(\.attnOutWeight))
            add(prefix + "attention.output.dense.bias", sub(\.attnOutBias))
            add(prefix + "attention.output.LayerNorm.weight", sub(\.attnNormWeight))
            add(prefix + "attention.output.LayerNorm.bias", sub(\.attnNormBias))
            add(prefix + "intermediate.dense.weight", sub(\.ffnInWeight))
            add(prefix + "intermediate.dense.bias", sub(\.ffnInBias))
            add(prefix + "output.dense.weight", sub(\.ffnOutWeight))
            add(prefix + "output.dense.bias", sub(\.ffnOutBias))
            add(prefix + "output.LayerNorm.weight", sub(\.ffnNormWeight))
            add(prefix + "output.LayerNorm.bias", sub(\.ffnNormBias))
        }
        let head: WritableKeyPath<RD.RMTParameters, RD.ClassifierHeadParameters> = \.head
        add("pooler.dense.weight", head.appending(path: \.poolerWeight))
        add("pooler.dense.bias", head.appending(path: \.poolerBias))
        add(RMTTensorName.memoryEmbeddings, \RD.RMTParameters.memoryEmbeddings)
        add(RMTTensorName.classifierWeight, head.appending(path: \.classifierWeight))
        add(RMTTensorName.classifierBias, head.appending(path: \.classifierBias))
        if shape.memoryGate {
            add(RMTTensorName.gateHiddenWeight, \RD.RMTParameters.memoryGate!.hiddenWeight)
            add(RMTTensorName.gateMemoryWeight, \RD.RMTParameters.memoryGate!.memoryWeight)
            add(RMTTensorName.gateBias, \RD.RMTParameters.memoryGate!.bias)
        }
        return out
    }

    /// The Float RMT with the same weights: a synthetic vocabulary ([PAD] [UNK] [CLS] [SEP]
    /// [MASK] + fillers) and the Double parameters written into the model's layout.
    func floatModel() throws -> RecurrentMemoryModel {
        let vocabulary = try Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                                        + (5..<config.vocabSize).map { "w\($0)" })
        let params = ParameterSet(layout: RecurrentMemoryModel.layout(config, settings))
        let tensors = huggingFaceTensors()
        precondition(tensors.count == params.layout.entries.count, "every tensor of the layout is mapped")
        for (name, path, range) in tensors {
            let values = slice(parameters[keyPath: path], range)
            precondition(values.count == params.layout.entry(name)!.count, "size of \(name)")
            for (i, v) in values.enumerated() { params.pointer(name)[i] = Float(v) }
        }
        return try RecurrentMemoryModel(config: config, settings: settings,
                                        tokenizer: BertTokenizer(vocabulary: vocabulary), parameters: params)
    }
}

func slice(_ a: [Double], _ range: Range<Int>?) -> [Double] { range.map { Array(a[$0]) } ?? a }

/// max |a − b| / max(max |reference|, floor), through the strict comparison: NaN, ±Inf or a
/// length mismatch give +Inf, so every bound below fails on them.
func scaledError(_ a: [Double], _ reference: [Double], floor: Double = 1e-3) -> Double {
    let c = closeness(a, reference, scaleFloor: floor)
    return c.passes ? c.maxRelativeError : .infinity
}

/// A BPTT configuration: the fast engine's mode and the Double reference's truncation depth.
struct FDCase: Sendable, CustomTestStringConvertible {
    let name: String
    let mode: BPTTMode
    let loss: SegmentLoss
    let depth: Int  // for the Double reference: ≥ 3 (the segment count) is full BPTT
    var testDescription: String { name }
    /// The Double reference's switch: every segment scored (summed or prefix loss).
    var sumLoss: Bool { loss != .finalSegment }

    static let full = FDCase(name: "full", mode: .full, loss: .finalSegment, depth: 3)
    static let truncated2 = FDCase(name: "truncated depth 2", mode: .truncated(depth: 2), loss: .finalSegment, depth: 2)
    static let truncated1 = FDCase(name: "truncated depth 1", mode: .truncated(depth: 1), loss: .finalSegment, depth: 1)
    static let sumLoss = FDCase(name: "summed loss", mode: .full, loss: .everySegment, depth: 3)
    static let sumLossTruncated2 = FDCase(name: "summed loss, depth 2", mode: .truncated(depth: 2), loss: .everySegment, depth: 2)
    static let prefix = FDCase(name: "prefix loss", mode: .full, loss: .prefix, depth: 3)
    static let prefixTruncated2 = FDCase(name: "prefix loss, depth 2", mode: .truncated(depth: 2), loss: .prefix, depth: 2)
    static let memoryEfficient = FDCase(name: "memory-efficient", mode: .memoryEfficient, loss: .finalSegment, depth: 3)
    static let memoryEfficientSum = FDCase(name: "memory-efficient, summed loss", mode: .memoryEfficient, loss: .everySegment, depth: 3)
    static let memoryEfficientPrefix = FDCase(name: "memory-efficient, prefix loss", mode: .memoryEfficient, loss: .prefix, depth: 3)
}

@Test(arguments: [FDCase.full, .truncated2, .truncated1, .sumLoss, .sumLossTruncated2, .prefix, .prefixTruncated2])
func doubleRMTGradientMatchesFiniteDifferences(_ c: FDCase) {
    checkDoubleRMTGradient(FDProblem.shared, c)
}

/// `problem`'s Double analytic gradient against central differences of its loss, every entry of
/// every tensor (the gate's too).
func checkDoubleRMTGradient(_ problem: FDProblem, _ c: FDCase) {
    let p = problem.parameters
    let baseline = problem.forward(p, c)
    let analytic = RD.rmtBackward(forward: baseline, parameters: p, labels: problem.labels,
                                  segmentLabels: problem.segmentLabels(c), shape: problem.shape, sumLoss: c.sumLoss, depth: c.depth,
                                  gatePenalty: problem.gatePenalty, movePenalty: problem.movePenalty, moveSpared: problem.moveSpared)
    func loss(_ q: RD.RMTParameters) -> Double {
        RD.rmtTruncatedLoss(parameters: q, baseline: baseline, contents: problem.contents, labels: problem.labels,
                            segmentLabels: problem.segmentLabels(c), tokens: problem.tokens, shape: problem.shape,
                            sumLoss: c.sumLoss, depth: c.depth, gatePenalty: problem.gatePenalty, movePenalty: problem.movePenalty,
                            moveSpared: problem.moveSpared)
    }
    #expect(loss(p) == baseline.loss)
    let eps = 1e-5
    var worst = (error: 0.0, tensor: ""), checked = 0
    for (name, path) in problem.tensors {
        let count = p[keyPath: path].count
        var numeric: [Double] = [], exact: [Double] = []
        for i in 0..<count {
            var q = p
            q[keyPath: path][i] = p[keyPath: path][i] + eps
            let up = loss(q)
            q[keyPath: path][i] = p[keyPath: path][i] - eps
            let down = loss(q)
            numeric.append((up - down) / (2 * eps))
            exact.append(analytic[keyPath: path][i])
        }
        checked += count
        let err = scaledError(exact, numeric)
        if err >= worst.error { worst = (err, name) }
        #expect(err < 1e-6, "\(c.name): \(name) relative error \(err)")
    }
    // Truncation (depth < 3) detaches the memory entering segment 0: no memory-embedding gradient.
    if c.depth < problem.contents.count {
        #expect(analytic.memoryEmbeddings.allSatisfy { $0 == 0 })
    } else {
        #expect(analytic.memoryEmbeddings.contains { abs($0) > 1e-4 })
    }
    print("RMT finite differences\(problem.label), \(c.name): \(checked) entries, worst relative error \(worst.error) at \(worst.tensor)")
}

@Test(arguments: [FDCase.full, .truncated2, .truncated1, .sumLoss, .sumLossTruncated2, .prefix, .prefixTruncated2,
                  .memoryEfficient, .memoryEfficientSum, .memoryEfficientPrefix])
func fastBPTTMatchesDoubleRMT(_ c: FDCase) throws {
    try checkFastBPTT(FDProblem.shared, c)
}

/// `problem`'s fast Float BPTT against its Double analytic gradient: loss, final logits and every
/// entry of every gradient tensor (the gate's too).
func checkFastBPTT(_ problem: FDProblem, _ c: FDCase) throws {
    let forward = problem.forward(problem.parameters, c)
    let expected = RD.rmtBackward(forward: forward, parameters: problem.parameters, labels: problem.labels,
                                  segmentLabels: problem.segmentLabels(c), shape: problem.shape, sumLoss: c.sumLoss, depth: c.depth,
                                  gatePenalty: problem.gatePenalty, movePenalty: problem.movePenalty, moveSpared: problem.moveSpared)
    let engine = try problem.engine(c.mode, c.loss)
    let result = try engine.lossAndGradients(problem.batch())
    // The objective: the answer loss, and the gate and move penalties reported apart (λ · gateShare, μ · memoryMove;
    // the quiet scope's share recomputed from the Double memories; its reported quietMove is checked in MemoryMoveTests).
    let moveTerm = problem.moveSpared == nil ? problem.movePenalty * Double(result.memoryMove ?? 0) : problem.moveTerm(forward)
    let objective = Double(result.loss) + problem.gatePenalty * Double(result.gateShare ?? 0) + moveTerm
    #expect(abs(objective - forward.loss) < 1e-5 * max(1, abs(forward.loss)),
            "\(c.name): loss \(objective) vs \(forward.loss)")
    #expect(scaledError(result.logits.map(Double.init), forward.finalLogits, floor: 1) < 1e-5,
            "\(c.name): final logits")
    var worst = (error: 0.0, tensor: ""), worstLarge = worst  // all tensors; those with max |gradient| > 0.01
    for (name, path, range) in problem.huggingFaceTensors() {
        let ours = engine.gradients.values(name).map(Double.init)
        let reference = slice(expected[keyPath: path], range)
        let err = scaledError(ours, reference)
        if err >= worst.error { worst = (err, name) }
        if err >= worstLarge.error && reference.contains(where: { abs($0) > 0.01 }) { worstLarge = (err, name) }
        #expect(err < 1e-4, "\(c.name): gradient of \(name) relative error \(err)")
    }
    print("RMT fast BPTT vs Double\(problem.label), \(c.name): worst relative error \(worst.error) at \(worst.tensor);",
          "among tensors with max |gradient| > 0.01: \(worstLarge.error) at \(worstLarge.tensor)")
}

@Test func bpttModesGiveDifferentGradients() {
    let problem = FDProblem.shared
    func gradient(_ c: FDCase) -> RD.RMTParameters {
        RD.rmtBackward(forward: problem.forward(problem.parameters, c), parameters: problem.parameters,
                       labels: problem.labels, segmentLabels: problem.segmentLabels(c), shape: problem.shape,
                       sumLoss: c.sumLoss, depth: c.depth)
    }
    // Leaving out the memory embeddings, whose gradient truncation simply zeroes.
    let tensors = RD.RMTParameters.tensors(layers: problem.shape.layers).filter { $0.name != "memoryEmbeddings" }
    for (a, b) in [(FDCase.full, FDCase.truncated2), (.truncated2, .truncated1), (.full, .sumLoss),
                   (.sumLoss, .sumLossTruncated2), (.sumLoss, .prefix), (.prefix, .prefixTruncated2)] {
        let (ga, gb) = (gradient(a), gradient(b))
        let difference = tensors.map { scaledError(ga[keyPath: $0.path], gb[keyPath: $0.path]) }.max()!
        #expect(difference > 1e-2, "\(a.name) vs \(b.name): gradients differ by only \(difference)")
        print("RMT gradients, \(a.name) vs \(b.name): differ by \(difference)")
    }
}
