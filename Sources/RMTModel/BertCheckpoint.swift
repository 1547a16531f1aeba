// BertCheckpoint: loads and saves parameters by Hugging Face tensor names, strictly.
//
// Loading maps every name of a layout to a tensor of the file in one place and checks
// that every tensor is used and every parameter found: a missing, unexpected or
// mis-shaped tensor is an error that names it. F16/BF16 tensors widen to F32; the I64
// `embeddings.position_ids` buffer is skipped; a "bert." prefix (BertFor* heads) is
// accepted. A Hugging Face folder is config.json + model.safetensors + vocab.txt.
import Foundation
import RMTSafetensors
import RMTTokenizer

extension ParameterSet {
    /// Fills every tensor of the layout from `file`. Names in `ignoring` may be present
    /// in the file and are skipped; layout entries listed in `optional` may be absent
    /// (they keep their current values).
    /// - Returns: names of the layout entries that were absent (subset of `optional`).
    @discardableResult
    public func load(from file: SafetensorsFile, optional: Set<String> = [], ignoring: Set<String> = [],
                     prefixToStrip: String? = nil) throws -> [String] {
        var byName: [String: SafetensorsTensorInfo] = [:]
        for t in file.tensors {
            var name = t.name
            if let prefix = prefixToStrip, name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
            byName[name] = t
        }
        var used = Set<String>()
        var absent: [String] = []
        for e in layout.entries {
            guard let t = byName[e.name] else {
                if optional.contains(e.name) { absent.append(e.name); continue }
                throw ModelError(file.path, "missing tensor \"\(e.name)\" (expected shape \(e.shape))")
            }
            guard t.shape == e.shape else {
                throw ModelError(file.path, "tensor \"\(t.name)\" has shape \(t.shape), expected \(e.shape)")
            }
            let destination = UnsafeMutableBufferPointer(start: storage.pointer + e.offset, count: e.count)
            do {
                try file.copyFloats(t.name, into: destination)
            } catch let error as SafetensorsError {
                throw ModelError(file.path, error.problem)
            }
            if !destination.allSatisfy(\.isFinite) {
                throw ModelError(file.path, "tensor \"\(t.name)\" contains NaN or infinite values")
            }
            used.insert(e.name)
        }
        let unexpected = byName.keys.filter { !used.contains($0) && !ignoring.contains($0) }.sorted()
        if let first = unexpected.first {
            let more = unexpected.count > 1 ? " (and \(unexpected.count - 1) more)" : ""
            throw ModelError(file.path, "unexpected tensor \"\(first)\"\(more)")
        }
        return absent
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

    /// Loads `config.json`, `model.safetensors` and `vocab.txt` from `directory`.
    /// - Parameter lowercase: tokenizer casing; default from `tokenizer_config.json`'s
    ///   `do_lower_case` when present, else uncased.
    public static func load(directory: URL, lowercase: Bool? = nil) throws -> BertCheckpoint {
        let config = try BertConfig.load(contentsOf: try requireFile(directory, "config.json"))
        let file: SafetensorsFile
        do { file = try SafetensorsFile(contentsOf: try requireFile(directory, "model.safetensors")) }
        catch let e as SafetensorsError { throw ModelError(e.path, e.problem) }
        let hasPooler = file.info("pooler.dense.weight") != nil || file.info("bert.pooler.dense.weight") != nil
        let params = ParameterSet(layout: .bert(config, pooler: hasPooler))
        let prefixed = file.info("bert.embeddings.word_embeddings.weight") != nil
        try params.load(from: file, ignoring: ["embeddings.position_ids"], prefixToStrip: prefixed ? "bert." : nil)
        let vocabURL = try requireFile(directory, "vocab.txt")
        let vocabulary = try Vocabulary(contentsOf: vocabURL)
        guard vocabulary.count <= config.vocabSize else {
            throw ModelError(vocabURL.path, "has \(vocabulary.count) tokens but vocab_size is \(config.vocabSize)")
        }
        let lower = lowercase ?? readLowercase(directory) ?? true
        return BertCheckpoint(config: config, encoder: BertEncoder(config: config, parameters: params),
                              tokenizer: BertTokenizer(vocabulary: vocabulary, lowercase: lower),
                              directory: directory)
    }

    static func readLowercase(_ directory: URL) -> Bool? {
        let url = directory.appendingPathComponent("tokenizer_config.json")
        guard let data = try? Data(contentsOf: url),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return obj["do_lower_case"] as? Bool
    }
}

/// `directory/name` of a model folder, or an error naming what is missing or unreadable.
public func requireFile(_ directory: URL, _ name: String) throws -> URL {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDir) else {
        throw ModelError(directory.path, "no such model folder")
    }
    guard isDir.boolValue else { throw ModelError(directory.path, "not a folder (expected a model folder)") }
    let url = directory.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else { throw ModelError(directory.path, "missing \(name)") }
    guard FileManager.default.isReadableFile(atPath: url.path) else { throw ModelError(url.path, "not readable") }
    return url
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
