// ReferenceDoubleBert: one post-LN BERT encoder layer and the BERT classification head
// (pooler + classifier + softmax cross-entropy), composed from the ReferenceDouble ops.
//
// This is the Double-precision model the gradient checks differentiate numerically; a
// Double RMT is built by stacking these layers. No dropout (evaluation semantics), no
// embeddings (the caller owns them), no fast paths. Layer, per token row x (C):
//   qkv = x·Wqkvᵀ + b → ctx = attention(qkv, mask) → h1 = LN1(x + ctx·Woᵀ + b)
//   → h2 = LN2(h1 + gelu(h1·Wiᵀ + b)·Wfᵀ + b)
// Head, per sequence feature f (C), usually the [CLS] row of the last layer:
//   logits = tanh(f·Wpᵀ + b)·Wcᵀ + b, loss = mean_b cross-entropy(logits_b, target_b).
import RMTBase
import RMTKernels
extension ReferenceDouble {
    /// Sizes of one encoder layer: B, T, C, NH, F (the feed-forward width), LayerNorm eps.
    public struct BertLayerShape: Sendable {
        public var batch, seqLen, channels, heads, ffnDim: Int
        public var eps: Double
        /// B·T token rows.
        public var rows: Int { batch * seqLen }
        public init(batch: Int, seqLen: Int, channels: Int, heads: Int, ffnDim: Int, eps: Double = 1e-12) {
            precondition(channels % heads == 0, "channels must be a multiple of heads")
            (self.batch, self.seqLen, self.channels, self.heads, self.ffnDim, self.eps) =
                (batch, seqLen, channels, heads, ffnDim, eps)
        }
    }

    /// The weights of one encoder layer, or their gradients (same layout). PyTorch layout:
    /// a Linear weight is (outDim, inDim). qkvWeight stacks Hugging Face's query, key and
    /// value weights in that order, so qkv rows are [q | k | v].
    public struct BertLayerParameters: Sendable {
        public var qkvWeight: [Double]       // (3C, C)
        public var qkvBias: [Double]         // (3C)
        public var attnOutWeight: [Double]   // (C, C)   attention.output.dense
        public var attnOutBias: [Double]     // (C)
        public var attnNormWeight: [Double]  // (C)      attention.output.LayerNorm
        public var attnNormBias: [Double]    // (C)
        public var ffnInWeight: [Double]     // (F, C)   intermediate.dense
        public var ffnInBias: [Double]       // (F)
        public var ffnOutWeight: [Double]    // (C, F)   output.dense
        public var ffnOutBias: [Double]      // (C)
        public var ffnNormWeight: [Double]   // (C)      output.LayerNorm
        public var ffnNormBias: [Double]     // (C)

        /// All zeros (a gradient accumulator).
        public init(zerosFor s: BertLayerShape) {
            let c = s.channels, f = s.ffnDim
            func z(_ n: Int) -> [Double] { [Double](repeating: 0, count: n) }
            qkvWeight = z(3 * c * c); qkvBias = z(3 * c)
            attnOutWeight = z(c * c); attnOutBias = z(c); attnNormWeight = z(c); attnNormBias = z(c)
            ffnInWeight = z(f * c); ffnInBias = z(f); ffnOutWeight = z(c * f); ffnOutBias = z(c)
            ffnNormWeight = z(c); ffnNormBias = z(c)
        }

        /// Seeded random weights: Linear weights N(0, 1/inDim), biases N(0, 0.1²),
        /// LayerNorm weights 1 + N(0, 0.1²) — well conditioned for gradient checks.
        public init(randomFor s: BertLayerShape, seed: UInt64) {
            let c = s.channels, f = s.ffnDim
            var rng = SplitMix64(seed: seed)
            func normal(_ n: Int, std: Double, mean: Double = 0) -> [Double] {
                (0..<n).map { _ in mean + std * Double(rng.nextNormal()) }
            }
            let weightStd = 1 / Double(c).squareRoot()
            qkvWeight = normal(3 * c * c, std: weightStd); qkvBias = normal(3 * c, std: 0.1)
            attnOutWeight = normal(c * c, std: weightStd); attnOutBias = normal(c, std: 0.1)
            attnNormWeight = normal(c, std: 0.1, mean: 1); attnNormBias = normal(c, std: 0.1)
            ffnInWeight = normal(f * c, std: weightStd); ffnInBias = normal(f, std: 0.1)
            ffnOutWeight = normal(c * f, std: 1 / Double(f).squareRoot()); ffnOutBias = normal(c, std: 0.1)
            ffnNormWeight = normal(c, std: 0.1, mean: 1); ffnNormBias = normal(c, std: 0.1)
        }

        /// Every tensor with its name, for iterating (finite differences, optimizers, loading).
        public static var tensors: [(name: String, path: WritableKeyPath<Self, [Double]>)] {
            [("qkvWeight", \.qkvWeight), ("qkvBias", \.qkvBias),
             ("attnOutWeight", \.attnOutWeight), ("attnOutBias", \.attnOutBias),
             ("attnNormWeight", \.attnNormWeight), ("attnNormBias", \.attnNormBias),
             ("ffnInWeight", \.ffnInWeight), ("ffnInBias", \.ffnInBias),
             ("ffnOutWeight", \.ffnOutWeight), ("ffnOutBias", \.ffnOutBias),
             ("ffnNormWeight", \.ffnNormWeight), ("ffnNormBias", \.ffnNormBias)]
        }
    }

    /// Everything the layer's forward saves for its backward. Rows are B·T tokens.
    public struct BertLayerActivations: Sendable {
        public var input: [Double]          // (B·T, C)
        public var additiveMask: [Double]?  // (B, T)
        public var qkv: [Double]            // (B·T, 3C)
        public var context: [Double]        // (B·T, C)   attention output, heads concatenated
        public var probs: [Double]          // (B, NH, T, T)
        public var attnResidual: [Double]   // (B·T, C)   input + attention projection
        public var attnNorm: [Double]       // (B·T, C)   LN1 output = FFN input
        public var attnNormMean: [Double], attnNormRstd: [Double]  // (B·T)
        public var ffnPre: [Double]         // (B·T, F)   before GELU
        public var ffnAct: [Double]         // (B·T, F)   after GELU
        public var ffnResidual: [Double]    // (B·T, C)   attnNorm + FFN output
        public var output: [Double]         // (B·T, C)   LN2 output
        public var ffnNormMean: [Double], ffnNormRstd: [Double]    // (B·T)
    }
}

extension ReferenceDouble {
    /// One post-LN encoder layer. `input` (B·T, C); `additiveMask` (B, T) — 0 for a visible
    /// key, very negative for padding — or nil. The result's `output` is the layer output.
    public static func bertLayerForward(input: [Double], additiveMask: [Double]?,
                                        parameters w: BertLayerParameters, shape s: BertLayerShape)
        -> BertLayerActivations {
        let (n, c, f) = (s.rows, s.channels, s.ffnDim)
        let qkv = linearForward(inp: input, weight: w.qkvWeight, bias: w.qkvBias, rows: n, inDim: c, outDim: 3 * c)
        let (context, probs) = attentionForward(qkv: qkv, additiveMask: additiveMask, batch: s.batch,
                                                seqLen: s.seqLen, channels: c, heads: s.heads)
        let attnProj = linearForward(inp: context, weight: w.attnOutWeight, bias: w.attnOutBias, rows: n, inDim: c, outDim: c)
        let attnResidual = addForward(a: input, b: attnProj)
        let ln1 = layerNormForward(inp: attnResidual, weight: w.attnNormWeight, bias: w.attnNormBias,
                                   rows: n, channels: c, eps: s.eps)
        let ffnPre = linearForward(inp: ln1.out, weight: w.ffnInWeight, bias: w.ffnInBias, rows: n, inDim: c, outDim: f)
        let ffnAct = geluForward(inp: ffnPre)
        let ffnOut = linearForward(inp: ffnAct, weight: w.ffnOutWeight, bias: w.ffnOutBias, rows: n, inDim: f, outDim: c)
        let ffnResidual = addForward(a: ln1.out, b: ffnOut)
        let ln2 = layerNormForward(inp: ffnResidual, weight: w.ffnNormWeight, bias: w.ffnNormBias,
                                   rows: n, channels: c, eps: s.eps)
        return BertLayerActivations(input: input, additiveMask: additiveMask, qkv: qkv, context: context,
                                    probs: probs, attnResidual: attnResidual, attnNorm: ln1.out,
                                    attnNormMean: ln1.mean, attnNormRstd: ln1.rstd, ffnPre: ffnPre, ffnAct: ffnAct,
                                    ffnResidual: ffnResidual, output: ln2.out,
                                    ffnNormMean: ln2.mean, ffnNormRstd: ln2.rstd)
    }

    /// Backward of `bertLayerForward`: from doutput (B·T, C), ADDS the input gradient into
    /// `dinput` (B·T, C) and every weight gradient into `dparameters`.
    /// Residual branches need no add kernel: both branches' backwards accumulate into one array.
    public static func bertLayerBackward(dinput: inout [Double], dparameters g: inout BertLayerParameters,
                                         doutput: [Double], activations a: BertLayerActivations,
                                         parameters w: BertLayerParameters, shape s: BertLayerShape) {
        let (n, c, f) = (s.rows, s.channels, s.ffnDim)
        func zeros(_ k: Int) -> [Double] { [Double](repeating: 0, count: k) }
        var dFfnResidual = zeros(n * c)
        layerNormBackward(dinp: &dFfnResidual, dweight: &g.ffnNormWeight, dbias: &g.ffnNormBias, dout: doutput,
                          inp: a.ffnResidual, weight: w.ffnNormWeight, mean: a.ffnNormMean, rstd: a.ffnNormRstd,
                          rows: n, channels: c)
        var dAttnNorm = dFfnResidual  // the residual path; the FFN path adds below
        var dFfnAct = zeros(n * f), dFfnPre = zeros(n * f)
        linearBackward(dinp: &dFfnAct, dweight: &g.ffnOutWeight, dbias: &g.ffnOutBias, dout: dFfnResidual,
                       inp: a.ffnAct, weight: w.ffnOutWeight, rows: n, inDim: f, outDim: c)
        geluBackward(dinp: &dFfnPre, dout: dFfnAct, inp: a.ffnPre)
        linearBackward(dinp: &dAttnNorm, dweight: &g.ffnInWeight, dbias: &g.ffnInBias, dout: dFfnPre,
                       inp: a.attnNorm, weight: w.ffnInWeight, rows: n, inDim: c, outDim: f)
        var dAttnResidual = zeros(n * c)
        layerNormBackward(dinp: &dAttnResidual, dweight: &g.attnNormWeight, dbias: &g.attnNormBias, dout: dAttnNorm,
                          inp: a.attnResidual, weight: w.attnNormWeight, mean: a.attnNormMean, rstd: a.attnNormRstd,
                          rows: n, channels: c)
        for i in 0..<(n * c) { dinput[i] += dAttnResidual[i] }  // residual path
        var dContext = zeros(n * c), dqkv = zeros(n * 3 * c)
        linearBackward(dinp: &dContext, dweight: &g.attnOutWeight, dbias: &g.attnOutBias, dout: dAttnResidual,
                       inp: a.context, weight: w.attnOutWeight, rows: n, inDim: c, outDim: c)
        attentionBackward(dqkv: &dqkv, dout: dContext, qkv: a.qkv, probs: a.probs, batch: s.batch,
                          seqLen: s.seqLen, channels: c, heads: s.heads)
        linearBackward(dinp: &dinput, dweight: &g.qkvWeight, dbias: &g.qkvBias, dout: dqkv,
                       inp: a.input, weight: w.qkvWeight, rows: n, inDim: c, outDim: 3 * c)
    }
}

extension ReferenceDouble {
    /// The classification head's weights, or their gradients.
    public struct ClassifierHeadParameters: Sendable {
        public var poolerWeight: [Double]      // (C, C)   pooler.dense
        public var poolerBias: [Double]        // (C)
        public var classifierWeight: [Double]  // (K, C)   classifier
        public var classifierBias: [Double]    // (K)

        /// All zeros (a gradient accumulator).
        public init(zerosChannels c: Int, classes k: Int) {
            poolerWeight = [Double](repeating: 0, count: c * c); poolerBias = [Double](repeating: 0, count: c)
            classifierWeight = [Double](repeating: 0, count: k * c); classifierBias = [Double](repeating: 0, count: k)
        }

        /// Seeded random weights: N(0, 1/C) matrices, N(0, 0.1²) biases.
        public init(randomChannels c: Int, classes k: Int, seed: UInt64) {
            var rng = SplitMix64(seed: seed)
            func normal(_ n: Int, std: Double) -> [Double] { (0..<n).map { _ in std * Double(rng.nextNormal()) } }
            poolerWeight = normal(c * c, std: 1 / Double(c).squareRoot()); poolerBias = normal(c, std: 0.1)
            classifierWeight = normal(k * c, std: 1 / Double(c).squareRoot()); classifierBias = normal(k, std: 0.1)
        }

        /// Every tensor with its name.
        public static var tensors: [(name: String, path: WritableKeyPath<Self, [Double]>)] {
            [("poolerWeight", \.poolerWeight), ("poolerBias", \.poolerBias),
             ("classifierWeight", \.classifierWeight), ("classifierBias", \.classifierBias)]
        }
    }

    /// What the head's forward saves, plus the loss.
    public struct ClassifierHeadActivations: Sendable {
        public var features: [Double]  // (B, C)   head input
        public var pooled: [Double]    // (B, C)   tanh output
        public var logits: [Double]    // (B, K)
        public var probs: [Double]     // (B, K)
        public var losses: [Double]    // (B)      per-sequence cross-entropy
        public var loss: Double        //          mean over B
    }

    /// pooled = tanh(features·Wpᵀ + bp), logits = pooled·Wcᵀ + bc, loss = mean cross-entropy.
    /// - Parameters:
    ///   - features: (B, C) — one row per sequence (the caller picks it, e.g. the [CLS] token).
    ///   - targets: (B) — class indices in 0..<K.
    public static func classifierHeadForward(features: [Double], targets: [Int32],
                                             parameters w: ClassifierHeadParameters,
                                             batch B: Int, channels C: Int, classes K: Int)
        -> ClassifierHeadActivations {
        let pre = linearForward(inp: features, weight: w.poolerWeight, bias: w.poolerBias, rows: B, inDim: C, outDim: C)
        let pooled = tanhForward(inp: pre)
        let logits = linearForward(inp: pooled, weight: w.classifierWeight, bias: w.classifierBias,
                                   rows: B, inDim: C, outDim: K)
        let (losses, probs) = crossEntropyForward(logits: logits, targets: targets, rows: B, classes: K)
        return ClassifierHeadActivations(features: features, pooled: pooled, logits: logits, probs: probs,
                                         losses: losses, loss: losses.reduce(0, +) / Double(B))
    }

    /// Backward of `classifierHeadForward` for its mean loss: ADDS into `dfeatures` (B, C)
    /// and `dparameters`.
    public static func classifierHeadBackward(dfeatures: inout [Double], dparameters g: inout ClassifierHeadParameters,
                                              activations a: ClassifierHeadActivations, targets: [Int32],
                                              parameters w: ClassifierHeadParameters,
                                              batch B: Int, channels C: Int, classes K: Int) {
        var dlogits = [Double](repeating: 0, count: B * K)
        crossEntropyBackward(dlogits: &dlogits, probs: a.probs, targets: targets, rows: B, classes: K,
                             scale: 1 / Double(B))
        var dpooled = [Double](repeating: 0, count: B * C), dpre = dpooled
        linearBackward(dinp: &dpooled, dweight: &g.classifierWeight, dbias: &g.classifierBias, dout: dlogits,
                       inp: a.pooled, weight: w.classifierWeight, rows: B, inDim: C, outDim: K)
        tanhBackward(dinp: &dpre, dout: dpooled, out: a.pooled)
        linearBackward(dinp: &dfeatures, dweight: &g.poolerWeight, dbias: &g.poolerBias, dout: dpre,
                       inp: a.features, weight: w.poolerWeight, rows: B, inDim: C, outDim: C)
    }
}
