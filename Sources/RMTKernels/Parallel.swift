// Parallel: splits a range of independent rows over the machine's cores.
//
// Used by the element-wise kernels (LayerNorm, GELU, softmax, the fused epilogues), by
// attention (whole heads per core) and by `gemm` (GEMM.swift), which splits a large product
// into whole micro-tile slices, one per core. The threads are CRMTVector's worker pool
// (rmt_parallel.h): persistent, parked between jobs, so a loop allocates nothing per call and
// each worker keeps its GEMM pack buffers. A loop started from inside another runs inline.
// The body closure reaches the pool without being copied to the heap (rmt_parallel_ranges), so
// a parallel loop allocates nothing — the steady-state forward of a segment allocates nothing
// (Tests/RMTRecurrenceTests/AllocationTests.swift).
import CRMTVector

/// Row-parallel loops over the available cores.
public enum Parallel {
    /// Calls `body` on disjoint sub-ranges covering `0..<count`, in parallel when the work
    /// is large enough (`count * costPerItem` above a threshold) and more than one core exists.
    /// - Parameters:
    ///   - count: number of independent items (rows).
    ///   - costPerItem: rough number of floats touched per item, to skip threading tiny jobs.
    ///   - threads: at most this many workers (`ComputeOptions.threads`).
    public static func forEachRange(_ count: Int, costPerItem: Int = 1, threads: Int, _ body: (Range<Int>) -> Void) {
        let workers = min(threads, count)
        if workers <= 1 || count * costPerItem < 32_768 {
            if count > 0 { body(0..<count) }
            return
        }
        let chunk = (count + workers - 1) / workers
        // The closure goes to the C pool as it is (no escaping copy, so no heap context); the
        // ranges are disjoint, so running `body` on several threads is safe even though it
        // captures raw pointers.
        parallelRanges(count, workers, chunk) { lo, hi in body(lo..<hi) }
    }
}

/// rmt_parallel_ranges (rmt_parallel.c): calls body(lo, hi) for each of `workers` slices of
/// `chunk` items of 0..<count on the worker pool, and returns when all have returned. Declared
/// here in Swift's calling convention, so the non-escaping closure crosses as its function and
/// stack context; the C side is `swiftcall` to match.
@_silgen_name("rmt_parallel_ranges")
private func parallelRanges(_ count: Int, _ workers: Int, _ chunk: Int, _ body: (Int, Int) -> Void)

/// Wraps a value the caller promises is only used in a data-race-free way.
public struct UncheckedSendableBox<T>: @unchecked Sendable {
    public let value: T
    @inlinable public init(_ value: T) { self.value = value }
}
