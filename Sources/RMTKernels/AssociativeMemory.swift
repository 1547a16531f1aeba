// AssociativeMemory: the kernels of ARMT's associative memory (Rodkin et al. 2024, "Associative
// Recurrent Memory Transformer"; read in modeling_amt/language_modeling.py) for one sequence of
// one layer. Docs/associative-memory.md gives the design and how the encoder will use them; they
// are not yet wired into the encoder.
//
//   φ(x)   DPFP feature map (Schlag et al. 2021) of x (D): p = [relu(x), relu(−x)] (2D),
//          φ[s·2D + i] = p[i] · p[(i − s − 1) mod 2D] for s in 0..<ν, so K = 2·ν·D features ≥ 0
//   read   r_t = φq_t·A / (φq_t·z + ε)                        every row t; the caller adds r to h
//   write  prev_j = φk_j·A / (φk_j·z + ε)                     memory rows j, with the state before
//          γ_j = clip(1 − (φk_j·z + ε) / (|φk_j|² + ε), 0, 1)  (a constant for backward: ARMT's detach)
//          A' = A + Σ_j β_j φk_jᵀ (v_j − prev_j),   z' = z + Σ_j γ_j φk_j        (delta rule)
// State per sequence and layer: A (K, C) and z (K), zero before the first segment — there the read
// gives r = 0 and the write stores Σ_j β_j φk_jᵀ v_j (ARMT special-cases its first segment to the
// same values, up to γ_j = 1 − ε/(|φk_j|² + ε) against 1).
// Size letters: T rows read, M memory rows written, D key size, K = 2·ν·D features, C channels.
// Backward kernels ADD into their gradient outputs. Plain-loop Double twins: ReferenceAssociative.

/// p (2D) = [relu(x), relu(−x)] of x (D).
@inline(__always)
private func dpfpHalves(_ x: UnsafePointer<Float>, _ p: UnsafeMutablePointer<Float>, _ D: Int) {
    for i in 0..<D { p[i] = max(x[i], 0); p[D + i] = max(-x[i], 0) }
}

/// out (rows, 2·ν·D) = φ(inp (rows, D)), row by row: p computed once per row, the rolled index
/// q = i − s − 1 wrapped by one comparison (no division in the loop).
public func dpfpForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, rows: Int, dim D: Int, nu: Int) {
    let P = 2 * D, K = nu * P
    withUnsafeTemporaryAllocation(of: Float.self, capacity: P) { buffer in
        let p = buffer.baseAddress!
        for r in 0..<rows {
            dpfpHalves(inp + r * D, p, D)
            let y = out + r * K
            for s in 0..<nu {
                let shift = (s + 1) % P, ys = y + s * P
                for i in 0..<P {
                    var q = i - shift
                    if q < 0 { q += P }
                    ys[i] = p[i] * p[q]
                }
            }
        }
    }
}

/// Backward of `dpfpForward`: dinp (rows, D) += ∂L/∂x from dout (rows, 2·ν·D).
/// With q = (i − s − 1) mod 2D: ∂φ[s, i]/∂p[i] = p[q] and ∂φ[s, i]/∂p[q] = p[i]; p's relu passes
/// the gradient where x > 0 (first half) or x < 0 (second half, negated).
public func dpfpBackward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
                         rows: Int, dim D: Int, nu: Int) {
    let P = 2 * D, K = nu * P
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * P) { buffer in
        let p = buffer.baseAddress!, dp = p + P
        for r in 0..<rows {
            let x = inp + r * D, g = dout + r * K, dx = dinp + r * D
            dpfpHalves(x, p, D)
            for i in 0..<P { dp[i] = 0 }
            for s in 0..<nu {
                let shift = (s + 1) % P, gs = g + s * P
                for i in 0..<P {
                    var q = i - shift
                    if q < 0 { q += P }
                    dp[i] += gs[i] * p[q]
                    dp[q] += gs[i] * p[i]
                }
            }
            for i in 0..<D {
                if x[i] > 0 { dx[i] += dp[i] } else if x[i] < 0 { dx[i] -= dp[D + i] }
            }
        }
    }
}

/// Read: read (T, C) = φq·A / (φq·z + ε) row-wise; den (T) keeps φq_t·z + ε for backward.
/// - Parameters: phiQ (T, K), a (K, C), z (K).
public func associativeReadForward(read: UnsafeMutablePointer<Float>, den: UnsafeMutablePointer<Float>,
                                   phiQ: UnsafePointer<Float>, a: UnsafePointer<Float>, z: UnsafePointer<Float>,
                                   rows T: Int, features K: Int, channels C: Int, eps: Float,
                                   compute: ComputeOptions = .default) {
    gemm(transA: false, transB: false, m: T, n: C, k: K, alpha: 1, a: phiQ, lda: K, b: a, ldb: C,
         beta: 0, c: read, ldc: C, compute: compute)
    for t in 0..<T {
        let d = rowDot(phiQ + t * K, z, K) + eps
        den[t] = d
        scaleRow(read + t * C, 1 / d, C)
    }
}

/// Backward of `associativeReadForward` from dRead (T, C):
///   dnum_t = dRead_t / den_t,  dden_t = −(dRead_t · read_t) / den_t
///   dPhiQ += dnum·Aᵀ + dden ⊗ z,   dA += φqᵀ·dnum,   dz += Σ_t dden_t φq_t
/// - Parameters: dNum: (T, C) scratch, overwritten.
public func associativeReadBackward(dPhiQ: UnsafeMutablePointer<Float>, dA: UnsafeMutablePointer<Float>,
                                    dz: UnsafeMutablePointer<Float>, dRead: UnsafePointer<Float>,
                                    read: UnsafePointer<Float>, den: UnsafePointer<Float>, phiQ: UnsafePointer<Float>,
                                    a: UnsafePointer<Float>, z: UnsafePointer<Float>, dNum: UnsafeMutablePointer<Float>,
                                    rows T: Int, features K: Int, channels C: Int, compute: ComputeOptions = .default) {
    for t in 0..<T {
        let g = dRead + t * C
        let dden = -rowDot(g, read + t * C, C) / den[t]
        for c in 0..<C { dNum[t * C + c] = g[c] / den[t] }
        addScaledRow(dz, phiQ + t * K, dden, K)
        addScaledRow(dPhiQ + t * K, z, dden, K)
    }
    gemm(transA: false, transB: true, m: T, n: K, k: C, alpha: 1, a: dNum, lda: C, b: a, ldb: C,
         beta: 1, c: dPhiQ, ldc: K, compute: compute)
    gemm(transA: true, transB: false, m: K, n: C, k: T, alpha: 1, a: phiQ, lda: K, b: dNum, ldb: C,
         beta: 1, c: dA, ldc: C, compute: compute)
}

/// Write: (aIn, zIn) → (aOut, zOut) by the delta rule above. aOut may be aIn and zOut may be zIn
/// (updated in place: prev, den and γ are computed from the old state first).
/// - Parameters:
///   - prev: (M, C), den: (M), gamma: (M): written, kept for backward.
///   - phiK: (M, K) keys' features; v: (M, C) values; beta: (M) write strengths in (0, 1).
///   - scratch: M·(K + C) floats, overwritten.
public func associativeWriteForward(aOut: UnsafeMutablePointer<Float>, zOut: UnsafeMutablePointer<Float>,
                                    prev: UnsafeMutablePointer<Float>, den: UnsafeMutablePointer<Float>,
                                    gamma: UnsafeMutablePointer<Float>,
                                    aIn: UnsafePointer<Float>, zIn: UnsafePointer<Float>,
                                    phiK: UnsafePointer<Float>, v: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                    scratch: UnsafeMutablePointer<Float>,
                                    memoryRows M: Int, features K: Int, channels C: Int, eps: Float,
                                    compute: ComputeOptions = .default) {
    gemm(transA: false, transB: false, m: M, n: C, k: K, alpha: 1, a: phiK, lda: K, b: aIn, ldb: C,
         beta: 0, c: prev, ldc: C, compute: compute)
    for j in 0..<M {
        let k = phiK + j * K
        let d = rowDot(k, zIn, K) + eps
        den[j] = d
        scaleRow(prev + j * C, 1 / d, C)
        gamma[j] = min(max(1 - d / (rowDot(k, k, K) + eps), 0), 1)
    }
    if aOut != UnsafeMutablePointer(mutating: aIn) { aOut.update(from: aIn, count: K * C) }
    if zOut != UnsafeMutablePointer(mutating: zIn) { zOut.update(from: zIn, count: K) }
    // scratch: (M, K) β_j φk_j, then (M, C) u_j = v_j − prev_j;  A' += (β φk)ᵀ · u
    let scaled = scratch, u = scratch + M * K
    for j in 0..<M {
        for f in 0..<K { scaled[j * K + f] = beta[j] * phiK[j * K + f] }
        for c in 0..<C { u[j * C + c] = v[j * C + c] - prev[j * C + c] }
        addScaledRow(zOut, phiK + j * K, gamma[j], K)
    }
    gemm(transA: true, transB: false, m: K, n: C, k: M, alpha: 1, a: scaled, lda: K, b: u, ldb: C,
         beta: 1, c: aOut, ldc: C, compute: compute)
}

/// Backward of `associativeWriteForward`, from dAOut (K, C) and dzOut (K):
///   u = v − prev,  G = φk·dA'  (M, C)
///   dβ_j += G_j·u_j,  dv_j += β_j G_j,  dφk_j += β_j u_j·dA'ᵀ + γ_j dz'
///   through prev (dprev_j = −β_j G_j): dnum_j = dprev_j / den_j, dden_j = −(dprev_j·prev_j) / den_j,
///     dφk_j += dnum_j·Aᵀ + dden_j z,  dA += φkᵀ·dnum,  dz += Σ_j dden_j φk_j
///   dA += dA',  dz += dz'
/// - Parameters: scratch1, scratch2: (M, C) each, overwritten.
public func associativeWriteBackward(dAIn: UnsafeMutablePointer<Float>, dzIn: UnsafeMutablePointer<Float>,
                                     dPhiK: UnsafeMutablePointer<Float>, dV: UnsafeMutablePointer<Float>,
                                     dBeta: UnsafeMutablePointer<Float>,
                                     dAOut: UnsafePointer<Float>, dzOut: UnsafePointer<Float>,
                                     aIn: UnsafePointer<Float>, zIn: UnsafePointer<Float>,
                                     phiK: UnsafePointer<Float>, v: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                     prev: UnsafePointer<Float>, den: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
                                     scratch1 u: UnsafeMutablePointer<Float>, scratch2 g: UnsafeMutablePointer<Float>,
                                     memoryRows M: Int, features K: Int, channels C: Int,
                                     compute: ComputeOptions = .default) {
    gemm(transA: false, transB: false, m: M, n: C, k: K, alpha: 1, a: phiK, lda: K, b: dAOut, ldb: C,
         beta: 0, c: g, ldc: C, compute: compute)
    for j in 0..<M {
        let uj = u + j * C, gj = g + j * C, pj = prev + j * C
        for c in 0..<C { uj[c] = v[j * C + c] - pj[c] }
        dBeta[j] += rowDot(gj, uj, C)
        addScaledRow(dV + j * C, gj, beta[j], C)
        // dprev = −β G; dden = −(dprev·prev)/den = β (G·prev)/den; dnum = dprev/den, into g's place
        let dden = beta[j] * rowDot(gj, pj, C) / den[j]
        scaleRow(gj, -beta[j] / den[j], C)
        addScaledRow(dPhiK + j * K, zIn, dden, K)
        addScaledRow(dzIn, phiK + j * K, dden, K)
        addScaledRow(dPhiK + j * K, dzOut, gamma[j], K)
        scaleRow(uj, beta[j], C)
    }
    // dφk += (β u)·dA'ᵀ + dnum·Aᵀ;  dA += φkᵀ·dnum
    gemm(transA: false, transB: true, m: M, n: K, k: C, alpha: 1, a: u, lda: C, b: dAOut, ldb: C,
         beta: 1, c: dPhiK, ldc: K, compute: compute)
    gemm(transA: false, transB: true, m: M, n: K, k: C, alpha: 1, a: g, lda: C, b: aIn, ldb: C,
         beta: 1, c: dPhiK, ldc: K, compute: compute)
    gemm(transA: true, transB: false, m: K, n: C, k: M, alpha: 1, a: phiK, lda: K, b: g, ldb: C,
         beta: 1, c: dAIn, ldc: C, compute: compute)
    addForward(out: dAIn, a: dAIn, b: dAOut, count: K * C)
    addForward(out: dzIn, a: dzIn, b: dzOut, count: K)
}

@inline(__always)
private func rowDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = Float8(), i = 0
    while i + 8 <= n { acc += load8(a + i) * load8(b + i); i += 8 }
    var s = acc.sum()
    while i < n { s += a[i] * b[i]; i += 1 }
    return s
}

@inline(__always)
private func scaleRow(_ a: UnsafeMutablePointer<Float>, _ k: Float, _ n: Int) {
    for i in 0..<n { a[i] *= k }
}

/// a += k·b.
@inline(__always)
private func addScaledRow(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ k: Float, _ n: Int) {
    for i in 0..<n { a[i] += k * b[i] }
}
