// evaluateBatches reads documents only in the model's own question layout: a stream laid out
// otherwise (e.g. final-segment documents for an every-segment model) is refused with a
// DataError instead of being scored, near chance, without a word. And it reports its progress
// inside a batch, segment by segment, for the status line of long evaluations.
import Testing
import RMTTestSupport
import RMTBase
import RMTData
import RMTRecurrence
import RMTTraining

@Test func evaluationRefusesDocumentsInAnotherQuestionLayout() throws {
    let (model, task, _) = try tinyTaskSetup("memorize", memoryTokens: 4, segmentLength: 24, seed: 3, sentences: 300)
    let noise = NoiseCorpus.builtin(tokenizer: model.tokenizer, seed: 2, sentenceCount: 300)
    #expect(model.settings.questionLayout == .finalSegment)
    let other = try DataStream(task: task, noise: noise, tokenizer: model.tokenizer, seed: 9, segmentLength: 24,
                               questionLayout: .everySegment)
    #expect(throws: DataError.self) {
        try evaluateBatches(model: model, stream: other, segments: 2, range: 0..<2, batchSize: 2) { _ in }
    }
    let own = try DataStream(task: task, noise: noise, tokenizer: model.tokenizer, seed: 9, segmentLength: 24)
    var counted = 0
    try evaluateBatches(model: model, stream: own, segments: 2, range: 0..<2, batchSize: 2) { counted += $0.count }
    #expect(counted == 2)
}

@Test func evaluationReportsEverySegmentOfEveryBatch() throws {
    let (model, task, _) = try tinyTaskSetup("memorize", memoryTokens: 4, segmentLength: 24, seed: 3, sentences: 300)
    let noise = NoiseCorpus.builtin(tokenizer: model.tokenizer, seed: 2, sentenceCount: 300)
    let stream = try DataStream(task: task, noise: noise, tokenizer: model.tokenizer, seed: 9, segmentLength: 24)
    var seen: [EvaluationProgress] = [], tokens: [Int] = []
    try evaluateBatches(model: model, stream: stream, segments: 3, range: 1..<6, batchSize: 2, onSegment: { seen.append($0) }) {
        tokens.append($0.tokens)
    }
    // Batches 1..<3, 3..<5, 5..<6, each reported before each of its 3 segments.
    #expect(seen.map { [$0.first, $0.count, $0.segment, $0.segments] } == [1, 3, 5].flatMap { first in
        (0..<3).map { [first, first == 5 ? 1 : 2, $0, 3] }
    })
    #expect(seen.map(\.tokens) == tokens.flatMap { Array(repeating: $0, count: 3) })
}
