// evaluateBatches(memoryWriter:) (rmt-train eval --memory-from): every segment but the final one
// read by the writer from its own memory embeddings, the final one by the model from the memory the
// writer hands on. Checked against that reading done by hand with two SegmentProcessors (the same
// logits), a model that writes its own memory reading exactly as without a writer, and writers of
// another shape refused.
import Testing
import RMTTestSupport
import RMTBase
import RMTData
import RMTModel
import RMTRecurrence
import RMTTokenizer
import RMTTraining

/// Two tiny untrained models of one shape (seeds 5 and 6), and a stream of their documents.
private func twoModels(memoryTokens: Int = 4) throws -> (RecurrentMemoryModel, RecurrentMemoryModel, DataStream) {
    let vocabulary = try Vocabulary(contentsOf: fixture("tokenizer/vocab.txt"))
    let tokenizer = BertTokenizer(vocabulary: vocabulary, lowercase: true)
    let task = try TaskCatalog.task(list: "memorize-distract,babi-qa1")
    var config = BertConfig.preset(.tiny)
    config.vocabSize = vocabulary.count
    let settings = RMTSettings(memoryTokens: memoryTokens, segmentLength: 40, labels: task.labels, questionLayout: .everySegment)
    let a = try RecurrentMemoryModel(config: config, settings: settings, tokenizer: tokenizer, seed: 5)
    let b = try RecurrentMemoryModel(config: config, settings: settings, tokenizer: tokenizer, seed: 6)
    let noise = NoiseCorpus.builtin(tokenizer: tokenizer, seed: 2, sentenceCount: 400)
    let stream = try DataStream(task: task, noise: noise, tokenizer: tokenizer, seed: 9, segmentLength: 40,
                                questionLayout: .everySegment, labels: task.labels)
    return (a, b, stream)
}

/// Each document's logits in label order, as evaluateBatches reports them.
private func logits(_ model: RecurrentMemoryModel, writer: RecurrentMemoryModel?, _ stream: DataStream) throws -> [[Double]] {
    var out: [[Double]] = []
    try evaluateBatches(model: model, stream: stream, segments: 3, range: 0..<5, batchSize: 2, memoryWriter: writer,
                        onDocument: { r in out.append(model.settings.labels.map { r.logits![$0]! }) }) { _ in }
    return out
}

@Test func aMemoryWriterReadsAllButTheFinalSegment() throws {
    let (a, b, stream) = try twoModels()
    // By hand: A reads segments 0 and 1 from its memory embeddings, B the final one.
    var expected: [[Double]] = []
    let (pa, pb) = (SegmentProcessor(model: a), SegmentProcessor(model: b))
    for index in 0..<5 {
        var segments = try stream.plan(index: index, segments: 3).makeSegmentStream()
        var memory = pa.initialMemory(batch: 1)
        for k in 0..<3 {
            let content = segments.nextSegment()!
            try memory.withUnsafeMutableBufferPointer { try (k < 2 ? pa : pb).step(contents: [content], memory: $0.baseAddress!) }
        }
        expected.append(pb.classify().map(Double.init))
    }
    let mixed = try logits(b, writer: a, stream)
    #expect(mixed.count == 5)
    for (got, want) in zip(mixed, expected) {
        #expect(scaledError(got, want) < 1e-5, "\(got) vs \(want)")
    }
    // The checks have teeth: B's own reading differs; a model writing its own memory reads as without a writer.
    #expect(try logits(b, writer: nil, stream) != mixed)
    #expect(try logits(a, writer: a, stream) == (try logits(a, writer: nil, stream)))
}

@Test func aMemoryWriterOfAnotherShapeIsRefused() throws {
    let (a, _, stream) = try twoModels()
    let (other, _, _) = try twoModels(memoryTokens: 3)
    #expect(a.memoryHandOffProblem(from: other)?.contains("memory is 3 tokens") == true)
    #expect(a.memoryHandOffProblem(from: a) == nil)
    #expect(throws: ModelError.self) {
        try evaluateBatches(model: a, stream: stream, segments: 2, range: 0..<2, batchSize: 2, memoryWriter: other) { _ in }
    }
}
