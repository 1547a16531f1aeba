// RecurrentMemoryModel over Hugging Face folders as they come, and its public initialisers on
// bad input: a vocabulary without [PAD] (or [CLS], [SEP]), of another size than vocab_size, or
// of another casing than the settings is an error, never a trap in SegmentProcessor.
import Foundation
import Testing
import RMTTestSupport
import RMTModel
import RMTRecurrence
import RMTTokenizer

private let config = BertConfig(vocabSize: 12, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2,
                                intermediateSize: 12, maxPositionEmbeddings: 32)
private let settings = RMTSettings(memoryTokens: 2, segmentLength: 8, labels: ["a", "b"])

private func tokenizer(_ specials: [String], lowercase: Bool = true) throws -> BertTokenizer {
    let words = (specials.count..<config.vocabSize).map { "w\($0)" }
    return BertTokenizer(vocabulary: try Vocabulary(tokens: specials + words), lowercase: lowercase)
}

@Test func initialisersThrowOnTokenizersTheyCannotUse() throws {
    let good = try tokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]"])
    let model = try RecurrentMemoryModel(config: config, settings: settings, tokenizer: good, seed: 1)
    #expect((model.clsID, model.sepID, model.padID) == (2, 3, 0))
    let cases: [(BertTokenizer, String)] = [
        (try tokenizer(["[UNK]", "[CLS]", "[SEP]"]), "vocabulary has no [PAD] token"),
        (try tokenizer(["[UNK]", "[PAD]"]), "vocabulary has no [CLS], [SEP] token"),
        (BertTokenizer(vocabulary: try Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]"])), "vocabulary has 4 tokens but vocab_size is 12"),
        (try tokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]"], lowercase: false), "is cased but rmt.lowercase is true"),
    ]
    for (bad, phrase) in cases {
        #expect(throws: ModelError.self) { try RecurrentMemoryModel(config: config, settings: settings, tokenizer: bad, seed: 1) }
        do {
            _ = try RecurrentMemoryModel(config: config, settings: settings, tokenizer: bad, parameters: model.parameters)
            Issue.record("accepted \(phrase)")
        } catch {
            #expect("\(error)".contains(phrase), "\(error)")
        }
    }
    // a segment whose activations could not be allocated is refused before allocating
    let wide = BertConfig(vocabSize: 12, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 8, intermediateSize: 12,
                          maxPositionEmbeddings: 1_000_000)
    let long = RMTSettings(memoryTokens: 2, segmentLength: 999_000, labels: ["a", "b"])
    #expect(throws: ModelError.self) { try RecurrentMemoryModel(config: wide, settings: long, tokenizer: good, seed: 1) }
    // a hand-made memory state of another size is an error, not a write past the buffer
    let session = DocumentSession(model: model, resuming: MemoryState(memory: [0, 0, 0]))
    #expect(throws: ModelError.self) { try session.read([Int32](repeating: 5, count: 8)) }
}

@Test func wrappedFoldersKeepTheirCasingAndSkipHeads() throws {
    let dir = try makeScratchFolder("rmt-wrap")
    defer { try? FileManager.default.removeItem(at: dir) }
    var spec = SyntheticBertFolder()
    spec.prefix = "bert."
    spec.pretrainingHeads = true
    spec.pooler = false
    spec.doLowerCase = false
    let model = try RecurrentMemoryModel.load(directory: spec.write(to: dir.appendingPathComponent("cased")))
    #expect(model.isUntrained && !model.tokenizer.lowercase && !model.settings.lowercase)
    #expect(model.skippedTensors.filter { $0.hasPrefix("cls.") }.count == 8)
    // saved and loaded again, the casing is kept (rmt.lowercase)
    let saved = dir.appendingPathComponent("saved")
    try model.save(to: saved)
    let back = try RecurrentMemoryModel.load(directory: saved)
    #expect(!back.tokenizer.lowercase && back.parameters.storage.array == model.parameters.storage.array)

    spec = SyntheticBertFolder()
    spec.vocabTxt = false
    spec.tokenizerJSON = true
    spec.normalizerLowercase = false
    let fromJSON = try RecurrentMemoryModel.load(directory: spec.write(to: dir.appendingPathComponent("json")))
    #expect(!fromJSON.tokenizer.lowercase && fromJSON.tokenizer.vocabulary.tokens == spec.tokens)

    spec = SyntheticBertFolder()
    spec.tokens = spec.tokens.filter { $0 != "[PAD]" } + ["extra"]
    let noPad = try spec.write(to: dir.appendingPathComponent("nopad"))
    #expect(throws: ModelError(noPad.appendingPathComponent("vocab.txt").path, "has no [PAD] token")) {
        try RecurrentMemoryModel.load(directory: noPad)
    }
}
