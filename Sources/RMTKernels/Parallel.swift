// Parallel: splits a range of independent rows over the machine's cores.
//
// Used by the element-wise kernels (LayerNorm, GELU, softmax, the fused epilogues), by
// attention (whole heads per core) and by `gemm` (GEMM.swift), which splits a large product
// into whole micro-tile slices, one per core. The threads are CRMTVector's worker pool
// (rmt_parallel.h): persistent, parked between jobs, so a loop allocates nothing per call and
// each worker keeps its GEMM pack buffers. A loop started from inside another runs inline.
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
        withoutActuallyEscaping(body) { body in
            // The ranges are disjoint, so running `body` on several threads is safe even though
            // it captures raw pointers. The job lives on this stack frame until the pool returns.
            var job = Job(body: body, count: count, chunk: chunk)
            withUnsafeMutablePointer(to: &job) { pointer in
                rmt_parallel_for(workers, workers, { context, w in
                    let job = context!.assumingMemoryBound(to: Job.self)
                    let lo = w * job.pointee.chunk, hi = min(job.pointee.count, lo + job.pointee.chunk)
                    if lo < hi { job.pointee.body(lo..<hi) }
                }, pointer)
            }
        }
    }

    /// One `forEachRange` call as the pool's callback reads it.
    private struct Job {
        let body: (Range<Int>) -> Void
        let count: Int, chunk: Int
    }
}

/// Wraps a value the caller promises is only used in a data-race-free way.
public struct UncheckedSendableBox<T>: @unchecked Sendable {
    public let value: T
    @inlinable public init(_ value: T) { self.value = value }
}
