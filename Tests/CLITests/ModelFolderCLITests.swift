// Model folders through the three tools, one test per case of issue 13's "Why": Hugging Face
// folders as they come (pretraining heads, tokenizer.json only, do_lower_case false) load with a
// note; impossible sizes, a short vocabulary, a vocabulary without [PAD], a pickle-only folder
// and a model.safetensors linked to /dev/zero are one-line errors naming the path — never an
// abort, a trap or "You don't have permission". Presets can be cased, and the casing round-trips.
import Foundation
import Testing
import RMTTestSupport

/// A synthetic BERT folder with the fixture vocabulary, big enough to wrap and train.
private func trainableBert() throws -> SyntheticBertFolder {
    var spec = SyntheticBertFolder()
    spec.tokens = try String(contentsOf: fixture("tokenizer/vocab.txt"), encoding: .utf8).split(separator: "\n").map(String.init)
    spec.positions = 64
    return spec
}

private func rmtSection(_ folder: URL) throws -> [String: Any] {
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("config.json"))) as? [String: Any]
    return try #require(config?["rmt"] as? [String: Any])
}

private func askJSON(_ folder: URL, _ document: URL) throws -> String {
    let r = try run("rmt-ask", [document.path, "-q", "where is mary ?", "--model", folder.path, "--json", "--top-k", "3"])
    #expect(r.status == 0, "\(r.stderr)")
    // "label probability" pairs in rank order: a dictionary's description has no fixed key order.
    let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    let top = object?["top"] as? [[String: Any]] ?? []
    return top.map { "\($0["label"] ?? "?") \($0["probability"] ?? "?")" }.joined(separator: ", ")
}

@Test func pretrainingCheckpointsLoadWithANote() throws {
    let dir = try scratchFolder("hf-heads")
    defer { try? FileManager.default.removeItem(at: dir) }
    var spec = SyntheticBertFolder()
    spec.prefix = "bert."
    spec.pretrainingHeads = true
    let folder = try spec.write(to: dir.appendingPathComponent("bert-base-like"))
    let document = dir.appendingPathComponent("doc.txt")
    try Data("mary went to the kitchen .".utf8).write(to: document)
    let note = "note: \(folder.path)/model.safetensors: skipped 8 tensors the model does not use: cls.predictions.* (6), cls.seq_relationship.* (2)"
    let ask = try run("rmt-ask", [document.path, "-q", "where is mary ?", "--model", folder.path])
    #expect(ask.status == 0 && ask.stderr.contains(note), "\(ask.stderr)")
    let encode = try run("rmt-tool", ["encode", "--model", folder.path, "--text", "hello world", "--output", dir.appendingPathComponent("h.safetensors").path])
    #expect(encode.status == 0 && encode.stderr.contains(note), "\(encode.stderr)")
}

@Test func tokenizerJSONWorksAsFolderFileAndVocabFlag() throws {
    let dir = try scratchFolder("hf-tokjson")
    defer { try? FileManager.default.removeItem(at: dir) }
    var spec = try trainableBert()
    spec.vocabTxt = false
    spec.tokenizerJSON = true
    let folder = try spec.write(to: dir.appendingPathComponent("json-only"))
    let document = dir.appendingPathComponent("doc.txt")
    try Data("Mary went to the kitchen.".utf8).write(to: document)
    _ = try askJSON(folder, document)
    let encode = try run("rmt-tool", ["encode", "--model", folder.path, "--text", "Hello", "--output", dir.appendingPathComponent("h.safetensors").path])
    #expect(encode.status == 0, "\(encode.stderr)")

    let text = Data("Héllo, Wörld! [SEP] unbelievable\nsecond LINE\n".utf8)
    let fromJSON = try run("rmt-tool", ["tokenize", "--vocab", folder.appendingPathComponent("tokenizer.json").path], stdin: text)
    let fromTxt = try run("rmt-tool", ["tokenize", "--vocab", fixture("tokenizer/vocab.txt").path], stdin: text)
    #expect(fromJSON.status == 0 && fromJSON.stdout == fromTxt.stdout && fromJSON.stdout.split(separator: "\n").count == 2, "\(fromJSON.stderr)")

    let made = try run("rmt-tool", ["create-model", "--preset", "tiny", "--vocab", folder.appendingPathComponent("tokenizer.json").path,
                                    "--segment-length", "48", "--out", dir.appendingPathComponent("preset").path])
    #expect(made.status == 0, "\(made.stderr)")

    var bad = spec
    bad.normalizerStripAccents = false
    let badFolder = try bad.write(to: dir.appendingPathComponent("mixed"))
    let refused = try run("rmt-tool", ["tokenize", "--vocab", badFolder.appendingPathComponent("tokenizer.json").path], stdin: text)
    #expect(refused.status == 1 && isOneLine(refused.stderr) && refused.stderr.contains("lowercasing without stripping accents is not supported"),
            "\(refused.stderr)")
}

@Test func casingFromTheFolderOrCasedIsHonouredEverywhere() throws {
    let dir = try scratchFolder("hf-casing")
    defer { try? FileManager.default.removeItem(at: dir) }
    var spec = try trainableBert()
    spec.tokens[spec.tokens.count - 1] = "MARY"  // a cased token: "MARY" is one id only when cased
    let upper = dir.appendingPathComponent("upper.txt"), lower = dir.appendingPathComponent("lower.txt")
    try Data("MARY went to the kitchen.".utf8).write(to: upper)
    try Data("mary went to the kitchen.".utf8).write(to: lower)
    spec.doLowerCase = false
    let cased = try spec.write(to: dir.appendingPathComponent("cased"))
    spec.doLowerCase = true
    let uncased = try spec.write(to: dir.appendingPathComponent("uncased"))
    // rmt-ask --model: the same weights read "MARY" and "mary" alike only when uncased
    #expect(try askJSON(uncased, upper) == askJSON(uncased, lower))
    #expect(try askJSON(cased, upper) != askJSON(cased, lower))

    // rmt-train --model wraps the folder with its casing, and the saved model keeps it
    let common = ["--task", "memorize", "--memory-tokens", "4", "--segment-length", "48", "--max-segments", "1",
                  "--max-steps-per-stage", "2", "--eval-every", "2", "--eval-samples", "2", "--batch-size", "2"]
    let trained = try run("rmt-train", ["--model", cased.path, "--out", dir.appendingPathComponent("run-cased").path] + common)
    #expect(trained.status == 0, "\(trained.stderr)")
    #expect(try rmtSection(dir.appendingPathComponent("run-cased/model"))["lowercase"] as? Bool == false)
    let refused = try run("rmt-train", ["--model", cased.path, "--cased", "--out", dir.appendingPathComponent("x").path] + common)
    #expect(refused.status != 0 && refused.stderr.contains("--cased is for --preset"), "\(refused.stderr)")

    // presets: --cased, recorded in the folder, and read back by rmt-ask
    let preset = try run("rmt-train", ["--preset", "tiny", "--cased", "--vocab", fixture("tokenizer/vocab.txt").path,
                                       "--out", dir.appendingPathComponent("run-preset").path] + common)
    #expect(preset.status == 0, "\(preset.stderr)")
    #expect(try rmtSection(dir.appendingPathComponent("run-preset/model"))["lowercase"] as? Bool == false)
    let created = dir.appendingPathComponent("created")
    let make = try run("rmt-tool", ["create-model", "--preset", "tiny", "--cased", "--vocab", fixture("tokenizer/vocab.txt").path,
                                    "--segment-length", "48", "--out", created.path])
    #expect(make.status == 0, "\(make.stderr)")
    #expect(try rmtSection(created)["lowercase"] as? Bool == false)
    let uncasedMade = dir.appendingPathComponent("created-uncased")
    #expect(try createTinyModel(at: uncasedMade, segmentLength: 48).status == 0)
    #expect(try rmtSection(uncasedMade)["lowercase"] as? Bool == true)
}

@Test func impossibleModelFoldersAreOneLineErrors() throws {
    let dir = try scratchFolder("hf-bad")
    defer { try? FileManager.default.removeItem(at: dir) }
    let document = dir.appendingPathComponent("doc.txt")
    try Data("mary went to the kitchen .".utf8).write(to: document)
    func expectOneLine(_ folder: URL, _ phrase: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ask = try run("rmt-ask", [document.path, "-q", "where is mary ?", "--model", folder.path])
        #expect(ask.status == 1 && isOneLine(ask.stderr) && ask.stderr.contains(phrase) && !ask.stderr.contains("Fatal"),
                "\(ask.stderr)", sourceLocation: sourceLocation)
        let encode = try run("rmt-tool", ["encode", "--model", folder.path, "--text", "x", "--output", dir.appendingPathComponent("o.safetensors").path])
        #expect(encode.status == 1 && isOneLine(encode.stderr) && encode.stderr.contains(phrase), "\(encode.stderr)", sourceLocation: sourceLocation)
    }
    var spec = SyntheticBertFolder()
    // 1,024 layers × hidden 4,096: 825 GB; it used to abort in the allocator
    spec.configOverrides = ["num_hidden_layers": 1024, "hidden_size": 4096, "num_attention_heads": 16, "intermediate_size": 16384]
    try expectOneLine(spec.write(to: dir.appendingPathComponent("huge")), "config.json: hidden_size is 4096 but model.safetensors has")
    spec.configOverrides = ["num_hidden_layers": 1000]
    try expectOneLine(spec.write(to: dir.appendingPathComponent("deep")), "config.json: num_hidden_layers is 1000 but model.safetensors has 2 layers")

    spec = SyntheticBertFolder()
    let short = try spec.write(to: dir.appendingPathComponent("short"))
    try Data((spec.tokens.dropLast(3).joined(separator: "\n") + "\n").utf8).write(to: short.appendingPathComponent("vocab.txt"))
    try expectOneLine(short, "vocab.txt: has 19 tokens but config.json says vocab_size 22")

    spec.tokens = spec.tokens.filter { $0 != "[PAD]" } + ["extra"]
    let noPad = try spec.write(to: dir.appendingPathComponent("nopad"))
    let ask = try run("rmt-ask", [document.path, "-q", "where is mary ?", "--model", noPad.path])
    #expect(ask.status == 1 && isOneLine(ask.stderr) && ask.stderr.contains("vocab.txt: has no [PAD] token"), "\(ask.stderr)")

    let pickle = try SyntheticBertFolder().write(to: dir.appendingPathComponent("pickle"))
    try FileManager.default.removeItem(at: pickle.appendingPathComponent("model.safetensors"))
    try Data("never unpickled".utf8).write(to: pickle.appendingPathComponent("pytorch_model.bin"))
    try expectOneLine(pickle, "it has only pytorch_model.bin, a pickle, which RMT never loads")

    let zero = try SyntheticBertFolder().write(to: dir.appendingPathComponent("zero"))
    let weights = zero.appendingPathComponent("model.safetensors")
    try FileManager.default.removeItem(at: weights)
    try FileManager.default.createSymbolicLink(atPath: weights.path, withDestinationPath: "/dev/zero")
    try expectOneLine(zero, "\(weights.path): is a device, not a regular file")
    let inspect = try run("rmt-tool", ["inspect", zero.path])
    #expect(inspect.status == 1 && inspect.stderr.contains("is a device, not a regular file") && !inspect.stderr.contains("permission"),
            "\(inspect.stderr)")
    let inspectFile = try run("rmt-tool", ["inspect", weights.path])
    #expect(inspectFile.status == 1 && isOneLine(inspectFile.stderr) && inspectFile.stderr.contains("is a device"), "\(inspectFile.stderr)")
}

@Test(.enabled(if: ShippedFolders.available || ShippedFolders.required, "not fetched: run Scripts/fetch-hf-folders.sh"))
func shippedFolderWorksInTheTools() throws {
    #expect(ShippedFolders.available, "RMT_REQUIRE_MINILM=1 but \(ShippedFolders.packagedMiniLM.path) is missing")
    let dir = try scratchFolder("shipped")
    defer { try? FileManager.default.removeItem(at: dir) }
    let folder = ShippedFolders.packagedMiniLM
    let document = dir.appendingPathComponent("doc.txt")
    try Data("Mary went back to the kitchen. John went to the garden.".utf8).write(to: document)
    let ask = try run("rmt-ask", [document.path, "-q", "Where is Mary?", "--model", folder.path])
    #expect(ask.status == 0 && ask.stderr.contains("no trained RMT head") && !ask.stderr.contains("note:"), "\(ask.stderr)")
    let text = Data("Émilie's CAFÉ served Crème Brûlée — 3.14 euros!\n".utf8)
    let json = try run("rmt-tool", ["tokenize", "--vocab", folder.appendingPathComponent("tokenizer.json").path], stdin: text)
    // transformers' AutoTokenizer on this folder (Fixtures/hf-folders reference, case 1, without [CLS] [SEP])
    let expected = "16243 2666 1005 1055 7668 2366 13675 21382 7987 9307 2063 1517 1017 1012 2403 19329 999\n"
    #expect(json.status == 0 && json.stdout == expected, "\(json.stdout) \(json.stderr)")
}

/// Wrapping a plain BERT with `--memory-tokens M` and no `--segment-length` takes the longest
/// segment that fits its position table beside the memory (64 positions, 20 memory tokens: 41
/// text tokens), as the default memory does; a length that is given and does not fit stays a
/// one-line error.
@Test func wrappingWithMoreMemoryFitsTheSegment() throws {
    let dir = try scratchFolder("hf-memory")
    defer { try? FileManager.default.removeItem(at: dir) }
    let folder = try trainableBert().write(to: dir.appendingPathComponent("bert"))
    let common = ["--task", "memorize", "--max-segments", "1", "--max-steps-per-stage", "1", "--eval-every", "1",
                  "--eval-samples", "2", "--batch-size", "2"]
    let fitted = try run("rmt-train", ["--model", folder.path, "--memory-tokens", "20", "--out", dir.appendingPathComponent("fitted").path] + common)
    #expect(fitted.status == 0, "\(fitted.stderr)")
    let rmt = try rmtSection(dir.appendingPathComponent("fitted/model"))
    #expect(rmt["memory_tokens"] as? Int == 20 && rmt["segment_length"] as? Int == 64 - 20 - 3, "\(rmt)")
    let given = try run("rmt-train", ["--model", folder.path, "--memory-tokens", "20", "--segment-length", "48",
                                      "--out", dir.appendingPathComponent("given").path] + common)
    #expect(given.status != 0 && given.stderr.contains("exceeds max_position_embeddings 64") && isOneLine(given.stderr), "\(given.stderr)")
}
