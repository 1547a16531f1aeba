// DataParallel: the trainer's steps that differ when a run is spread over several ranks
// (Collective.swift). Every rank draws the same global batch from the same stream and trains
// on its contiguous slice; the flat gradient buffer is summed over the ranks in one
// allreduce and scaled by 1/ranks, so the update equals one process's on the whole batch:
// each rank's gradient is the mean over its B/R documents, and
//   (1/R) · Σ_r (R/B) · Σ_{b ∈ r} ∇ℓ_b = (1/B) · Σ_b ∇ℓ_b.
// Clipping and the optimizer then run on identical gradients on every rank. With one rank
// every function here returns its input unchanged.
import RMTKernels
import RMTModel

extension SegmentBatch {
    /// Sequences `range` of the batch (all segments, labels, per-segment labels, state labels, fact
    /// segments and tasks of those rows; its segment length).
    public func slice(_ range: Range<Int>) -> SegmentBatch {
        SegmentBatch(contents: contents.map { Array($0[range]) }, labels: Array(labels[range]),
                     segmentLabels: segmentLabels.map { $0.map { Array($0[range]) } },
                     tasks: tasks.map { Array($0[range]) }, segmentLength: segmentLength,
                     stateLabels: stateLabels.map { rows in rows.map { row in  // E entries per sequence
                         let E = row.count / max(batchSize, 1)
                         return Array(row[(range.lowerBound * E)..<(range.upperBound * E)])
                     } },
                     factSegments: factSegments.map { $0.map { Array($0[range]) } })
    }

    /// Rank `rank`'s share of the batch split evenly over `ranks` (batchSize divisible by ranks).
    public func shard(rank: Int, of ranks: Int) -> SegmentBatch {
        guard ranks > 1 else { return self }
        let share = batchSize / ranks
        return slice((rank * share)..<((rank + 1) * share))
    }
}

extension Trainer {
    /// The global batch must split evenly over the ranks.
    static func checkBatchDivides(_ batchSize: Int, over collective: any Collective) throws {
        guard batchSize % collective.size == 0 else {
            throw OptionsError(message: "--batch-size \(batchSize) does not divide over \(collective.size) ranks; "
                               + "the global batch is split evenly, so use a multiple of \(collective.size)")
        }
    }

    /// This rank's slice of the global batch.
    func localShare(of batch: SegmentBatch) -> SegmentBatch {
        batch.shard(rank: collective.rank, of: collective.size)
    }

    /// Sums the gradients over the ranks in place (one allreduce over the flat fp32 buffer) and
    /// scales them to the global batch's mean; the loss (and the state loss) becomes the global
    /// batch's mean (so do the state and distillation losses) and `correct` (and the state counts, the quiet move's
    /// sum and pairs) the global count (one small allreduce). One rank: nothing changes.
    func sumOverRanks(_ result: inout BatchResult) throws {
        let R = collective.size
        guard R > 1 else { return }
        let g = engine.gradients.storage.pointer, n = engine.gradients.layout.count
        try collective.allReduceSum(g, count: n)
        let scale = 1 / Float(R)
        for i in 0..<n { g[i] *= scale }
        let totals = try collective.sum([Double(result.loss), Double(result.correct), Double(result.stateLoss),
                                         Double(result.stateScored), Double(result.stateCorrect), Double(result.distillLoss),
                                         Double(result.gateShare ?? 0), Double(result.memoryMove ?? 0),
                                         result.quietMove?.sum ?? 0, Double(result.quietMove?.pairs ?? 0)])
        result.loss = Float(totals[0] / Double(R))
        result.correct = Int(totals[1])
        result.stateLoss = Float(totals[2] / Double(R))
        (result.stateScored, result.stateCorrect) = (Int(totals[3]), Int(totals[4]))
        result.distillLoss = Float(totals[5] / Double(R))
        if result.gateShare != nil { result.gateShare = Float(totals[6] / Double(R)) }  // every rank has a gate, or none
        if result.memoryMove != nil { result.memoryMove = Float(totals[7] / Double(R)) }  // every rank reads the same segments
        if result.quietMove != nil { result.quietMove = (totals[8], Int(totals[9])) }  // the global batch's quiet pairs
    }

    /// `shouldStop()` of this rank, agreed by all: true everywhere when any rank was signalled
    /// (one small allreduce per step), so every rank stops after the same step.
    func stopRequestedOnAnyRank() throws -> Bool {
        try collective.any(shouldStop())
    }
}
