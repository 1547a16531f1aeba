// Elementwise: small memory-bound helpers (residual add, row gather/add) used to
// assemble embeddings and residual connections.

/// out[i] = a[i] + b[i]. `out` may alias `a` or `b`.
public func addForward(out: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                       count: Int) {
    var i = 0
    while i + 8 <= count { store8(load8(a + i) + load8(b + i), out + i); i += 8 }
    while i < count { out[i] = a[i] + b[i]; i += 1 }
}

/// Embedding lookup: out[n, :] = table[ids[n], :].
/// - Parameters:
///   - out: (count, channels).
///   - table: (vocab, channels).
///   - ids: (count); every id must be in 0..<vocab (callers validate).
public func embeddingForward(out: UnsafeMutablePointer<Float>, table: UnsafePointer<Float>,
                             ids: UnsafePointer<Int32>, count: Int, channels C: Int) {
    for n in 0..<count { (out + n * C).update(from: table + Int(ids[n]) * C, count: C) }
}

/// out[n, :] += table[ids[n], :] (position and token-type embeddings).
public func embeddingAccumulate(out: UnsafeMutablePointer<Float>, table: UnsafePointer<Float>,
                                ids: UnsafePointer<Int32>, count: Int, channels C: Int) {
    for n in 0..<count {
        let row = out + n * C
        addForward(out: row, a: row, b: table + Int(ids[n]) * C, count: C)
    }
}
