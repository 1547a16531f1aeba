// AttentionCoPE: Contextual Position Encoding (Golovneva et al. 2024) for a bidirectional encoder,
// one (sequence, head) at a time, inside the attention kernel (Attention.swift).
//
// For a text query i and a text key j (text order by text index; other pairs get no CoPE term):
//   S[i,j] = q_i·k_j/√d,   g[i,j] = σ(S[i,j])                                   gates over text keys
//   p[i,j] = Σ_{t_j ≤ t_k ≤ t_i} g[i,k]   (key at or left of the query, side 0)  two-sided counts,
//          = Σ_{t_i ≤ t_k ≤ t_j} g[i,k]   (key right of the query,     side 1)  g[i,i] in both
//   p ← min(p, npos − 1);  f = ⌊p⌋, c = min(f + 1, npos − 1), w = p − f
//   Z[i,j] = λ·S[i,j] + ((1 − w)·q_i·e_s[f] + w·q_i·e_s[c])/√d                (the official "add before /√d")
// with e (2, npos, d) one table per side, shared by the heads of the layer. A clamped count has
// zero gradient (as `clamp` in the official code).
//
// Backward (per row, O(T)): dE_i[s,f|c] from dZ and w; dp = dZ·(E_i[c] − E_i[f])/√d; the
// gradient of every gate is a prefix sum (left side) or suffix sum (right side) of dp over the
// keys whose span covers it; dS_gate = dg·g(1 − g) joins λ·dZ on the way into the dQ/dK GEMMs;
// dq += dE·e/√d and de += dEᵀ·q/√d are two GEMMs of T × 2npos × d. The gates are recomputed from
// one extra QKᵀ GEMM, so the forward keeps no tape beyond the probabilities. Scratch (E, the
// gates, the text order) lives in a PositionWorkspace: nothing is allocated per call.

/// CoPE's parameters for one layer.
public struct CoPETerms: @unchecked Sendable {
    /// (2, npos, d): position embeddings, side 0 for keys at or left of the query, side 1 right.
    public var embeddings: UnsafePointer<Float>
    /// Rows per side; counts are clamped at npos − 1.
    public var npos: Int

    public init(embeddings: UnsafePointer<Float>, npos: Int) {
        self.embeddings = embeddings
        self.npos = npos
    }
}

extension AttentionPositionTerms {
    /// Z = λ·S + CoPE terms on rows 0..<R of the (R, T) logits `z` of sequence b, which hold
    /// S = QKᵀ/√d on entry (λ not applied). q: the head's query rows (leading dimension ldq).
    /// text: sequence b's text order; E: (R, 2npos) and gates: (≥ max(n, 1)) scratch of this
    /// (sequence, head) alone (heads run in parallel).
    func applyCoPE(_ z: UnsafeMutablePointer<Float>, cope: CoPETerms, q: UnsafePointer<Float>, ldq: Int, d: Int,
                   rows R: Int, seqLen T: Int, lambda: Float, text: TextOrder,
                   E: UnsafeMutablePointer<Float>, gates g: UnsafeMutablePointer<Float>) {
        let n2 = 2 * cope.npos, rs = 1 / Float(d).squareRoot()
        // E (R, 2npos): q_i·e[s, k]/√d
        gemm(transA: false, transB: true, m: R, n: n2, k: d, alpha: rs, a: q, lda: ldq,
             b: cope.embeddings, ldb: d, beta: 0, c: E, ldc: n2, parallel: false)
        let n = text.count, npos = cope.npos, top = Float(npos - 1), order = text.order
        do {
            for i in 0..<R {
                let row = z + i * T, ri = Int(text.rank[i])
                if ri >= 0 { for t in 0..<n { g[t] = 1 / (1 + _expf(-row[Int(order[t])])) } }
                if lambda != 1 { for j in 0..<T { row[j] *= lambda } }
                guard ri >= 0 else { continue }
                // Each side counts outwards from the query; once a count reaches the clamp, every
                // key further out is clamped too (the gates are positive).
                for side in 0..<2 {
                    let e = E + i * n2 + side * npos
                    var cum: Float = side == 0 ? 0 : g[ri]
                    var t = side == 0 ? ri : ri + 1
                    let step = side == 0 ? -1 : 1
                    while t >= 0 && t < n {
                        cum += g[t]
                        if cum >= top { break }
                        let f = Int(cum), w = cum - Float(f)
                        row[Int(order[t])] += e[f] + w * (e[f + 1] - e[f])
                        t += step
                    }
                    let last = e[npos - 1]
                    while t >= 0 && t < n { row[Int(order[t])] += last; t += step }
                }
            }
        }
    }

    /// CoPE's backward for sequence b, one head: on entry `dz` (T, T) holds dL/dZ; on return it
    /// holds dL/dS (S = QKᵀ/√d: λ·dZ plus the gates' gradient). Adds the embedding path into dq
    /// (leading dimension ld) and dE, and dλ = Σ dZ ⊙ S into `dScale` when given. text: sequence
    /// b's text order; workspace: the scratch (S, E, dE and the row work, reused).
    func copeBackward(_ dz: UnsafeMutablePointer<Float>, cope: CoPETerms, q: UnsafePointer<Float>,
                      k: UnsafePointer<Float>, dq: UnsafeMutablePointer<Float>, ld: Int, d: Int, seqLen T: Int,
                      lambda: Float, dScale: UnsafeMutablePointer<Float>?, dEmbeddings: UnsafeMutablePointer<Float>?,
                      text: TextOrder, workspace ws: PositionWorkspace) {
        let n2 = 2 * cope.npos, rs = 1 / Float(d).squareRoot()
        // S (T, T), E (T, 2npos), dE (T, 2npos) accumulated from zero.
        let S = ws.floats(.copeScores, T * T), E = ws.floats(.copeBackE, T * n2), dE = ws.zeroed(.copeBackDE, T * n2)
        gemm(transA: false, transB: true, m: T, n: T, k: d, alpha: rs, a: q, lda: ld, b: k, ldb: ld,
             beta: 0, c: S, ldc: T)
        gemm(transA: false, transB: true, m: T, n: n2, k: d, alpha: rs, a: q, lda: ld,
             b: cope.embeddings, ldb: d, beta: 0, c: E, ldc: n2)
        if let dScale {
            var acc: Double = 0
            for i in 0..<(T * T) { acc += Double(dz[i] * S[i]) }
            dScale.pointee += Float(acc)
        }
        let n = text.count, npos = cope.npos, top = Float(npos - 1), order = text.order
        let g = ws.floats(.copeRowWork, 3 * max(n, 1))  // gates, dp, dg: (max(n, 1)) each
        let dp = g + max(n, 1), dg = dp + max(n, 1)
        do {
            for i in 0..<T {
                let row = dz + i * T, ri = Int(text.rank[i])
                guard ri >= 0 else {
                    if lambda != 1 { for j in 0..<T { row[j] *= lambda } }
                    continue
                }
                let s = S + i * T
                for t in 0..<n { g[t] = 1 / (1 + _expf(-s[Int(order[t])])) }
                // Per key: the embedding rows' gradient and dp (0 from the clamp on).
                for side in 0..<2 {
                    let e = E + i * n2 + side * npos, de = dE + i * n2 + side * npos
                    var cum: Float = side == 0 ? 0 : g[ri]
                    var t = side == 0 ? ri : ri + 1
                    let step = side == 0 ? -1 : 1
                    while t >= 0 && t < n {
                        cum += g[t]
                        if cum >= top { break }
                        let f = Int(cum), w = cum - Float(f), dzv = row[Int(order[t])]
                        de[f] += dzv * (1 - w)
                        de[f + 1] += dzv * w
                        dp[t] = dzv * (e[f + 1] - e[f])
                        t += step
                    }
                    while t >= 0 && t < n { de[npos - 1] += row[Int(order[t])]; dp[t] = 0; t += step }
                }
                // Gates: left keys t ≤ ri count gates t…ri, right keys t > ri count gates ri…t.
                var acc: Float = 0
                for t in 0...ri { acc += dp[t]; dg[t] = acc }
                acc = 0
                var t = n - 1
                while t > ri { acc += dp[t]; dg[t] = acc; t -= 1 }
                dg[ri] += acc
                if lambda != 1 { for j in 0..<T { row[j] *= lambda } }
                for t in 0..<n { row[Int(order[t])] += dg[t] * g[t] * (1 - g[t]) }
            }
        }
        gemm(transA: false, transB: false, m: T, n: d, k: n2, alpha: rs, a: dE, lda: n2,
             b: cope.embeddings, ldb: d, beta: 1, c: dq, ldc: ld)
        if let dEmbeddings {
            gemm(transA: true, transB: false, m: n2, n: d, k: T, alpha: rs, a: dE, lda: n2,
                 b: q, ldb: ld, beta: 1, c: dEmbeddings, ldc: d)
        }
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _expf(_ x: Float) -> Float { Glibc.expf(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) func _expf(_ x: Float) -> Float { Darwin.expf(x) }
#endif
