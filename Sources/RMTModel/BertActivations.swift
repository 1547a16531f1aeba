// BertActivations: every buffer the BERT forward pass writes, allocated once for a
// capacity of (batch, seqLen) and reused for any smaller shape — so streaming millions
// of tokens allocates nothing per segment.
//
// With `keepAllLayers` (training) each layer keeps its own buffers for the backward
// pass; without it (inference) two layer slots are reused ping-pong style.
// Size letters: B batch, T time (sequence), C hidden, F FFN, NH heads, L layers.
import RMTKernels

/// Buffers written by one encoder layer.
public final class BertLayerActivations: @unchecked Sendable {
    /// (B, T, 3C) packed [q | k | v] per position.
    public let qkv: FloatBuffer
    /// (B, NH, T, T) attention probabilities.
    public let probs: FloatBuffer
    /// (B, T, C) attention context (heads concatenated), before the output projection.
    public let context: FloatBuffer
    /// (B, T, C) input + attention projection: the input of the first LayerNorm.
    public let attnResidual: FloatBuffer
    /// (B, T, C) first LayerNorm output ("attention.output" in Hugging Face).
    public let attnOut: FloatBuffer
    /// (B, T) first LayerNorm mean and 1/std.
    public let ln1Mean, ln1Rstd: FloatBuffer
    /// (B, T, F) intermediate dense output, before GELU.
    public let ffnPre: FloatBuffer
    /// (B, T, F) after GELU ("intermediate" in Hugging Face).
    public let ffnAct: FloatBuffer
    /// (B, T, C) attnOut + FFN output: the input of the second LayerNorm.
    public let ffnResidual: FloatBuffer
    /// (B, T, C) layer output.
    public let out: FloatBuffer
    /// (B, T) second LayerNorm mean and 1/std.
    public let ln2Mean, ln2Rstd: FloatBuffer
    /// The associative memory's read and write (nil without `rmt_associative`).
    public let associative: AssociativeLayerActivations?

    init(bt: Int, seqLen T: Int, batch B: Int, config: BertConfig) {
        let C = config.hiddenSize, F = config.intermediateSize
        qkv = FloatBuffer(count: bt * 3 * C)
        probs = FloatBuffer(count: B * config.numAttentionHeads * T * T)
        context = FloatBuffer(count: bt * C)
        attnResidual = FloatBuffer(count: bt * C)
        attnOut = FloatBuffer(count: bt * C)
        ln1Mean = FloatBuffer(count: bt)
        ln1Rstd = FloatBuffer(count: bt)
        ffnPre = FloatBuffer(count: bt * F)
        ffnAct = FloatBuffer(count: bt * F)
        ffnResidual = FloatBuffer(count: bt * C)
        out = FloatBuffer(count: bt * C)
        ln2Mean = FloatBuffer(count: bt)
        ln2Rstd = FloatBuffer(count: bt)
        associative = config.associative.map { AssociativeLayerActivations(bt: bt, seqLen: T, channels: C, settings: $0) }
    }
}

/// Buffers of one layer's associative read (every row) and write (the memory rows of each
/// sequence, at that sequence's first rows: row b·T + j for its j-th memory row).
public final class AssociativeLayerActivations: @unchecked Sendable {
    /// (B, T, D) queries q = x·W_qᵀ and (B, T, K) their features φ(q).
    public let query, phiQ: FloatBuffer
    /// (B, T, C) what the read returns, and (B, T) its denominators φq·z + ε.
    public let read, readDen: FloatBuffer
    /// (B, T, C) the layer's input after the read: x' = x + read.
    public let input: FloatBuffer
    /// (B, T, D) keys, (B, T, K) their features, (B, T, C) values, (B, T) write strengths β,
    /// write denominators and novelty γ, (B, T, C) what A returned for each key before the write.
    public let key, phiK, value, beta, writeDen, gamma, prev: FloatBuffer
    /// T·(K + C) floats: associativeWriteForward's scratch for one sequence at a time (M ≤ T rows).
    public let writeScratch: FloatBuffer

    init(bt: Int, seqLen T: Int, channels C: Int, settings s: AssociativeSettings) {
        let D = s.keySize, K = s.features
        query = FloatBuffer(count: bt * D); phiQ = FloatBuffer(count: bt * K)
        read = FloatBuffer(count: bt * C); readDen = FloatBuffer(count: bt); input = FloatBuffer(count: bt * C)
        key = FloatBuffer(count: bt * D); phiK = FloatBuffer(count: bt * K); value = FloatBuffer(count: bt * C)
        beta = FloatBuffer(count: bt); writeDen = FloatBuffer(count: bt); gamma = FloatBuffer(count: bt)
        prev = FloatBuffer(count: bt * C)
        writeScratch = FloatBuffer(count: T * (K + C))
    }

    /// Floats per row (of B·T) that `init` allocates, besides the write's scratch (T·(K + C)).
    static func floatsPerRow(channels C: Int, settings s: AssociativeSettings) -> Int {
        let D = s.keySize, K = s.features
        return 2 * D + 2 * K + 4 * C + 4
    }
}

/// All forward-pass buffers for up to `batchCapacity` sequences of up to `seqCapacity` tokens.
public final class BertActivations: @unchecked Sendable {
    public let config: BertConfig
    public let batchCapacity: Int
    public let seqCapacity: Int
    public let keepsAllLayers: Bool
    /// Whether forwards into these buffers are training forwards: those that keep every layer
    /// for the backward pass, and the pass-through forward of memory-efficient or truncated BPTT
    /// (which BPTTEngine marks), whose memory the backward's recomputation must reproduce. With
    /// `compute.trainsInBF16` their linear layers run in bf16 (mixed precision); an inference
    /// forward never does. Default: `keepsAllLayers`.
    public var isTraining: Bool

    /// (B, T, C) word embeddings of the input (gathered from the table, or written by the
    /// caller — the recurrent memory replaces rows here).
    public let wordEmbeddings: FloatBuffer
    /// (B, T, C) word + position + token-type embeddings, before LayerNorm.
    public let embeddingSum: FloatBuffer
    /// (B, T, C) embedding LayerNorm output: the input of layer 0.
    public let embeddingOut: FloatBuffer
    /// (B, T) embedding LayerNorm mean and 1/std.
    public let embMean, embRstd: FloatBuffer
    /// (B, T) additive attention mask: 0 for a real token, −3.4e38 for padding.
    public let additiveMask: FloatBuffer
    /// (B, T) token ids, token-type ids and position ids of the last forward call.
    public var tokenIDs: [Int32], tokenTypeIDs: [Int32], positionIDs: [Int32]
    /// The position terms of the last forward call (nil when the model has none).
    public internal(set) var positionState: PositionForwardState?
    /// The rows that wrote into the associative memory in the last forward call, as
    /// `AssociativeStep.writeRows` (one range for every sequence, or one each; empty: no memory).
    /// Filled in place: no allocation once it has grown.
    public internal(set) var associativeRows: [Range<Int>] = []
    /// Per-layer buffers: L of them when keeping all layers, else 2 reused slots.
    public let layerSlots: [BertLayerActivations]

    /// Shape of the last forward call.
    public internal(set) var batch = 0, seqLen = 0

    public init(config: BertConfig, batchCapacity: Int, seqCapacity: Int, keepAllLayers: Bool) {
        self.config = config
        self.batchCapacity = batchCapacity
        self.seqCapacity = seqCapacity
        self.keepsAllLayers = keepAllLayers
        isTraining = keepAllLayers
        let bt = batchCapacity * seqCapacity, C = config.hiddenSize
        wordEmbeddings = FloatBuffer(count: bt * C)
        embeddingSum = FloatBuffer(count: bt * C)
        embeddingOut = FloatBuffer(count: bt * C)
        embMean = FloatBuffer(count: bt)
        embRstd = FloatBuffer(count: bt)
        additiveMask = FloatBuffer(count: bt)
        tokenIDs = Array(repeating: 0, count: bt)
        tokenTypeIDs = Array(repeating: 0, count: bt)
        positionIDs = Array(repeating: 0, count: bt)
        let slots = keepAllLayers ? config.numHiddenLayers : min(2, config.numHiddenLayers)
        layerSlots = (0..<slots).map { _ in
            BertLayerActivations(bt: bt, seqLen: seqCapacity, batch: batchCapacity, config: config)
        }
    }

    /// How many floats `init` with these arguments allocates (to check before allocating).
    public static func floatCount(config: BertConfig, batchCapacity: Int, seqCapacity: Int, keepAllLayers: Bool) -> Int {
        let bt = batchCapacity.multipliedReportingOverflow(by: seqCapacity)
        let C = config.hiddenSize, F = config.intermediateSize, NH = config.numAttentionHeads
        let slots = keepAllLayers ? config.numHiddenLayers : min(2, config.numHiddenLayers)
        // saturating arithmetic: a huge request reads as Int.max, never wraps
        func mul(_ values: Int...) -> Int {
            values.reduce(1) { a, b in let r = a.multipliedReportingOverflow(by: b); return r.overflow ? .max : r.partialValue }
        }
        func add(_ values: Int...) -> Int {
            values.reduce(0) { a, b in let r = a.addingReportingOverflow(b); return r.overflow ? .max : r.partialValue }
        }
        guard !bt.overflow else { return .max }
        let n = bt.partialValue
        let associative = config.associative.map {
            add(mul(n, AssociativeLayerActivations.floatsPerRow(channels: C, settings: $0)), mul(seqCapacity, $0.features + C))
        } ?? 0
        let perLayer = add(mul(n, 3 * C), mul(batchCapacity, NH, seqCapacity, seqCapacity), mul(n, 5 * C), mul(n, 2 * F), 4 * n,
                           associative)
        return add(mul(n, 3 * C), 6 * n, mul(slots, perLayer))
    }

    /// The buffers layer `l` writes.
    public func layer(_ l: Int) -> BertLayerActivations { layerSlots[l % layerSlots.count] }

    /// (B, T, C) output of the last layer after the last forward call.
    public var lastHiddenState: UnsafeMutablePointer<Float> {
        layer(config.numHiddenLayers - 1).out.pointer
    }
}
