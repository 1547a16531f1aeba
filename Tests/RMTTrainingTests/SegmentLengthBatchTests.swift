// Training and validation batches at a range of segment lengths (TaskBatchSource,
// TaskValidationSource with a SegmentLengthRange): every batch at one length inside the range,
// more than one length over a run, the same lengths from the same seed, a resumed stream (its
// position set) giving the same next batch as an uninterrupted one, the same validation set on
// every call, a single length exactly as before ranges, and an impossible shortest length refused.
import Foundation
import Testing
import RMTBase
import RMTData
import RMTModel
import RMTRecurrence
import RMTTraining

/// A memorize stream over a small built-in noise with the fixture vocabulary.
private func memorizeStream(seed: UInt64, segmentLength: Int, task: String = "memorize") throws -> DataStream {
    let (model, task, noise) = try tinyTaskSetup(task, memoryTokens: 2, segmentLength: segmentLength, sentences: 400)
    return try DataStream(task: task, noise: noise, tokenizer: model.tokenizer, seed: seed, segmentLength: segmentLength)
}

/// The one segment length of every segment of `batch` (nil when they differ).
private func uniformLength(_ batch: SegmentBatch) -> Int? {
    let lengths = Set(batch.contents.joined().map(\.count))
    return lengths.count == 1 ? lengths.first : nil
}

/// The batch's tokens, labels and tasks as one comparable value.
private func fingerprint(_ batch: SegmentBatch) -> [String] {
    batch.contents.map { $0.map { $0.map(String.init).joined(separator: ",") }.joined(separator: "|") }
        + [batch.labels.map(String.init).joined(separator: ","), (batch.tasks ?? []).joined(separator: ",")]
}

@Test func rangeBatchesStayInsideTheRangeAndVary() throws {
    let range = try SegmentLengthRange(16, 64)
    let source = TaskBatchSource(stream: try memorizeStream(seed: 4, segmentLength: 64), lengths: range)
    var lengths: [Int] = []
    for _ in 0..<20 {
        let expected = source.nextLength
        let batch = try source.nextBatch(segments: 2, batchSize: 3)
        let length = uniformLength(batch)
        #expect(length == expected, "a batch's segments share one length: \(batch.contents.joined().map(\.count))")
        lengths.append(length ?? -1)
    }
    #expect(source.position == 60)
    #expect(lengths.allSatisfy { (16...64).contains($0) }, "\(lengths)")
    #expect(Set(lengths).count > 1, "\(lengths)")
    // The rule: each batch's length is the range's for its first index and the stream's seed.
    #expect(lengths == (0..<20).map { range.length(forBatchAt: $0 * 3, seed: 4) })
}

@Test func theSameSeedGivesTheSameBatchesAndLengths() throws {
    let range = try SegmentLengthRange(16, 64)
    func batches(seed: UInt64) throws -> [SegmentBatch] {
        let source = TaskBatchSource(stream: try memorizeStream(seed: seed, segmentLength: 64), lengths: range)
        return try (0..<12).map { _ in try source.nextBatch(segments: 1, batchSize: 2) }
    }
    let first = try batches(seed: 9), second = try batches(seed: 9), other = try batches(seed: 10)
    #expect(first.map(fingerprint) == second.map(fingerprint))
    #expect(first.map(uniformLength) == second.map(uniformLength))
    #expect(first.map(uniformLength) != other.map(uniformLength))
}

@Test func aResumedStreamGivesTheSameNextBatchAndLength() throws {
    let range = try SegmentLengthRange(16, 64)
    let uninterrupted = TaskBatchSource(stream: try memorizeStream(seed: 2, segmentLength: 64), lengths: range)
    for _ in 0..<5 { _ = try uninterrupted.nextBatch(segments: 2, batchSize: 4) }
    let saved = uninterrupted.position  // what a checkpoint records (TrainerState.dataPosition)
    let expected = try (0..<4).map { _ in try uninterrupted.nextBatch(segments: 2, batchSize: 4) }

    // A new process: a fresh source (same seed and range), its position set to the saved one.
    let resumed = TaskBatchSource(stream: try memorizeStream(seed: 2, segmentLength: 64), lengths: range)
    resumed.position = saved
    let got = try (0..<4).map { _ in try resumed.nextBatch(segments: 2, batchSize: 4) }
    #expect(got.map(fingerprint) == expected.map(fingerprint))
    #expect(got.map(uniformLength) == expected.map(uniformLength))
    #expect(Set(got.map(uniformLength)).count > 1 || Set(expected.map(uniformLength)).count == 1)
    #expect(resumed.position == uninterrupted.position)
}

@Test func validationBatchesAreTheSameEveryCallAndCoverTheRange() throws {
    let range = try SegmentLengthRange(16, 64)
    let valid = TaskValidationSource(stream: try memorizeStream(seed: 11, segmentLength: 64), lengths: range)
    let first = try valid.batches(segments: 2, count: 40, batchSize: 4)
    let second = try valid.batches(segments: 2, count: 40, batchSize: 4)
    #expect(first.count == 10 && first.map(fingerprint) == second.map(fingerprint))
    let lengths = first.map(uniformLength)
    #expect(lengths.allSatisfy { $0 != nil && (16...64).contains($0!) }, "\(lengths)")
    #expect(Set(lengths).count > 1, "\(lengths)")
    #expect(lengths == stride(from: 0, to: 40, by: 4).map { range.length(forBatchAt: $0, seed: valid.stream.seed) })
    // The documents are the stream's first 40, each at its batch's length.
    let sample = try valid.stream.sample(index: 6, segments: 2, segmentLength: lengths[1]!)
    #expect(first[1].contents.map { $0[2] } == sample.segments)
}

@Test func aSingleLengthReadsExactlyAsBeforeRanges() throws {
    let stream = try memorizeStream(seed: 3, segmentLength: 40)
    let plain = TaskBatchSource(stream: stream)
    let single = TaskBatchSource(stream: stream, lengths: try SegmentLengthRange(40))
    let forty = try SegmentLengthRange(40)
    #expect(plain.lengths == forty)
    var hash = FNV1a.offset
    for b in 0..<6 {
        let fromPlain = try plain.nextBatch(segments: 2, batchSize: 3)
        let fromSingle = try single.nextBatch(segments: 2, batchSize: 3)
        // The items as the stream makes them at its own length (the path that predates ranges).
        let items = try (0..<3).map { try stream.plan(index: b * 3 + $0, segments: 2).makeSample() }
        #expect(fingerprint(fromPlain) == fingerprint(fromSingle))
        #expect(fromPlain.contents == (0..<2).map { k in items.map { $0.segments[k] } })
        #expect(fromPlain.labels == items.map { Int32($0.label) })
        for segment in fromPlain.contents { for tokens in segment { hash = FNV1a.hash(tokens, into: hash) } }
    }
    // Pinned when per-batch lengths were added (a single-length rmt-train run was then checked to
    // give the same losses, step for step, as the code before): the tokens of these six batches.
    #expect(hash == 0xA8B7_428B_525A_CB1D, "0x\(String(hash, radix: 16))")

    let valid = TaskValidationSource(stream: stream)
    let sets = try valid.batches(segments: 1, count: 6, batchSize: 4)
    #expect(sets.map(\.batchSize) == [4, 2] && sets.allSatisfy { uniformLength($0) == 40 })
    let fifth = try stream.sample(index: 5, segments: 1)
    #expect(sets[1].contents[0][1] == fifth.segments[0])
}

@Test func aShortestLengthTheTaskCannotUseIsRefusedWithoutMovingTheStream() throws {
    // 4 tokens cannot hold a memorize question and its [SEP]; 64 can.
    let source = TaskBatchSource(stream: try memorizeStream(seed: 1, segmentLength: 64), lengths: try SegmentLengthRange(4, 64))
    source.position = 7
    do { _ = try source.checkShortestLength(segments: 1); Issue.record("accepted") } catch let error as DataError {
        #expect(error.description.contains("does not fit in a segment of 4"), "\(error)")
    }
    #expect(source.position == 7)
    let fine = TaskBatchSource(stream: try memorizeStream(seed: 1, segmentLength: 64), lengths: try SegmentLengthRange(16, 64))
    #expect(try fine.checkShortestLength(segments: 1) == 0, "every memorize document fits 16 tokens")
    #expect(fine.position == 0)
}

@Test func aRunOnARangeResumesToTheSameLossesAndModel() throws {
    let options = shortTwoStageOptions()
    let range = try SegmentLengthRange(16, 48)
    func sources() throws -> (TaskBatchSource, TaskValidationSource) {
        (TaskBatchSource(stream: try memorizeStream(seed: DataStream.seed(6, for: .train), segmentLength: 48), lengths: range),
         TaskValidationSource(stream: try memorizeStream(seed: DataStream.seed(6, for: .validation), segmentLength: 48), lengths: range))
    }
    func model() throws -> RecurrentMemoryModel {
        try tinyTaskSetup("memorize", memoryTokens: 2, segmentLength: 48, seed: 6, sentences: 400).model
    }
    let a = tempDir("range-a"), b = tempDir("range-b")
    defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
    let (trainA, validA) = try sources()
    #expect(try Trainer(model: try model(), options: options, out: a, train: trainA, valid: validA).run() == .finished)

    let (trainB, validB) = try sources()
    let first = try Trainer(model: try model(), options: options, out: b, train: trainB, valid: validB)
    var steps = 0
    first.shouldStop = { steps += 1; return steps == 4 }  // mid-stage, between evaluations
    #expect(try first.run() == .interrupted)
    let (trainC, validC) = try sources()  // a new process: fresh sources, the position from the checkpoint
    let second = try Trainer(resuming: b, train: trainC, valid: validC)
    #expect(second.state.step == 4 && trainC.position == 16)
    #expect(try second.run() == .finished)
    let expected = try lossSequence(a), resumed = try lossSequence(b)
    #expect(expected.count == 12 && resumed == expected)
    let finalA = try RecurrentMemoryModel.load(directory: a.appendingPathComponent("model"))
    let finalB = try RecurrentMemoryModel.load(directory: b.appendingPathComponent("model"))
    #expect(finalA.parameters.storage.array == finalB.parameters.storage.array)
}

/// The trainer's tokens per second counts the positions computed: per segment, B rows padded to
/// its longest sequence, plus [CLS], the memory and two [SEP] — not the model's full length.
@Test func batchPositionsCountEachSegmentAtItsLongestSequence() {
    let batch = SegmentBatch(contents: [[[1, 2, 3], [4]], [[5, 6], [7, 8, 9, 10, 11]]], labels: [0, 1])
    // Segment 0: longest 3 → 2 × (2 + 3 + 3) = 16; segment 1: longest 5 → 2 × (2 + 3 + 5) = 20.
    #expect(batch.positions(memoryTokens: 2) == 36)
    #expect(SegmentBatch(contents: [[[], []]], labels: [0, 1]).positions(memoryTokens: 10) == 26)
}

/// Training on short data segments keeps activations as long as the batch's longest segment, not
/// the model's: a 16-token batch of a 64-token model stores N × floatCount(T = M + 3 + 16); a longer
/// batch grows them; and a short batch's gradients are the same whatever length the engine held before.
@Test func storedActivationsFollowTheBatchLength() throws {
    let source = TaskBatchSource(stream: try memorizeStream(seed: 6, segmentLength: 64), lengths: try SegmentLengthRange(16, 16))
    let short = try source.nextBatch(segments: 3, batchSize: 2)
    let model = try tinyTaskSetup("memorize", memoryTokens: 2, segmentLength: 64, sentences: 400).model
    let fresh = BPTTEngine(model: model, batchCapacity: 2, mode: .full)
    _ = try fresh.lossAndGradients(short)
    let perSegment = { (T: Int) in BertActivations.floatCount(config: model.config, batchCapacity: 2, seqCapacity: T, keepAllLayers: true) }
    #expect(fresh.storedActivationFloats == 3 * perSegment(2 + 3 + 16))
    #expect(fresh.storedActivationFloats * 2 < 3 * perSegment(model.settings.positionsPerSegment), "less than half the full length's")

    let grown = BPTTEngine(model: model, batchCapacity: 2, mode: .full)
    let long = try TaskBatchSource(stream: try memorizeStream(seed: 6, segmentLength: 64)).nextBatch(segments: 3, batchSize: 2)
    _ = try grown.lossAndGradients(long)
    #expect(grown.storedActivationFloats == 3 * perSegment(model.settings.positionsPerSegment))
    grown.gradients.storage.zero()
    _ = try grown.lossAndGradients(short)
    #expect(grown.storedActivationFloats == 3 * perSegment(model.settings.positionsPerSegment), "kept, not shrunk")
    let a = fresh.gradients.storage.array, b = grown.gradients.storage.array
    #expect(a == b, "a short batch's gradients do not depend on the activations' capacity")
}
