// The data-parallel seam without MPI: two Trainers on two threads joined by an in-process
// Collective (ThreadRanks, sums in rank order as a 2-rank MPI_Allreduce does) give the losses
// of one Trainer on the same global batch (≤ 1e-6 relative), the same evaluations, identical
// parameters on both ranks, and rank 1 writes nothing; a batch that does not split is refused.
import Foundation
import Testing
import RMTTestSupport
import RMTKernels
import RMTModel
import RMTTraining

/// `size` ranks in one process, one thread each: every collective call meets at a barrier.
final class ThreadRanks: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var arrived = 0, generation = 0
    private var posted: [[UInt8]]

    init(size: Int) {
        self.size = size
        posted = Array(repeating: [], count: size)
    }

    func barrier() {
        condition.lock()
        let g = generation
        arrived += 1
        if arrived == size {
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == g { condition.wait() }
        }
        condition.unlock()
    }

    /// Every rank's bytes, once all have posted theirs.
    func exchange(rank: Int, _ bytes: [UInt8]) -> [[UInt8]] {
        condition.lock(); posted[rank] = bytes; condition.unlock()
        barrier()
        condition.lock(); let all = posted; condition.unlock()
        barrier()  // nobody posts the next call's bytes before everyone has read these
        return all
    }

    final class Rank: Collective, @unchecked Sendable {
        let group: ThreadRanks, rank: Int
        var size: Int { group.size }
        init(_ group: ThreadRanks, _ rank: Int) { self.group = group; self.rank = rank }

        func sum<T: BinaryFloatingPoint>(_ buffer: UnsafeMutablePointer<T>, _ count: Int) {
            let bytes = Array(UnsafeRawBufferPointer(start: buffer, count: count * MemoryLayout<T>.stride))
            let all = group.exchange(rank: rank, bytes)
            for i in 0..<count { buffer[i] = 0 }
            for contribution in all {  // rank order, the same on every rank
                contribution.withUnsafeBytes { raw in
                    let values = raw.bindMemory(to: T.self)
                    for i in 0..<count { buffer[i] += values[i] }
                }
            }
        }
        func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws { sum(buffer, count) }
        func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) throws { sum(buffer, count) }
        func broadcast(_ buffer: UnsafeMutableRawPointer, byteCount: Int, root: Int) throws {
            let all = group.exchange(rank: rank, Array(UnsafeRawBufferPointer(start: buffer, count: byteCount)))
            all[root].withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: byteCount) }
        }
        func barrier() throws { group.barrier() }
    }
}

private func dataParallelOptions() -> TrainingOptions {
    var options = TrainingOptions()
    options.startSegments = 1
    options.maxSegments = 2
    options.maxStepsPerStage = 6
    options.evalEvery = 3
    options.evalSamples = 12
    options.batchSize = 4
    options.learningRate = 1e-3
    options.warmup = 2
    return options
}

@Test func twoThreadRanksTrainLikeOneProcess() throws {
    let single = tempDir("dp-one"), shared = tempDir("dp-two"), rank1Out = tempDir("dp-rank1")
    defer { for u in [single, shared, rank1Out] { try? FileManager.default.removeItem(at: u) } }
    let source = { (seed: UInt64) in SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: seed) }
    let one = try Trainer(model: try freshTinyModel(), options: dataParallelOptions(), out: single,
                          train: source(1), valid: source(2))
    #expect(try one.run() == .finished)

    let group = ThreadRanks(size: 2)
    let trainers = try (0..<2).map { r in
        try Trainer(model: try freshTinyModel(), options: dataParallelOptions(), out: r == 0 ? shared : rank1Out,
                    train: source(1), valid: source(2), collective: ThreadRanks.Rank(group, r))
    }
    let lock = NSLock()
    nonisolated(unsafe) var outcomes: [Result<TrainingOutcome, Error>?] = [nil, nil]
    DispatchQueue.concurrentPerform(iterations: 2) { r in
        let outcome = Result { try trainers[r].run() }
        lock.lock(); outcomes[r] = outcome; lock.unlock()
    }
    #expect(try outcomes[0]!.get() == .finished && outcomes[1]!.get() == .finished)

    let a = try metricsRecords(single), b = try metricsRecords(shared)
    #expect(a.count == b.count && a.count == 16)  // 12 steps + 4 evaluations
    for (x, y) in zip(a, b) {
        if let lx = x["loss"] as? Double, let ly = y["loss"] as? Double {
            #expect(abs(lx - ly) <= 1e-6 * abs(lx), "step \(x["step"]!): \(lx) vs \(ly)")
            #expect(x["batch_accuracy"] as? Double == y["batch_accuracy"] as? Double)
        } else {
            #expect(x["eval_accuracy"] as? Double == y["eval_accuracy"] as? Double)
            let ex = x["eval_loss"] as! Double, ey = y["eval_loss"] as! Double
            #expect(abs(ex - ey) <= 1e-6 * abs(ex))
        }
    }
    // The ranks applied the same updates: identical parameters; rank 1 wrote no file.
    #expect(trainers[0].model.parameters.storage.array == trainers[1].model.parameters.storage.array)
    #expect(trainers[0].state == trainers[1].state)
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: rank1Out.path)) ?? []).isEmpty)
    #expect(FileManager.default.fileExists(atPath: shared.appendingPathComponent("model/model.safetensors").path))
}

@Test func globalBatchMustSplitOverTheRanks() throws {
    var options = dataParallelOptions()
    options.batchSize = 3
    let out = tempDir("dp-odd")
    defer { try? FileManager.default.removeItem(at: out) }
    let group = ThreadRanks(size: 2)
    #expect(throws: OptionsError.self) {
        _ = try Trainer(model: try freshTinyModel(), options: options, out: out,
                        train: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 1),
                        valid: SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 2),
                        collective: ThreadRanks.Rank(group, 0))
    }
    #expect(!FileManager.default.fileExists(atPath: out.path))
}

@Test func batchShardsCoverTheBatchInOrder() {
    let batch = SegmentBatch(contents: [[[1], [2], [3], [4]], [[5], [6], [7], [8]]], labels: [0, 1, 2, 3],
                             tasks: ["a", "b", "c", "d"], factSegments: [[true, false, false, true], [false, true, true, false]])
    let shards = (0..<2).map { batch.shard(rank: $0, of: 2) }
    #expect(shards.map(\.labels) == [[0, 1], [2, 3]])
    #expect(shards[1].contents == [[[3], [4]], [[7], [8]]])
    #expect(shards[1].tasks == ["c", "d"])
    #expect(shards[1].factSegments == [[false, true], [true, false]])
    #expect(batch.shard(rank: 0, of: 1).labels == batch.labels)
}
