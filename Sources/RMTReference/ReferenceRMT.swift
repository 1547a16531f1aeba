// ReferenceRMT: the whole Recurrent Memory Transformer in Double precision, built from the
// ReferenceDouble ops and layers — forward over N segments of a padded batch, the answer
// loss (final segment, or summed over segments), and the analytic backward through every
// segment and every memory hand-over, with truncation by depth.
//
// It is the yardstick of the end-to-end gradient check (Tests/RMTTrainingTests/
// RMTFiniteDifferenceTests.swift): central differences of `rmtForward` prove `rmtBackward`
// right, and `rmtBackward` then judges the fast Float BPTT. Same semantics as
// SegmentProcessor and BPTTEngine (Docs/training.md), per segment k:
//   ids    = [CLS] + M placeholders + [SEP] + content + [SEP], [PAD]ded to the batch's longest
//   x      = word_embeddings(ids) with rows 1...M replaced by the memory (B, M, C)
//            + position_embeddings[0..<T] + token_type_embeddings[0] → LayerNorm → L layers
//   memory ← h[:, 1...M];  logits = classifier(tanh(pooler(h[:, 0])))
//            (with `memoryGate` parameters: Z ⊙ h[:, 1...M] + (1 − Z) ⊙ memory, ReferenceMemoryGate.swift;
//            with `gatePenalty` λ > 0 the loss adds λ · the mean of Z over segments 0..<N−1)
//   with `movePenalty` μ > 0 the loss adds μ · the mean over segments 1..<N−1 and sequences of
//   ‖memory out − memory in‖² / ‖memory in‖² (ReferenceMemoryMove.swift); with `moveSpared` (N, B) the
//   (segment, sequence) pairs it marks are not priced (the quiet scope), the divisor unchanged
// The memory entering segment 0 is `memoryEmbeddings` repeated per sequence. Slow by design.
import RMTBase
import RMTKernels
extension ReferenceDouble {
    /// Sizes of a Double RMT.
    public struct RMTShape: Sendable {
        public var vocabSize, maxPositions, typeVocabSize: Int
        public var channels, heads, ffnDim, layers: Int
        /// M memory tokens; K answer classes.
        public var memoryTokens, classes: Int
        public var eps: Double
        /// Whether the RMT has a memory gate (MemoryGate).
        public var memoryGate = false

        public init(vocabSize: Int, maxPositions: Int, typeVocabSize: Int = 2, channels: Int, heads: Int,
                    ffnDim: Int, layers: Int, memoryTokens: Int, classes: Int, eps: Double = 1e-12) {
            (self.vocabSize, self.maxPositions, self.typeVocabSize) = (vocabSize, maxPositions, typeVocabSize)
            (self.channels, self.heads, self.ffnDim, self.layers) = (channels, heads, ffnDim, layers)
            (self.memoryTokens, self.classes, self.eps) = (memoryTokens, classes, eps)
        }

        /// The shape of one encoder layer for a (B, T) segment batch.
        public func layerShape(batch: Int, seqLen: Int) -> BertLayerShape {
            BertLayerShape(batch: batch, seqLen: seqLen, channels: channels, heads: heads, ffnDim: ffnDim, eps: eps)
        }
    }

    /// Every tensor of a Double RMT, or their gradients (same layout).
    public struct RMTParameters: Sendable {
        public var wordEmbeddings: [Double]       // (V, C)
        public var positionEmbeddings: [Double]   // (P, C)
        public var tokenTypeEmbeddings: [Double]  // (types, C)
        public var embNormWeight: [Double]        // (C)   embeddings.LayerNorm
        public var embNormBias: [Double]          // (C)
        public var layers: [BertLayerParameters]  // L
        public var head: ClassifierHeadParameters // pooler + classifier (K, C)
        public var memoryEmbeddings: [Double]     // (M, C)
        public var memoryGate: MemoryGateParameters?  // (C, C), (C, C), (C) when the shape has one

        /// All zeros (a gradient accumulator).
        public init(zerosFor s: RMTShape) {
            let c = s.channels
            func z(_ n: Int) -> [Double] { [Double](repeating: 0, count: n) }
            wordEmbeddings = z(s.vocabSize * c); positionEmbeddings = z(s.maxPositions * c)
            tokenTypeEmbeddings = z(s.typeVocabSize * c); embNormWeight = z(c); embNormBias = z(c)
            let ls = s.layerShape(batch: 1, seqLen: 1)
            layers = (0..<s.layers).map { _ in BertLayerParameters(zerosFor: ls) }
            head = ClassifierHeadParameters(zerosChannels: c, classes: s.classes)
            memoryEmbeddings = z(s.memoryTokens * c)
            memoryGate = s.memoryGate ? MemoryGateParameters(zerosChannels: c) : nil
        }

        /// Seeded random weights, well conditioned for gradient checks: embedding tables and
        /// memory N(0, 0.5²), LayerNorm 1 + N(0, 0.1²) / N(0, 0.1²), layers and head as
        /// `BertLayerParameters(randomFor:)` and `ClassifierHeadParameters(randomChannels:)`.
        public init(randomFor s: RMTShape, seed: UInt64) {
            let c = s.channels
            var rng = SplitMix64(seed: seed)
            func normal(_ n: Int, std: Double, mean: Double = 0) -> [Double] {
                (0..<n).map { _ in mean + std * Double(rng.nextNormal()) }
            }
            wordEmbeddings = normal(s.vocabSize * c, std: 0.5)
            positionEmbeddings = normal(s.maxPositions * c, std: 0.5)
            tokenTypeEmbeddings = normal(s.typeVocabSize * c, std: 0.5)
            embNormWeight = normal(c, std: 0.1, mean: 1); embNormBias = normal(c, std: 0.1)
            memoryEmbeddings = normal(s.memoryTokens * c, std: 0.5)
            let ls = s.layerShape(batch: 1, seqLen: 1)
            layers = (0..<s.layers).map { BertLayerParameters(randomFor: ls, seed: seed &+ 101 &+ UInt64($0)) }
            head = ClassifierHeadParameters(randomChannels: c, classes: s.classes, seed: seed &+ 99)
            // The gate: weights N(0, 0.3²), bias N(0.5, 0.5²) — Z away from 0 and 1, so both paths carry gradient.
            memoryGate = s.memoryGate ? MemoryGateParameters(hiddenWeight: normal(c * c, std: 0.3), memoryWeight: normal(c * c, std: 0.3),
                                                             bias: normal(c, std: 0.5, mean: 0.5)) : nil
        }

        /// Every tensor with its name (`wordEmbeddings`, `layers.0.qkvWeight`, `head.poolerWeight`, …;
        /// with `gate`, the memory gate's `memoryGate.hiddenWeight`, `.memoryWeight` and `.bias` last).
        public static func tensors(layers: Int, gate: Bool = false) -> [(name: String, path: WritableKeyPath<Self, [Double]>)] {
            var out: [(name: String, path: WritableKeyPath<Self, [Double]>)] = [
                ("wordEmbeddings", \.wordEmbeddings), ("positionEmbeddings", \.positionEmbeddings),
                ("tokenTypeEmbeddings", \.tokenTypeEmbeddings),
                ("embNormWeight", \.embNormWeight), ("embNormBias", \.embNormBias),
            ]
            for l in 0..<layers {
                for (name, path) in BertLayerParameters.tensors {
                    let layer: WritableKeyPath<Self, BertLayerParameters> = \Self.layers[l]
                    out.append(("layers.\(l).\(name)", layer.appending(path: path)))
                }
            }
            for (name, path) in ClassifierHeadParameters.tensors {
                let head: WritableKeyPath<Self, ClassifierHeadParameters> = \Self.head
                out.append(("head.\(name)", head.appending(path: path)))
            }
            out.append(("memoryEmbeddings", \.memoryEmbeddings))
            if gate {
                out += [("memoryGate.hiddenWeight", \.memoryGate!.hiddenWeight), ("memoryGate.memoryWeight", \.memoryGate!.memoryWeight),
                         ("memoryGate.bias", \.memoryGate!.bias)]
            }
            return out
        }
    }

    /// The token ids the segment layout uses.
    public struct RMTSpecialTokens: Sendable {
        public var cls, sep, pad: Int32
        public init(cls: Int32, sep: Int32, pad: Int32) { (self.cls, self.sep, self.pad) = (cls, sep, pad) }
    }

    /// One segment of a batch laid out: (B, T) ids and additive mask (nil when nothing is padded).
    public struct RMTSegmentLayout: Sendable {
        public var ids: [Int32]
        public var additiveMask: [Double]?
        public var batch, seqLen: Int
    }

    /// [CLS] + M placeholders + [SEP] + content + [SEP], padded with [PAD] (additive mask −1e30)
    /// to the longest sequence; the placeholders are [PAD] ids (their rows become the memory).
    public static func rmtSegmentLayout(contents: [[Int32]], memoryTokens M: Int,
                                        tokens: RMTSpecialTokens) -> RMTSegmentLayout {
        let T = M + 3 + contents.map(\.count).max()!
        var ids: [Int32] = [], mask: [Double] = []
        for c in contents {
            let row = [tokens.cls] + [Int32](repeating: tokens.pad, count: M) + [tokens.sep] + c + [tokens.sep]
            ids += row + [Int32](repeating: tokens.pad, count: T - row.count)
            mask += [Double](repeating: 0, count: row.count) + [Double](repeating: -1e30, count: T - row.count)
        }
        return RMTSegmentLayout(ids: ids, additiveMask: mask.contains { $0 != 0 } ? mask : nil,
                                batch: contents.count, seqLen: T)
    }

    /// What one segment's forward saves for the backward pass.
    public struct RMTSegmentActivations: Sendable {
        public var layout: RMTSegmentLayout
        public var memoryIn: [Double]       // (B, M, C) memory entering the segment
        public var embeddingSum: [Double]   // (B·T, C) word (memory rows replaced) + position + type
        public var embNormMean: [Double], embNormRstd: [Double]  // (B·T)
        public var layers: [BertLayerActivations]
        public var hidden: [Double]         // (B·T, C) last hidden state
        public var memoryOut: [Double]      // (B, M, C) hidden rows 1...M (with a gate: what it hands on)
        public var gate: [Double]? = nil    // (B, M, C) the gate's Z (with a gate)
        public var head: ClassifierHeadActivations?  // segments with a loss
        public var state: StateReadoutActivations? = nil  // with a state loss: the readout of memoryOut
    }

    /// The state loss of an RMT forward: the readout, its targets per segment (N rows of B·E,
    /// −1 = not scored) and its weight w; the loss adds w · (1/N) Σ_k readout loss_k.
    public struct RMTStateLoss: Sendable {
        public var parameters: StateReadoutParameters
        public var targets: [[Int32]]
        public var weight: Double
        public var entities: Int
        public init(parameters: StateReadoutParameters, targets: [[Int32]], weight: Double, entities: Int) {
            (self.parameters, self.targets, self.weight, self.entities) = (parameters, targets, weight, entities)
        }
    }

    /// Memory distillation of an RMT forward: the memory a teacher hands on after each segment
    /// (N rows of B·M·C, constants) and the weight w; the loss adds
    /// w · (1/N) Σ_k mean over (b, slot, channel) of (memoryOut_k − targets_k)².
    public struct RMTMemoryDistillation: Sendable {
        public var targets: [[Double]]
        public var weight: Double
        public init(targets: [[Double]], weight: Double) { (self.targets, self.weight) = (targets, weight) }

        /// w · (1/N) · mean (memoryOut − targets[k])² of segment k of N.
        func loss(_ memoryOut: [Double], segment k: Int, of N: Int) -> Double {
            precondition(targets[k].count == memoryOut.count, "distillation targets of segment \(k)")
            let sum = zip(memoryOut, targets[k]).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            return weight * sum / Double(memoryOut.count * N)
        }

        /// Adds that loss's gradient with respect to memoryOut into `dMemory`.
        func addGradient(_ dMemory: inout [Double], memoryOut: [Double], segment k: Int, of N: Int) {
            let scale = 2 * weight / Double(memoryOut.count * N)
            for i in memoryOut.indices { dMemory[i] += scale * (memoryOut[i] - targets[k][i]) }
        }
    }

    /// The whole forward pass.
    public struct RMTForwardResult: Sendable {
        public var segments: [RMTSegmentActivations]
        /// Final segment's mean cross-entropy, or the sum of every segment's with sumLoss (a
        /// sequence's loss counted 0 where its per-segment label is −1; the mean is still over B).
        public var loss: Double
        /// (B, K) logits of the final segment.
        public var finalLogits: [Double]
    }

    /// Whether truncated BPTT of `depth` (the last `depth` segments get gradient) detaches the
    /// memory entering segment k of N: k ≤ N − depth, unless depth ≥ N (full BPTT, gradient
    /// into the memory embeddings). The project's `--bptt-depth depth`.
    public static func rmtDetachesMemory(enteringSegment k: Int, segmentCount N: Int, depth: Int) -> Bool {
        depth < N && k <= N - depth
    }

    /// The labels segment k of N is scored against, or nil when it has no loss: with `sumLoss`
    /// every segment, against `segmentLabels[k]` when given (−1: that sequence not scored — the
    /// prefix loss) or else `labels`; without, the final segment against `labels`.
    static func rmtTargets(_ k: Int, of N: Int, labels: [Int32], segmentLabels: [[Int32]]?, sumLoss: Bool) -> [Int32]? {
        guard sumLoss || k == N - 1 else { return nil }
        return sumLoss ? segmentLabels?[k] ?? labels : labels
    }

    /// Forward over N segments. `contents[k][b]`: the document tokens of segment k of sequence b;
    /// `labels` (B); `segmentLabels` (N, B), with `sumLoss`, per-segment labels (rmtTargets).
    /// `memoryOverrides[k]` (B, M, C), if given, replaces the memory entering
    /// segment k (a constant: how a detached memory is evaluated by finite differences).
    /// `gatePenalty` λ (a gated RMT): the loss adds λ · the mean of Z over every segment that hands
    /// its memory on (0..<N−1), sequence, slot and channel (`rmtGatePenaltyGradient`). `movePenalty` μ:
    /// the loss adds μ · the mean of each sequence's relative move over segments 1..<N−1 (`rmtMoveWeights`;
    /// `moveSpared` (N, B): pairs not priced).
    public static func rmtForward(parameters p: RMTParameters, contents: [[[Int32]]], labels: [Int32],
                                  segmentLabels: [[Int32]]? = nil,
                                  tokens: RMTSpecialTokens, shape s: RMTShape, sumLoss: Bool,
                                  memoryOverrides: [Int: [Double]] = [:], state: RMTStateLoss? = nil,
                                  distillation: RMTMemoryDistillation? = nil, gatePenalty: Double = 0,
                                  movePenalty: Double = 0, moveSpared: [[Bool]]? = nil) -> RMTForwardResult {
        let N = contents.count, B = labels.count, C = s.channels, M = s.memoryTokens
        precondition(N >= 1 && contents.allSatisfy { $0.count == B })
        var memory = (0..<B).flatMap { _ in p.memoryEmbeddings }
        var segments: [RMTSegmentActivations] = []
        var loss = 0.0, finalLogits: [Double] = []
        for k in 0..<N {
            if let m = memoryOverrides[k] { precondition(m.count == B * M * C); memory = m }
            let lay = rmtSegmentLayout(contents: contents[k], memoryTokens: M, tokens: tokens)
            let T = lay.seqLen
            precondition(T <= s.maxPositions, "segment of \(T) positions exceeds \(s.maxPositions)")
            var x = embeddingForward(table: p.wordEmbeddings, ids: lay.ids, channels: C)
            for b in 0..<B {
                for i in 0..<(M * C) { x[(b * T + 1) * C + i] = memory[b * M * C + i] }
            }
            for b in 0..<B {
                for t in 0..<T {
                    for c in 0..<C {
                        x[(b * T + t) * C + c] += p.positionEmbeddings[t * C + c] + p.tokenTypeEmbeddings[c]
                    }
                }
            }
            let ln = layerNormForward(inp: x, weight: p.embNormWeight, bias: p.embNormBias,
                                      rows: B * T, channels: C, eps: s.eps)
            let ls = s.layerShape(batch: B, seqLen: T)
            var h = ln.out
            var layerActs: [BertLayerActivations] = []
            for l in 0..<s.layers {
                let a = bertLayerForward(input: h, additiveMask: lay.additiveMask, parameters: p.layers[l], shape: ls)
                layerActs.append(a)
                h = a.output
            }
            let memoryIn = memory
            var memoryOut = [Double](repeating: 0, count: B * M * C)
            for b in 0..<B {
                for i in 0..<(M * C) { memoryOut[b * M * C + i] = h[(b * T + 1) * C + i] }
            }
            var gate: [Double]?
            if let g = p.memoryGate {
                let gated = memoryGateForward(hidden: memoryOut, previous: memoryIn, parameters: g, rows: B * M, channels: C)
                (gate, memoryOut) = (gated.gate, gated.out)
                let perEntry = rmtGatePenaltyGradient(gatePenalty, segment: k, of: N, entries: B * M * C)
                loss += perEntry * gated.gate.reduce(0, +)
            }
            memory = memoryOut
            let moveWeights = rmtMoveWeights(movePenalty, segment: k, of: N, batch: B, spared: moveSpared?[k])
            if moveWeights.contains(where: { $0 > 0 }) {  // a segment priced for some sequence
                let moves = memoryMove(entering: memoryIn, leaving: memory, batch: B)
                loss += (0..<B).reduce(0) { $0 + moveWeights[$1] * moves[$1] }
            }
            var head: ClassifierHeadActivations?
            if let targets = rmtTargets(k, of: N, labels: labels, segmentLabels: segmentLabels, sumLoss: sumLoss) {
                var features = [Double](repeating: 0, count: B * C)
                for b in 0..<B { for c in 0..<C { features[b * C + c] = h[b * T * C + c] } }
                let a = classifierHeadForward(features: features, targets: targets, parameters: p.head,
                                              batch: B, channels: C, classes: s.classes)
                loss += a.loss
                if k == N - 1 { finalLogits = a.logits }
                head = a
            }
            var readout: StateReadoutActivations?
            if let state {
                let r = stateReadoutForward(memory: memory, targets: state.targets[k], parameters: state.parameters, batch: B,
                                            entities: state.entities, slots: M, channels: C, classes: s.classes)
                loss += state.weight * r.loss / Double(N)
                readout = r
            }
            if let distillation { loss += distillation.loss(memory, segment: k, of: N) }
            segments.append(RMTSegmentActivations(layout: lay, memoryIn: memoryIn, embeddingSum: x,
                                                  embNormMean: ln.mean, embNormRstd: ln.rstd, layers: layerActs,
                                                  hidden: h, memoryOut: memory, gate: gate, head: head, state: readout))
        }
        return RMTForwardResult(segments: segments, loss: loss, finalLogits: finalLogits)
    }

    /// The gate penalty's gradient with respect to each entry of Z at segment k of N, with `entries`
    /// (B·M·C) entries per segment: λ / (entries · (N − 1)) where segment k hands its memory on
    /// (k < N − 1), 0 at the last segment, without a penalty, or for N = 1.
    public static func rmtGatePenaltyGradient(_ lambda: Double, segment k: Int, of N: Int, entries: Int) -> Double {
        lambda > 0 && k < N - 1 ? lambda / Double(entries * (N - 1)) : 0
    }

    /// Backward of `rmtForward` (run without overrides) for truncation `depth` (≥ 1; ≥ N = full):
    /// the gradient of the loss with every memory that `rmtDetachesMemory` names treated as a
    /// constant. Returns the gradients of every tensor.
    public static func rmtBackward(forward f: RMTForwardResult, parameters p: RMTParameters, labels: [Int32],
                                   segmentLabels: [[Int32]]? = nil,
                                   shape s: RMTShape, sumLoss: Bool, depth: Int, gatePenalty: Double = 0,
                                   movePenalty: Double = 0, moveSpared: [[Bool]]? = nil) -> RMTParameters {
        rmtBackward(forward: f, parameters: p, labels: labels, segmentLabels: segmentLabels, shape: s, sumLoss: sumLoss,
                    depth: depth, state: nil, gatePenalty: gatePenalty, movePenalty: movePenalty, moveSpared: moveSpared).parameters
    }

    /// `rmtBackward` with a state loss (the one the forward ran with): also the readout's gradients.
    public static func rmtBackward(forward f: RMTForwardResult, parameters p: RMTParameters, labels: [Int32],
                                   segmentLabels: [[Int32]]? = nil, shape s: RMTShape, sumLoss: Bool, depth: Int,
                                   state: RMTStateLoss?, distillation: RMTMemoryDistillation? = nil, gatePenalty: Double = 0,
                                   movePenalty: Double = 0, moveSpared: [[Bool]]? = nil)
        -> (parameters: RMTParameters, state: StateReadoutParameters?) {
        precondition(depth >= 1, "depth must be at least 1")
        let N = f.segments.count, B = labels.count, C = s.channels, M = s.memoryTokens
        var g = RMTParameters(zerosFor: s)
        var gState = state.map { $0.parameters.zeroed }
        var dMemoryOut: [Double]?  // gradient of the memory leaving segment k (B, M, C)
        for k in stride(from: N - 1, through: 0, by: -1) {
            let seg = f.segments[k]
            let penalty = seg.gate == nil ? 0 : rmtGatePenaltyGradient(gatePenalty, segment: k, of: N, entries: B * M * C)
            let moveWeights = rmtMoveWeights(movePenalty, segment: k, of: N, batch: B, spared: moveSpared?[k])
            let moveWeight = moveWeights.max() ?? 0  // nonzero when any sequence's move is priced here
            guard seg.head != nil || seg.state != nil || distillation != nil || penalty != 0 || moveWeight != 0 || dMemoryOut != nil
            else { continue }
            let T = seg.layout.seqLen, ls = s.layerShape(batch: B, seqLen: T)
            var dh = [Double](repeating: 0, count: B * T * C)
            var dGateCarry = zeros(B * M * C)  // the gate's share of the gradient of the memory entering k
            var dMoveIn = zeros(B * M * C)  // the move penalty's gradient of the memory entering k
            if let head = seg.head {
                var dfeatures = [Double](repeating: 0, count: B * C)
                let targets = rmtTargets(k, of: N, labels: labels, segmentLabels: segmentLabels, sumLoss: sumLoss)!
                classifierHeadBackward(dfeatures: &dfeatures, dparameters: &g.head, activations: head,
                                       targets: targets, parameters: p.head, batch: B, channels: C, classes: s.classes)
                for b in 0..<B { for c in 0..<C { dh[b * T * C + c] += dfeatures[b * C + c] } }
            }
            if var dm = dMemoryOut ?? (seg.state != nil || distillation != nil || penalty != 0 || moveWeight != 0 ? zeros(B * M * C) : nil) {
                distillation?.addGradient(&dm, memoryOut: seg.memoryOut, segment: k, of: N)
                if moveWeight != 0 {
                    memoryMoveBackward(entering: seg.memoryIn, leaving: seg.memoryOut, batch: B, weights: moveWeights,
                                       dLeaving: &dm, dEntering: &dMoveIn)
                }
                if let state, let readout = seg.state {
                    stateReadoutBackward(dMemory: &dm, dparameters: &gState!, activations: readout, targets: state.targets[k],
                                         parameters: state.parameters, scale: state.weight / Double(N), batch: B,
                                         entities: state.entities, slots: M, channels: C, classes: s.classes)
                }
                if let gp = p.memoryGate, let z = seg.gate {  // through the gate: its carry reaches the memory that entered
                    var hiddenRows = zeros(B * M * C), dHiddenRows = zeros(B * M * C), dCarry = zeros(B * M * C)
                    for b in 0..<B { for i in 0..<(M * C) { hiddenRows[b * M * C + i] = seg.hidden[(b * T + 1) * C + i] } }
                    memoryGateBackward(dOut: dm, hidden: hiddenRows, previous: seg.memoryIn, gate: z, parameters: gp, rows: B * M,
                                       channels: C, dHidden: &dHiddenRows, dPrevious: &dCarry, dparameters: &g.memoryGate!,
                                       gateGradient: penalty)
                    dm = dHiddenRows
                    dGateCarry = dCarry
                }
                for b in 0..<B { for i in 0..<(M * C) { dh[(b * T + 1) * C + i] += dm[b * M * C + i] } }
            }
            for l in stride(from: s.layers - 1, through: 0, by: -1) {
                var dinput = [Double](repeating: 0, count: B * T * C)
                bertLayerBackward(dinput: &dinput, dparameters: &g.layers[l], doutput: dh,
                                  activations: seg.layers[l], parameters: p.layers[l], shape: ls)
                dh = dinput
            }
            var dx = [Double](repeating: 0, count: B * T * C)
            layerNormBackward(dinp: &dx, dweight: &g.embNormWeight, dbias: &g.embNormBias, dout: dh,
                              inp: seg.embeddingSum, weight: p.embNormWeight, mean: seg.embNormMean,
                              rstd: seg.embNormRstd, rows: B * T, channels: C)
            var dMemoryIn = zip(dGateCarry, dMoveIn).map { $0 + $1 }
            for b in 0..<B {
                for t in 0..<T {
                    let row = (b * T + t) * C
                    for c in 0..<C {
                        g.positionEmbeddings[t * C + c] += dx[row + c]
                        g.tokenTypeEmbeddings[c] += dx[row + c]  // token type 0
                    }
                    if t >= 1 && t <= M {
                        for c in 0..<C { dMemoryIn[(b * M + t - 1) * C + c] += dx[row + c] }
                    } else {
                        let id = Int(seg.layout.ids[b * T + t])
                        for c in 0..<C { g.wordEmbeddings[id * C + c] += dx[row + c] }
                    }
                }
            }
            if rmtDetachesMemory(enteringSegment: k, segmentCount: N, depth: depth) {
                dMemoryOut = nil
            } else if k == 0 {
                for b in 0..<B { for i in 0..<(M * C) { g.memoryEmbeddings[i] += dMemoryIn[b * M * C + i] } }
            } else {
                dMemoryOut = dMemoryIn
            }
        }
        return (g, gState)
    }

    /// The loss whose ordinary gradient at `baseline`'s parameters is the truncated-BPTT
    /// gradient of `depth`: `rmtForward` at `p` with every detached memory held at its value
    /// in `baseline` (a forward without overrides). Differentiate this numerically to check
    /// `rmtBackward(…, depth:)`.
    public static func rmtTruncatedLoss(parameters p: RMTParameters, baseline: RMTForwardResult,
                                        contents: [[[Int32]]], labels: [Int32], segmentLabels: [[Int32]]? = nil,
                                        tokens: RMTSpecialTokens, shape s: RMTShape, sumLoss: Bool, depth: Int,
                                        state: RMTStateLoss? = nil, distillation: RMTMemoryDistillation? = nil,
                                        gatePenalty: Double = 0, movePenalty: Double = 0, moveSpared: [[Bool]]? = nil) -> Double {
        let N = contents.count
        var overrides: [Int: [Double]] = [:]
        for k in 0..<N where rmtDetachesMemory(enteringSegment: k, segmentCount: N, depth: depth) {
            overrides[k] = baseline.segments[k].memoryIn
        }
        return rmtForward(parameters: p, contents: contents, labels: labels, segmentLabels: segmentLabels, tokens: tokens,
                          shape: s, sumLoss: sumLoss, memoryOverrides: overrides, state: state, distillation: distillation,
                          gatePenalty: gatePenalty, movePenalty: movePenalty, moveSpared: moveSpared).loss
    }
}
