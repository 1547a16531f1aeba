// BertWeights: the BERT parameter layout (Hugging Face names) and typed pointer views
// into any buffer with that layout — parameters or gradients alike.
//
// Per layer, query/key/value weights are laid out back to back, so W_q;W_k;W_v is one
// contiguous (3C, C) matrix and one sgemm computes Q, K and V; the same for the biases.
import RMTBase
import RMTKernels

extension ParameterLayout {
    /// Appends the tensors of a Hugging Face `BertModel` for `config` (optionally the pooler).
    public mutating func appendBert(_ config: BertConfig, pooler: Bool) {
        let C = config.hiddenSize, F = config.intermediateSize
        append("embeddings.word_embeddings.weight", [config.vocabSize, C])
        append("embeddings.position_embeddings.weight", [config.maxPositionEmbeddings, C])
        append("embeddings.token_type_embeddings.weight", [config.typeVocabSize, C])
        append("embeddings.LayerNorm.weight", [C])
        append("embeddings.LayerNorm.bias", [C])
        for l in 0..<config.numHiddenLayers {
            let p = "encoder.layer.\(l)."
            for m in ["query", "key", "value"] { append(p + "attention.self.\(m).weight", [C, C]) }
            for m in ["query", "key", "value"] { append(p + "attention.self.\(m).bias", [C]) }
            append(p + "attention.output.dense.weight", [C, C])
            append(p + "attention.output.dense.bias", [C])
            append(p + "attention.output.LayerNorm.weight", [C])
            append(p + "attention.output.LayerNorm.bias", [C])
            append(p + "intermediate.dense.weight", [F, C])
            append(p + "intermediate.dense.bias", [F])
            append(p + "output.dense.weight", [C, F])
            append(p + "output.dense.bias", [C])
            append(p + "output.LayerNorm.weight", [C])
            append(p + "output.LayerNorm.bias", [C])
        }
        appendPositionTensors(config.position, layers: config.numHiddenLayers, heads: config.numAttentionHeads,
                              headDim: config.hiddenSize / config.numAttentionHeads)
        appendAssociativeTensors(config.associative, layers: config.numHiddenLayers, channels: config.hiddenSize)
        if pooler {
            append("pooler.dense.weight", [C, C])
            append("pooler.dense.bias", [C])
        }
    }

    /// Checks that this layout holds the BERT tensors of `config` with their shapes (and the
    /// pooler's, if it has one), query, key and value back to back as `BertWeights` reads them.
    public func checkBert(_ config: BertConfig) throws {
        let hasPooler = entry("pooler.dense.weight") != nil
        for e in ParameterLayout.bert(config, pooler: hasPooler).entries {
            guard let mine = entry(e.name) else { throw ModelError("parameters", "layout has no tensor \"\(e.name)\"") }
            guard mine.shape == e.shape else {
                throw ModelError("parameters", "tensor \"\(e.name)\" has shape \(mine.shape), expected \(e.shape) for this config")
            }
        }
        let C = config.hiddenSize
        for l in 0..<config.numHiddenLayers {
            for (kind, size) in [("weight", C * C), ("bias", C)] {
                let q = offset("encoder.layer.\(l).attention.self.query.\(kind)")
                guard offset("encoder.layer.\(l).attention.self.key.\(kind)") == q + size,
                      offset("encoder.layer.\(l).attention.self.value.\(kind)") == q + 2 * size else {
                    throw ModelError("parameters", "layer \(l): query, key and value \(kind)s are not back to back")
                }
            }
        }
    }

    /// The layout of a Hugging Face `BertModel`.
    public static func bert(_ config: BertConfig, pooler: Bool = false) -> ParameterLayout {
        var layout = ParameterLayout()
        layout.appendBert(config, pooler: pooler)
        return layout
    }
}

/// Pointers to one encoder layer's tensors.
/// One layer's linear weights converted to bf16 once (BertEncoder.bf16Weights), same layouts
/// as their fp32 originals in BertLayerWeights.
public struct BertLayerBF16Weights: @unchecked Sendable {
    /// (3C, C), (C, C), (F, C), (C, F)
    public let qkv, attnOut, ffnIn, ffnOut: BF16Matrix
}

public struct BertLayerWeights {
    /// (3C, C): query, key, value weights stacked.
    public let qkvWeight: UnsafeMutablePointer<Float>
    /// (3C)
    public let qkvBias: UnsafeMutablePointer<Float>
    /// (C, C), (C)
    public let attnOutWeight, attnOutBias: UnsafeMutablePointer<Float>
    /// (C), (C)
    public let ln1Weight, ln1Bias: UnsafeMutablePointer<Float>
    /// (F, C), (F)
    public let ffnInWeight, ffnInBias: UnsafeMutablePointer<Float>
    /// (C, F), (C)
    public let ffnOutWeight, ffnOutBias: UnsafeMutablePointer<Float>
    /// (C), (C)
    public let ln2Weight, ln2Bias: UnsafeMutablePointer<Float>
}

extension BertLayerWeights {
    /// The same tensors in another buffer laid out alike (a gradient set with the model's
    /// layout): each pointer moved from `base` to `other` — no name lookups, nothing allocated.
    func moved(from base: UnsafeMutablePointer<Float>, to other: UnsafeMutablePointer<Float>) -> BertLayerWeights {
        func m(_ p: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> { other + (p - base) }
        return BertLayerWeights(
            qkvWeight: m(qkvWeight), qkvBias: m(qkvBias), attnOutWeight: m(attnOutWeight), attnOutBias: m(attnOutBias),
            ln1Weight: m(ln1Weight), ln1Bias: m(ln1Bias), ffnInWeight: m(ffnInWeight), ffnInBias: m(ffnInBias),
            ffnOutWeight: m(ffnOutWeight), ffnOutBias: m(ffnOutBias), ln2Weight: m(ln2Weight), ln2Bias: m(ln2Bias))
    }
}

/// Typed pointers to every BERT tensor inside a flat buffer laid out by `ParameterLayout.bert`.
public struct BertWeights {
    /// (V, C)
    public let wordEmbeddings: UnsafeMutablePointer<Float>
    /// (P, C)
    public let positionEmbeddings: UnsafeMutablePointer<Float>
    /// (TV, C)
    public let tokenTypeEmbeddings: UnsafeMutablePointer<Float>
    /// (C), (C)
    public let embLNWeight, embLNBias: UnsafeMutablePointer<Float>
    public let layers: [BertLayerWeights]
    /// (C, C) and (C), when the layout has a pooler.
    public let poolerWeight, poolerBias: UnsafeMutablePointer<Float>?

    /// Views `base` (a buffer with `layout`) as BERT weights.
    public init(layout: ParameterLayout, base: UnsafeMutablePointer<Float>, layers L: Int) {
        func p(_ n: String) -> UnsafeMutablePointer<Float> { base + layout.offset(n) }
        wordEmbeddings = p("embeddings.word_embeddings.weight")
        positionEmbeddings = p("embeddings.position_embeddings.weight")
        tokenTypeEmbeddings = p("embeddings.token_type_embeddings.weight")
        embLNWeight = p("embeddings.LayerNorm.weight")
        embLNBias = p("embeddings.LayerNorm.bias")
        layers = (0..<L).map { l in
            let x = "encoder.layer.\(l)."
            return BertLayerWeights(
                qkvWeight: p(x + "attention.self.query.weight"), qkvBias: p(x + "attention.self.query.bias"),
                attnOutWeight: p(x + "attention.output.dense.weight"), attnOutBias: p(x + "attention.output.dense.bias"),
                ln1Weight: p(x + "attention.output.LayerNorm.weight"), ln1Bias: p(x + "attention.output.LayerNorm.bias"),
                ffnInWeight: p(x + "intermediate.dense.weight"), ffnInBias: p(x + "intermediate.dense.bias"),
                ffnOutWeight: p(x + "output.dense.weight"), ffnOutBias: p(x + "output.dense.bias"),
                ln2Weight: p(x + "output.LayerNorm.weight"), ln2Bias: p(x + "output.LayerNorm.bias"))
        }
        poolerWeight = layout.entry("pooler.dense.weight").map { base + $0.offset }
        poolerBias = layout.entry("pooler.dense.bias").map { base + $0.offset }
    }
}

extension ParameterSet {
    /// Hugging Face BERT initialisation: weights and embeddings N(0, std), biases 0,
    /// LayerNorm weight 1; position-scheme tensors as `positionInitialValues` says; the associative
    /// memory's value projection 0 (so its reads are 0 until it trains);
    /// seeded, so one seed always gives the same model.
    public func initializeBert(std: Float = 0.02, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for e in layout.entries {
            let p = storage.pointer + e.offset
            let weight = e.name.hasSuffix("_b1") ? "_w1" : "_w2"
            let fanIn = layout.entry(String(e.name.dropLast(3)) + weight).map { $0.shape.last! }
            if let values = positionInitialValues(name: e.name, shape: e.shape, biasFanIn: fanIn, rng: &rng) {
                p.update(from: values, count: e.count)
            } else if e.name.hasSuffix(AssociativeSettings.tensorInfix + "value.weight") {
                p.update(repeating: 0, count: e.count)  // zero: the memory stores nothing until it trains
            } else if e.name.hasSuffix("LayerNorm.weight") {
                p.update(repeating: 1, count: e.count)
            } else if e.shape.count == 1 {
                p.update(repeating: 0, count: e.count)
            } else {
                for i in 0..<e.count { p[i] = rng.nextNormal() * std }
            }
        }
    }
}
