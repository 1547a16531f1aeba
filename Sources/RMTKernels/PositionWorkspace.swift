// PositionWorkspace: the reused scratch memory of the position terms' kernels — CoPE's text order,
// query–embedding products and gates, DAPE's MLP inputs and hidden layers, the logit-scale and
// table gradients — grown on demand and never shrunk, so that a segment with position terms
// allocates nothing once its buffers have reached their sizes. The encoder keeps one per
// BertActivations (forward) and one per BertGradientScratch (backward); a kernel called without
// one makes a temporary workspace (allocating, as a one-off call may).
// Shapes (B batch, T positions, R query rows, NH heads, d head size, n2 = 2·npos, w = DAPE width,
// P = DAPE pairs per chunk) are given at each slot; float slots are 64-byte aligned like FloatBuffer.

/// Reused scratch of the position kernels (AttentionCoPE.swift, AttentionDAPE.swift, Attention.swift).
/// Not thread-safe: grow it (the `prepare…` and slot calls) on one thread; parallel loops only
/// use the pointers handed out before they start.
public final class PositionWorkspace: @unchecked Sendable {
    /// Float scratch slots.
    enum Slot: Int, CaseIterable {
        /// (B·NH slots of `copeSlotStride(R, n2)`) CoPE forward: q_i·e[s, k]/√d of each (sequence, head).
        case copeE
        /// (B·NH slots of `copeGateStride(T)`) CoPE forward: the gates of one query row.
        case copeGates
        /// (T, T) CoPE backward: S = QKᵀ/√d of one head.
        case copeScores
        /// (T, n2) CoPE backward: E = Q·eᵀ/√d and its gradient dE (zeroed before each use).
        case copeBackE, copeBackDE
        /// (3·max(n, 1)) CoPE backward: gates, dp and dg of one row (n text positions).
        case copeRowWork
        /// (2NH, R, T) DAPE: X = λ·QKᵀ/√d (first NH planes) and the base bias B (next NH), one sequence.
        case dapeInputs
        /// (w, P) DAPE forward: hidden layer of one chunk of pairs.
        case dapeHidden
        /// (w, P) DAPE backward: pre-activation, activation and dh of one chunk.
        case dapePre, dapeAct, dapeDH
        /// (2NH, P) DAPE backward: [dX; dB] of one chunk.
        case dapeDIn
        /// (NH, T, T) DAPE backward: dZ and dB of every head of one sequence.
        case dapeDZ, dapeDBias
        /// (T, d) attention backward: dS·K/√d of one head, when the logit scale needs its gradient.
        case scaleProduct
        /// (NH, 2W − 1) the text-offset table's gradient of one layer (PositionTerms.swift).
        case textBiasGradient
        /// (B, NH) the logit scale's gradient of one layer.
        case logitScaleGradient
    }

    private var floatSlots: [FloatBuffer?] = Array(repeating: nil, count: Slot.allCases.count)
    /// (B, T) text order and rank of every position (−1 for non-text), (B) text counts (CoPE).
    private let order = GrowingStorage<Int32>(), rank = GrowingStorage<Int32>(), counts = GrowingStorage<Int>()
    /// Doubles for the distance schemes' parameter gradients (`DistanceBias.parameterCount`).
    private let doubles = GrowingStorage<Double>()

    public init() {}

    /// At least `count` floats for `slot`, 64-byte aligned; contents left from earlier use.
    func floats(_ slot: Slot, _ count: Int) -> UnsafeMutablePointer<Float> {
        if let b = floatSlots[slot.rawValue], b.count >= count { return b.pointer }
        let b = FloatBuffer(count: count)
        floatSlots[slot.rawValue] = b
        return b.pointer
    }

    /// (NH, 2W − 1) zeros for one layer's text-offset table gradient (PositionTerms.swift).
    public func zeroedTextBiasGradient(count: Int) -> UnsafeMutablePointer<Float> { zeroed(.textBiasGradient, count) }

    /// (B, NH) zeros for one layer's logit-scale gradient.
    public func zeroedLogitScaleGradient(count: Int) -> UnsafeMutablePointer<Float> { zeroed(.logitScaleGradient, count) }

    func zeroed(_ slot: Slot, _ count: Int) -> UnsafeMutablePointer<Float> {
        let p = floats(slot, count)
        p.update(repeating: 0, count: count)
        return p
    }

    /// At least `count` Doubles, contents undefined.
    public func doubles(_ count: Int) -> UnsafeMutablePointer<Double> { doubles.reserve(count) }

    /// Per-(sequence, head) slot strides, rounded up to 16 floats so that every slot starts
    /// 64-byte aligned, as the FloatBuffer each call used to allocate did.
    static func copeSlotStride(rows R: Int, n2: Int) -> Int { (R * n2 + 15) / 16 * 16 }
    static func copeGateStride(seqLen T: Int) -> Int { (max(T, 1) + 15) / 16 * 16 }

    /// The text order of every sequence of a (B, T) layout: positions of kind text sorted by text
    /// index (stable: ties keep position order, as Swift's sort does), each position's rank in it
    /// (−1 for non-text) and each sequence's text count. Insertion sort: O(T) on RMT layouts,
    /// whose text indices already increase.
    func prepareTextOrder(kinds: UnsafePointer<UInt8>, textIndex: UnsafePointer<Int32>, batch B: Int,
                          seqLen T: Int) -> TextOrders {
        let order = self.order.reserve(B * T), rank = self.rank.reserve(B * T), counts = self.counts.reserve(B)
        let text = PositionKind.text.rawValue
        for b in 0..<B {
            let kinds = kinds + b * T, tix = textIndex + b * T, order = order + b * T, rank = rank + b * T
            var n = 0
            for j in 0..<T where kinds[j] == text {
                var p = n
                while p > 0 && tix[Int(order[p - 1])] > tix[j] { order[p] = order[p - 1]; p -= 1 }
                order[p] = Int32(j)
                n += 1
            }
            for j in 0..<T { rank[j] = -1 }
            for r in 0..<n { rank[Int(order[r])] = Int32(r) }
            counts[b] = n
        }
        return TextOrders(order: order, rank: rank, counts: counts, seqLen: T)
    }
}

/// The text order of every sequence of a batch, in a PositionWorkspace: (B, T) order, (B, T)
/// rank, (B) counts.
struct TextOrders {
    let order, rank: UnsafePointer<Int32>
    let counts: UnsafePointer<Int>
    let seqLen: Int

    func sequence(_ b: Int) -> TextOrder {
        TextOrder(order: order + b * seqLen, rank: rank + b * seqLen, count: counts[b])
    }
}

/// One sequence's text positions in text order (`order[0..<count]`) and each position's rank (−1
/// for non-text).
struct TextOrder {
    let order: UnsafePointer<Int32>, rank: UnsafePointer<Int32>
    let count: Int
}

/// An owned, growable block of `Element` (grown by reallocation, never shrunk).
final class GrowingStorage<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element> = .allocate(capacity: 1)
    private var capacity = 1

    /// The storage, grown to at least `count` elements (contents undefined after a growth).
    func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
        if count > capacity {
            pointer.deallocate()
            pointer = .allocate(capacity: count)
            capacity = count
        }
        return pointer
    }

    deinit { pointer.deallocate() }
}
