// evaluateBatches' per-document records (`onDocument`, rmt-train eval --predictions): one per
// document, in order, agreeing with the batch counts, and each planted fact placed in the
// reading segment that holds its first token — checked against the segments the model reads,
// under both question layouts and after a re-split.
import Testing
import RMTTestSupport
import RMTBase
import RMTData
import RMTModel
import RMTRecurrence
import RMTTokenizer
import RMTTraining

/// A tiny untrained model reading `layout` documents of `tasks`, and its validation stream.
private func setup(_ tasks: String, layout: QuestionLayout, segmentLength: Int) throws -> (RecurrentMemoryModel, DataStream) {
    let vocabulary = try Vocabulary(contentsOf: fixture("tokenizer/vocab.txt"))
    let tokenizer = BertTokenizer(vocabulary: vocabulary, lowercase: true)
    let task = try TaskCatalog.task(list: tasks)
    var config = BertConfig.preset(.tiny)
    config.vocabSize = vocabulary.count
    let settings = RMTSettings(memoryTokens: 4, segmentLength: segmentLength, labels: task.labels, questionLayout: layout)
    let model = try RecurrentMemoryModel(config: config, settings: settings, tokenizer: tokenizer, seed: 5)
    let noise = NoiseCorpus.builtin(tokenizer: tokenizer, seed: 2, sentenceCount: 400)
    let stream = try DataStream(task: task, noise: noise, tokenizer: tokenizer, seed: 9, segmentLength: segmentLength,
                                questionLayout: layout, labels: task.labels)
    return (model, stream)
}

/// The document tokens of each reading segment of `plan`, as the model reads them.
private func documentTokensPerSegment(_ plan: DocumentPlan) -> [[Int32]] {
    var stream = plan.makeSegmentStream()
    let q = plan.questionTokens.count
    return (0..<plan.segmentCount).map { k in
        let content = stream.nextSegment()!
        switch plan.questionLayout {
        case .everySegment: return Array(content.dropFirst(q + 1))  // `Q [SEP] chunk`
        case .finalSegment:  // the final segment ends with `[SEP] Q` (or is only that)
            return k == plan.segmentCount - 1 ? Array(content.dropLast(q + 1)) : content
        }
    }
}

@Test(arguments: [QuestionLayout.finalSegment, .everySegment])
func predictionsPlaceEveryFactInTheSegmentThatReadsIt(layout: QuestionLayout) throws {
    let (model, stream) = try setup("memorize-distract,babi-qa1", layout: layout, segmentLength: 40)
    for reading in [nil, 23] as [Int?] {  // as made, and re-split into shorter segments
        let reader = try reading.map { try model.readingSegments(of: $0) } ?? model
        var records: [DocumentPrediction] = [], batches: [EvaluationBatch] = []
        try evaluateBatches(model: reader, stream: stream, segments: 3, range: 2..<9, batchSize: 3, readingLength: reading,
                            onDocument: { records.append($0) }) { batches.append($0) }
        #expect(records.map(\.index) == Array(2..<9))
        #expect(records.filter(\.correct).count == batches.reduce(0) { $0 + $1.correct })
        #expect(Set(records.filter { !$0.correct }.map(\.index)) == Set(batches.flatMap { $0.wrong ?? [] }))
        #expect(records.filter(\.otherPerson).count == batches.reduce(0) { $0 + ($1.otherPerson ?? 0) })
        for r in records {
            let made = try stream.plan(index: r.index, segments: 3)
            let plan = try reading.map { try made.resplit(segmentLength: $0) } ?? made
            #expect(r.segments == plan.segmentCount && r.answer == plan.answer && r.question == plan.question)
            #expect(r.probability > 0 && r.probability <= 1 && model.settings.labels.contains(r.predicted))
            #expect(r.facts.count == plan.facts.count && !r.facts.isEmpty)
            let perSegment = documentTokensPerSegment(plan)
            #expect(perSegment.reduce(0) { $0 + $1.count } == plan.documentTokenCount)
            let starts = perSegment.reduce(into: [0]) { $0.append($0.last! + $1.count) }
            for (fact, placed) in zip(plan.facts, r.facts) {
                #expect(placed.text == fact.text && placed.offset == fact.offset)
                let k = placed.segment
                #expect(starts[k] <= fact.offset && fact.offset < starts[k + 1], "fact at \(fact.offset), segment \(k) of \(starts)")
                #expect(perSegment[k][fact.offset - starts[k]] == fact.tokens[0])
            }
        }
    }
}
