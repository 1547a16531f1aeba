// BertBackward: the backward pass of BertEncoder.forward — the forward list reversed,
// one kernel backward per forward kernel (llm.c style). Gradients ADD into `grads`
// (same layout as the parameters), so several segments or sequences accumulate.
//
// The gradient with respect to the word-embedding rows is returned, not scattered: the
// recurrence takes the memory rows from it and scatters only the real token rows into
// the embedding table (`scatterWordEmbeddingGradients`).
import RMTKernels

/// Scratch buffers for one backward pass, allocated once for a capacity (B, T).
public final class BertGradientScratch: @unchecked Sendable {
    /// (B, T, C) gradient flowing down the residual stream.
    public let dResidual: FloatBuffer
    /// (B, T, C) gradients of the two LayerNorm inputs and of the attention context.
    public let dLNInput, dAttnOut, dContext: FloatBuffer
    /// (B, T, F) gradients of the GELU output and input.
    public let dFFNAct, dFFNPre: FloatBuffer
    /// (B, T, 3C) gradient of the packed q, k, v.
    public let dQKV: FloatBuffer
    /// (T, T) gradient of the attention probabilities of one (sequence, head): attentionBackward's
    /// scratch, overwritten for each (b, h).
    public let dProbs: FloatBuffer
    /// The position kernels' backward scratch and the position gradients' buffers (grown on the
    /// first backward of a relative-position model, then reused).
    public let positionWorkspace = PositionWorkspace()
    /// The associative memory's backward scratch (nil without `rmt_associative`).
    public let associative: AssociativeGradientScratch?

    public init(config: BertConfig, batchCapacity B: Int, seqCapacity T: Int) {
        let bt = B * T, C = config.hiddenSize, F = config.intermediateSize
        dResidual = FloatBuffer(count: bt * C)
        dLNInput = FloatBuffer(count: bt * C)
        dAttnOut = FloatBuffer(count: bt * C)
        dContext = FloatBuffer(count: bt * C)
        dFFNAct = FloatBuffer(count: bt * F)
        dFFNPre = FloatBuffer(count: bt * F)
        dQKV = FloatBuffer(count: bt * 3 * C)
        dProbs = FloatBuffer(count: T * T)
        associative = config.associative.map {
            AssociativeGradientScratch(batchCapacity: B, seqCapacity: T, channels: C, settings: $0)
        }
    }
}

extension BertEncoder {
    /// Back-propagates `dHidden` (B, T, C) — the gradient of the loss with respect to the
    /// last hidden state of the forward call recorded in `acts` — into `grads` and
    /// `dWordEmbeddings` (B, T, C, overwritten).
    /// - Parameter associative: for a forward call with an associative memory, the state it
    ///   started from and the state's gradient (in: after the call; out: before it).
    /// - Precondition: `acts` keeps all layers and holds that forward call; `associative` is given
    ///   exactly when that call had an associative memory.
    public func backward(_ acts: BertActivations, dHidden: UnsafePointer<Float>, grads: ParameterSet,
                         scratch s: BertGradientScratch, dWordEmbeddings: UnsafeMutablePointer<Float>,
                         associative: AssociativeGradientStep? = nil) {
        precondition(acts.keepsAllLayers, "backward needs activations that keep every layer")
        precondition(acts.associativeRows.isEmpty == (associative == nil),
                     "the associative memory's backward needs its state exactly when the forward had one")
        let B = acts.batch, T = acts.seqLen, C = config.hiddenSize, F = config.intermediateSize
        let NH = config.numAttentionHeads, BT = B * T, L = config.numHiddenLayers
        let w = weights
        // The gradient tensors: the weights' pointers moved into `grads` when it has the model's
        // layout (a training step's gradient set: no name lookups, nothing allocated per
        // segment), else looked up by name.
        let named = grads.layout == parameters.layout ? nil : BertWeights(layout: grads.layout, base: grads.storage.pointer, layers: L)
        let from = parameters.storage.pointer, to = grads.storage.pointer
        func gradient(_ weight: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> { to + (weight - from) }
        let dx = s.dResidual.pointer
        dx.update(from: dHidden, count: BT * C)

        let t16 = compute.linearTrainingBF16  // mixed-precision training: the linear products in bf16
        for l in stride(from: L - 1, through: 0, by: -1) {
            let a = acts.layer(l), lw = w.layers[l], lg = named?.layers[l] ?? lw.moved(from: from, to: to)
            let layerInput = l == 0 ? acts.embeddingOut.pointer : acts.layer(l - 1).out.pointer
            // What the layer read: its input, or that input plus the associative read.
            let x = associative == nil ? layerInput : a.associative!.input.pointer
            func layerBackward() {
                // y = LN2(ffnResidual); ffnResidual = attnOut + ffnOut
                s.dLNInput.zero()
                layerNormBackward(dinp: s.dLNInput.pointer, dweight: lg.ln2Weight, dbias: lg.ln2Bias, dout: dx,
                                  inp: a.ffnResidual.pointer, weight: lw.ln2Weight, mean: a.ln2Mean.pointer,
                                  rstd: a.ln2Rstd.pointer, rows: BT, channels: C, compute: compute)
                s.dAttnOut.pointer.update(from: s.dLNInput.pointer, count: BT * C)  // residual branch
                s.dFFNAct.zero()
                linearBackward(dinp: s.dFFNAct.pointer, dweight: lg.ffnOutWeight, dbias: lg.ffnOutBias,
                               dout: s.dLNInput.pointer, inp: a.ffnAct.pointer, weight: lw.ffnOutWeight,
                               rows: BT, inDim: F, outDim: C, bf16: t16, compute: compute)
                s.dFFNPre.zero()
                geluBackward(dinp: s.dFFNPre.pointer, dout: s.dFFNAct.pointer, inp: a.ffnPre.pointer, count: BT * F, compute: compute)
                linearBackward(dinp: s.dAttnOut.pointer, dweight: lg.ffnInWeight, dbias: lg.ffnInBias,
                               dout: s.dFFNPre.pointer, inp: a.attnOut.pointer, weight: lw.ffnInWeight,
                               rows: BT, inDim: C, outDim: F, bf16: t16, compute: compute)
                // attnOut = LN1(attnResidual); attnResidual = x + context·Woᵀ
                s.dLNInput.zero()
                layerNormBackward(dinp: s.dLNInput.pointer, dweight: lg.ln1Weight, dbias: lg.ln1Bias,
                                  dout: s.dAttnOut.pointer, inp: a.attnResidual.pointer, weight: lw.ln1Weight,
                                  mean: a.ln1Mean.pointer, rstd: a.ln1Rstd.pointer, rows: BT, channels: C, compute: compute)
                dx.update(from: s.dLNInput.pointer, count: BT * C)  // residual branch into x
                s.dContext.zero()
                linearBackward(dinp: s.dContext.pointer, dweight: lg.attnOutWeight, dbias: lg.attnOutBias,
                               dout: s.dLNInput.pointer, inp: a.context.pointer, weight: lw.attnOutWeight,
                               rows: BT, inDim: C, outDim: C, bf16: t16, compute: compute)
                s.dQKV.zero()
                withPositionGradients(acts, layer: l, grads: grads, workspace: s.positionWorkspace) { terms, termGrads in
                    attentionBackward(dqkv: s.dQKV.pointer, dprobs: s.dProbs.pointer, dout: s.dContext.pointer,
                                      qkv: a.qkv.pointer, probs: a.probs.pointer,
                                      batch: B, seqLen: T, channels: C, heads: NH,
                                      position: terms, positionGradients: termGrads, compute: compute)
                }
                linearBackward(dinp: dx, dweight: lg.qkvWeight, dbias: lg.qkvBias, dout: s.dQKV.pointer,
                               inp: x, weight: lw.qkvWeight, rows: BT, inDim: C, outDim: 3 * C, bf16: t16, compute: compute)
            }
            if let associative {
                let gw = named == nil ? associativeWeights[l].moved(from: from, to: to)
                    : AssociativeLayerWeights(layout: grads.layout, base: to, layer: l)
                associativeLayerBackward(associative, layer: l, acts: acts, gradientWeights: gw, scratch: s.associative!,
                                         dOut: dx, layerBackward: layerBackward, dInput: dx, input: layerInput)
            } else {
                layerBackward()
            }
        }
        // embeddingOut = LN(word + position + type)
        s.dLNInput.zero()
        layerNormBackward(dinp: s.dLNInput.pointer, dweight: named?.embLNWeight ?? gradient(w.embLNWeight),
                          dbias: named?.embLNBias ?? gradient(w.embLNBias), dout: dx,
                          inp: acts.embeddingSum.pointer, weight: w.embLNWeight, mean: acts.embMean.pointer,
                          rstd: acts.embRstd.pointer, rows: BT, channels: C, compute: compute)
        if config.usesAbsolutePositions {
            acts.positionIDs.withUnsafeBufferPointer { p in
                embeddingBackward(dtable: named?.positionEmbeddings ?? gradient(w.positionEmbeddings),
                                  dout: s.dLNInput.pointer, ids: p.baseAddress!,
                                  count: BT, channels: C)
            }
        }
        acts.tokenTypeIDs.withUnsafeBufferPointer { p in
            embeddingBackward(dtable: named?.tokenTypeEmbeddings ?? gradient(w.tokenTypeEmbeddings),
                              dout: s.dLNInput.pointer, ids: p.baseAddress!,
                              count: BT, channels: C)
        }
        dWordEmbeddings.update(from: s.dLNInput.pointer, count: BT * C)
    }

    /// Adds the word-embedding-row gradients (B, T, C) of the last forward call into the
    /// word-embedding table gradient, skipping positions where `skip(b, t)` is true
    /// (the memory rows, whose input was not a table lookup).
    public func scatterWordEmbeddingGradients(_ acts: BertActivations, dWordEmbeddings: UnsafePointer<Float>,
                                              grads: ParameterSet, skip: (Int, Int) -> Bool) {
        let T = acts.seqLen, C = config.hiddenSize
        let table = grads.pointer("embeddings.word_embeddings.weight")
        for b in 0..<acts.batch {
            for t in 0..<T where !skip(b, t) {
                let row = table + Int(acts.tokenIDs[b * T + t]) * C
                addForward(out: row, a: row, b: dWordEmbeddings + (b * T + t) * C, count: C)
            }
        }
    }
}
