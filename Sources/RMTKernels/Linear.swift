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
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                Int32(rows), Int32(outDim), Int32(inDim),
                1, inp, Int32(inDim), weight, Int32(inDim),
                beta, out, Int32(outDim))
}

/// General row-major sgemm: C[m,n] = alpha·op(A)·op(B) + beta·C with explicit leading dimensions.
/// A thin, labelled wrapper so call sites read like the math.
@inline(__always)
public func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                 alpha: Float, a: UnsafePointer<Float>, lda: Int,
                 b: UnsafePointer<Float>, ldb: Int,
                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
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
