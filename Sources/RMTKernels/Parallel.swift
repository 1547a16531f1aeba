// Parallel: splits a range of independent rows over the machine's cores.
//
// Used by the element-wise kernels (LayerNorm, GELU, softmax, embedding) and by `gemm`
// (GEMM.swift), which splits a large product into whole micro-tile slices, one per core.

import Dispatch

/// Row-parallel loops over the available cores.
public enum Parallel {
    /// Calls `body` on disjoint sub-ranges covering `0..<count`, in parallel when the work
    /// is large enough (`count * costPerItem` above a threshold) and more than one core exists.
    /// - Parameters:
    ///   - count: number of independent items (rows).
    ///   - costPerItem: rough number of floats touched per item, to skip threading tiny jobs.
    ///   - threads: at most this many workers (`ComputeOptions.threads`).
    @inlinable
    public static func forEachRange(_ count: Int, costPerItem: Int = 1, threads: Int, _ body: (Range<Int>) -> Void) {
        let workers = min(threads, count)
        if workers <= 1 || count * costPerItem < 32_768 {
            if count > 0 { body(0..<count) }
            return
        }
        let chunk = (count + workers - 1) / workers
        withoutActuallyEscaping(body) { body in
            // The ranges are disjoint, so handing `body` to several threads is safe even
            // though it captures raw pointers; the box states that promise to the compiler.
            let shared = UncheckedSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let lo = w * chunk
                let hi = min(count, lo + chunk)
                if lo < hi { shared.value(lo..<hi) }
            }
        }
    }
}

/// Wraps a value the caller promises is only used in a data-race-free way.
public struct UncheckedSendableBox<T>: @unchecked Sendable {
    public let value: T
    @inlinable public init(_ value: T) { self.value = value }
}
