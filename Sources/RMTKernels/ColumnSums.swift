// ColumnSums: race-free, deterministic reductions over rows for the weight-gradient
// kernels (Linear dbias, LayerNorm dweight/dbias).
//
// The columns are cut into fixed blocks of 64 and each block is owned by one worker,
// which walks every row in order. So no two threads ever write the same sum, and each
// column is summed in plain row order whatever the thread count: the result is
// bit-identical for 1 or N threads. Not a general reduction library.

/// Width of the column block one worker owns; 8 SIMD8 lanes keep the partial sums in L1.
let columnBlockWidth = 64

/// sums[c] += Σ_r x[r, c].
/// - Parameters:
///   - sums: (cols), accumulated.
///   - x: (rows, cols).
func addColumnSums(into sums: UnsafeMutablePointer<Float>, of x: UnsafePointer<Float>, rows: Int, cols: Int) {
    forEachColumnBlock(cols: cols, costPerColumn: rows) { c0, width, acc in
        for r in 0..<rows {
            let row = x + r * cols + c0
            var c = 0
            while c + 8 <= width { store8(load8(acc + c) + load8(row + c), acc + c); c += 8 }
            while c < width { acc[c] += row[c]; c += 1 }
        }
        for c in 0..<width { sums[c0 + c] += acc[c] }
    }
}

/// Runs `body(firstColumn, width, scratch)` for every block of up to `columnBlockWidth`
/// columns, blocks split over cores. `scratch` holds 2·`columnBlockWidth` zeros on entry
/// (room for two partial sums per column).
@inline(__always)
func forEachColumnBlock(cols: Int, costPerColumn: Int,
                        _ body: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
    let blocks = (cols + columnBlockWidth - 1) / columnBlockWidth
    Parallel.forEachRange(blocks, costPerItem: costPerColumn * columnBlockWidth) { range in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * columnBlockWidth) { scratch in
            let acc = scratch.baseAddress!
            for block in range {
                let c0 = block * columnBlockWidth
                acc.initialize(repeating: 0, count: 2 * columnBlockWidth)
                body(c0, min(columnBlockWidth, cols - c0), acc)
            }
        }
    }
}
