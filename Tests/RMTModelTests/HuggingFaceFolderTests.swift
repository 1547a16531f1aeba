// Hugging Face BERT folders as they come (synthetic, every variant): `bert.` prefixes and
// pretraining heads are skipped and reported; tokenizer.json stands in for vocab.txt; the
// casing of tokenizer_config.json / tokenizer.json is honoured; sizes in config.json are checked
// against the tensor file before anything is allocated; a short vocabulary, a pickle-only
// folder and a /dev/zero link are one-line errors naming the path.
import Foundation
import Testing
import RMTTestSupport
import RMTModel
import RMTSafetensors

private func folderError(_ folder: URL) -> String? {
    do { _ = try BertCheckpoint.load(directory: folder); return nil } catch { return "\(error)" }
}

@Test func prefixedPretrainingCheckpointLoadsWithHeadsSkipped() throws {
    let dir = try makeScratchFolder("hf-heads")
    defer { try? FileManager.default.removeItem(at: dir) }
    var plain = SyntheticBertFolder()
    let base = try BertCheckpoint.load(directory: plain.write(to: dir.appendingPathComponent("plain")))
    plain.prefix = "bert."
    plain.pretrainingHeads = true
    let full = try BertCheckpoint.load(directory: plain.write(to: dir.appendingPathComponent("pretraining")))
    #expect(full.encoder.parameters.storage.array == base.encoder.parameters.storage.array)
    #expect(full.skippedTensors.count == 8 && full.skippedTensors.allSatisfy { $0.hasPrefix("cls.") }, "\(full.skippedTensors)")
    #expect(base.skippedTensors.isEmpty)
    let ids: [Int32] = [2, 5, 7, 3]
    #expect(try full.encoder.encode(ids: ids) == base.encoder.encode(ids: ids))
    let note = try #require(SkippedTensors.note(folder: "m", full.skippedTensors))
    #expect(note == "note: m/model.safetensors: skipped 8 tensors the model does not use: cls.predictions.* (6), cls.seq_relationship.* (2)")

    // a tensor that is no known head is still an error naming it
    var odd = SyntheticBertFolder()
    odd.prefix = "bert."
    let oddDir = try odd.write(to: dir.appendingPathComponent("odd"))
    var writer = SafetensorsWriter()
    for (name, shape) in odd.tensorShapes() + [("bert.adapter.weight", [2])] {
        try writer.add(name, shape: shape, floats: odd.values(name, count: shape.reduce(1, *)))
    }
    try writer.write(to: oddDir.appendingPathComponent("model.safetensors"))
    #expect(folderError(oddDir)?.contains("unexpected tensor \"bert.adapter.weight\"") == true)
}

@Test func tokenizerJSONReplacesVocabTxtWithItsCasing() throws {
    let dir = try makeScratchFolder("hf-tokjson")
    defer { try? FileManager.default.removeItem(at: dir) }
    var spec = SyntheticBertFolder()
    spec.vocabTxt = false
    spec.tokenizerJSON = true
    let uncased = try BertCheckpoint.load(directory: spec.write(to: dir.appendingPathComponent("uncased")))
    #expect(uncased.tokenizer.lowercase)
    #expect(uncased.tokenizer.vocabulary.tokens == spec.tokens)
    #expect(uncased.tokenizer.encode("HELLO Café") == [5, 20])
    spec.normalizerLowercase = false
    let cased = try BertCheckpoint.load(directory: spec.write(to: dir.appendingPathComponent("cased")))
    #expect(!cased.tokenizer.lowercase)
    #expect(cased.tokenizer.encode("HELLO café Café") == [6, 21, 1])
    // vocab.txt beside a cased tokenizer.json (and no tokenizer_config.json): still cased
    spec.vocabTxt = true
    #expect(try !BertCheckpoint.load(directory: spec.write(to: dir.appendingPathComponent("both"))).tokenizer.lowercase)
    spec.vocabTxt = false
    // tokenizer_config.json's do_lower_case wins over the normalizer, as in transformers
    spec.doLowerCase = true
    #expect(try BertCheckpoint.load(directory: spec.write(to: dir.appendingPathComponent("configured"))).tokenizer.lowercase)
    // a mixed normalizer this package does not implement is refused, naming the setting
    spec.doLowerCase = nil
    spec.normalizerLowercase = true
    spec.normalizerStripAccents = false
    let mixed = try #require(folderError(spec.write(to: dir.appendingPathComponent("mixed"))))
    #expect(mixed.contains("tokenizer.json: lowercasing without stripping accents is not supported"), "\(mixed)")
}

@Test func doLowerCaseFalseMakesACasedTokenizer() throws {
    let dir = try makeScratchFolder("hf-cased")
    defer { try? FileManager.default.removeItem(at: dir) }
    var spec = SyntheticBertFolder()
    spec.doLowerCase = false
    let checkpoint = try BertCheckpoint.load(directory: spec.write(to: dir))
    #expect(!checkpoint.tokenizer.lowercase)
    #expect(checkpoint.tokenizer.encode("Mary mary") == [9, 8])
}

@Test func configSizesAreCheckedAgainstTheFileBeforeAllocating() throws {
    let dir = try makeScratchFolder("hf-sizes")
    defer { try? FileManager.default.removeItem(at: dir) }
    let cases: [([String: Any], String)] = [
        // would be 825 GB of parameters: refused from the header, no allocation (it used to abort)
        (["num_hidden_layers": 1024, "hidden_size": 4096, "num_attention_heads": 16, "intermediate_size": 16384],
         "hidden_size is 4096 but model.safetensors has embeddings.word_embeddings.weight of shape [22, 8]"),
        (["num_hidden_layers": 1000], "num_hidden_layers is 1000 but model.safetensors has 2 layers (encoder.layer.0 to 1)"),
        (["intermediate_size": 4096], "intermediate_size is 4096 but model.safetensors has encoder.layer.0.intermediate.dense.weight of shape [12, 8]"),
        (["max_position_embeddings": 512], "max_position_embeddings is 512 but"),
        (["type_vocab_size": 1], "type_vocab_size is 1 but"),
        (["vocab_size": 30522], "vocab.txt: has 22 tokens but config.json says vocab_size 30522"),
    ]
    for (index, (overrides, phrase)) in cases.enumerated() {
        var spec = SyntheticBertFolder()
        spec.configOverrides = overrides
        let folder = try spec.write(to: dir.appendingPathComponent("case\(index)"))
        let start = Date()
        let message = try #require(folderError(folder), "accepted \(overrides)")
        #expect(message.contains(phrase) && !message.contains("\n"), "\(message)")
        #expect(Date().timeIntervalSince(start) < 5, "\(overrides) took \(Date().timeIntervalSince(start)) s")
    }
}

@Test func aShortVocabularyIsAnErrorNamingBothNumbers() throws {
    let dir = try makeScratchFolder("hf-shortvocab")
    defer { try? FileManager.default.removeItem(at: dir) }
    let spec = SyntheticBertFolder()
    try spec.write(to: dir)
    try Data((spec.tokens.dropLast(3).joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("vocab.txt"))
    #expect(folderError(dir) == "\(dir.path)/vocab.txt: has 19 tokens but config.json says vocab_size 22")
}

@Test func pickleOnlyAndDeviceWeightsAreExplained() throws {
    let dir = try makeScratchFolder("hf-weights")
    defer { try? FileManager.default.removeItem(at: dir) }
    let spec = SyntheticBertFolder()
    let folder = try spec.write(to: dir.appendingPathComponent("bin"))
    let model = folder.appendingPathComponent("model.safetensors")
    try FileManager.default.removeItem(at: model)
    // not a pickle at all: the file is never opened, only named
    try Data("not read".utf8).write(to: folder.appendingPathComponent("pytorch_model.bin"))
    let bin = try #require(folderError(folder))
    #expect(bin.hasPrefix(folder.path + ": missing model.safetensors: it has only pytorch_model.bin"), "\(bin)")
    #expect(bin.contains("never loads") && bin.contains("convert_file(") && !bin.contains("\n"), "\(bin)")

    try FileManager.default.createSymbolicLink(atPath: model.path, withDestinationPath: "/dev/zero")
    let zero = try #require(folderError(folder))
    #expect(zero == "\(model.path): is a device, not a regular file", "\(zero)")
    #expect(throws: SafetensorsError.self) { try SafetensorsFile(contentsOf: model) }
}

@Test func encoderInitialiserThrowsOnAForeignLayout() throws {
    let config = BertConfig(vocabSize: 20, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 12)
    let smaller = BertConfig(vocabSize: 20, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 12)
    #expect(throws: ModelError("parameters", "layout has no tensor \"encoder.layer.1.attention.self.query.weight\"")) {
        try BertEncoder(config: config, parameters: ParameterSet(layout: .bert(smaller)))
    }
    var swapped = ParameterLayout()
    for e in ParameterLayout.bert(smaller).entries.reversed() { swapped.append(e.name, e.shape) }
    #expect(throws: ModelError.self) { try BertEncoder(config: smaller, parameters: ParameterSet(layout: swapped)) }
    _ = try BertEncoder(config: smaller, parameters: ParameterSet(layout: .bert(smaller, pooler: true)))
}
