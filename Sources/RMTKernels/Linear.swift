// Linear: the fully connected layer y = x·Wᵀ + b and its backward, through `gemm` (GEMM.swift).
//
// Weights use the PyTorch/Hugging Face layout W[outDim, inDim], so checkpoints load as-is.
// Plain-loop twin: Reference.linearForward. In inference with `compute.linearBF16` set, a
// forward given the weight's bf16 copy runs the bf16 GEMM on it (BF16.swift). Mixed-precision
// training (`compute.trainsInBF16`, `linearTrainingBF16`): a forward given `training` and the backward given `bf16` run
// their products on that bf16 kernel with the fp32 operands rounded while packed (the weights
// change every step, so no copy is kept) and fp32 sums; the weights, gradients and optimizer
// stay fp32.

/// out[rows, outDim] = inp[rows, inDim] · weight[outDim, inDim]ᵀ + bias[outDim].
/// - Parameters:
///   - out: (rows, outDim), overwritten.
///   - inp: (rows, inDim).
///   - weight: (outDim, inDim).
///   - bias: (outDim), or nil for none.
///   - weightBF16: `weight` converted to bf16 (BF16Matrix, (outDim, inDim)): used, with the
///     input rounded to bf16, when `compute.linearBF16` names a kernel; nil = fp32.
public func linearForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                          rows: Int, inDim: Int, outDim: Int, weightBF16: BF16Matrix? = nil,
                          training: BF16Kernel? = nil, compute: ComputeOptions = .default) {
    var beta: Float = 0
    if let bias {
        for r in 0..<rows { (out + r * outDim).update(from: bias, count: outDim) }
        beta = 1
    }
    if let weightBF16, let kernel = compute.linearBF16,
       gemmBF16(transA: false, transB: true, m: rows, n: outDim, k: inDim, alpha: 1, a: inp, lda: inDim,
                b: .bf16(UnsafePointer(weightBF16.pointer)), ldb: inDim, beta: beta, c: out, ldc: outDim,
                kernel: kernel, compute: compute) { return }
    if let training,
       gemmBF16(transA: false, transB: true, m: rows, n: outDim, k: inDim, alpha: 1, a: inp, lda: inDim,
                b: .float(weight), ldb: inDim, beta: beta, c: out, ldc: outDim, kernel: training, compute: compute) { return }
    gemm(transA: false, transB: true, m: rows, n: outDim, k: inDim, alpha: 1, a: inp, lda: inDim,
         b: weight, ldb: inDim, beta: beta, c: out, ldc: outDim, compute: compute)
}

/// Backward of `linearForward`: accumulates the gradients of y = x·Wᵀ + b.
///
///   dinp    += dout · W          (sgemm; with `bf16`, bf16 inputs and fp32 sums)
///   dweight += doutᵀ · inp       (likewise; each dW element is one dot product over rows, race-free)
///   dbias   += Σ_rows dout       (column sums, see `addColumnSums`)
/// - Parameters:
///   - dinp: (rows, inDim), accumulated; or nil when the input needs no gradient.
///   - dweight: (outDim, inDim), accumulated.
///   - dbias: (outDim), accumulated; or nil for a layer without bias.
///   - dout: (rows, outDim) — gradient of the loss with respect to `out`.
///   - inp: (rows, inDim) — the forward input.
///   - weight: (outDim, inDim).
///   - bf16: the bf16 kernel of mixed-precision training (`compute.linearTrainingBF16`); nil = fp32.
public func linearBackward(dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
                           dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>,
                           inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           rows: Int, inDim: Int, outDim: Int, bf16: BF16Kernel? = nil, compute: ComputeOptions = .default) {
    guard rows > 0 else { return }
    // C (·, inDim) += op(A)·B: on the bf16 kernel when given (and it runs here), else in fp32.
    func accumulate(transA: Bool, m: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        if let bf16, gemmBF16(transA: transA, transB: false, m: m, n: inDim, k: k, alpha: 1, a: a, lda: outDim,
                              b: .float(b), ldb: inDim, beta: 1, c: c, ldc: inDim, kernel: bf16, compute: compute) { return }
        gemm(transA: transA, transB: false, m: m, n: inDim, k: k, alpha: 1, a: a, lda: outDim,
             b: b, ldb: inDim, beta: 1, c: c, ldc: inDim, compute: compute)
    }
    if let dinp { accumulate(transA: false, m: rows, k: outDim, a: dout, b: weight, c: dinp) }
    accumulate(transA: true, m: outDim, k: rows, a: dout, b: inp, c: dweight)
    if let dbias { addColumnSums(into: dbias, of: dout, rows: rows, cols: outDim, threads: compute.threads) }
}
