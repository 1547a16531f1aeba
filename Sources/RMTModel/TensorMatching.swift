// TensorMatching: which tensor of a safetensors file fills which entry of a parameter layout,
// decided from the file's header alone — before a single parameter is allocated. The sizes in
// config.json are checked against the file's shapes first (a config that says 1,024 layers of
// hidden 4,096 beside a 6-layer file is an error naming both numbers, not an 800 GB
// allocation), then every layout entry is matched by its Hugging Face name (a `bert.` prefix is
// accepted), and every other tensor is either a known head that is skipped and reported
// (pretraining heads `cls.*`, fine-tuning heads, a pooler the layout has no place for) or an
// error naming it.
import Foundation
import RMTSafetensors

/// The outcome of matching a layout against a file's header.
public struct TensorMatch: Sendable {
    /// Layout entry name → tensor name in the file (for every entry found).
    public let source: [String: String]
    /// Layout entries the file lacks (all of them listed as optional).
    public let absent: [String]
    /// File tensors that are not used: known heads (sorted; the position_ids buffer is not listed).
    public let skipped: [String]
}

/// Tensors a Hugging Face BERT file may carry that the encoder does not use. They are skipped
/// (and reported); anything else unknown is an error.
public enum SkippedTensors {
    /// Name prefixes (after a `bert.` prefix is removed) of heads and buffers.
    public static let prefixes = [
        "cls.",                  // BertForPreTraining / BertForMaskedLM: predictions, seq_relationship
        "classifier.",           // BertForSequenceClassification / TokenClassification
        "qa_outputs.",           // BertForQuestionAnswering
        "pooler.",               // a pooler, where the layout has none
        "embeddings.position_ids",  // an I64 buffer some exports carry
    ]

    /// The one-line note a tool prints when tensors of `folder`'s model.safetensors were
    /// skipped, or nil when none were.
    public static func note(folder: String, _ names: [String]) -> String? {
        guard !names.isEmpty else { return nil }
        let count = names.count == 1 ? "1 tensor" : "\(names.count) tensors"
        return "note: \(folder)/model.safetensors: skipped \(count) the model does not use: \(summary(names))"
    }

    static func isSkippable(_ name: String) -> Bool { prefixes.contains { name.hasPrefix($0) } }

    /// A short summary for a note: `cls.predictions.* (5), cls.seq_relationship.* (2)`.
    public static func summary(_ names: [String]) -> String {
        var groups: [String: Int] = [:]
        var order: [String] = []
        for name in names {
            let parts = name.split(separator: ".")
            let key = parts.count > 2 ? parts.prefix(2).joined(separator: ".") + ".*" : name
            if groups[key] == nil { order.append(key) }
            groups[key, default: 0] += 1
        }
        return order.map { groups[$0]! > 1 ? "\($0) (\(groups[$0]!))" : $0 }.joined(separator: ", ")
    }
}

extension BertConfig {
    /// Checks the sizes of this config against the shapes in `file` (names after removing
    /// `prefix`): vocab_size, hidden_size, max_position_embeddings, type_vocab_size,
    /// num_hidden_layers and intermediate_size. Errors name `configPath`, the key, and the file.
    public func checkSizes(against file: SafetensorsFile, prefix: String = "", configPath: String) throws {
        let fileName = URL(fileURLWithPath: file.path).lastPathComponent
        func shape(_ name: String) -> [Int]? { file.info(prefix + name)?.shape }
        func mismatch(_ key: String, _ value: Int, _ tensor: String, _ found: [Int]) -> ModelError {
            ModelError(configPath, "\(key) is \(value) but \(fileName) has \(prefix + tensor) of shape \(found)")
        }
        if let s = shape("embeddings.word_embeddings.weight"), s.count == 2 {
            if s[1] != hiddenSize { throw mismatch("hidden_size", hiddenSize, "embeddings.word_embeddings.weight", s) }
            if s[0] != vocabSize { throw mismatch("vocab_size", vocabSize, "embeddings.word_embeddings.weight", s) }
        }
        if let s = shape("embeddings.position_embeddings.weight"), s.count == 2, s[0] != maxPositionEmbeddings {
            throw mismatch("max_position_embeddings", maxPositionEmbeddings, "embeddings.position_embeddings.weight", s)
        }
        if let s = shape("embeddings.token_type_embeddings.weight"), s.count == 2, s[0] != typeVocabSize {
            throw mismatch("type_vocab_size", typeVocabSize, "embeddings.token_type_embeddings.weight", s)
        }
        var layers = Set<Int>()
        let layerPrefix = prefix + "encoder.layer."
        for t in file.tensors where t.name.hasPrefix(layerPrefix) {
            if let index = Int(t.name.dropFirst(layerPrefix.count).prefix { $0 != "." }) { layers.insert(index) }
        }
        if layers.count != numHiddenLayers {
            let range = layers.isEmpty ? "none" : "\(layerPrefix)\(layers.min()!) to \(layers.max()!)"
            throw ModelError(configPath, "num_hidden_layers is \(numHiddenLayers) but \(fileName) has \(layers.count) layers (\(range))")
        }
        if let s = shape("encoder.layer.0.intermediate.dense.weight"), s.count == 2, s[0] != intermediateSize {
            throw mismatch("intermediate_size", intermediateSize, "encoder.layer.0.intermediate.dense.weight", s)
        }
    }
}

extension ParameterLayout {
    /// The name prefix of a `BertFor*` file's backbone (`bert.`), or nil for a `BertModel` file.
    public static func namePrefix(in file: SafetensorsFile) -> String? {
        file.info("bert.embeddings.word_embeddings.weight") != nil ? "bert." : nil
    }

    /// Most floats a model may hold (16 GiB as Float32): a sane bound checked before allocating.
    public static let maximumCount = 1 << 32

    /// Matches every entry to a tensor of `file` by name and shape, from the header only.
    /// - Parameters:
    ///   - optional: entries that may be absent (they keep their initial values).
    ///   - prefixToStrip: removed from file names that carry it (`bert.` of BertFor* files).
    /// - Throws: `ModelError` naming the file and the first missing, mis-shaped or unexpected
    ///   tensor, or a layout larger than `maximumCount`.
    public func match(_ file: SafetensorsFile, optional: Set<String> = [], prefixToStrip: String? = nil) throws -> TensorMatch {
        guard count <= Self.maximumCount else {
            throw ModelError(file.path, "the model would have \(count) parameters, more than this package loads (\(Self.maximumCount))")
        }
        var byName: [String: SafetensorsTensorInfo] = [:]
        for t in file.tensors {
            var name = t.name
            if let prefix = prefixToStrip, name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
            if byName[name] != nil { throw ModelError(file.path, "tensor \"\(name)\" appears both with and without the \"\(prefixToStrip ?? "")\" prefix") }
            byName[name] = t
        }
        var source: [String: String] = [:]
        var absent: [String] = []
        for e in entries {
            guard let t = byName[e.name] else {
                if optional.contains(e.name) { absent.append(e.name); continue }
                throw ModelError(file.path, "missing tensor \"\(e.name)\" (expected shape \(e.shape))")
            }
            guard t.shape == e.shape else {
                throw ModelError(file.path, "tensor \"\(t.name)\" has shape \(t.shape), expected \(e.shape)")
            }
            source[e.name] = t.name
        }
        let unused = byName.keys.filter { source[$0] == nil }.sorted()
        let unexpected = unused.filter { !SkippedTensors.isSkippable($0) }
        if let first = unexpected.first {
            let more = unexpected.count > 1 ? " (and \(unexpected.count - 1) more)" : ""
            throw ModelError(file.path, "unexpected tensor \"\(byName[first]!.name)\"\(more)")
        }
        // position_ids is a buffer, not a head: skipped without a word
        let skipped = unused.filter { $0 != "embeddings.position_ids" }.map { byName[$0]!.name }
        return TensorMatch(source: source, absent: absent, skipped: skipped)
    }
}
