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
// one extra QKᵀ GEMM, so the forward keeps no tape beyond the probabilities.

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

/// Text positions of one sequence in text order, and each position's rank (−1 for non-text).
struct TextOrder {
    var order: [Int]
    var rank: [Int]

    init(kinds: UnsafePointer<UInt8>, textIndex: UnsafePointer<Int32>, seqLen T: Int) {
        let text = PositionKind.text.rawValue
        order = (0..<T).filter { kinds[$0] == text }.sorted { textIndex[$0] < textIndex[$1] }
        rank = [Int](repeating: -1, count: T)
        for (r, j) in order.enumerated() { rank[j] = r }
    }
}

/// The interpolation of a (clamped) count p over npos rows: floor f, ceiling c, weight w, and
/// whether the clamp is active.
@inline(__always)
func copeInterpolation(_ p: Float, npos: Int) -> (f: Int, c: Int, w: Float, clamped: Bool) {
    let top = Float(npos - 1)
    if p >= top { return (npos - 1, npos - 1, 0, true) }
    let f = Int(p)
    return (f, min(f + 1, npos - 1), p - Float(f), false)
}

extension AttentionPositionTerms {
    /// Z = λ·S + CoPE terms on rows 0..<R of the (R, T) logits `z` of sequence b, which hold
    /// S = QKᵀ/√d on entry (λ not applied). q: the head's query rows (leading dimension ldq).
    func applyCoPE(_ z: UnsafeMutablePointer<Float>, cope: CoPETerms, q: UnsafePointer<Float>, ldq: Int, d: Int,
                   b: Int, rows R: Int, seqLen T: Int, lambda: Float) {
        let n2 = 2 * cope.npos, rs = 1 / Float(d).squareRoot()
        let text = TextOrder(kinds: kinds + b * T, textIndex: textIndex + b * T, seqLen: T)
        let E = FloatBuffer(count: R * n2)  // (R, 2npos): q_i·e[s, k]/√d
        gemm(transA: false, transB: true, m: R, n: n2, k: d, alpha: rs, a: q, lda: ldq,
             b: cope.embeddings, ldb: d, beta: 0, c: E.pointer, ldc: n2, parallel: false)
        var g = [Float](repeating: 0, count: text.order.count)
        for i in 0..<R {
            let row = z + i * T, ri = text.rank[i]
            if ri >= 0 { for (t, j) in text.order.enumerated() { g[t] = 1 / (1 + _expf(-row[j])) } }
            if lambda != 1 { for j in 0..<T { row[j] *= lambda } }
            guard ri >= 0 else { continue }
            let e = E.pointer + i * n2
            var cum: Float = 0
            for t in stride(from: ri, through: 0, by: -1) {
                cum += g[t]
                let (f, c, w, _) = copeInterpolation(cum, npos: cope.npos)
                row[text.order[t]] += e[f] + w * (e[c] - e[f])
            }
            cum = g[ri]
            let eR = e + cope.npos
            for t in (ri + 1)..<max(ri + 1, text.order.count) {
                cum += g[t]
                let (f, c, w, _) = copeInterpolation(cum, npos: cope.npos)
                row[text.order[t]] += eR[f] + w * (eR[c] - eR[f])
            }
        }
    }

    /// CoPE's backward for sequence b, one head: on entry `dz` (T, T) holds dL/dZ; on return it
    /// holds dL/dS (S = QKᵀ/√d: λ·dZ plus the gates' gradient). Adds the embedding path into dq
    /// (leading dimension ld) and dE, and dλ = Σ dZ ⊙ S into `dScale` when given.
    func copeBackward(_ dz: UnsafeMutablePointer<Float>, cope: CoPETerms, q: UnsafePointer<Float>,
                      k: UnsafePointer<Float>, dq: UnsafeMutablePointer<Float>, ld: Int, d: Int, b: Int, seqLen T: Int,
                      lambda: Float, dScale: UnsafeMutablePointer<Float>?, dEmbeddings: UnsafeMutablePointer<Float>?) {
        let n2 = 2 * cope.npos, rs = 1 / Float(d).squareRoot()
        let text = TextOrder(kinds: kinds + b * T, textIndex: textIndex + b * T, seqLen: T)
        let S = FloatBuffer(count: T * T), E = FloatBuffer(count: T * n2), dE = FloatBuffer(count: T * n2)
        gemm(transA: false, transB: true, m: T, n: T, k: d, alpha: rs, a: q, lda: ld, b: k, ldb: ld,
             beta: 0, c: S.pointer, ldc: T)
        gemm(transA: false, transB: true, m: T, n: n2, k: d, alpha: rs, a: q, lda: ld,
             b: cope.embeddings, ldb: d, beta: 0, c: E.pointer, ldc: n2)
        if let dScale {
            var acc: Double = 0
            for i in 0..<(T * T) { acc += Double(dz[i] * S.pointer[i]) }
            dScale.pointee += Float(acc)
        }
        let n = text.order.count
        var g = [Float](repeating: 0, count: n), dp = g, dg = g
        for i in 0..<T {
            let row = dz + i * T, ri = text.rank[i]
            guard ri >= 0 else {
                if lambda != 1 { for j in 0..<T { row[j] *= lambda } }
                continue
            }
            let s = S.pointer + i * T, e = E.pointer + i * n2, de = dE.pointer + i * n2
            for (t, j) in text.order.enumerated() { g[t] = 1 / (1 + _expf(-s[j])) }
            // Per key: the embedding rows' gradient and dp.
            for side in 0..<2 {
                let eS = e + side * cope.npos, deS = de + side * cope.npos
                var cum: Float = side == 0 ? 0 : g[ri]
                let keys = side == 0 ? Array(stride(from: ri, through: 0, by: -1)) : Array((ri + 1)..<max(ri + 1, n))
                for t in keys {
                    cum += g[t]
                    let (f, c, w, clamped) = copeInterpolation(cum, npos: cope.npos)
                    let dzv = row[text.order[t]]
                    deS[f] += dzv * (1 - w)
                    deS[c] += dzv * w
                    dp[t] = clamped ? 0 : dzv * (eS[c] - eS[f])
                }
            }
            // Gates: left keys t ≤ ri count gates t…ri, right keys t > ri count gates ri…t.
            var acc: Float = 0
            for t in 0...ri { acc += dp[t]; dg[t] = acc }
            acc = 0
            for t in stride(from: n - 1, to: ri, by: -1) { acc += dp[t]; dg[t] = acc }
            dg[ri] += acc
            if lambda != 1 { for j in 0..<T { row[j] *= lambda } }
            for (t, j) in text.order.enumerated() { row[j] += dg[t] * g[t] * (1 - g[t]) }
        }
        gemm(transA: false, transB: false, m: T, n: d, k: n2, alpha: rs, a: dE.pointer, lda: n2,
             b: cope.embeddings, ldb: d, beta: 1, c: dq, ldc: ld)
        if let dEmbeddings {
            gemm(transA: true, transB: false, m: n2, n: d, k: T, alpha: rs, a: dE.pointer, lda: n2,
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
