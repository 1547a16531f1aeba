// ReferenceMemoryMove: the move penalty (`--move-penalty μ`; RMTTraining/MemoryMove.swift) in Double —
// the yardstick of the fast BPTT's (Tests/RMTTrainingTests/MemoryMoveTests.swift). Per sequence b of
// a segment that hands its memory on, with P the (M, C) memory that entered and O the memory it hands on:
//
//   r_b = ‖O_b − P_b‖² / ‖P_b‖²           (0 where ‖P_b‖ = 0)
//   ∂r_b/∂O_b = 2 (O_b − P_b) / ‖P_b‖²,   ∂r_b/∂P_b = −2 (O_b − P_b) / ‖P_b‖² − 2 r_b P_b / ‖P_b‖²
//
// and the loss adds μ / (B · (N − 2)) · Σ_b r_b at every segment 1 ≤ k < N − 1 (`rmtMoveWeight`): segment 0's
// move out of the initial memory is not priced. The quiet scope (`--move-penalty-scope quiet`): a sequence
// whose segment k holds a fact (`spared[k][b]`) is not priced there, the divisor unchanged (`rmtMoveWeights`).

extension ReferenceDouble {
    /// r_b of each of the B sequences of (B, M·C) memories `entering` (P) and `leaving` (O).
    public static func memoryMove(entering p: [Double], leaving o: [Double], batch B: Int) -> [Double] {
        let n = p.count / B
        return (0..<B).map { b in
            var moved = 0.0, size = 0.0
            for i in (b * n)..<((b + 1) * n) {
                moved += (o[i] - p[i]) * (o[i] - p[i])
                size += p[i] * p[i]
            }
            return size > 0 ? moved / size : 0
        }
    }

    /// Adds `weights[b]` · ∂r_b/∂O_b into `dLeaving` and `weights[b]` · ∂r_b/∂P_b into `dEntering`, every sequence b.
    public static func memoryMoveBackward(entering p: [Double], leaving o: [Double], batch B: Int, weights: [Double],
                                          dLeaving: inout [Double], dEntering: inout [Double]) {
        let n = p.count / B
        let r = memoryMove(entering: p, leaving: o, batch: B)
        for b in 0..<B {
            let size = p[(b * n)..<((b + 1) * n)].reduce(0) { $0 + $1 * $1 }
            guard size > 0 else { continue }
            let weight = weights[b]
            for i in (b * n)..<((b + 1) * n) {
                dLeaving[i] += weight * 2 * (o[i] - p[i]) / size
                dEntering[i] += weight * (-2 * (o[i] - p[i]) / size - 2 * r[b] * p[i] / size)
            }
        }
    }

    /// The move penalty's weight on each sequence's r at segment k of N with B sequences: μ / (B · (N − 2))
    /// where segment k hands on a memory an earlier segment wrote (1 ≤ k < N − 1); 0 at the first and the
    /// last segment, without a penalty, or for N ≤ 2.
    public static func rmtMoveWeight(_ mu: Double, segment k: Int, of N: Int, batch B: Int) -> Double {
        mu > 0 && k >= 1 && k < N - 1 ? mu / Double(B * (N - 2)) : 0
    }

    /// The weight on each of the B sequences' r at segment k: `rmtMoveWeight`, or 0 for a sequence whose
    /// segment k holds a fact when `spared` (B, that segment's row of the batch's fact segments) is given.
    public static func rmtMoveWeights(_ mu: Double, segment k: Int, of N: Int, batch B: Int, spared: [Bool]?) -> [Double] {
        let w = rmtMoveWeight(mu, segment: k, of: N, batch: B)
        return (0..<B).map { b in spared?[b] == true ? 0 : w }
    }
}
