// BertEncoder: the forward pass of Hugging Face `BertModel` (post-LN BERT) on the
// project's kernels, in two steps so that the recurrent memory can step in between:
//
//   gatherWordEmbeddings   ids → acts.wordEmbeddings                 (B, T, C)
//   [caller may overwrite rows of acts.wordEmbeddings, e.g. memory tokens]
//   forward                + position + token type → LayerNorm → L × layer → (B, T, C)
//
// With a relative `rmt_position` scheme no position embedding is added; each layer's attention
// gets the scheme's terms instead (PositionTerms.swift), from the caller's PositionLayout.
//
// One layer: qkv = x·Wqkvᵀ; ctx = attention(qkv, mask); a = LN(x + ctx·Woᵀ);
//            h = gelu(a·W1ᵀ); y = LN(a + h·W2ᵀ).   Dropout is not applied (eval mode).
//
// bf16 (compute.precision = .bf16 on a CPU with a bf16 kernel): the four weight matrices of
// each layer are converted to bf16 once, when those options are set (`bf16Weights`), and the
// inference forward runs those four products on them; a forward that keeps every layer for a
// backward pass (training) stays fp32, as does everything else.
import RMTKernels

/// A BERT encoder: configuration plus parameters (Hugging Face layout).
public final class BertEncoder: @unchecked Sendable {
    public let config: BertConfig
    /// The flat parameter buffer; its layout may hold more than BERT (e.g. RMT tensors).
    public let parameters: ParameterSet
    /// Typed views into `parameters`.
    public let weights: BertWeights
    /// The kernels, threads and switches every forward and backward call runs with
    /// (`ComputeOptions.default` unless the caller sets them; the CLIs take them from RMT_*).
    /// Setting options whose `linearBF16` names a kernel converts the linear weights to bf16
    /// (once; `bf16Weights`); setting fp32 ones drops the copies.
    public var compute: ComputeOptions = .default {
        didSet { syncBF16Weights() }
    }

    /// The bf16 copies of each layer's linear weights, made when `compute` chose bf16; nil in fp32.
    /// They are a snapshot: after changing `parameters`, call `refreshBF16Weights()`.
    public private(set) var bf16Weights: [BertLayerBF16Weights]?

    /// Converts (again) the linear weights to bf16 when `compute` runs bf16 — after `parameters`
    /// changed under a bf16 encoder.
    public func refreshBF16Weights() {
        bf16Weights = nil
        syncBF16Weights()
    }

    private func syncBF16Weights() {
        if compute.linearBF16 == nil {
            bf16Weights = nil
        } else if bf16Weights == nil {
            let C = config.hiddenSize, F = config.intermediateSize
            bf16Weights = weights.layers.map { w in
                BertLayerBF16Weights(qkv: BF16Matrix(converting: w.qkvWeight, rows: 3 * C, cols: C),
                                     attnOut: BF16Matrix(converting: w.attnOutWeight, rows: C, cols: C),
                                     ffnIn: BF16Matrix(converting: w.ffnInWeight, rows: F, cols: C),
                                     ffnOut: BF16Matrix(converting: w.ffnOutWeight, rows: C, cols: F))
            }
        }
    }
    /// Each layer's position tensors' offsets in the parameter layout (empty without a position
    /// scheme), looked up once here so that no forward or backward looks a name up.
    let positionOffsets: [PositionLayerOffsets]
    /// Each layer's associative-memory tensors (empty without `rmt_associative`).
    let associativeWeights: [AssociativeLayerWeights]

    /// Wraps `parameters`, whose layout must contain the BERT tensors of `config`.
    /// - Throws: `ModelError` when the config is inconsistent or the layout lacks a tensor, has
    ///   one of another shape, or does not keep query, key and value back to back.
    public convenience init(config: BertConfig, parameters: ParameterSet) throws {
        try config.validate()
        try parameters.layout.checkBert(config)
        self.init(checked: config, parameters: parameters)
    }

    init(checked config: BertConfig, parameters: ParameterSet) {
        self.config = config
        self.parameters = parameters
        weights = BertWeights(layout: parameters.layout, base: parameters.storage.pointer,
                              layers: config.numHiddenLayers)
        positionOffsets = PositionLayerOffsets.all(parameters.layout, config: config)
        associativeWeights = config.associative == nil ? [] : (0..<config.numHiddenLayers).map {
            AssociativeLayerWeights(layout: parameters.layout, base: parameters.storage.pointer, layer: $0)
        }
    }

    /// A randomly initialised encoder (seeded).
    public convenience init(config: BertConfig, seed: UInt64, pooler: Bool = false) {
        let params = ParameterSet(layout: .bert(config, pooler: pooler))
        params.initializeBert(seed: seed)
        self.init(checked: config, parameters: params)
    }

    /// Checks shapes and id ranges of a forward call.
    func check(_ acts: BertActivations, ids: [Int32], batch B: Int, seqLen T: Int) throws {
        guard B >= 1, T >= 1, B <= acts.batchCapacity, T <= acts.seqCapacity else {
            throw ModelError("forward", "batch \(B) × length \(T) exceeds the activation capacity \(acts.batchCapacity) × \(acts.seqCapacity)")
        }
        guard T <= config.maxPositionEmbeddings || !config.usesAbsolutePositions else {
            throw ModelError("forward", "sequence length \(T) exceeds max_position_embeddings \(config.maxPositionEmbeddings)")
        }
        guard ids.count == B * T else { throw ModelError("forward", "expected \(B * T) token ids, got \(ids.count)") }
        if let bad = ids.first(where: { $0 < 0 || Int($0) >= config.vocabSize }) {
            throw ModelError("forward", "token id \(bad) is outside the vocabulary (size \(config.vocabSize))")
        }
    }

    /// Step 1: acts.wordEmbeddings[b, t, :] = word_embeddings[ids[b, t], :].
    /// - Parameter ids: (B, T) token ids, row-major.
    public func gatherWordEmbeddings(_ acts: BertActivations, ids: [Int32], batch B: Int, seqLen T: Int) throws {
        try check(acts, ids: ids, batch: B, seqLen: T)
        ids.withUnsafeBufferPointer { p in
            embeddingForward(out: acts.wordEmbeddings.pointer, table: weights.wordEmbeddings,
                             ids: p.baseAddress!, count: B * T, channels: config.hiddenSize)
        }
        for i in 0..<(B * T) { acts.tokenIDs[i] = ids[i] }
        acts.batch = B
        acts.seqLen = T
    }

    /// Step 2: the encoder from the word embeddings already in `acts` to the last hidden state.
    /// - Parameters:
    ///   - attentionMask: (B, T) with 1 for real tokens and 0 for padding; nil = all real.
    ///   - tokenTypeIDs: (B, T); nil = all 0.
    ///   - positionIDs: (B, T); nil = 0..<T for every sequence.
    ///   - outputRows: the caller reads only the first `outputRows` positions of each sequence
    ///     (the RMT reads [CLS] and the memory), so the last layer computes only those rows: keys
    ///     and values for every position, then queries, attention, FFN and LayerNorms for those
    ///     rows. The other rows of the returned state are undefined. Ignored when `acts` keeps
    ///     every layer for a backward pass. nil = all rows.
    ///   - positionLayout: what each position is (RMT segment layout) for a relative position
    ///     scheme; nil = every position is text at its own index. Ignored by absolute models.
    ///   - associative: the associative memory's state, read before each layer and updated in
    ///     place after it; required when the model has `rmt_associative`, refused otherwise.
    /// - Returns: pointer to the (B, T, C) last hidden state inside `acts`.
    @discardableResult
    public func forward(_ acts: BertActivations, attentionMask: [Int32]? = nil, tokenTypeIDs: [Int32]? = nil,
                        positionIDs: [Int32]? = nil, outputRows: Int? = nil,
                        positionLayout: PositionLayout? = nil,
                        associative: AssociativeStep? = nil) throws -> UnsafeMutablePointer<Float> {
        let B = acts.batch, T = acts.seqLen, C = config.hiddenSize
        let NH = config.numAttentionHeads, BT = B * T
        try checkAssociative(associative, batch: B, seqLen: T)
        guard BT > 0 else { throw ModelError("forward", "gatherWordEmbeddings must be called first") }
        if positionIDs != nil && !config.usesAbsolutePositions {
            throw ModelError("forward", "position ids are given, but this model has no absolute positions (rmt_position \(config.position!.scheme.rawValue))")
        }
        func check(_ name: String, _ v: [Int32]?, _ limit: Int) throws {  // three calls, not an array: no allocation
            guard let v else { return }
            guard v.count == BT else { throw ModelError("forward", "expected \(BT) \(name), got \(v.count)") }
            if let bad = v.first(where: { $0 < 0 || Int($0) >= limit }) {
                throw ModelError("forward", "\(name) value \(bad) is out of range 0..<\(limit)")
            }
        }
        try check("attention mask", attentionMask, 2)
        try check("token type ids", tokenTypeIDs, config.typeVocabSize)
        try check("position ids", positionIDs, config.maxPositionEmbeddings)
        try preparePositionTerms(acts, layout: positionLayout, attentionMask: attentionMask, batch: B, seqLen: T)
        for i in 0..<BT {
            acts.tokenTypeIDs[i] = tokenTypeIDs?[i] ?? 0
            acts.positionIDs[i] = config.usesAbsolutePositions ? positionIDs?[i] ?? Int32(i % T) : 0
            acts.additiveMask[i] = (attentionMask?[i] ?? 1) == 1 ? 0 : -Float.greatestFiniteMagnitude
        }

        // Embeddings: word (already gathered) + position + token type, then LayerNorm.
        acts.embeddingSum.pointer.update(from: acts.wordEmbeddings.pointer, count: BT * C)
        if config.usesAbsolutePositions {
            acts.positionIDs.withUnsafeBufferPointer { p in
                embeddingAccumulate(out: acts.embeddingSum.pointer, table: weights.positionEmbeddings,
                                    ids: p.baseAddress!, count: BT, channels: C)
            }
        }
        acts.tokenTypeIDs.withUnsafeBufferPointer { p in
            embeddingAccumulate(out: acts.embeddingSum.pointer, table: weights.tokenTypeEmbeddings,
                                ids: p.baseAddress!, count: BT, channels: C)
        }
        layerNormForward(out: acts.embeddingOut.pointer, mean: acts.embMean.pointer, rstd: acts.embRstd.pointer,
                         inp: acts.embeddingSum.pointer, weight: weights.embLNWeight, bias: weights.embLNBias,
                         rows: BT, channels: C, eps: config.layerNormEps, compute: compute)

        var x = UnsafePointer(acts.embeddingOut.pointer)
        let mask = attentionMask == nil ? nil : UnsafePointer(acts.additiveMask.pointer)
        acts.associativeRows.removeAll(keepingCapacity: true)
        if let associative { acts.associativeRows.append(contentsOf: associative.writeRows) }
        for l in 0..<config.numHiddenLayers {
            let w = weights.layers[l], a = acts.layer(l)
            let last = l == config.numHiddenLayers - 1
            var R = last && !acts.keepsAllLayers ? min(outputRows ?? T, T) : T  // query rows per sequence
            if let associative { R = max(R, associative.rowsEnd) }  // the write reads those rows
            let w16 = acts.keepsAllLayers ? nil : bf16Weights?[l]  // bf16 copies: inference only
            let t16 = acts.isTraining ? compute.linearTrainingBF16 : nil  // mixed-precision training
            if let associative { x = associativeRead(associative, layer: l, input: x, acts: acts) }
            linearForward(out: a.qkv.pointer, inp: x, weight: w.qkvWeight, bias: w.qkvBias,
                          rows: BT, inDim: C, outDim: 3 * C, weightBF16: w16?.qkv, training: t16, compute: compute)
            withPositionTerms(acts, layer: l) { terms in
                attentionForward(out: a.context.pointer, probs: a.probs.pointer, qkv: a.qkv.pointer, additiveMask: mask,
                                 batch: B, seqLen: T, channels: C, heads: NH, queryRows: R, position: terms, compute: compute)
            }
            if R == T {
                layerTail(w, w16, t16, a, input: x, firstRow: 0, rows: BT)
            } else {
                for b in 0..<B { layerTail(w, w16, t16, a, input: x, firstRow: b * T, rows: R) }
            }
            x = UnsafePointer(a.out.pointer)
            if let associative { associativeWrite(associative, layer: l, acts: acts) }
        }
        return acts.lastHiddenState
    }

    /// A layer after attention, on `rows` consecutive rows from `firstRow` (of B·T):
    /// a = LN(x + ctx·Woᵀ); y = LN(a + gelu(a·W1ᵀ)·W2ᵀ) — fused (three GEMMs, each followed by one
    /// epilogue pass) or, with `compute.fused` off, as separate kernels (the fused path's twin).
    /// `w16`: the layer's bf16 weights, or nil for fp32 products; `t16`: the bf16 kernel of
    /// mixed-precision training (fp32 weights rounded per product), or nil.
    private func layerTail(_ w: BertLayerWeights, _ w16: BertLayerBF16Weights?, _ t16: BF16Kernel?, _ a: BertLayerActivations,
                           input x: UnsafePointer<Float>, firstRow: Int, rows: Int) {
        let C = config.hiddenSize, F = config.intermediateSize, eps = config.layerNormEps
        let o = firstRow * C, of = firstRow * F, n = rows * C  // element offsets into (·, C) and (·, F) buffers
        if compute.fused {
            // Projections without bias; each epilogue adds it in its one pass (FusedEpilogues.swift).
            linearForward(out: a.attnResidual.pointer + o, inp: a.context.pointer + o, weight: w.attnOutWeight,
                          bias: nil, rows: rows, inDim: C, outDim: C, weightBF16: w16?.attnOut, training: t16, compute: compute)
            residualLayerNormForward(out: a.attnOut.pointer + o, mean: a.ln1Mean.pointer + firstRow,
                                     rstd: a.ln1Rstd.pointer + firstRow, res: a.attnResidual.pointer + o,
                                     bias: w.attnOutBias, skip: x + o, weight: w.ln1Weight, lnBias: w.ln1Bias,
                                     rows: rows, channels: C, eps: eps, compute: compute)
            linearForward(out: a.ffnPre.pointer + of, inp: a.attnOut.pointer + o, weight: w.ffnInWeight, bias: nil,
                          rows: rows, inDim: C, outDim: F, weightBF16: w16?.ffnIn, training: t16, compute: compute)
            biasGELUForward(act: a.ffnAct.pointer + of, pre: a.ffnPre.pointer + of, bias: w.ffnInBias,
                            rows: rows, cols: F, compute: compute)
            linearForward(out: a.ffnResidual.pointer + o, inp: a.ffnAct.pointer + of, weight: w.ffnOutWeight,
                          bias: nil, rows: rows, inDim: F, outDim: C, weightBF16: w16?.ffnOut, training: t16, compute: compute)
            residualLayerNormForward(out: a.out.pointer + o, mean: a.ln2Mean.pointer + firstRow,
                                     rstd: a.ln2Rstd.pointer + firstRow, res: a.ffnResidual.pointer + o,
                                     bias: w.ffnOutBias, skip: a.attnOut.pointer + o, weight: w.ln2Weight,
                                     lnBias: w.ln2Bias, rows: rows, channels: C, eps: eps, compute: compute)
            return
        }
        linearForward(out: a.attnResidual.pointer + o, inp: a.context.pointer + o, weight: w.attnOutWeight,
                      bias: w.attnOutBias, rows: rows, inDim: C, outDim: C, weightBF16: w16?.attnOut, training: t16, compute: compute)
        addForward(out: a.attnResidual.pointer + o, a: a.attnResidual.pointer + o, b: x + o, count: n)
        layerNormForward(out: a.attnOut.pointer + o, mean: a.ln1Mean.pointer + firstRow, rstd: a.ln1Rstd.pointer + firstRow,
                         inp: a.attnResidual.pointer + o, weight: w.ln1Weight, bias: w.ln1Bias,
                         rows: rows, channels: C, eps: eps, compute: compute)
        linearForward(out: a.ffnPre.pointer + of, inp: a.attnOut.pointer + o, weight: w.ffnInWeight, bias: w.ffnInBias,
                      rows: rows, inDim: C, outDim: F, weightBF16: w16?.ffnIn, training: t16, compute: compute)
        geluForward(out: a.ffnAct.pointer + of, inp: a.ffnPre.pointer + of, count: rows * F, compute: compute)
        linearForward(out: a.ffnResidual.pointer + o, inp: a.ffnAct.pointer + of, weight: w.ffnOutWeight,
                      bias: w.ffnOutBias, rows: rows, inDim: F, outDim: C, weightBF16: w16?.ffnOut, training: t16, compute: compute)
        addForward(out: a.ffnResidual.pointer + o, a: a.ffnResidual.pointer + o, b: a.attnOut.pointer + o, count: n)
        layerNormForward(out: a.out.pointer + o, mean: a.ln2Mean.pointer + firstRow, rstd: a.ln2Rstd.pointer + firstRow,
                         inp: a.ffnResidual.pointer + o, weight: w.ln2Weight, bias: w.ln2Bias,
                         rows: rows, channels: C, eps: eps, compute: compute)
    }

    /// Convenience: ids → last hidden state (B, T, C) as an array, with fresh activations.
    public func encode(ids: [Int32], batch B: Int = 1, attentionMask: [Int32]? = nil,
                       tokenTypeIDs: [Int32]? = nil) throws -> [Float] {
        let T = ids.count / max(B, 1)
        let acts = BertActivations(config: config, batchCapacity: B, seqCapacity: T, keepAllLayers: false)
        try gatherWordEmbeddings(acts, ids: ids, batch: B, seqLen: T)
        let out = try forward(acts, attentionMask: attentionMask, tokenTypeIDs: tokenTypeIDs)
        return Array(UnsafeBufferPointer(start: out, count: B * T * config.hiddenSize))
    }
}
