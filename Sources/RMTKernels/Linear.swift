// Linear: the fully connected layer y = x·Wᵀ + b through OpenBLAS sgemm.
//
// Weights use the PyTorch/Hugging Face layout W[outDim, inDim], so checkpoints load as-is.
// Plain-loop twin: Reference.linearForward.
import COpenBLAS

/// out[rows, outDim] = inp[rows, inDim] · weight[outDim, inDim]ᵀ + bias[outDim].
/// - Parameters:
///   - out: (rows, outDim), overwritten.
///   - inp: (rows, inDim).
///   - weight: (outDim, inDim).
///   - bias: (outDim), or nil for none.
public func linearForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                          rows: Int, inDim: Int, outDim: Int) {
    var beta: Float = 0
    if let bias {
        for r in 0..<rows { (out + r * outDim).update(from: bias, count: outDim) }
        beta = 1
    }
    gemm(transA: false, transB: true, m: rows, n: outDim, k: inDim, alpha: 1, a: inp, lda: inDim,
         b: weight, ldb: inDim, beta: beta, c: out, ldc: outDim)
}

/// General row-major sgemm: C[m,n] = alpha·op(A)·op(B) + beta·C with explicit leading dimensions.
/// A thin, labelled wrapper so call sites read like the math.
///
/// Threading: by default OpenBLAS runs single-threaded and a large product is split by rows
/// of C over the cores with `Parallel` (one sgemm per slice). OpenBLAS's own workers spin
/// after every call and then compete with the element-wise kernels for the two cores; ours
/// park. `parallel: false` keeps the call on the current thread (for callers that already
/// run in parallel, e.g. attention heads). RMT_GEMM_THREADING=openblas restores OpenBLAS's.
@inline(__always)
public func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                 alpha: Float, a: UnsafePointer<Float>, lda: Int,
                 b: UnsafePointer<Float>, ldb: Int,
                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, parallel: Bool = true) {
    BLAS.configureOnce()
    func call(_ rows: Range<Int>) {
        let aStart = transA ? a + rows.lowerBound : a + rows.lowerBound * lda
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(rows.count), Int32(n), Int32(k), alpha, aStart, Int32(lda), b, Int32(ldb),
                    beta, c + rows.lowerBound * ldc, Int32(ldc))
    }
    let workers = BLAS.ownsThreading ? Parallel.threadCount : 1
    if parallel && workers > 1 && m >= 16 * workers && m * n * k >= 1 << 21 {
        // Slices of C rows, each a multiple of 16 rows (keeps the micro-kernel's panels whole).
        let slices = workers
        let per = ((m + slices - 1) / slices + 15) / 16 * 16
        Parallel.forEachRange(slices, costPerItem: .max / slices) { range in
            for s in range {
                let lo = s * per, hi = min(m, lo + per)
                if lo < hi { call(lo..<hi) }
            }
        }
    } else {
        call(0..<m)
    }
}

/// Backward of `linearForward`: accumulates the gradients of y = x·Wᵀ + b.
///
///   dinp    += dout · W          (sgemm)
///   dweight += doutᵀ · inp       (sgemm; each dW element is one dot product over rows, race-free)
///   dbias   += Σ_rows dout       (column sums, see `addColumnSums`)
/// - Parameters:
///   - dinp: (rows, inDim), accumulated; or nil when the input needs no gradient.
///   - dweight: (outDim, inDim), accumulated.
///   - dbias: (outDim), accumulated; or nil for a layer without bias.
///   - dout: (rows, outDim) — gradient of the loss with respect to `out`.
///   - inp: (rows, inDim) — the forward input.
///   - weight: (outDim, inDim).
public func linearBackward(dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
                           dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>,
                           inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           rows: Int, inDim: Int, outDim: Int) {
    guard rows > 0 else { return }
    if let dinp {
        gemm(transA: false, transB: false, m: rows, n: inDim, k: outDim,
             alpha: 1, a: dout, lda: outDim, b: weight, ldb: inDim, beta: 1, c: dinp, ldc: inDim)
    }
    gemm(transA: true, transB: false, m: outDim, n: inDim, k: rows,
         alpha: 1, a: dout, lda: outDim, b: inp, ldb: inDim, beta: 1, c: dweight, ldc: inDim)
    if let dbias { addColumnSums(into: dbias, of: dout, rows: rows, cols: outDim) }
}
