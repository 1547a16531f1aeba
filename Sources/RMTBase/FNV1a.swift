// FNV1a: the 64-bit FNV-1a hash (Fowler–Noll–Vo) the package fingerprints things with — the
// token ids a memory state has read, a model's tensors, a noise corpus, a model file in the
// evaluation ledger. Not cryptographic: it detects accidents (resuming on another document,
// evaluating another model), not adversaries.

public enum FNV1a {
    /// The FNV-1a 64 offset basis: the hash of nothing.
    public static let offset: UInt64 = 0xCBF2_9CE4_8422_2325

    /// Folds `tokens` (each as 4 little-endian bytes) into a running hash.
    public static func hash(_ tokens: [Int32], into h: UInt64) -> UInt64 {
        var h = h
        for t in tokens { mix(UInt32(bitPattern: t), into: &h) }
        return h
    }

    /// Folds the 4 little-endian bytes of `value` into a running hash.
    public static func mix(_ value: UInt32, into h: inout UInt64) {
        var v = value
        for _ in 0..<4 { mix(byte: UInt8(v & 0xFF), into: &h); v >>= 8 }
    }

    /// One FNV-1a 64 step.
    @inline(__always)
    public static func mix(byte: UInt8, into h: inout UInt64) { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
}
