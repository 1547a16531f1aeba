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

/// Backward of `addForward` (out = a + b): da += dout, db += dout.
///
/// Residual connections rarely need this call: because every backward kernel *adds* into
/// its gradient buffer, a residual branch's gradient is accumulated by pointing both
/// branches' backward calls at the same buffer. It exists for completeness and for the
/// cases where the two operands' gradients live in different buffers.
/// - Parameters:
///   - da, db: (count), accumulated; either may be nil; neither may alias `dout`.
///   - dout: (count).
public func addBackward(da: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?,
                        dout: UnsafePointer<Float>, count: Int) {
    if let da { addForward(out: da, a: da, b: dout, count: count) }
    if let db { addForward(out: db, a: db, b: dout, count: count) }
}

/// Backward of `embeddingForward` / `embeddingAccumulate`: dtable[ids[n], :] += dout[n, :].
/// A scatter-add: rows whose id repeats accumulate every occurrence. Single-threaded,
/// in order of n, so it is race-free and deterministic (it touches only `count` rows).
/// - Parameters:
///   - dtable: (vocab, channels), accumulated.
///   - dout: (count, channels).
///   - ids: (count); every id must be in 0..<vocab.
public func embeddingBackward(dtable: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                              ids: UnsafePointer<Int32>, count: Int, channels C: Int) {
    for n in 0..<count {
        let row = dtable + Int(ids[n]) * C
        addForward(out: row, a: row, b: dout + n * C, count: C)
    }
}

/// Index of the largest value (the first one on ties); NaNs never win, and an all-NaN
/// or empty input gives 0 — never a trap on a diverged model's logits.
public func argmax<C: Collection>(_ values: C) -> Int where C.Element == Float {
    var best = 0, bestValue = -Float.infinity, i = 0
    for v in values {
        if v > bestValue { best = i; bestValue = v }
        i += 1
    }
    return best
}
