// evaluateBatches reads documents only in the model's own question layout: a stream laid out
// otherwise (e.g. final-segment documents for an every-segment model) is refused with a
// DataError instead of being scored, near chance, without a word.
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
