// AttentionDAPE: Data-Adaptive Positional Encoding (Zheng et al. 2024) inside the attention kernel —
// one sequence at a time, because its MLP mixes the heads:
//
//   X[h,i,j] = λ[b,h]·q_i·k_j/√d,   B[h,i,j] = the base scheme's bias (text table / type-pair bias)
//   Z[:,i,j] = X + B + W2·LeakyReLU_0.01(W1·[X[:,i,j]; B[:,i,j]] + b1) + b2       for every pair (i, j)
//
// W1 (w, 2NH), b1 (w), W2 (NH, w), b2 (NH): one MLP per layer, as in the official code (`*_C`
// classes); every pair is processed independently, so padded keys are simply masked afterwards.
// Head-major (NH, R, T) buffers make the MLP two GEMMs over chunks of pairs (no transposes).
//
// Backward, for one sequence with dZ of every head (NH, T, T): dW2 += dZ·actᵀ, db2 += Σ dZ,
// dh = W2ᵀ·dZ ⊙ leaky′(pre), dW1 += dh·[X; B]ᵀ, db1 += Σ dh, [dX; dB] = dZ + W1ᵀ·dh; the hidden
// layer (w·T² floats) is recomputed chunk by chunk instead of stored, and X and B are recomputed
// from Q, K and the base terms (one QKᵀ GEMM per head). Every buffer is a PositionWorkspace slot.

/// DAPE's MLP for one layer (row-major PyTorch `Linear` weights).
public struct DAPETerms: @unchecked Sendable {
    public var w1, b1, w2, b2: UnsafePointer<Float>
    /// Hidden width w.
    public var width: Int

    public init(w1: UnsafePointer<Float>, b1: UnsafePointer<Float>, w2: UnsafePointer<Float>, b2: UnsafePointer<Float>,
                width: Int) {
        (self.w1, self.b1, self.w2, self.b2, self.width) = (w1, b1, w2, b2, width)
    }
}

/// Gradients of DAPE's MLP (accumulated).
public struct DAPEGradients: @unchecked Sendable {
    public var w1, b1, w2, b2: UnsafeMutablePointer<Float>

    public init(w1: UnsafeMutablePointer<Float>, b1: UnsafeMutablePointer<Float>, w2: UnsafeMutablePointer<Float>,
                b2: UnsafeMutablePointer<Float>) {
        (self.w1, self.b1, self.w2, self.b2) = (w1, b1, w2, b2)
    }
}

/// DAPE's negative slope (PyTorch's LeakyReLU default, used by the official code).
let dapeSlope: Float = 0.01

/// Pairs per MLP chunk: bounds the (w, chunk) hidden buffer.
private let dapePairsPerChunk = 16_384

extension AttentionPositionTerms {
    /// Fills xb (2NH, R, T) for sequence b: X_h = λ·scale·QKᵀ in the first NH planes, B_h in the next NH.
    func dapeInputs(_ xb: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>, b: Int, rows R: Int, seqLen T: Int,
                    channels C: Int, heads NH: Int) {
        let d = C / NH, scale = 1 / Float(d).squareRoot(), base = qkv + b * T * 3 * C, plane = R * T
        for h in 0..<NH {
            let alpha = self.scale.map { scale * $0[b * NH + h] } ?? scale
            gemm(transA: false, transB: true, m: R, n: T, k: d, alpha: alpha, a: base + h * d, lda: 3 * C,
                 b: base + C + h * d, ldb: 3 * C, beta: 0, c: xb + h * plane, ldc: T)
            let bias = xb + (NH + h) * plane
            bias.update(repeating: 0, count: plane)
            addBias(bias, b: b, h: h, rows: R, seqLen: T)
        }
    }

    /// Z for sequence b, all heads: probs[b, h, 0..<R, :] = X + B + MLP(X, B).
    /// Scratch from `workspace`: the inputs (2NH, R, T) and one chunk's hidden layer (w, P).
    func dapeLogits(_ probs: UnsafeMutablePointer<Float>, dape: DAPETerms, qkv: UnsafePointer<Float>, b: Int,
                    rows R: Int, seqLen T: Int, channels C: Int, heads NH: Int, workspace ws: PositionWorkspace) {
        let plane = R * T, w = dape.width
        let xb = ws.floats(.dapeInputs, 2 * NH * plane)
        dapeInputs(xb, qkv: qkv, b: b, rows: R, seqLen: T, channels: C, heads: NH)
        for h in 0..<NH {
            let z = probs + (b * NH + h) * T * T, x = xb + h * plane, bias = xb + (NH + h) * plane
            let b2 = dape.b2[h]
            for i in 0..<plane { z[i] = x[i] + bias[i] + b2 }
        }
        let rowsPerChunk = max(1, dapePairsPerChunk / T)
        let hidden = ws.floats(.dapeHidden, w * rowsPerChunk * T)
        for i0 in stride(from: 0, to: R, by: rowsPerChunk) {
            let n = min(rowsPerChunk, R - i0) * T
            gemm(transA: false, transB: false, m: w, n: n, k: 2 * NH, alpha: 1, a: dape.w1, lda: 2 * NH,
                 b: xb + i0 * T, ldb: plane, beta: 0, c: hidden, ldc: n)
            for k in 0..<w {
                let row = hidden + k * n, bk = dape.b1[k]
                for t in 0..<n { let v = row[t] + bk; row[t] = v > 0 ? v : dapeSlope * v }
            }
            gemm(transA: false, transB: false, m: NH, n: n, k: w, alpha: 1, a: dape.w2, lda: w,
                 b: hidden, ldb: n, beta: 1, c: probs + b * NH * T * T + i0 * T, ldc: T * T)
        }
    }

    /// DAPE's backward for sequence b: `dz` (NH, T, T) holds dL/dZ of every head. Writes dL/dX
    /// into dz and dL/dB into dBias (NH, T, T), and accumulates the MLP's gradients. Scratch from
    /// `workspace`: the inputs (2NH, T, T), one chunk's pre, act, dh (w, P) and [dX; dB] (2NH, P).
    func dapeBackward(_ dz: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>, dape: DAPETerms,
                      grads: DAPEGradients?, qkv: UnsafePointer<Float>, b: Int, seqLen T: Int, channels C: Int,
                      heads NH: Int, workspace ws: PositionWorkspace) {
        let plane = T * T, w = dape.width
        let xb = ws.floats(.dapeInputs, 2 * NH * plane)
        dapeInputs(xb, qkv: qkv, b: b, rows: T, seqLen: T, channels: C, heads: NH)
        dBias.update(from: dz, count: NH * plane)
        if let grads { for h in 0..<NH { grads.b2[h] += rowSum(dz + h * plane, plane) } }
        let rowsPerChunk = max(1, dapePairsPerChunk / T)
        let pre = ws.floats(.dapePre, w * rowsPerChunk * T), act = ws.floats(.dapeAct, w * rowsPerChunk * T)
        let dh = ws.floats(.dapeDH, w * rowsPerChunk * T), dIn = ws.floats(.dapeDIn, 2 * NH * rowsPerChunk * T)
        for i0 in stride(from: 0, to: T, by: rowsPerChunk) {
            let n = min(rowsPerChunk, T - i0) * T
            let input = xb + i0 * T, dOut = dz + i0 * T
            gemm(transA: false, transB: false, m: w, n: n, k: 2 * NH, alpha: 1, a: dape.w1, lda: 2 * NH,
                 b: input, ldb: plane, beta: 0, c: pre, ldc: n)
            for k in 0..<w {
                let p = pre + k * n, a = act + k * n, bk = dape.b1[k]
                for t in 0..<n { p[t] += bk; a[t] = p[t] > 0 ? p[t] : dapeSlope * p[t] }
            }
            if let grads {
                gemm(transA: false, transB: true, m: NH, n: w, k: n, alpha: 1, a: dOut, lda: plane,
                     b: act, ldb: n, beta: 1, c: grads.w2, ldc: w)
            }
            gemm(transA: true, transB: false, m: w, n: n, k: NH, alpha: 1, a: dape.w2, lda: w,
                 b: dOut, ldb: plane, beta: 0, c: dh, ldc: n)
            for k in 0..<w {
                let g = dh + k * n, p = pre + k * n
                for t in 0..<n where p[t] <= 0 { g[t] *= dapeSlope }
                if let grads { grads.b1[k] += rowSum(g, n) }
            }
            if let grads {
                gemm(transA: false, transB: true, m: w, n: 2 * NH, k: n, alpha: 1, a: dh, lda: n,
                     b: input, ldb: plane, beta: 1, c: grads.w1, ldc: 2 * NH)
            }
            // [dX; dB] for the chunk: dZ + W1ᵀ·dh (into dIn, then added plane by plane).
            gemm(transA: true, transB: false, m: 2 * NH, n: n, k: w, alpha: 1, a: dape.w1, lda: 2 * NH,
                 b: dh, ldb: n, beta: 0, c: dIn, ldc: n)
            for h in 0..<NH {
                let dx = dz + h * plane + i0 * T, db = dBias + h * plane + i0 * T
                let sx = dIn + h * n, sb = dIn + (NH + h) * n
                for t in 0..<n { dx[t] += sx[t]; db[t] += sb[t] }
            }
        }
    }
}

/// Σ x[0..<n] in Double.
@inline(__always)
private func rowSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc: Double = 0
    for i in 0..<n { acc += Double(x[i]) }
    return Float(acc)
}
