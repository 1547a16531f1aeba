// Parallel.forEachRange on CRMTVector's worker pool: every item exactly once, for any worker
// count; a loop inside a loop (and loops from several threads at once) runs inline instead
// of deadlocking, with the same coverage.
import Dispatch
import Testing
import RMTKernels

@Test func poolCoversEveryItemOnceAndNestsWithoutDeadlock() {
    for threads in [1, 2, 3, 8] {
        for count in [1, 2, 7, 100, 4096] {
            let hits = UnsafeMutablePointer<Int32>.allocate(capacity: count * 5)
            hits.initialize(repeating: 0, count: count * 5)
            defer { hits.deallocate() }
            Parallel.forEachRange(count, costPerItem: 1 << 20, threads: threads) { range in
                for i in range {
                    hits[i] += 1
                    // A nested loop over this item's 4 slots.
                    Parallel.forEachRange(4, costPerItem: 1 << 20, threads: threads) { inner in
                        for j in inner { hits[count + i * 4 + j] += 1 }
                    }
                }
            }
            #expect((0..<(count * 5)).allSatisfy { hits[$0] == 1 }, "threads \(threads) count \(count)")
        }
    }
    // Loops started from several threads at once: each completes with full coverage.
    let sums = UnsafeMutablePointer<Int>.allocate(capacity: 4)
    sums.initialize(repeating: 0, count: 4)
    defer { sums.deallocate() }
    let box = UncheckedSendableBox(sums)
    DispatchQueue.concurrentPerform(iterations: 4) { t in
        let partial = UnsafeMutablePointer<Int>.allocate(capacity: 1000)
        partial.initialize(repeating: 0, count: 1000)
        Parallel.forEachRange(1000, costPerItem: 1 << 20, threads: 2) { range in
            for i in range { partial[i] = i }
        }
        box.value[t] = (0..<1000).reduce(0) { $0 + partial[$1] }
        partial.deallocate()
    }
    #expect((0..<4).allSatisfy { sums[$0] == 499_500 })
}
