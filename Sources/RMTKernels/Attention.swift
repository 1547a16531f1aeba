// Attention: multi-head scaled dot-product self-attention over a packed QKV buffer.
//
// Per (sequence b, head h): S = Q·Kᵀ/√d (sgemm), P = softmax(S + mask) (AVX-512/AVX2/SIMD8), O = P·V (sgemm),
// with Q, K, V read in place from qkv through leading dimensions — no transposes or copies.
// Fused (ComputeOptions.fused, own GEMM backend, no position terms, whole heads per core):
// CRMTVector's rmt_attention_head packs K and V once per head and runs the three steps over
// blocks of query rows whose scores stay in L2; the unfused sequence is its twin.
// The probabilities are kept for the backward pass and for inspection.
// Optional position terms (AttentionPosition.swift) scale the logits per (sequence, head) and add
// per-head biases before the softmax; CoPE adds its gated-count terms per head, DAPE runs its MLP
// over all heads of a sequence before any softmax. Without terms the kernel is exactly the original one.
// Their scratch comes from the terms' PositionWorkspace, so a call with one allocates nothing.
// Plain-loop twin: Reference.attentionForward.
import CRMTVector

/// Multi-head self-attention, forward.
/// - Parameters:
///   - out: (B, T, C) — heads concatenated along C (head h owns columns h·d..<(h+1)·d).
///   - probs: (B, NH, T, T) — attention probabilities, overwritten.
///   - qkv: (B, T, 3C) — each row is [q | k | v], each of width C.
///   - additiveMask: (B, T) — 0 for visible keys, very negative for padding; or nil.
///   - queryRows: compute outputs (and probability rows) only for the first `queryRows`
///     positions of each sequence — every key still attends; nil = all T. Rows beyond are
///     left untouched (an encoder whose caller reads only those positions prunes its last layer).
///   - position: position terms (logit scale, text-offset and type-pair biases); nil = none.
///   - compute: kernels and threads; `parallelHeads` gives each core whole heads.
public func attentionForward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                             qkv: UnsafePointer<Float>, additiveMask: UnsafePointer<Float>?,
                             batch B: Int, seqLen T: Int, channels C: Int, heads NH: Int, queryRows: Int? = nil,
                             position: AttentionPositionTerms? = nil, compute: ComputeOptions = .default) {
    let d = C / NH, R = min(queryRows ?? T, T)
    let scale = 1 / Float(d).squareRoot()
    let fusedLevel: Int32 = {  // the own kernels' level when the fused head runs, else 0
        if compute.fused && position == nil, case .own(let level) = compute.gemmBackend { return level.rawValue }
        return 0
    }()
    // The content terms' scratch: the caller's workspace (no allocation), or a temporary one.
    let workspace = position.flatMap { $0.cope == nil && $0.dape == nil ? nil : $0.workspace ?? PositionWorkspace() }
    // CoPE: every sequence's text order, and per (sequence, head) E (R, 2npos) and gates (T)
    // slots — the heads run in parallel.
    let cope: (orders: TextOrders, e: UnsafeMutablePointer<Float>, eStride: Int,
               gates: UnsafeMutablePointer<Float>, gateStride: Int)? = {
        guard let position, let terms = position.cope, let workspace else { return nil }
        let eStride = PositionWorkspace.copeSlotStride(rows: R, n2: 2 * terms.npos)
        let gateStride = PositionWorkspace.copeGateStride(seqLen: T)
        return (workspace.prepareTextOrder(kinds: position.kinds, textIndex: position.textIndex, batch: B, seqLen: T),
                workspace.floats(.copeE, B * NH * eStride), eStride, workspace.floats(.copeGates, B * NH * gateStride), gateStride)
    }()
    // One (sequence, head) pair: two sgemms and a softmax over T rows.
    func head(_ bh: Int, parallelSoftmax: Bool) {
        let b = bh / NH, h = bh % NH
        let base = qkv + b * T * 3 * C
        let p = probs + bh * T * T
        if position?.dape == nil {  // DAPE's logits are made for all heads at once, below
            if fusedLevel != 0 && (!parallelSoftmax || compute.threads == 1),
               rmt_attention_head(fusedLevel, R, T, d, scale, base + h * d, base + C + h * d, base + 2 * C + h * d, 3 * C,
                                  additiveMask.map { $0 + b * T }, p, out + b * T * C + h * d, C) != 0 { return }
            let lambda = position?.scale?[bh] ?? 1
            // CoPE's gates need S = QKᵀ/√d before λ: it applies λ itself.
            gemm(transA: false, transB: true, m: R, n: T, k: d, alpha: cope == nil ? scale * lambda : scale,
                 a: base + h * d, lda: 3 * C, b: base + C + h * d, ldb: 3 * C, beta: 0, c: p, ldc: T,
                 parallel: parallelSoftmax, compute: compute)
            if let terms = position?.cope, let cope {
                position?.applyCoPE(p, cope: terms, q: base + h * d, ldq: 3 * C, d: d, rows: R, seqLen: T,
                                    lambda: lambda, text: cope.orders.sequence(b),
                                    E: cope.e + bh * cope.eStride, gates: cope.gates + bh * cope.gateStride)
            }
            position?.addBias(p, b: b, h: h, rows: R, seqLen: T)
        }
        let mask = additiveMask.map { $0 + b * T }
        if parallelSoftmax {
            softmaxForward(p, additiveMask: mask, rows: R, cols: T, compute: compute)
        } else {
            softmaxRows(p, mask: mask, rows: R, cols: T, level: compute.rows)
        }
        gemm(transA: false, transB: false, m: R, n: d, k: T, alpha: 1,
             a: p, lda: T, b: base + 2 * C + h * d, ldb: 3 * C, beta: 0, c: out + b * T * C + h * d, ldc: C,
             parallel: parallelSoftmax, compute: compute)
    }
    if let position, let dape = position.dape, let workspace {
        // DAPE mixes the heads: every head's logits of a sequence first, then softmax and PV per head.
        for b in 0..<B {
            position.dapeLogits(probs, dape: dape, qkv: qkv, b: b, rows: R, seqLen: T, channels: C, heads: NH,
                                workspace: workspace)
            for h in 0..<NH { head(b * NH + h, parallelSoftmax: true) }
        }
    } else if compute.threads > 1 && B * NH > 1 && compute.parallelHeads {
        // Heads are independent: give each core whole heads with single-threaded BLAS inside,
        // instead of threading every small per-head GEMM (and racing OpenBLAS's spinning workers).
        BLAS.withThreadCount(1) {
            Parallel.forEachRange(B * NH, costPerItem: .max / (B * NH), threads: compute.threads) { range in
                for bh in range { head(bh, parallelSoftmax: false) }
            }
        }
    } else {
        for bh in 0..<(B * NH) { head(bh, parallelSoftmax: true) }
    }
}

/// Backward of `attentionForward`, from its saved probabilities. Per (b, h), with
/// Q, K, V, dQ, dK, dV read and written in place through leading dimension 3C:
///   dP  = dO·Vᵀ                       (sgemm into the scratch)
///   dV += Pᵀ·dO                       (sgemm)
///   dS  = P ⊙ (dP − rowsum(dP ⊙ P))   (`softmaxBackwardInPlace`)
///   dQ += (1/√d)·dS·K,  dK += (1/√d)·dSᵀ·Q   (sgemm)
/// The additive mask needs no argument: it only shifts S, and its whole effect — P = 0 on
/// padded keys, hence zero gradient to their K and V — is already in `probs`.
/// - Parameters:
///   - dqkv: (B, T, 3C), accumulated — [dq | dk | dv] per row.
///   - dprobs: (T, T) scratch, overwritten (holds dS of the last (b, h) on return).
///   - dout: (B, T, C) — gradient with respect to the attention output (heads concatenated).
///   - qkv: (B, T, 3C) — the forward input.
///   - probs: (B, NH, T, T) — the probabilities saved by `attentionForward`.
///   - position, positionGradients: the forward's position terms, and where their gradients
///     accumulate: dTextBias and dTypeBias from dS, dScale[b,h] = Σ dS ⊙ QKᵀ/√d (then dQ and dK
///     take the factor λ[b,h]).
public func attentionBackward(dqkv: UnsafeMutablePointer<Float>, dprobs: UnsafeMutablePointer<Float>,
                              dout: UnsafePointer<Float>, qkv: UnsafePointer<Float>,
                              probs: UnsafePointer<Float>,
                              batch B: Int, seqLen T: Int, channels C: Int, heads NH: Int,
                              position: AttentionPositionTerms? = nil,
                              positionGradients: AttentionPositionGradients? = nil, compute: ComputeOptions = .default) {
    let d = C / NH
    let scale = 1 / Float(d).squareRoot()
    let scalesNeedGradient = position?.scale != nil && positionGradients?.dScale != nil
    // The scratch: the caller's workspace (no allocation), or a temporary one.
    let workspace = position.flatMap {
        $0.cope == nil && $0.dape == nil && !scalesNeedGradient ? nil : $0.workspace ?? PositionWorkspace()
    }
    // (T, d) scratch for dS·K/√d when the logit scale needs its gradient.
    let dqScratch = scalesNeedGradient ? workspace?.floats(.scaleProduct, T * d) : nil
    // DAPE: dZ of every head of a sequence, then dB (NH, T, T) each.
    let dapeBuffers = position?.dape == nil ? nil
        : workspace.map { (dz: $0.floats(.dapeDZ, NH * T * T), dBias: $0.floats(.dapeDBias, NH * T * T)) }
    // CoPE: every sequence's text order.
    let copeOrders = position?.cope == nil ? nil : position.flatMap { p in
        workspace?.prepareTextOrder(kinds: p.kinds, textIndex: p.textIndex, batch: B, seqLen: T)
    }
    for b in 0..<B {
        let base = qkv + b * T * 3 * C
        let dbase = dqkv + b * T * 3 * C
        // dS of one head: P ⊙ (dP − rowsum(dP ⊙ P)) from dO, V and P; dV += Pᵀ·dO.
        func softmaxGradient(_ h: Int, into ds: UnsafeMutablePointer<Float>) {
            let v = base + 2 * C + h * d, dv = dbase + 2 * C + h * d
            let p = probs + (b * NH + h) * T * T
            let dO = dout + b * T * C + h * d
            gemm(transA: false, transB: true, m: T, n: T, k: d, alpha: 1,
                 a: dO, lda: C, b: v, ldb: 3 * C, beta: 0, c: ds, ldc: T)
            gemm(transA: true, transB: false, m: T, n: d, k: T, alpha: 1,
                 a: p, lda: T, b: dO, ldb: C, beta: 1, c: dv, ldc: 3 * C, compute: compute)
            softmaxBackwardInPlace(ds, probs: p, rows: T, cols: T, compute: compute)
        }
        // From dL/dZ of head h (Z = λ·QKᵀ/√d + terms): dλ and dQ, dK.
        func contentGradients(dS: UnsafeMutablePointer<Float>, h: Int) {
            let q = base + h * d, k = base + C + h * d
            let dq = dbase + h * d, dk = dbase + C + h * d
            let lambda = position?.scale?[b * NH + h] ?? 1
            if let tmp = dqScratch, let dScale = positionGradients?.dScale {
                // tmp = dS·K/√d; dλ = Σ_i q_i·tmp_i; dQ += λ·tmp.
                gemm(transA: false, transB: false, m: T, n: d, k: T, alpha: scale,
                     a: dS, lda: T, b: k, ldb: 3 * C, beta: 0, c: tmp, ldc: d, compute: compute)
                var acc: Double = 0
                for t in 0..<T {
                    for c in 0..<d {
                        let v = tmp[t * d + c]
                        acc += Double(q[t * 3 * C + c] * v)
                        dq[t * 3 * C + c] += lambda * v
                    }
                }
                dScale[b * NH + h] += Float(acc)
            } else {
                gemm(transA: false, transB: false, m: T, n: d, k: T, alpha: scale * lambda,
                     a: dS, lda: T, b: k, ldb: 3 * C, beta: 1, c: dq, ldc: 3 * C)
            }
            gemm(transA: true, transB: false, m: T, n: d, k: T, alpha: scale * lambda,
                 a: dS, lda: T, b: q, ldb: 3 * C, beta: 1, c: dk, ldc: 3 * C, compute: compute)
        }
        if let position, let dape = position.dape, let buffers = dapeBuffers, let workspace {
            for h in 0..<NH { softmaxGradient(h, into: buffers.dz + h * T * T) }
            position.dapeBackward(buffers.dz, dBias: buffers.dBias, dape: dape, grads: positionGradients?.dDAPE,
                                  qkv: qkv, b: b, seqLen: T, channels: C, heads: NH, workspace: workspace)
            for h in 0..<NH {
                if let g = positionGradients {
                    position.accumulateBiasGradients(buffers.dBias + h * T * T, b: b, h: h, seqLen: T, into: g)
                }
                contentGradients(dS: buffers.dz + h * T * T, h: h)
            }
            continue
        }
        for h in 0..<NH {
            softmaxGradient(h, into: dprobs)
            guard let position else {
                contentGradients(dS: dprobs, h: h)
                continue
            }
            if let g = positionGradients { position.accumulateBiasGradients(dprobs, b: b, h: h, seqLen: T, into: g) }
            if let cope = position.cope, let copeOrders, let workspace {
                // dprobs becomes dL/d(QKᵀ/√d), λ and the gates included; dλ is taken there.
                position.copeBackward(dprobs, cope: cope, q: base + h * d, k: base + C + h * d, dq: dbase + h * d,
                                      ld: 3 * C, d: d, seqLen: T, lambda: position.scale?[b * NH + h] ?? 1,
                                      dScale: position.scale == nil ? nil : positionGradients?.dScale.map { $0 + b * NH + h },
                                      dEmbeddings: positionGradients?.dCoPE, text: copeOrders.sequence(b),
                                      workspace: workspace)
                gemm(transA: false, transB: false, m: T, n: d, k: T, alpha: scale,
                     a: dprobs, lda: T, b: base + C + h * d, ldb: 3 * C, beta: 1, c: dbase + h * d, ldc: 3 * C, compute: compute)
                gemm(transA: true, transB: false, m: T, n: d, k: T, alpha: scale,
                     a: dprobs, lda: T, b: base + h * d, ldb: 3 * C, beta: 1, c: dbase + C + h * d, ldc: 3 * C, compute: compute)
                continue
            }
            contentGradients(dS: dprobs, h: h)
        }
    }
}
