// Attention: multi-head scaled dot-product self-attention over a packed QKV buffer.
//
// Per (sequence b, head h): S = Q·Kᵀ/√d (sgemm), P = softmax(S + mask) (SIMD), O = P·V (sgemm),
// with Q, K, V read in place from qkv through leading dimensions — no transposes or copies.
// The probabilities are kept for the backward pass and for inspection.
// Plain-loop twin: Reference.attentionForward.

/// - Parameters:
///   - out: (B, T, C) — heads concatenated along C (head h owns columns h·d..<(h+1)·d).
///   - probs: (B, NH, T, T) — attention probabilities, overwritten.
///   - qkv: (B, T, 3C) — each row is [q | k | v], each of width C.
///   - additiveMask: (B, T) — 0 for visible keys, very negative for padding; or nil.
public func attentionForward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                             qkv: UnsafePointer<Float>, additiveMask: UnsafePointer<Float>?,
                             batch B: Int, seqLen T: Int, channels C: Int, heads NH: Int) {
    let d = C / NH
    let scale = 1 / Float(d).squareRoot()
    for b in 0..<B {
        let base = qkv + b * T * 3 * C
        let mask = additiveMask.map { $0 + b * T }
        for h in 0..<NH {
            let q = base + h * d
            let k = base + C + h * d
            let v = base + 2 * C + h * d
            let p = probs + (b * NH + h) * T * T
            gemm(transA: false, transB: true, m: T, n: T, k: d, alpha: scale,
                 a: q, lda: 3 * C, b: k, ldb: 3 * C, beta: 0, c: p, ldc: T)
            softmaxForward(p, additiveMask: mask, rows: T, cols: T)
            gemm(transA: false, transB: false, m: T, n: d, k: T, alpha: 1,
                 a: p, lda: T, b: v, ldb: 3 * C, beta: 0, c: out + b * T * C + h * d, ldc: C)
        }
    }
}
