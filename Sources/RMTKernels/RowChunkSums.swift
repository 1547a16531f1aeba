// RowChunkSums: race-free, deterministic reductions over rows for the weight-gradient
// kernels (Linear dbias, LayerNorm dweight/dbias).
//
// The rows are cut into fixed chunks of `reductionRowChunk`; each chunk accumulates into its
// own partial sum (so no two threads ever write the same memory), chunks run in parallel,
// and the partials are then added in chunk order. Because the chunking does not depend on
// the thread count, the result is bit-identical for 1 or N threads. Rows are read in
// memory order, in the same pass that may also compute per-row outputs (LayerNorm's dinp).
// Not a general reduction library.

import CRMTVector

/// Rows per partial sum. Large enough that the partials are few and the final sum is
/// negligible, small enough that 2 cores get balanced work at the usual 512·B rows.
let reductionRowChunk = 128

/// Runs `body(rowsOfChunk, partial)` for every chunk of up to `reductionRowChunk` rows,
/// chunks split over cores, where `partial` points at `width` zeros owned by that chunk;
/// then calls `total(sum)` with the Σ over chunks (width), summed in chunk order.
/// - Parameters:
///   - costPerRow: rough floats touched per row, to skip threading tiny jobs.
///   - threads: at most this many workers.
func sumOverRowChunks(rows: Int, width: Int, costPerRow: Int, threads: Int,
                      _ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void,
                      total: (UnsafePointer<Float>) -> Void) {
    let chunks = max(1, (rows + reductionRowChunk - 1) / reductionRowChunk)
    // The partials (chunks, width): the thread's reduction buffer, reused from call to call (a
    // fresh one per call was a heap allocation per layer and segment), else a temporary one.
    func run(_ base: UnsafeMutablePointer<Float>) {
        base.initialize(repeating: 0, count: chunks * width)
        Parallel.forEachRange(chunks, costPerItem: reductionRowChunk * costPerRow, threads: threads) { range in
            for chunk in range {
                let lo = chunk * reductionRowChunk
                body(lo..<min(rows, lo + reductionRowChunk), base + chunk * width)
            }
        }
        for chunk in 1..<chunks {
            addForward(out: base, a: base, b: base + chunk * width, count: width)
        }
        total(base)
    }
    if let buffer = rmt_thread_reduction_buffer(chunks * width) {
        run(buffer)
    } else {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: chunks * width) { run($0.baseAddress!) }
    }
}

/// sums[c] += Σ_r x[r, c].
/// - Parameters:
///   - sums: (cols), accumulated.
///   - x: (rows, cols).
func addColumnSums(into sums: UnsafeMutablePointer<Float>, of x: UnsafePointer<Float>, rows: Int, cols: Int,
                   threads: Int) {
    sumOverRowChunks(rows: rows, width: cols, costPerRow: cols, threads: threads) { rowRange, partial in
        for r in rowRange { addForward(out: partial, a: partial, b: x + r * cols, count: cols) }
    } total: { sum in
        addForward(out: sums, a: sums, b: sum, count: cols)
    }
}
