// CrossEntropy: softmax cross-entropy over class logits, the classification loss.
//
// Forward keeps the probabilities for the backward pass and computes each loss as
// logsumexp(z) − z[target] (max-shifted), so it stays finite and accurate even when the
// target's probability underflows Float. The reduction over rows (mean, sum, weights)
// is the caller's: backward takes it as `scale` (1/rows for the mean).
// Not a fused classifier: the logits come from `linearForward`.
// A negative target (PyTorch's ignore_index) marks a row without a loss: its
// loss is 0 and it gets no gradient (its probabilities are still computed).
// Plain-loop twins: Reference.crossEntropyForward/Backward.
import Foundation

/// losses[r] = −log softmax(logits[r, :])[targets[r]], probs[r, :] = softmax(logits[r, :]).
/// - Parameters:
///   - losses: (rows), overwritten.
///   - probs: (rows, classes), overwritten.
///   - logits: (rows, classes).
///   - targets: (rows) — class indices, each in 0..<classes, or negative for no loss.
public func crossEntropyForward(losses: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                                logits: UnsafePointer<Float>, targets: UnsafePointer<Int32>,
                                rows: Int, classes K: Int, compute: ComputeOptions = .default) {
    Parallel.forEachRange(rows, costPerItem: 3 * K, threads: compute.threads) { range in
        for r in range {
            let z = logits + r * K, p = probs + r * K
            let target = Int(targets[r])
            precondition(target < K, "crossEntropyForward: target \(target) out of 0..<\(K)")
            var m = -Float.greatestFiniteMagnitude
            for j in 0..<K { m = max(m, z[j]) }
            var sum: Float = 0
            for j in 0..<K { let e = fastExp(z[j] - m); p[j] = e; sum += e }  // the softmax kernels' exp
            let inv = 1 / sum
            for c in 0..<K { p[c] *= inv }
            losses[r] = target < 0 ? 0 : Foundation.log(sum) + m - z[target]
        }
    }
}

/// Backward of `crossEntropyForward` for the loss scale·Σ_r losses[r]:
/// dlogits[r, c] += scale·(probs[r, c] − [c == targets[r]]) for rows with a target ≥ 0.
/// - Parameters:
///   - dlogits: (rows, classes), accumulated.
///   - probs: (rows, classes) — as saved by `crossEntropyForward`.
///   - targets: (rows) — class indices; a negative one: the row gets no gradient.
///   - scale: dL/dlosses[r], the same for every row; 1/rows for a mean loss.
public func crossEntropyBackward(dlogits: UnsafeMutablePointer<Float>, probs: UnsafePointer<Float>,
                                 targets: UnsafePointer<Int32>, rows: Int, classes K: Int, scale: Float,
                                 compute: ComputeOptions = .default) {
    Parallel.forEachRange(rows, costPerItem: 2 * K, threads: compute.threads) { range in
        let vecEnd = K & ~7
        for r in range where targets[r] >= 0 {
            let p = probs + r * K, dz = dlogits + r * K
            var j = 0
            while j < vecEnd { store8(load8(dz + j) + scale * load8(p + j), dz + j); j += 8 }
            while j < K { dz[j] += scale * p[j]; j += 1 }
            dz[Int(targets[r])] -= scale
        }
    }
}
