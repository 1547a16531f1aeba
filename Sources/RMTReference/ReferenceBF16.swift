// Reference.gemmBF16: the bf16 GEMM's Double reference — the exact sum, in Double, of the
// products of the bf16-rounded operands (bf16Bits, RNE), and the sum of their magnitudes, from
// which the tests derive how far an fp32 accumulation may lie from it. The kernels' plain-loop
// twin (rmt_gemm_bf16_twin, C) is held against this; the SIMD kernels against the twin.
import RMTKernels

extension Reference {
    /// Per element of C (m × n, row-major, dense): (alpha·Σ â·b̂ + beta·c, |alpha|·Σ |â·b̂| + |beta·c|)
    /// over bf16-rounded op(A) and op(B) (same conventions as `gemm`; `b16`, when given, is op(B)'s
    /// storage as bf16 bits and `b` is ignored). beta = 0 does not read C.
    public static func gemmBF16(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                                a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>?, b16: UnsafePointer<UInt16>?,
                                ldb: Int, beta: Float, c: UnsafePointer<Float>, ldc: Int) -> (value: [Double], magnitude: [Double]) {
        var value = [Double](repeating: 0, count: m * n), magnitude = value
        func rounded(_ x: Float) -> Double { Double(floatFromBF16(bf16Bits(x))) }
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0, size = 0.0
                for p in 0..<k {
                    let x = rounded(transA ? a[p * lda + i] : a[i * lda + p])
                    let at = transB ? j * ldb + p : p * ldb + j
                    let y = b16.map { Double(floatFromBF16($0[at])) } ?? rounded(b![at])
                    s += x * y
                    size += abs(x * y)
                }
                let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
                value[i * n + j] = Double(alpha) * s + old
                magnitude[i * n + j] = abs(Double(alpha)) * size + abs(old)
            }
        }
        return (value, magnitude)
    }
}
