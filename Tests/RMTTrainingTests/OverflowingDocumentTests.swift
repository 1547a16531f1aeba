// Documents whose facts do not fit at their length (TaskBatchSources.swift): a training batch
// skips them and reads the next items instead — exactly the fitting items in stream order, the
// same after a resume — and counts them; a validation set does the same from item 0; the start
// check counts them among the first documents and refuses only a length none of them fits; a
// length that fits almost nothing stops after `maxSkipsInARow` documents in a row, in one line.
// qa3 on 48-token segments: its stories (~30–100 tokens) nearly all fit 3 segments, only some 2;
// on one segment of 24 tokens (15 document tokens beside the question) none.
import Foundation
import Testing
import RMTBase
import RMTData
import RMTModel
import RMTRecurrence
import RMTTraining

/// A babi-qa3 stream of `segmentLength`-token segments over a small built-in noise (fixture vocabulary).
private func qa3Stream(seed: UInt64, segmentLength: Int = 48) throws -> DataStream {
    let (model, task, noise) = try tinyTaskSetup("babi-qa3", memoryTokens: 2, segmentLength: segmentLength, sentences: 400)
    return try DataStream(task: task, noise: noise, tokenizer: model.tokenizer, seed: seed, segmentLength: segmentLength)
}

/// Whether item `index` fits in `segments` segments: true, false for facts that do not fit.
private func fits(_ stream: DataStream, _ index: Int, segments: Int) throws -> Bool {
    do { _ = try stream.sample(index: index, segments: segments); return true } catch let error as DataError where error.factsDoNotFit {
        return false
    }
}

/// The first segment of every document of `batch` (documents are told apart by them).
private func firstSegments(_ batch: SegmentBatch) -> [[Int32]] { batch.contents[0] }

@Test func trainingBatchesSkipDocumentsThatDoNotFitAndStayReproducible() throws {
    let stream = try qa3Stream(seed: 3)
    let fitting = try (0..<200).filter { try fits(stream, $0, segments: 2) }
    // The case under test: at 2 segments of 48 tokens some stories fit and some do not.
    #expect(fitting.count >= 16 && fitting.count <= 184, "\(fitting.count) of 200 fit")

    let source = TaskBatchSource(stream: stream)
    #expect(try source.checkShortestLength(segments: 2, documents: 64) == 64 - fitting.filter { $0 < 64 }.count)
    #expect(source.position == 0, "the check reads without moving the stream")
    #expect(try source.checkShortestLength(segments: 3, documents: 64) < 64)

    var read: [[Int32]] = [], skipped: [Int] = []
    for _ in 0..<4 {
        let batch = try source.nextBatch(segments: 2, batchSize: 3)
        #expect(batch.batchSize == 3 && batch.contents.count == 2)
        read += firstSegments(batch)
        skipped.append(source.skippedInLastBatch)
    }
    // Exactly the first 12 fitting items, in order; the position is past the last one read.
    let expected = try fitting.prefix(12).map { try stream.sample(index: $0, segments: 2).segments[0] }
    #expect(read == expected)
    #expect(skipped.reduce(0, +) == fitting[11] + 1 - 12 && source.position == UInt64(fitting[11] + 1), "\(skipped)")
    #expect(skipped.contains { $0 > 0 })

    // A stream resumed at the third batch's position reads the same third and fourth batches.
    let resumed = TaskBatchSource(stream: try qa3Stream(seed: 3))
    resumed.position = UInt64(fitting[5] + 1)
    let again = try (0..<2).flatMap { _ in firstSegments(try resumed.nextBatch(segments: 2, batchSize: 3)) }
    #expect(again == Array(read[6...]))
}

@Test func validationSetsHoldTheirCountOfDocumentsThatFit() throws {
    let stream = try qa3Stream(seed: 5)
    let fitting = try (0..<200).filter { try fits(stream, $0, segments: 2) }
    let sets = try TaskValidationSource(stream: stream).batches(segments: 2, count: 10, batchSize: 4)
    #expect(sets.map(\.batchSize) == [4, 4, 2])
    let expected = try fitting.prefix(10).map { try stream.sample(index: $0, segments: 2).segments[0] }
    #expect(sets.flatMap(firstSegments) == expected)
    #expect(try TaskValidationSource(stream: stream).batches(segments: 2, count: 10, batchSize: 4).flatMap(firstSegments) == expected,
            "the same set on every call")
    // (Where every document fits, the set is items 0 ..< count: SegmentLengthBatchTests.)
}

@Test func aLengthNoDocumentFitsIsRefusedAndStopsInOneLine() throws {
    let source = TaskBatchSource(stream: try qa3Stream(seed: 3, segmentLength: 24))
    source.position = 11
    do { _ = try source.checkShortestLength(segments: 1, documents: 64); Issue.record("accepted") } catch let error as DataError {
        #expect(error.factsDoNotFit && error.description.contains("do not fit in 1 segment of 24 tokens"), "\(error)")
    }
    #expect(source.position == 11)
    do { _ = try source.nextBatch(segments: 1, batchSize: 2); Issue.record("a batch of documents that cannot fit") } catch let error as DataError {
        #expect(error.description.contains("\(maxSkipsInARow) documents in a row do not fit; the last: the facts"), "\(error)")
        #expect(!error.description.contains("\n"))
    }
    #expect(source.position == UInt64(11 + maxSkipsInARow), "each skipped item moves the stream on")
}
