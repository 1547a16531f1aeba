// The resumable evaluation record behind `rmt-train eval --ledger`: an evaluation stopped
// part-way and continued counts every document exactly once and gives the same accuracy as
// one uninterrupted run; torn lines and foreign ledgers are handled.
import Foundation
import Testing
import RMTTestSupport
import RMTData
import RMTModel
import RMTRecurrence
import RMTTokenizer
import RMTTraining

private func smallSetup() throws -> (RecurrentMemoryModel, DataStream) {
    let (model, task, _) = try tinyTaskSetup("detect", memoryTokens: 4, segmentLength: 24, seed: 3, sentences: 500)
    let noise = NoiseCorpus.builtin(tokenizer: model.tokenizer, seed: 2, sentenceCount: 500)
    return (model, try DataStream(task: task, noise: noise, tokenizer: model.tokenizer, seed: 9, segmentLength: 24))
}

@Test func interruptedEvaluationResumesToTheSameAccuracy() throws {
    let (model, stream) = try smallSetup()
    let whole = try evaluateAccuracy(model: model, stream: stream, segments: 3, samples: 10, batchSize: 3)
    #expect(whole.samples == 10)

    let dir = tempDir("ledger")
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("eval.jsonl")
    let identity = EvaluationLedger.Identity(modelFNV: "0123456789abcdef", seed: 1, noise: ["valid"])
    do {  // first run: stopped after documents 0..<6
        let ledger = try EvaluationLedger(url: url, identity: identity)
        try evaluateBatches(model: model, stream: stream, segments: 3, range: 0..<6, batchSize: 3) { try ledger.record($0) }
    }
    // A kill mid-write leaves a torn line: it is dropped, and the file stays appendable.
    let handle = try FileHandle(forWritingTo: url)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"task\":\"detect\",\"segm".utf8))
    try handle.close()

    do {
        let ledger = try EvaluationLedger(url: url, identity: identity)
        #expect(ledger.done(task: "detect", segments: 3) == 6)
        #expect(ledger.done(task: "detect", segments: 5) == 0)
        try evaluateBatches(model: model, stream: stream, segments: 3, range: 6..<10, batchSize: 3) { try ledger.record($0) }
        let resumed = try #require(ledger.accuracy(task: "detect", segments: 3))
        #expect(resumed == whole)
        #expect(try #require(ledger.accuracy(task: "detect", segments: 3, limit: 6)).samples == 6)

        // While it is open for writing, a second writer is refused (the flock is per open file,
        // so this holds between processes too); a reader sees every batch and cannot append.
        do {
            _ = try EvaluationLedger(url: url, identity: identity)
            Issue.record("a second writer opened a ledger that is being written")
        } catch {
            #expect("\(error)".contains("is being written by another rmt-train eval"))
        }
        let reader = try EvaluationLedger(url: url, identity: identity, writing: false)
        #expect(reader.accuracy(task: "detect", segments: 3) == whole)
        #expect(throws: ModelError.self) { try reader.record(reader.batches[0]) }
    }
    #expect(throws: ModelError.self) { _ = try EvaluationLedger(url: dir.appendingPathComponent("none.jsonl"), identity: identity, writing: false) }

    // Reopened once more: the file holds the header and 4 batches, every line valid JSON.
    let reopened = try EvaluationLedger(url: url, identity: identity)
    #expect(reopened.batches.count == 4)
    #expect(reopened.accuracy(task: "detect", segments: 3) == whole)

    // Another model's ledger is refused, and so is a file that is not a ledger.
    var other = identity
    other.modelFNV = "fedcba9876543210"
    #expect(throws: ModelError.self) { _ = try EvaluationLedger(url: url, identity: other) }
    let notLedger = dir.appendingPathComponent("metrics.jsonl")
    try Data("{\"step\":1}\n".utf8).write(to: notLedger)
    #expect(throws: ModelError.self) { _ = try EvaluationLedger(url: notLedger, identity: identity) }
}

@Test func anEmptyOrUnendedLedgerFileGetsItsHeader() throws {
    let dir = tempDir("ledger-empty")
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let identity = EvaluationLedger.Identity(modelFNV: "00000000000000bb", seed: 2, noise: ["/n"], noiseFNV: "99")
    // A process stopped right after creating the file (zero bytes): the next writer writes the header.
    let empty = dir.appendingPathComponent("empty.jsonl")
    try Data().write(to: empty)
    do { _ = try EvaluationLedger(url: empty, identity: identity) }
    let header = try String(contentsOf: empty, encoding: .utf8)
    #expect(header.hasPrefix(#"{"ledger":"rmt-eval""#) && header.hasSuffix("}\n") && header.split(separator: "\n").count == 1)
    // A header without its newline is rewritten with it, and appends start on their own line.
    let unended = dir.appendingPathComponent("unended.jsonl")
    try Data(header.dropLast().utf8).write(to: unended)
    let batch = try JSONDecoder().decode(EvaluationBatch.self, from: Data(
        #"{"task":"detect","segments":2,"first":0,"count":4,"correct":3,"tokens":40}"#.utf8))
    do { try EvaluationLedger(url: unended, identity: identity).record(batch) }
    #expect(try EvaluationLedger(url: unended, identity: identity, writing: false).batches == [batch])
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    #expect(!left.contains { $0.contains(".tmp-") }, "\(left)")
}

@Test func wilsonIntervalsAreHonestForFewSamples() {
    let perfect = LengthAccuracy(task: "memorize", segments: 4096, tokens: 2_000_000, samples: 50, correct: 50)
    let ci = perfect.wilsonInterval()
    #expect(ci.upperBound == 1)
    #expect(abs(ci.lowerBound - 0.9287) < 1e-3)  // 50/50 only shows ≥ 92.9% at 95% confidence
    let half = LengthAccuracy(task: "detect", segments: 1, tokens: 499, samples: 200, correct: 100).wilsonInterval()
    #expect(abs(half.lowerBound - 0.4314) < 1e-3 && abs(half.upperBound - 0.5686) < 1e-3)
}

@Test func ledgerNoiseIsIdentifiedByContentAndOldHeadersAreUpgraded() throws {
    let dir = tempDir("ledger-noise")
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("eval.jsonl")
    let batch = try JSONDecoder().decode(EvaluationBatch.self, from: Data(
        #"{"task":"detect","segments":2,"first":0,"count":4,"correct":3,"tokens":40}"#.utf8))
    do {  // a version-1 ledger: noise identified by its path only
        let old = try EvaluationLedger(url: url, identity: .init(modelFNV: "00000000000000aa", seed: 1, noise: ["/old/valid"]))
        try old.record(batch)
    }
    #expect(try String(contentsOf: url, encoding: .utf8).hasPrefix(#"{"ledger":"rmt-eval","model_fnv""#))

    // Another path with a fingerprint cannot vouch for a path-only header: refused.
    let moved = EvaluationLedger.Identity(modelFNV: "00000000000000aa", seed: 1, noise: ["/new/valid"], noiseFNV: "1234")
    #expect(throws: ModelError.self) { _ = try EvaluationLedger(url: url, identity: moved) }
    // The same path with a fingerprint: accepted, and the header becomes version 2.
    let here = EvaluationLedger.Identity(modelFNV: "00000000000000aa", seed: 1, noise: ["/old/valid"], noiseFNV: "1234")
    do {
        let upgraded = try EvaluationLedger(url: url, identity: here)
        #expect(upgraded.batches == [batch])
        // The rewritten file is the locked one: a second writer is still refused.
        #expect(throws: ModelError.self) { _ = try EvaluationLedger(url: url, identity: here) }
        try upgraded.record(batch)  // appends to the file now at url
    }
    #expect(try EvaluationLedger(url: url, identity: here, writing: false).batches == [batch, batch])
    // Put back to one batch for the checks below.
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
    try Data((lines.dropLast().joined(separator: "\n") + "\n").utf8).write(to: url)
    let header = try #require(String(contentsOf: url, encoding: .utf8).split(separator: "\n").first)
    #expect(header.contains(#""noise_fnv":"1234""#) && header.contains(#""version":2"#))
    #expect(try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count == 2)
    // From now on the content decides: the corpus at another path continues the ledger,
    // other content under the same path does not.
    #expect(try EvaluationLedger(url: url, identity: moved).batches == [batch])
    var changed = here
    changed.noiseFNV = "5678"
    #expect(throws: ModelError.self) { _ = try EvaluationLedger(url: url, identity: changed) }
}

/// The distractor confusion matrix: every document is right, another person's room, or other;
/// the counts and the documents answered wrongly match an independent recount from the logits,
/// survive the ledger, and older ledger lines (without them) give nil rather than a made-up zero.
@Test func distractorEvaluationRecordsTheConfusionMatrix() throws {
    let (model, task, _) = try tinyTaskSetup("detect-distract:2,unknown", memoryTokens: 4, segmentLength: 64, seed: 5, sentences: 500)
    let noise = NoiseCorpus.builtin(tokenizer: model.tokenizer, seed: 4, sentenceCount: 500)
    let stream = try DataStream(task: task, noise: noise, tokenizer: model.tokenizer, seed: 12, segmentLength: 64,
                                labels: model.settings.labels)
    var batches: [EvaluationBatch] = []
    try evaluateBatches(model: model, stream: stream, segments: 2, range: 0..<12, batchSize: 4) { batches.append($0) }
    // Recount with a session per document (the library path), by label name.
    var right = 0, otherPerson = 0, unknown = 0, wrong: [Int] = []
    for index in 0..<12 {
        let plan = try stream.plan(index: index, segments: 2)
        let processor = SegmentProcessor(model: model, batchCapacity: 1)
        var memory = processor.initialMemory(batch: 1)
        for content in plan.segments() {
            try memory.withUnsafeMutableBufferPointer { try processor.step(contents: [content], memory: $0.baseAddress!) }
        }
        let logits = processor.classify()
        let predicted = model.settings.labels[logits.indices.max { logits[$0] < logits[$1] }!]
        if predicted == plan.answer { right += 1 } else {
            wrong.append(index)
            if plan.distractorAnswers.contains(predicted) { otherPerson += 1 }
        }
        if predicted == "unknown" && plan.answer != "unknown" { unknown += 1 }
    }
    let point = try #require(EvaluationLedger.accuracy(of: batches, task: task.name, segments: 2))
    #expect(point.samples == 12 && point.correct == right)
    #expect(point.otherPerson == otherPerson && point.answeredUnknown == unknown)
    #expect(batches.flatMap { $0.wrong ?? [-1] } == wrong)
    #expect(batches.allSatisfy { $0.wrong?.count == $0.count - $0.correct })
    let encoded = try JSONEncoder().encode(batches[0])
    #expect(try JSONDecoder().decode(EvaluationBatch.self, from: encoded) == batches[0])
    let old = try JSONDecoder().decode(EvaluationBatch.self, from: Data(
        #"{"task":"detect","segments":2,"first":0,"count":4,"correct":3,"tokens":40}"#.utf8))
    #expect(old.otherPerson == nil && old.wrong == nil)
    let mixed = try #require(EvaluationLedger.accuracy(of: [old, EvaluationBatch(task: "detect", segments: 2, first: 4, count: 4, correct: 4, tokens: 40, otherPerson: 0, answeredUnknown: 0)], task: "detect", segments: 2))
    #expect(mixed.samples == 8 && mixed.otherPerson == nil && mixed.answeredUnknown == nil)
}

/// The shipped ledger (Docs/runs/default/eval-ledger.jsonl: the evaluation of the former default
/// model, now Models/small-memorize, Docs/results.md) still opens under its own header, continues
/// (no line dropped) and gives its accuracies; its model fingerprint is that of Models/small-memorize.
@Test func theShippedLedgerStillOpensForTheShippedModel() throws {
    let shipped = repositoryRoot().appendingPathComponent("Docs/runs/default/eval-ledger.jsonl")
    let dir = tempDir("shipped-ledger")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("eval-ledger.jsonl")
    try FileManager.default.copyItem(at: shipped, to: url)
    let lines = try String(contentsOf: shipped, encoding: .utf8).split(separator: "\n").count
    let identity = EvaluationLedger.Identity(modelFNV: "e65c7be4792e1b24", seed: 1, noise: ["/work/shared/corpus/valid"],
                                             noiseFNV: "e2b761e362590c25")
    let ledger = try EvaluationLedger(url: url, identity: identity)
    #expect(ledger.batches.count == lines - 1)
    let memorize = try #require(ledger.accuracy(task: "memorize", segments: 1))
    #expect(memorize.samples > 0 && memorize.correct <= memorize.samples)
    let model = repositoryRoot().appendingPathComponent("Models/small-memorize/model.safetensors")
    #expect(try EvaluationLedger.fingerprint(of: model) == identity.modelFNV)
}

@Test func aLedgerIsContinuedOnlyAtItsOwnPrecision() throws {
    let dir = tempDir("ledger-precision")
    defer { try? FileManager.default.removeItem(at: dir) }
    let fp32 = EvaluationLedger.Identity(modelFNV: "0123456789abcdef", seed: 1, noise: ["valid"], noiseFNV: "00ff")
    var bf16 = fp32
    bf16.precision = "bf16"
    let fp32URL = dir.appendingPathComponent("fp32.jsonl"), bf16URL = dir.appendingPathComponent("bf16.jsonl")
    _ = try EvaluationLedger(url: fp32URL, identity: fp32)
    _ = try EvaluationLedger(url: bf16URL, identity: bf16)
    // fp32 headers carry no precision (as before it existed); bf16 ones say so.
    let fp32Header = try String(contentsOf: fp32URL, encoding: .utf8), bf16Header = try String(contentsOf: bf16URL, encoding: .utf8)
    #expect(!fp32Header.contains("precision") && bf16Header.contains("\"precision\":\"bf16\""), "\(fp32Header) \(bf16Header)")
    #expect(throws: ModelError.self) { _ = try EvaluationLedger(url: fp32URL, identity: bf16) }
    #expect(throws: ModelError.self) { _ = try EvaluationLedger(url: bf16URL, identity: fp32) }
    _ = try EvaluationLedger(url: fp32URL, identity: fp32)  // each continues itself
    _ = try EvaluationLedger(url: bf16URL, identity: bf16)
}

@Test func aReportOverSeveralLedgersTakesEachCellFromTheLargestAndAddsNothing() throws {
    let dir = tempDir("ledger-report")
    defer { try? FileManager.default.removeItem(at: dir) }
    let identity = EvaluationLedger.Identity(modelFNV: "00000000000000cc", seed: 1, noise: ["/n"], noiseFNV: "77")
    func ledger(_ name: String, _ batches: [EvaluationBatch]) throws -> EvaluationLedger {
        let written = try EvaluationLedger(url: dir.appendingPathComponent(name), identity: identity)
        for b in batches { try written.record(b) }
        return try EvaluationLedger(url: dir.appendingPathComponent(name), identity: identity, writing: false)
    }
    func batch(_ task: String, _ n: Int, _ first: Int, _ count: Int, _ correct: Int) -> EvaluationBatch {
        EvaluationBatch(task: task, segments: n, first: first, count: count, correct: correct, tokens: 100 * n)
    }
    // a: memorize at 1 segment (8 documents) and 4 (2); b: memorize at 1 (4, the same documents
    // 0..<4 read again), at 4 (2: a tie) and at 2048 (4); detect only in b.
    let a = try ledger("a.jsonl", [batch("memorize", 1, 0, 4, 4), batch("memorize", 1, 4, 4, 3), batch("memorize", 4, 0, 2, 2)])
    let b = try ledger("b.jsonl", [batch("memorize", 1, 0, 4, 1), batch("memorize", 4, 0, 2, 0),
                                   batch("memorize", 2048, 0, 4, 3), batch("detect", 2, 0, 4, 4)])
    let rows = LedgerReport.rows([a, b], tasks: ["memorize", "detect", "reasoning"])
    #expect(rows.map { "\($0.point.task)/\($0.point.segments)" } == ["memorize/1", "memorize/4", "memorize/2048", "detect/2"])
    #expect(rows[0].source == 0 && rows[0].point.samples == 8 && rows[0].point.correct == 7)  // not 12 documents
    #expect(rows[0].leftOut.count == 1 && rows[0].leftOut[0].ledger == 1 && rows[0].leftOut[0].samples == 4)
    #expect(rows[1].source == 0 && rows[1].point.correct == 2 && rows[1].leftOut.map(\.ledger) == [1])  // a tie: the first given
    #expect(rows[2].source == 1 && rows[2].point.correct == 3 && rows[2].leftOut.isEmpty)
    #expect(rows[3].source == 1 && rows[3].point.accuracy == 1)
    // In the other order the tie goes to b.
    #expect(LedgerReport.rows([b, a], tasks: ["memorize"])[1].point.correct == 0)
}

/// What a resumed run still reads: whole batches aligned at the first gap, those the ledger holds
/// every document of (read elsewhere and appended, one by one or in batches) left out, neighbours
/// joined — so nothing past the gap is read twice.
@Test func unreadLeavesOutBatchesTheLedgerAlreadyHolds() throws {
    let dir = tempDir("ledger-unread")
    defer { try? FileManager.default.removeItem(at: dir) }
    let ledger = try EvaluationLedger(url: dir.appendingPathComponent("eval.jsonl"),
                                      identity: EvaluationLedger.Identity(modelFNV: "0123456789abcdef", seed: 1, noise: ["valid"]))
    func held(_ first: Int, _ count: Int, task: String = "reasoning", segments: Int = 2048) throws {
        try ledger.record(EvaluationBatch(task: task, segments: segments, first: first, count: count, correct: count, tokens: 10))
    }
    try held(0, 4)
    for i in [4, 5, 6, 7, 8, 9, 10, 13, 14, 16, 17] { try held(i, 1) }  // the device's documents
    try held(11, 1, task: "babi-qa3")       // another task's document does not count
    try held(12, 1, segments: 512)          // nor another length's
    #expect(ledger.done(task: "reasoning", segments: 2048) == 11)
    #expect(ledger.unread(task: "reasoning", segments: 2048, in: 11..<20, batchSize: 1) == [11..<13, 15..<16, 18..<20])
    // Batches of 2 from 11: 11-12 read, 13-14 held, 15-16 half held (read whole), 17-18 half held, 19.
    #expect(ledger.unread(task: "reasoning", segments: 2048, in: 11..<20, batchSize: 2) == [11..<13, 15..<20])
    #expect(ledger.unread(task: "reasoning", segments: 2048, in: 4..<11, batchSize: 1) == [])
    #expect(ledger.unread(task: "detect", segments: 2048, in: 0..<5, batchSize: 2) == [0..<5])
    #expect(ledger.unread(task: "reasoning", segments: 2048, in: 20..<20, batchSize: 4) == [])
}
