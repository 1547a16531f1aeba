// Small helpers over SplitMix64 for the data generators. Internal on purpose: the exact
// arithmetic (multiply-shift ranges, Fisher–Yates) is part of what makes a seed reproduce
// the same documents, so it does not depend on the standard library's random algorithms.
import RMTBase

extension SplitMix64 {
    /// Uniform integer in `0 ..< n` (multiply-shift; bias ≤ n / 2^64). Precondition: n > 0.
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "empty range")
        return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform integer in `range`.
    mutating func between(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// A uniformly chosen element. Precondition: not empty.
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// True with probability `numerator / denominator`.
    mutating func chance(_ numerator: Int, in denominator: Int) -> Bool { below(denominator) < numerator }

    /// Fisher–Yates shuffle.
    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, below(i + 1))
        }
    }

    /// The SplitMix64 output function applied to `value` (a strong 64-bit mixer).
    static func mix(_ value: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: value)
        return generator.next()
    }

    /// The generator of item `index` of the stream seeded `seed`: independent of every other
    /// index, so any item can be regenerated from (seed, index) alone.
    static func forItem(_ index: Int, seed: UInt64) -> SplitMix64 {
        SplitMix64(seed: mix(mix(seed) &+ UInt64(truncatingIfNeeded: index)))
    }

    /// Uniform in `range`, drawn by the generator of item `index` of the stream seeded
    /// `mix(seed ^ salt)`: a function of (seed, index) alone, independent of the items' own
    /// generators (another salt, another stream). For per-batch choices that a resume must
    /// restore from one integer: a batch's segment length (SegmentLengthRange), a training
    /// step's segment count (TrainingOptions.segmentCount).
    public static func draw(_ range: ClosedRange<Int>, item index: Int, seed: UInt64, salt: UInt64) -> Int {
        var generator = forItem(index, seed: mix(seed ^ salt))
        return generator.between(range)
    }
}
