// Softmax: row-wise softmax with an optional additive mask shared by all rows.
//
// Attention uses it with mask[j] = 0 for a visible key and a very negative number
// (Hugging Face uses −3.4e38) for a padded key; masked keys get exactly zero weight.
// SIMD8 exp, rows split over cores. Plain-loop twin: Reference.softmaxForward.

/// x[r, :] ← softmax(x[r, :] + mask) for every row, in place.
/// - Parameters:
///   - x: (rows, cols).
///   - additiveMask: (cols) or nil.
public func softmaxForward(_ x: UnsafeMutablePointer<Float>, additiveMask: UnsafePointer<Float>?,
                           rows: Int, cols: Int) {
    Parallel.forEachRange(rows, costPerItem: 3 * cols) { range in
        for r in range { softmaxRow(x + r * cols, mask: additiveMask, cols: cols) }
    }
}

@inline(__always)
func softmaxRow(_ x: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>?, cols: Int) {
    let vecEnd = cols & ~7
    if let mask {
        var i = 0
        while i < vecEnd { store8(load8(x + i) + load8(mask + i), x + i); i += 8 }
        while i < cols { x[i] += mask[i]; i += 1 }
    }
    var mx = Float8(repeating: -.greatestFiniteMagnitude)
    var i = 0
    while i < vecEnd { mx = pointwiseMax(mx, load8(x + i)); i += 8 }
    var m = mx.max()
    while i < cols { m = max(m, x[i]); i += 1 }
    var acc = Float8()
    i = 0
    while i < vecEnd {
        let e = simdExp(load8(x + i) - m)
        store8(e, x + i)
        acc += e
        i += 8
    }
    var sum = acc.sum()
    if i < cols {
        var v = Float8(repeating: -.infinity)
        for j in 0..<(cols - i) { v[j] = x[i + j] - m }
        let e = simdExp(v)
        for j in 0..<(cols - i) { x[i + j] = e[j]; sum += e[j] }
    }
    let inv = 1 / sum
    i = 0
    while i < vecEnd { store8(load8(x + i) * inv, x + i); i += 8 }
    while i < cols { x[i] *= inv; i += 1 }
}
