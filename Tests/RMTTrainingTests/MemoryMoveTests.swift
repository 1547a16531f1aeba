// The move penalty (`rmt-train --move-penalty μ`; RMTTraining/MemoryMove.swift, Docs/training.md
// "The move penalty"): μ · the mean over the segments that hand on a memory an earlier segment wrote
// (1 … N−2) and the sequences of ‖O − P‖² / ‖P‖², the memory tokens a segment hands on (O) against
// those it received (P), proven as
// the rest of the recurrence is, on the tiny RMT of RMTFiniteDifferenceTests.swift (2 layers, C = 8,
// M = 2, 3 segments) with μ = 0.7 (FDProblem.movePenalized; gated: FDProblem.gatedMovePenalized):
// 1. The Double RMT with the penalty (ReferenceMemoryMove.swift) against central differences
//    (ε = 1e-5) of every entry of every tensor: full BPTT, truncated depth 2 and 1 (the penalty's
//    gradient into a detached memory then stops too, while each segment's own O still reaches its
//    encoder), the summed and the prefix loss, and the gated RMT (the gradient on O goes through the
//    gate, part of it to P); bound 1e-6.
// 2. The fast Float BPTT against that Double gradient, every entry of every tensor, in those modes
//    and memory-efficient; bound 1e-4; the loss (answer + μ · memoryMove) and final logits agree.
// 3. What the number is: the Double loss with μ exceeds the loss without it by exactly μ × the mean
//    r of segment 1 (segment 0 writes into the initial memory; segment 2 hands nothing on), recomputed
//    here from the memories it received and handed on; the fast engine reports that mean as memoryMove
//    with or without the penalty; the penalty changes the gradient (the checks have teeth); a batch of
//    two segments has no priced move and pays nothing.
// 4. The quiet scope (`--move-penalty-scope quiet`, FDProblem.quietMovePenalized): a (segment, sequence)
//    whose segment holds a fact is not priced — checks 1 and 2 again with sequence 0's segment 1 spared;
//    the Double loss exceeds the unpenalized one by exactly μ / (B · (N − 2)) × sequence 1's r alone; sparing
//    every segment leaves the fast gradients bit-identical to no penalty; quietMove sums the unspared r (what
//    metrics.jsonl logs as memory_move_quiet); the scope changes the gradient against pricing every segment; a batch that does not say where its facts are is refused.
import RMTKernels
import RMTModel
import RMTReference
import RMTTraining
import Testing

@Test(arguments: [FDCase.full, .truncated2, .truncated1, .sumLoss, .prefix])
func doubleMovePenaltyGradientMatchesFiniteDifferences(_ c: FDCase) {
    checkDoubleRMTGradient(FDProblem.movePenalized, c)
}

@Test(arguments: [FDCase.full, .truncated2, .truncated1, .sumLoss, .sumLossTruncated2, .prefix,
                  .memoryEfficient, .memoryEfficientSum, .memoryEfficientPrefix])
func fastBPTTWithTheMovePenaltyMatchesDoubleRMT(_ c: FDCase) throws {
    try checkFastBPTT(FDProblem.movePenalized, c)
}

@Test(arguments: [FDCase.full, .truncated2, .sumLoss])
func doubleGatedMovePenaltyGradientMatchesFiniteDifferences(_ c: FDCase) {
    checkDoubleRMTGradient(FDProblem.gatedMovePenalized, c)
}

@Test(arguments: [FDCase.full, .truncated2, .truncated1, .memoryEfficient])
func fastBPTTThroughTheGateWithTheMovePenaltyMatchesDoubleRMT(_ c: FDCase) throws {
    try checkFastBPTT(FDProblem.gatedMovePenalized, c)
}

@Test(arguments: [FDProblem.movePenalized, .gatedMovePenalized])
func theMovePenaltyIsTheMeanRelativeMoveOfTheSegmentsThatHandTheirMemoryOn(_ penalized: FDProblem) throws {
    let plain = penalized.shape.memoryGate ? FDProblem.gated : FDProblem.shared
    let f = penalized.forward(penalized.parameters, .full), g = plain.forward(plain.parameters, .full)
    // r per sequence of segment 1, from the memories themselves.
    var moves: [Double] = []
    for k in 1..<2 {
        let (p, o) = (f.segments[k].memoryIn, f.segments[k].memoryOut)
        let n = p.count / 2
        for b in 0..<2 {
            let moved = (b * n..<(b + 1) * n).reduce(0.0) { $0 + (o[$1] - p[$1]) * (o[$1] - p[$1]) }
            let size = (b * n..<(b + 1) * n).reduce(0.0) { $0 + p[$1] * p[$1] }
            moves.append(moved / size)
        }
    }
    let mean = moves.reduce(0, +) / Double(moves.count)
    #expect(moves.allSatisfy { $0 > 1e-3 }, "\(moves)")
    #expect(abs(f.loss - g.loss - penalized.movePenalty * mean) < 1e-12, "\(f.loss) vs \(g.loss) + μ·\(mean)")

    func fast(_ problem: FDProblem, contents: [[[Int32]]]) throws -> (BatchResult, BPTTEngine) { try problem.fullBPTT(contents: contents) }
    let (withPenalty, penalizedEngine) = try fast(penalized, contents: penalized.contents)
    let (without, plainEngine) = try fast(plain, contents: plain.contents)
    for move in [withPenalty.memoryMove, without.memoryMove] {
        #expect(abs(Double(try #require(move)) - mean) < 1e-5 * mean, "\(move ?? .nan) vs \(mean)")
    }
    #expect(withPenalty.loss == without.loss)  // the answer loss alone; the penalty is reported apart
    let name = "encoder.layer.0.attention.output.dense.weight"
    let weights = (penalizedEngine.gradients.values(name), plainEngine.gradients.values(name))
    #expect(scaledError(weights.0.map(Double.init), weights.1.map(Double.init)) > 1e-2)
    // Two segments: the first writes into the initial memory, the second hands nothing on; the penalty changes nothing.
    let (one, oneEngine) = try fast(penalized, contents: Array(penalized.contents[0..<2]))
    let (onePlain, onePlainEngine) = try fast(plain, contents: Array(plain.contents[0..<2]))
    #expect(one.memoryMove == nil && one.loss == onePlain.loss)
    #expect(oneEngine.gradients.values(name) == onePlainEngine.gradients.values(name))
}

@Test func aMemoryOfZeroSizeHasNoRelativeMove() {
    // ‖P‖ = 0: r = 0 and no gradient, rather than a division by zero; otherwise r is scale-free.
    let zero = [0.0, 0, 0, 0], other = [1.0, -2, 0.5, 3]
    #expect(RD.memoryMove(entering: zero + other, leaving: other + other.map { $0 * 1.5 }, batch: 2) == [0, 0.25])
    var (dO, dP) = ([Double](repeating: 0, count: 8), [Double](repeating: 0, count: 8))
    RD.memoryMoveBackward(entering: zero + other, leaving: other + other, batch: 2, weights: [1, 1], dLeaving: &dO, dEntering: &dP)
    #expect(dO.allSatisfy { $0 == 0 } && dP.allSatisfy { $0 == 0 })  // first: no size; second: no move
    let scaled = RD.memoryMove(entering: other.map { $0 * 7 }, leaving: other.map { $0 * 7 * 1.5 }, batch: 1)
    #expect(abs(scaled[0] - 0.25) < 1e-15)
}

@Test(arguments: [FDCase.full, .truncated2, .truncated1, .sumLoss, .prefix])
func doubleQuietMovePenaltyGradientMatchesFiniteDifferences(_ c: FDCase) {
    checkDoubleRMTGradient(FDProblem.quietMovePenalized, c)
}

@Test(arguments: [FDCase.full, .truncated2, .truncated1, .sumLoss, .memoryEfficient, .memoryEfficientPrefix])
func fastBPTTWithTheQuietMovePenaltyMatchesDoubleRMT(_ c: FDCase) throws {
    try checkFastBPTT(FDProblem.quietMovePenalized, c)
}

@Test(arguments: [FDCase.full, .truncated2])
func gatedQuietMovePenaltyMatchesFiniteDifferencesAndTheFastBPTT(_ c: FDCase) throws {
    checkDoubleRMTGradient(FDProblem.gatedQuietMovePenalized, c)
    try checkFastBPTT(FDProblem.gatedQuietMovePenalized, c)
}

@Test func theQuietScopePricesOnlyTheSegmentsThatHoldNoFact() throws {
    let quiet = FDProblem.quietMovePenalized, every = FDProblem.movePenalized, plain = FDProblem.shared
    let f = quiet.forward(quiet.parameters, .full), g = plain.forward(plain.parameters, .full)
    // Segment 1 is the only one priced; it holds a fact in sequence 0, so only sequence 1's r counts, over B·(N − 2) = 2.
    let r = RD.memoryMove(entering: f.segments[1].memoryIn, leaving: f.segments[1].memoryOut, batch: 2)
    #expect(r.allSatisfy { $0 > 1e-3 }, "\(r)")
    #expect(abs(f.loss - g.loss - quiet.movePenalty * r[1] / 2) < 1e-12, "\(f.loss) vs \(g.loss) + μ·\(r[1])/2")

    let name = "encoder.layer.0.attention.output.dense.weight"
    let (quietResult, quietEngine) = try quiet.fullBPTT(contents: quiet.contents)
    let (_, everyEngine) = try every.fullBPTT(contents: every.contents)
    let (plainResult, plainEngine) = try plain.fullBPTT(contents: plain.contents)
    // memoryMove reports every segment's move, priced or not.
    #expect(abs(Double(try #require(quietResult.memoryMove)) - (r[0] + r[1]) / 2) < 1e-5 * (r[0] + r[1]))
    #expect(quietResult.loss == plainResult.loss)
    // quietMove: the one quiet pair's r (sequence 1's at segment 1); a batch that does not say where its facts are has none.
    let quietMove = try #require(quietResult.quietMove)
    #expect(quietMove.pairs == 1 && abs(quietMove.sum - r[1]) < 1e-5 * r[1], "\(quietMove) vs \(r[1])")
    #expect(abs(Double(try #require(quietResult.quietMoveMean)) - r[1]) < 1e-5 * r[1])
    #expect(plainResult.quietMove == nil && plainResult.quietMoveMean == nil)
    let (q, e, p) = (quietEngine.gradients.values(name).map(Double.init), everyEngine.gradients.values(name).map(Double.init),
                     plainEngine.gradients.values(name).map(Double.init))
    #expect(scaledError(q, e) > 1e-3 && scaledError(q, p) > 1e-3, "the scope changes the gradient")

    // Every segment holds a fact: nothing is priced, the gradients are those without a penalty.
    let allFacts = FDProblem(movePenalty: 0.7, moveSpared: [[true, true], [true, true], [true, true]])
    let (sparedResult, sparedEngine) = try allFacts.fullBPTT(contents: allFacts.contents)
    #expect(sparedResult.quietMove?.pairs == 0 && sparedResult.quietMoveMean == nil)
    #expect(sparedEngine.gradients.values(name) == plainEngine.gradients.values(name))
    #expect(allFacts.forward(allFacts.parameters, .full).loss == g.loss)

    // A batch that does not say which segments hold a fact cannot be priced by scope.
    let engine = try quiet.engine()
    #expect(throws: ModelError.self) { try engine.lossAndGradients(SegmentBatch(contents: quiet.contents, labels: quiet.labels)) }
}

