// Strict checkpoint loading and config validation: every problem is a one-line error
// that names the file and the tensor or field at fault.
import Foundation
import Testing
import RMTTestSupport
import RMTModel
import RMTSafetensors

let smallConfig = BertConfig(vocabSize: 20, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2,
                             intermediateSize: 12, maxPositionEmbeddings: 16)

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes the layout's tensors, letting `edit` drop, add or reshape entries.
func writeCheckpoint(_ url: URL, edit: (inout [(String, [Int])]) -> Void) throws {
    var entries = ParameterLayout.bert(smallConfig).entries.map { ($0.name, $0.shape) }
    edit(&entries)
    var w = SafetensorsWriter()
    for (name, shape) in entries {
        try w.add(name, shape: shape, floats: [Float](repeating: 0.5, count: shape.reduce(1, *)))
    }
    try w.write(to: url)
}

func loadError(_ url: URL) -> String? {
    let params = ParameterSet(layout: .bert(smallConfig))
    do { try params.load(from: SafetensorsFile(contentsOf: url)); return nil }
    catch { return "\(error)" }
}

@Test func strictLoadingNamesTheTensorAtFault() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("model.safetensors")

    try writeCheckpoint(url) { _ in }
    #expect(loadError(url) == nil)

    try writeCheckpoint(url) { $0.removeAll { $0.0 == "encoder.layer.0.intermediate.dense.bias" } }
    let missing = try #require(loadError(url))
    #expect(missing.contains("missing tensor \"encoder.layer.0.intermediate.dense.bias\""))
    #expect(missing.contains(url.path) && !missing.contains("\n"))

    try writeCheckpoint(url) { $0.append(("adapter.bias", [20])) }
    #expect(try #require(loadError(url)).contains("unexpected tensor \"adapter.bias\""))
    // a pretraining head is no error: skipped and reported
    try writeCheckpoint(url) { $0.append(("cls.predictions.bias", [20])) }
    #expect(loadError(url) == nil)
    let match = try ParameterLayout.bert(smallConfig).match(SafetensorsFile(contentsOf: url))
    #expect(match.skipped == ["cls.predictions.bias"])

    try writeCheckpoint(url) { e in
        let i = e.firstIndex { $0.0 == "encoder.layer.0.output.dense.weight" }!
        e[i].1 = [12, 8]
    }
    #expect(try #require(loadError(url)).contains("\"encoder.layer.0.output.dense.weight\" has shape [12, 8], expected [8, 12]"))
}

@Test func saveThenLoadRoundTrips() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("model.safetensors")
    let encoder = BertEncoder(config: smallConfig, seed: 42)
    try encoder.parameters.save(to: url)
    let back = ParameterSet(layout: .bert(smallConfig))
    try back.load(from: SafetensorsFile(contentsOf: url))
    #expect(back.storage.array == encoder.parameters.storage.array)
}

@Test(arguments: [
    (#"{"vocab_size": 10, "hidden_size": 30, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 8}"#, "not divisible"),
    (#"{"vocab_size": 10, "hidden_size": 32, "num_hidden_layers": 0, "num_attention_heads": 4, "intermediate_size": 8}"#, "num_hidden_layers must be positive"),
    (#"{"vocab_size": 10, "hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 4}"#, "missing key \"intermediate_size\""),
    (#"{"vocab_size": 10, "hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 4, "intermediate_size": 8, "hidden_act": "relu"}"#, "hidden_act"),
    (#"{"vocab_size": "ten"}"#, "wrong type"),
    (#"{"vocab_size": 10,"#, "invalid JSON"),
])
func inconsistentConfigsAreRejected(json: String, phrase: String) throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("config.json")
    try json.write(to: url, atomically: true, encoding: .utf8)
    do {
        _ = try BertConfig.load(contentsOf: url)
        Issue.record("accepted a bad config: \(json)")
    } catch {
        let message = "\(error)"
        #expect(message.hasPrefix(url.path) && message.contains(phrase) && !message.contains("\n"), "\(message)")
    }
}

@Test func missingModelFilesAreNamed() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(throws: ModelError(dir.path, "missing config.json")) { try BertCheckpoint.load(directory: dir) }
    #expect(throws: ModelError(dir.appendingPathComponent("nope").path, "no such model folder")) {
        try BertCheckpoint.load(directory: dir.appendingPathComponent("nope"))
    }
}
