// Reference.gemm: the plain triple loop behind every GEMM backend (own micro-kernels and
// OpenBLAS), accumulating in Double, with BLAS semantics (beta = 0 does not read C).
import RMTKernels
extension Reference {
    /// Row-major C[m,n] = alpha·op(A)·op(B) + beta·C; op(A): (m, k) stored (trans ? (k, m) : (m, k))
    /// with leading dimension lda; op(B): (k, n) stored (trans ? (n, k) : (k, n)) with ldb.
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                            alpha: Float, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let x = transA ? a[p * lda + i] : a[i * lda + p]
                    let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                    s += Double(x) * Double(y)
                }
                let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
                c[i * ldc + j] = Float(Double(alpha) * s + old)
            }
        }
    }
}
