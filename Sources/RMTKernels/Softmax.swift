// Softmax: row-wise softmax with an optional additive mask shared by all rows.
//
// Attention uses it with mask[j] = 0 for a visible key and a very negative number
// (Hugging Face uses −3.4e38) for a padded key; masked keys get exactly zero weight.
// Rows split over cores; each range runs the AVX-512/AVX2 C kernel (VectorUnit.swift) or the
// SIMD8 Swift row below. Plain-loop twin: Reference.softmaxForward.
import CRMTVector

/// x[r, :] ← softmax(x[r, :] + mask) for every row, in place.
/// - Parameters:
///   - x: (rows, cols).
///   - additiveMask: (cols) or nil.
public func softmaxForward(_ x: UnsafeMutablePointer<Float>, additiveMask: UnsafePointer<Float>?,
                           rows: Int, cols: Int, compute: ComputeOptions = .default) {
    let level = compute.rows
    Parallel.forEachRange(rows, costPerItem: 3 * cols, threads: compute.threads) { range in
        softmaxRows(x + range.lowerBound * cols, mask: additiveMask, rows: range.count, cols: cols, level: level)
    }
}

/// Softmax of `rows` rows of `cols` (with an optional additive mask) on one thread, at `level`.
/// - Parameters: x: (rows, cols), in place; mask: (cols) or nil.
@inline(__always)
public func softmaxRows(_ x: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>?, rows: Int, cols: Int,
                        level: VectorUnit.Level) {
    if level != .swift, rmt_softmax_rows(level.rawValue, x, mask, rows, cols) != 0 { return }
    for r in 0..<rows { softmaxRow(x + r * cols, mask: mask, cols: cols) }
}

@inline(__always)
func softmaxRow(_ x: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>?, cols: Int) {
    if let mask { for i in 0..<cols { x[i] += mask[i] } }
    // Max with 8 independent running maxima (kept on the stack: this runs once per row).
    let m = withUnsafeTemporaryAllocation(of: Float.self, capacity: 8) { mb -> Float in
        mb.initialize(repeating: -.greatestFiniteMagnitude)
        var m: Float = -.greatestFiniteMagnitude
        let vecEnd = cols & ~7
        var i = 0
        while i < vecEnd {
            for j in 0..<8 { let v = x[i + j]; mb[j] = v > mb[j] ? v : mb[j] }
            i += 8
        }
        while i < cols { m = max(m, x[i]); i += 1 }
        for j in 0..<8 { m = max(m, mb[j]) }
        return m
    }
    for i in 0..<cols { x[i] = fastExp(x[i] - m) }  // a plain loop: auto-vectorised
    var acc = Float8()
    let vecEnd = cols & ~7
    var i = 0
    while i < vecEnd { acc += load8(x + i); i += 8 }
    var sum = acc.sum()
    while i < cols { sum += x[i]; i += 1 }
    let inv = 1 / sum
    for i in 0..<cols { x[i] *= inv }
}

/// Softmax backward in place: g[r, :] ← P[r, :] ⊙ (g[r, :] − Σ_j g[r, j]·P[r, j]).
/// On entry `g` holds dL/dP, on return dL/dS for S the pre-softmax scores (mask included:
/// an additive mask is a constant, so it passes the gradient through unchanged, and a
/// masked key, having P = 0, gets exactly 0). Overwrites rather than accumulates, because
/// it transforms a scratch buffer; callers accumulate the result.
/// - Parameters:
///   - g: (rows, cols) — dL/dP in, dL/dS out.
///   - probs: (rows, cols) — the softmax output P.
public func softmaxBackwardInPlace(_ g: UnsafeMutablePointer<Float>, probs: UnsafePointer<Float>,
                                   rows: Int, cols: Int, compute: ComputeOptions = .default) {
    Parallel.forEachRange(rows, costPerItem: 3 * cols, threads: compute.threads) { range in
        let vecEnd = cols & ~7
        for r in range {
            let gr = g + r * cols, p = probs + r * cols
            var acc = Float8()
            var j = 0
            while j < vecEnd { acc += load8(gr + j) * load8(p + j); j += 8 }
            var dot = acc.sum()
            while j < cols { dot += gr[j] * p[j]; j += 1 }
            j = 0
            while j < vecEnd { store8(load8(p + j) * (load8(gr + j) - dot), gr + j); j += 8 }
            while j < cols { gr[j] = p[j] * (gr[j] - dot); j += 1 }
        }
    }
}
