// OptimizerKernels: the element loops of a training step after the backward pass — the AdamW
// update and the gradient's sum of squares (its norm, for clipping). On a small model with
// BERT's 30,522-row embedding table these loops, over every parameter each step, cost as much
// as the forward and backward passes (a tiny-preset step at 32 tokens: 43% AdamW, 8% the norm,
// measured with perf, Docs/benchmarks.md).
// Each runs the AVX-512/AVX2 C kernel of CRMTVector at ComputeOptions.rows (VectorUnit.swift)
// or, at `.swift`, its plain loop — the twin the tests hold every level to: AdamW bit for bit
// (no fused multiply-add anywhere), the sum of squares to Double rounding.
import CRMTVector

/// One AdamW step over `count` elements, split over `compute.threads` (each element on its own,
/// so the result does not depend on the split):
/// m ← b1·m + (1 − b1)·g, v ← b2·v + (1 − b2)·g·g, p ← p − lr·((m/c1) / (√(v/c2) + eps) + wd·p).
/// - Parameters:
///   - p, m, v: (count), updated in place; g: (count). None may alias another.
///   - c1, c2: the bias corrections 1 − b1^t and 1 − b2^t.
public func adamWUpdate(p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                        v: UnsafeMutablePointer<Float>, count: Int, b1: Float, b2: Float, c1: Float, c2: Float,
                        eps: Float, lr: Float, wd: Float, compute: ComputeOptions = .default) {
    let block = 4096, blocks = (count + block - 1) / block, level = compute.rows
    Parallel.forEachRange(blocks, costPerItem: block * 6, threads: compute.threads) { range in
        let lo = range.lowerBound * block, hi = min(count, range.upperBound * block)
        adamWRange(p: p + lo, g: g + lo, m: m + lo, v: v + lo, count: hi - lo,
                   b1: b1, b2: b2, c1: c1, c2: c2, eps: eps, lr: lr, wd: wd, level: level)
    }
}

/// `adamWUpdate` over `count` elements on one thread, at `level`; at `.swift` the plain loop.
@inline(__always)
public func adamWRange(p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                       v: UnsafeMutablePointer<Float>, count: Int, b1: Float, b2: Float, c1: Float, c2: Float,
                       eps: Float, lr: Float, wd: Float, level: VectorUnit.Level) {
    if level != .swift, rmt_adamw_update(level.rawValue, p, g, m, v, count, b1, b2, c1, c2, eps, lr, wd) != 0 { return }
    for i in 0..<count {
        let gi = g[i]
        m[i] = b1 * m[i] + (1 - b1) * gi
        v[i] = b2 * v[i] + (1 - b2) * gi * gi
        let mHat = m[i] / c1, vHat = v[i] / c2
        p[i] -= lr * (mHat / (vHat.squareRoot() + eps) + wd * p[i])
    }
}

/// Σ x[i]² over `count` elements in Double, on one thread (the gradient norm is one sum, so its
/// value does not depend on the thread count). At `.swift` the sequential plain loop; the vector
/// levels sum in 16 or 8 Double lanes, which may differ from it in the last bits.
public func sumOfSquares(_ x: UnsafePointer<Float>, count: Int, level: VectorUnit.Level) -> Double {
    var s = 0.0
    if level != .swift, rmt_sum_squares(level.rawValue, x, count, &s) != 0 { return s }
    for i in 0..<count { s += Double(x[i]) * Double(x[i]) }
    return s
}
