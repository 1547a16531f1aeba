// Answers at a temperature (AnswerTemperature.swift). The model with its answer logits divided by
// T reads a document to the same answer with logits exactly the original's / T, leaves every other
// parameter and the original untouched, and refuses a temperature that is not a positive finite
// number. Per-question-form temperatures (rmt.answer_temperatures) leave the logits and answer bit
// for bit and report softmax(logits / T) for questions of their form only, T by the document's
// length (linear in log segments between fitted lengths, held beyond them); they are checked
// against the domain, kept through config.json, narrowed with the domain and dropped by whatever
// changes the logits (withAnswerTemperature, blending).
import Foundation
import Testing
import RMTTestSupport
import RMTBase
import RMTModel
import RMTRecurrence

@Test func answerTemperatureDividesTheLogitsAndNothingElse() throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let before = model.parameters.copy()
    let count = model.parameters.layout.count
    func flat(_ p: ParameterSet) -> [Float] { Array(UnsafeBufferPointer(start: p.storage.pointer, count: count)) }
    func answer(_ m: RecurrentMemoryModel) throws -> [Float] {
        let session = DocumentSession(model: m)
        for k in 0..<2 { try session.read((0..<m.settings.segmentLength).map { Int32(5 + (k * 7 + $0) % 30) }) }
        return try session.answer(questionTokens: [40, 41]).logits
    }
    let original = try answer(model)
    for temperature in [0.5, 2.0, 7.25] {
        let hot = try model.withAnswerTemperature(temperature)
        let logits = try answer(hot)
        #expect(logits.count == original.count)
        var worst: Float = 0
        for (a, b) in zip(logits, original) { worst = max(worst, abs(a - b / Float(temperature))) }
        #expect(worst < 1e-5 * max(1, original.map(abs).max()!), "T \(temperature): largest difference \(worst)")
        #expect(logits.indices.max { logits[$0] < logits[$1] } == original.indices.max { original[$0] < original[$1] })
        for entry in model.parameters.layout.entries
        where entry.name != RMTTensorName.classifierWeight && entry.name != RMTTensorName.classifierBias {
            #expect(hot.parameters.values(entry.name) == model.parameters.values(entry.name), "\(entry.name) changed")
        }
    }
    #expect(flat(model.parameters) == flat(before), "the original is not changed")
    for bad in [0.0, -1.0, .nan, .infinity] {
        #expect { try model.withAnswerTemperature(bad) } throws: { "\($0)".contains("temperature") }
    }
}

/// tiny-rmt (8-token segments, labels alpha…delta) recording a domain of two short forms.
private func tinyWithDomain() throws -> RecurrentMemoryModel {
    let domain = QuestionDomain(tasks: ["a", "b"], questionForms: ["w40 {x} w41", "w50 {x}"], slots: ["x": ["w60", "w61"]])
    return try RecurrentMemoryModel.load(directory: fixture("tiny-rmt")).recording(domain: domain)
}

@Test func questionTemperaturesMoveOnlyTheProbabilitiesOfTheirForm() throws {
    let model = try tinyWithDomain()
    let matcher = try #require(model.questionMatcher())
    #expect(matcher.form(ofTokens: model.tokenizer.encode("w40 w61 w41")) == "w40 {x} w41")
    #expect(matcher.form(ofTokens: model.tokenizer.encode("w50 w60")) == "w50 {x}")
    #expect(matcher.form(ofTokens: model.tokenizer.encode("w50 w62")) == nil)

    // The documents below are 3 segments long (+1 for the question): T 2.5 at every length.
    let hot = try model.withQuestionTemperatures(["w40 {x} w41": [TemperaturePoint(segments: 2, temperature: 2.5)]])
    #expect(hot.parameters === model.parameters, "the weights are shared, not copied")
    func read(_ m: RecurrentMemoryModel, _ question: String) throws -> Answer {
        let session = DocumentSession(model: m)
        for k in 0..<3 { try session.read((0..<m.settings.segmentLength).map { Int32(5 + (k * 11 + $0) % 40) }) }
        return try session.answer(question: question)
    }
    for question in ["w40 w60 w41", "w40 w61 w41"] {
        let (plain, warm) = (try read(model, question), try read(hot, question))
        #expect(warm.logits == plain.logits && warm.answer == plain.answer && plain.temperature == 1 && warm.temperature == 2.5)
        #expect(warm.top.map(\.label) == plain.top.map(\.label), "the ranking is the logits'")
        let z = plain.logits.map { Double($0) / 2.5 }, top = z.max()!
        let sum = z.reduce(0) { $0 + exp($1 - top) }
        for entry in warm.top {
            let i = hot.settings.labels.firstIndex(of: entry.label)!
            #expect(abs(Double(entry.probability) - exp(z[i] - top) / sum) < 1e-6, "\(entry.label)")
        }
        #expect(warm.probability < plain.probability, "T > 1 makes the top answer less sure")
    }
    // A form without a temperature, and a question of no form: as the model answers them.
    for question in ["w50 w60", "w9 w10"] {
        let (plain, warm) = (try read(model, question), try read(hot, question))
        #expect(warm.temperature == 1 && warm == plain, "\(question)")
    }
}

@Test func questionTemperaturesAreCheckedKeptAndDroppedWithWhatTheyDescribe() throws {
    let model = try tinyWithDomain()
    let bare = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    func at(_ pairs: (Int, Double)...) -> [TemperaturePoint] { pairs.map { TemperaturePoint(segments: $0.0, temperature: $0.1) } }
    #expect { try bare.withQuestionTemperatures(["w50 {x}": at((16, 2))]) } throws: { "\($0)".contains("without rmt.domain") }
    #expect { try model.withQuestionTemperatures(["w51 {x}": at((16, 2))]) } throws: { "\($0)".contains("not a question form") }
    for bad in [0.0, -1.0, .nan, .infinity] {
        #expect { try model.withQuestionTemperatures(["w50 {x}": at((16, bad))]) } throws: { "\($0)".contains("finite number above 0") }
    }
    #expect { try model.withQuestionTemperatures(["w50 {x}": []]) } throws: { "\($0)".contains("no points") }
    #expect { try model.withQuestionTemperatures(["w50 {x}": at((0, 2))]) } throws: { "\($0)".contains("at least 1") }
    for unordered in [at((64, 2), (16, 3)), at((16, 2), (16, 3))] {
        #expect { try model.withQuestionTemperatures(["w50 {x}": unordered]) } throws: { "\($0)".contains("out of order or repeated") }
    }
    #expect(try model.withQuestionTemperatures([:]).settings.answerTemperatures == nil)

    let hot = try model.withQuestionTemperatures(["w40 {x} w41": at((4, 1.5), (16, 2.5), (64, 4.5)), "w50 {x}": at((16, 0.75))])
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-temperatures-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try hot.save(to: folder)
    #expect(try RecurrentMemoryModel.load(directory: folder).settings == hot.settings)

    let narrowed = QuestionDomain(tasks: ["b"], questionForms: ["w50 {x}"], slots: ["x": ["w60", "w61"]])
    #expect(try hot.recording(domain: narrowed).settings.answerTemperatures == ["w50 {x}": at((16, 0.75))])
    #expect(try hot.recording(domain: nil).settings.answerTemperatures == nil)
    #expect(try hot.withAnswerTemperature(2).settings.answerTemperatures == nil, "the scaled logits are not the ones fitted")
    let blend = try hot.blended(with: model, weight: 0.5)
    #expect(blend.settings.answerTemperatures == nil && blend.settings.domain == model.settings.domain)
}

@Test func aFormsTemperatureFollowsTheDocumentsLength() throws {
    let points = [TemperaturePoint(segments: 4, temperature: 1.5), TemperaturePoint(segments: 16, temperature: 2.5),
                  TemperaturePoint(segments: 64, temperature: 4.5)]
    func t(_ n: Int) -> Double { TemperaturePoint.temperature(points, segments: n) }
    #expect(t(1) == 1.5 && t(4) == 1.5 && t(16) == 2.5 && t(64) == 4.5 && t(2048) == 4.5, "fitted lengths exact, held beyond")
    #expect(abs(t(8) - 2.0) < 1e-12 && abs(t(32) - 3.5) < 1e-12, "halfway in log(segments) is halfway in T")
    #expect(abs(t(6) - (1.5 + log(1.5) / log(4))) < 1e-12)
    for n in 4..<64 { #expect(t(n) <= t(n + 1), "monotone between increasing points: \(n)") }

    // A session reads T at the length it answered: 3 segments and the question's own.
    let model = try tinyWithDomain().withQuestionTemperatures(["w40 {x} w41": points])
    let session = DocumentSession(model: model)
    for k in 0..<7 { try session.read((0..<model.settings.segmentLength).map { Int32(5 + (k * 13 + $0) % 40) }) }
    let answer = try session.answer(question: "w40 w60 w41")
    #expect(answer.segments == 8 && answer.temperature == 2.0, "\(answer.segments) segments at T \(answer.temperature)")
}
