// MemoryMove: how far a segment moves the memory, and the price on it (`--move-penalty λ`).
//
// For sequence b and segment k, with P the memory tokens that entered k and O those it hands on
// (M·C entries each; an associative state is not priced), the squared relative move
//     r = ‖O − P‖² / ‖P‖²
// (rmt-ask --trace's memory_change, squared). The objective adds λ · the mean of r over the
// segments that hand on a memory an earlier segment wrote (k = 1 … N−2) and the sequences: segment 0
// writes into the initial memory (the memory embeddings, of small norm: its r was ~700 for the
// default model, against 0.002–2 later), which is the memory's start, not prose moving what it holds,
// and would outweigh every other segment. Unlike the gate penalty's
// mean Z, the move itself cannot be kept small by letting little in and writing it far (session 59:
// a price on Z alone left the move per segment where it was), and dividing by ‖P‖² leaves no
// way out through the memory's scale. Gradients of r (Docs/training.md, "The move penalty"):
//     ∂r/∂O = 2 (O − P) / ‖P‖²,    ∂r/∂P = −2 (O − P) / ‖P‖² − 2 r P / ‖P‖²
// A memory of zero size (‖P‖ = 0) has no relative move: r = 0 and no gradient.
// The `quiet` scope (`--move-penalty-scope quiet`) prices only segments holding no token of a fact:
// a price on every move also stops the writes a fact needs (session 60's traces: 1.6× the quiet move
// within a segment of a fact, against the unpriced default's 3.8×).
// The Double twin is ReferenceDouble.memoryMove (ReferenceMemoryMove.swift); BPTT.swift applies it.

/// The segments the move penalty prices (`--move-penalty-scope`).
public enum MoveScope: String, Sendable, CaseIterable, Codable {
    /// Every segment that hands on a memory another segment wrote (1…N−2).
    case all
    /// Those of them that hold no token of a fact (SegmentBatch.factSegments): prose that asks for no memory.
    case quiet
}

/// The squared relative move of one sequence's memory over one segment, and its gradients.
struct MemoryMove {
    /// ‖O − P‖² and ‖P‖² over `count` entries (Double sums).
    let moved: Double, size: Double

    /// The move from `entering` (P) to `leaving` (O), `count` entries each.
    init(entering p: UnsafePointer<Float>, leaving o: UnsafePointer<Float>, count: Int) {
        var moved = 0.0, size = 0.0
        for i in 0..<count {
            let d = Double(o[i]) - Double(p[i])
            moved += d * d
            size += Double(p[i]) * Double(p[i])
        }
        (self.moved, self.size) = (moved, size)
    }

    /// r = ‖O − P‖² / ‖P‖² (0 for a memory of zero size).
    var relative: Double { size > 0 ? moved / size : 0 }

    /// Adds `weight` · ∂r/∂O into `dLeaving` and `weight` · ∂r/∂P into `dEntering` (either may be
    /// nil: that side's gradient is not wanted), `count` entries each.
    func addGradients(weight: Float, entering p: UnsafePointer<Float>, leaving o: UnsafePointer<Float>, count: Int,
                      dLeaving: UnsafeMutablePointer<Float>?, dEntering: UnsafeMutablePointer<Float>?) {
        guard size > 0, weight != 0 else { return }
        let onMove = Float(2 * Double(weight) / size), onSize = Float(2 * Double(weight) * relative / size)
        for i in 0..<count {
            let d = o[i] - p[i]
            dLeaving?[i] += onMove * d
            dEntering?[i] -= onMove * d + onSize * p[i]
        }
    }
}
