// A model that reads each document more than once (RMTSettings.passes): evaluation scores each
// document on its segments run twice by hand, the memory carried across (the first reading's
// answer is not the second's), reports the segments and tokens it reads; a training batch is the same
// batch read twice, its per-segment and state labels (one reading's) dropped; a ledger records
// the readings and a one-pass ledger is not continued by a two-pass reading.
import Foundation
import Testing
import RMTTestSupport
import RMTBase
import RMTData
import RMTModel
import RMTRecurrence
import RMTTraining

/// Logits of `segments` run through the processor one after another (no session, batch 1).
private func handRun(_ model: RecurrentMemoryModel, _ segments: [[Int32]]) throws -> [Float] {
    let processor = SegmentProcessor(model: model, batchCapacity: 1)
    var memory = processor.initialMemory(batch: 1)
    for content in segments {
        try memory.withUnsafeMutableBufferPointer { try processor.step(contents: [content], memory: $0.baseAddress!) }
    }
    return processor.classify()
}

@Test(arguments: [QuestionLayout.finalSegment, .everySegment])
func evaluationReadsEachDocumentAsOftenAsTheModel(layout: QuestionLayout) throws {
    let (base, task, noise) = try tinyTaskSetup("memorize", memoryTokens: 4, segmentLength: 24, seed: 3, sentences: 300)
    let model = try base.reading(questionLayout: layout).reading(passes: 2)
    let stream = try DataStream(task: task, noise: noise, tokenizer: model.tokenizer, seed: 9, segmentLength: 24,
                                questionLayout: layout)
    var logits: [[Double]] = [], progress: [EvaluationProgress] = [], tokens: [Int] = []
    try evaluateBatches(model: model, stream: stream, segments: 3, range: 0..<3, batchSize: 2,
                        onSegment: { progress.append($0) }, onDocument: { d in
        logits.append(model.settings.labels.map { d.logits![$0]! })
    }) { tokens.append($0.tokens) }
    try #require(logits.count == 3)
    for index in 0..<3 {
        let segments = try stream.plan(index: index, segments: 3).makeSample().segments
        #expect(segments.count == 3)
        let twice = try handRun(model, segments + segments), once = try handRun(model, segments)
        #expect(zip(logits[index], twice).allSatisfy { abs($0 - Double($1)) <= 1e-5 * max(1, abs(Double($1))) }, "document \(index)")
        #expect(zip(twice, once).contains { abs($0 - $1) > 1e-4 }, "the second reading changes document \(index)'s answer")
    }
    // Batches 0..<2 and 2..<3, each reported before each of its 3 · 2 segments.
    #expect(progress.map { [$0.first, $0.segment, $0.segments] } == [0, 2].flatMap { first in (0..<6).map { [first, $0, 6] } })
    // The tokens each document runs (the status line's tokens/s): both readings'; a batch records one reading's.
    #expect(progress.map(\.tokens) == tokens.flatMap { Array(repeating: 2 * $0, count: 6) })
}

@Test func aTrainingBatchReadTwiceIsItsSegmentsTwice() {
    let batch = SegmentBatch(contents: [[[1, 2], [3]], [[4], [5, 6]]], labels: [0, 1], segmentLabels: [[-1, -1], [0, 1]],
                             tasks: ["a", "b"], segmentLength: 2, stateLabels: [[0], [1]], factSegments: [[true, false], [false, false]])
    #expect(batch.read(passes: 1).contents == batch.contents && batch.read(passes: 1).segmentLabels != nil)
    let twice = batch.read(passes: 2)
    #expect(twice.contents == batch.contents + batch.contents)
    #expect(twice.segmentCount == 4 && twice.labels == [0, 1] && twice.tasks == ["a", "b"] && twice.segmentLength == 2)
    #expect(twice.segmentLabels == nil && twice.stateLabels == nil)
    // The facts are in the same segments of each reading (what the move penalty's quiet scope spares).
    #expect(twice.factSegments == [[true, false], [false, false], [true, false], [false, false]])
}

@Test func aLedgerRecordsTheReadingsAndKeepsThemApart() throws {
    let once = EvaluationLedger.Identity(modelFNV: "ab", seed: 1, noise: ["n"], noiseFNV: "cd")
    let twice = EvaluationLedger.Identity(modelFNV: "ab", seed: 1, noise: ["n"], noiseFNV: "cd", passes: 2)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-passes-ledger-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("ledger.jsonl")
    _ = try EvaluationLedger(url: url, identity: once)
    #expect(!(try String(contentsOf: url, encoding: .utf8)).contains("passes"))  // a one-pass header as before
    #expect(throws: ModelError.self) { try EvaluationLedger(url: url, identity: twice, writing: false) }
    #expect(throws: Never.self) { try EvaluationLedger(url: url, identity: once, writing: false) }
    let other = folder.appendingPathComponent("twice.jsonl")
    _ = try EvaluationLedger(url: other, identity: twice)
    #expect((try String(contentsOf: other, encoding: .utf8)).contains("\"passes\":2"))
    #expect(throws: ModelError.self) { try EvaluationLedger(url: other, identity: once, writing: false) }
}
