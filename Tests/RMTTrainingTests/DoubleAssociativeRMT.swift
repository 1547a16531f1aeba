// DoubleAssociativeRMT: the encoder with the associative memory, and the RMT around it, as a
// Double composition of the reference ops — the forward whose central differences judge the
// Float encoder (AssociativeEncoderTests) and BPTT (AssociativeBPTTTests). Per segment:
//   word embeddings (rows `memoryRows` replaced by the carried memory, when there is one)
//   + position + token type → LayerNorm → per layer l:
//   x ← x + read(φ(x·W_qᵀ); A_l, z_l);  x ← ReferenceDouble.bertLayerForward(x);
//   the rows `writeRows` of x (the memory rows unless told otherwise) write into (A_l, z_l)
//   (k = φ(y·W_kᵀ), v = y·W_vᵀ, β = σ(y·w_β + b_β));
//   the carried memory ← x[memoryRows]; the answer reads x[0] (the pooler and classifier).
// The write's γ can be held at given values (`gammas`), as the Float backward treats it.
// No padding: every sequence of a segment has T rows.
import Foundation
import RMTModel
import RMTRecurrence
import RMTReference

struct DoubleAssociativeRMT {
    var p: [String: [Double]]
    let config: BertConfig
    let batch: Int, seqLen: Int, memoryRows: Range<Int>, writeRows: Range<Int>

    init(_ set: ParameterSet, config: BertConfig, batch: Int, seqLen: Int, memoryRows: Range<Int>,
         writeRows: Range<Int>? = nil) {
        var p: [String: [Double]] = [:]
        for e in set.layout.entries { p[e.name] = set.values(e.name).map(Double.init) }
        self.p = p
        self.config = config
        (self.batch, self.seqLen, self.memoryRows) = (batch, seqLen, memoryRows)
        self.writeRows = writeRows ?? memoryRows
    }

    var shape: ReferenceDouble.BertLayerShape {
        .init(batch: batch, seqLen: seqLen, channels: config.hiddenSize, heads: config.numAttentionHeads,
              ffnDim: config.intermediateSize, eps: Double(config.layerNormEps))
    }

    func layer(_ l: Int) -> ReferenceDouble.BertLayerParameters {
        let x = "encoder.layer.\(l)."
        var w = ReferenceDouble.BertLayerParameters(zerosFor: shape)
        w.qkvWeight = p[x + "attention.self.query.weight"]! + p[x + "attention.self.key.weight"]! + p[x + "attention.self.value.weight"]!
        w.qkvBias = p[x + "attention.self.query.bias"]! + p[x + "attention.self.key.bias"]! + p[x + "attention.self.value.bias"]!
        w.attnOutWeight = p[x + "attention.output.dense.weight"]!; w.attnOutBias = p[x + "attention.output.dense.bias"]!
        w.attnNormWeight = p[x + "attention.output.LayerNorm.weight"]!; w.attnNormBias = p[x + "attention.output.LayerNorm.bias"]!
        w.ffnInWeight = p[x + "intermediate.dense.weight"]!; w.ffnInBias = p[x + "intermediate.dense.bias"]!
        w.ffnOutWeight = p[x + "output.dense.weight"]!; w.ffnOutBias = p[x + "output.dense.bias"]!
        w.ffnNormWeight = p[x + "output.LayerNorm.weight"]!; w.ffnNormBias = p[x + "output.LayerNorm.bias"]!
        return w
    }

    struct Result { var hidden: [[Double]]; var state: [Double]; var gammas: [[Double]] }

    /// Reads `segments` (each (B·T) ids) from the packed state (B, L, K·C + K); with `memory`
    /// (B, |memoryRows|, C) the memory rows' word embeddings are replaced by it and it is carried.
    func forward(_ segments: [[Int32]], state: [Double], memory: [Double]? = nil, gammas: [[Double]]? = nil) -> Result {
        let C = config.hiddenSize, L = config.numHiddenLayers, s = config.associative!
        let D = s.keySize, K = s.features, S = s.stateCount(channels: C), M = memoryRows.count
        let B = batch, T = seqLen
        var state = state, memory = memory, hidden: [[Double]] = [], usedGammas: [[Double]] = []
        for ids in segments {
            var sum = [Double](repeating: 0, count: B * T * C)
            for r in 0..<(B * T) {
                let b = r / T, t = r % T
                for c in 0..<C {
                    let word = memory != nil && memoryRows.contains(t)
                        ? memory![(b * M + t - memoryRows.lowerBound) * C + c]
                        : p["embeddings.word_embeddings.weight"]![Int(ids[r]) * C + c]
                    sum[r * C + c] = word + p["embeddings.position_embeddings.weight"]![t * C + c]
                        + p["embeddings.token_type_embeddings.weight"]![c]
                }
            }
            var x = ReferenceDouble.layerNormForward(inp: sum, weight: p["embeddings.LayerNorm.weight"]!,
                                                     bias: p["embeddings.LayerNorm.bias"]!, rows: B * T, channels: C,
                                                     eps: Double(config.layerNormEps)).out
            for l in 0..<L {
                func a(_ n: String) -> [Double] { p[AssociativeSettings.tensorName(layer: l, n)]! }
                let q = ReferenceDouble.linearForward(inp: x, weight: a("query.weight"), bias: nil, rows: B * T, inDim: C, outDim: D)
                let phiQ = ReferenceAssociative.dpfpForward(inp: q, rows: B * T, dim: D, nu: s.nu)
                var input = x
                for b in 0..<B {
                    let st = (b * L + l) * S
                    let read = ReferenceAssociative.readForward(
                        phiQ: Array(phiQ[(b * T * K)..<((b + 1) * T * K)]), a: Array(state[st..<(st + K * C)]),
                        z: Array(state[(st + K * C)..<(st + S)]), rows: T, features: K, channels: C, eps: Double(s.eps)).read
                    for i in 0..<(T * C) { input[b * T * C + i] += read[i] }
                }
                x = ReferenceDouble.bertLayerForward(input: input, additiveMask: nil, parameters: layer(l), shape: shape).output
                let W = writeRows.count
                for b in 0..<B {
                    let y = Array(x[((b * T + writeRows.lowerBound) * C)..<((b * T + writeRows.upperBound) * C)])
                    let k = ReferenceDouble.linearForward(inp: y, weight: a("key.weight"), bias: nil, rows: W, inDim: C, outDim: D)
                    let v = ReferenceDouble.linearForward(inp: y, weight: a("value.weight"), bias: nil, rows: W, inDim: C, outDim: C)
                    let beta = ReferenceDouble.linearForward(inp: y, weight: a("beta.weight"), bias: a("beta.bias"),
                                                             rows: W, inDim: C, outDim: 1).map { 1 / (1 + exp(-$0)) }
                    let st = (b * L + l) * S
                    let w = ReferenceAssociative.writeForward(
                        aIn: Array(state[st..<(st + K * C)]), zIn: Array(state[(st + K * C)..<(st + S)]),
                        phiK: ReferenceAssociative.dpfpForward(inp: k, rows: W, dim: D, nu: s.nu), v: v, beta: beta,
                        memoryRows: W, features: K, channels: C, eps: Double(s.eps), fixedGamma: gammas?[usedGammas.count])
                    usedGammas.append(w.gamma)
                    state.replaceSubrange(st..<(st + K * C), with: w.a)
                    state.replaceSubrange((st + K * C)..<(st + S), with: w.z)
                }
            }
            if memory != nil {
                for b in 0..<B {
                    for i in 0..<(M * C) { memory![b * M * C + i] = x[(b * T + memoryRows.lowerBound) * C + i] }
                }
            }
            hidden.append(x)
        }
        return Result(hidden: hidden, state: state, gammas: usedGammas)
    }

    /// The RMT's mean cross-entropy of the final segment's answer (pooler on row 0, classifier).
    func answerLoss(_ hidden: [Double], labels: [Int32], classes: Int) -> Double {
        let C = config.hiddenSize
        var head = ReferenceDouble.ClassifierHeadParameters(zerosChannels: C, classes: classes)
        head.poolerWeight = p["pooler.dense.weight"]!; head.poolerBias = p["pooler.dense.bias"]!
        head.classifierWeight = p[RMTTensorName.classifierWeight]!; head.classifierBias = p[RMTTensorName.classifierBias]!
        let features = (0..<batch).flatMap { b in hidden[(b * seqLen * C)..<((b * seqLen + 1) * C)] }
        return ReferenceDouble.classifierHeadForward(features: features, targets: labels, parameters: head,
                                                     batch: batch, channels: C, classes: classes).loss
    }
}
