// BertCheckpoint: loads and saves parameters by Hugging Face tensor names, strictly, and
// loads a Hugging Face BERT folder as it comes.
//
// Loading matches the file's header against the layout first (TensorMatching.swift: sizes,
// names, shapes — nothing is allocated before that passes), then copies: F16/BF16 widen to F32,
// a NaN or infinity is an error naming the tensor. A "bert." prefix (BertFor* files) is
// accepted; pretraining and task heads are skipped and reported. A Hugging Face folder is
// config.json + model.safetensors + vocab.txt or tokenizer.json (ModelFolder.swift).
import Foundation
import RMTSafetensors
import RMTTokenizer

extension ParameterSet {
    /// Fills every tensor of the layout from `file`: checks the whole header against the layout
    /// (`ParameterLayout.match`), then copies. Layout entries listed in `optional` may be absent
    /// (they keep their current values); known heads are skipped (`SkippedTensors`).
    /// - Returns: the match, with the absent entries and skipped tensors.
    @discardableResult
    public func load(from file: SafetensorsFile, optional: Set<String> = [], prefixToStrip: String? = nil) throws -> TensorMatch {
        let match = try layout.match(file, optional: optional, prefixToStrip: prefixToStrip)
        try fill(from: file, match)
        return match
    }

    /// Copies the tensors of an already checked `match` into this set.
    public func fill(from file: SafetensorsFile, _ match: TensorMatch) throws {
        for e in layout.entries {
            guard let name = match.source[e.name] else { continue }
            let destination = UnsafeMutableBufferPointer(start: storage.pointer + e.offset, count: e.count)
            do {
                try file.copyFloats(name, into: destination)
            } catch let error as SafetensorsError {
                throw ModelError(file.path, error.problem)
            }
            if !destination.allSatisfy(\.isFinite) {
                throw ModelError(file.path, "tensor \"\(name)\" contains NaN or infinite values")
            }
        }
    }

    /// Writes every tensor (F32, or F16 storage when `float16` is set) atomically.
    public func save(to url: URL, metadata: [String: String] = [:], float16: Bool = false) throws {
        var writer = SafetensorsWriter(metadata: metadata)
        for e in layout.entries {
            let values = Array(UnsafeBufferPointer(start: storage.pointer + e.offset, count: e.count))
            if float16 { try writer.addFloat16(e.name, shape: e.shape, floats: values) }
            else { try writer.add(e.name, shape: e.shape, floats: values) }
        }
        try writer.write(to: url)
    }
}

/// A Hugging Face BERT folder loaded into memory: config, encoder weights and tokenizer.
public struct BertCheckpoint: Sendable {
    public let config: BertConfig
    public let encoder: BertEncoder
    public let tokenizer: BertTokenizer
    public let directory: URL
    /// Tensors of the file that were not loaded: pretraining or task heads (see `SkippedTensors`).
    public let skippedTensors: [String]

    /// Loads `config.json`, `model.safetensors` and `vocab.txt` (or `tokenizer.json`) from
    /// `directory`. Every size is checked against the file before anything is allocated.
    /// - Parameter lowercase: tokenizer casing; default from `tokenizer_config.json`'s
    ///   `do_lower_case`, else tokenizer.json's normalizer, else uncased.
    public static func load(directory: URL, lowercase: Bool? = nil) throws -> BertCheckpoint {
        let configURL = try requireFile(directory, "config.json")
        let config = try BertConfig.load(contentsOf: configURL)
        let file = try ModelFolder.openWeights(directory)
        let (definition, vocabURL) = try ModelFolder.tokenizer(directory)
        try ModelFolder.check(definition.vocabulary, file: vocabURL, against: config, configFile: configURL)
        let prefix = ParameterLayout.namePrefix(in: file)
        try config.checkSizes(against: file, prefix: prefix ?? "", configPath: configURL.path)
        let hasPooler = file.info((prefix ?? "") + "pooler.dense.weight") != nil
        let layout = ParameterLayout.bert(config, pooler: hasPooler)
        let match = try layout.match(file, prefixToStrip: prefix)
        let params = ParameterSet(layout: layout)
        try params.fill(from: file, match)
        let lower = lowercase ?? definition.lowercase ?? true
        return BertCheckpoint(config: config, encoder: try BertEncoder(config: config, parameters: params),
                              tokenizer: BertTokenizer(vocabulary: definition.vocabulary, lowercase: lower),
                              directory: directory, skippedTensors: match.skipped)
    }
}

/// Where the project's tools look for things by default.
public enum DefaultLocations {
    /// The all-MiniLM-L6-v2 folder of Scripts/fetch-minilm.sh: $RMT_MINILM_DIR, else
    /// ${XDG_CACHE_HOME:-~/.cache}/rmt/all-MiniLM-L6-v2.
    public static var miniLMDirectory: URL {
        let env = ProcessInfo.processInfo.environment
        if let d = env["RMT_MINILM_DIR"] { return URL(fileURLWithPath: d) }
        let cache = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return cache.appendingPathComponent("rmt/all-MiniLM-L6-v2")
    }

    /// The default model shipped in the package, `<package>/Models/default`, found from this
    /// source file's path: it works for a package checkout and for a SwiftPM dependency (built
    /// from its checkout), from any working directory. Not copied into the build products.
    public static var bundledModel: URL {
        // <package>/Sources/RMTModel/BertCheckpoint.swift → <package>/Models/default
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/default")
    }

    /// The uncased BERT vocabulary used by presets: the MiniLM one.
    public static var vocabulary: URL { miniLMDirectory.appendingPathComponent("vocab.txt") }
}
