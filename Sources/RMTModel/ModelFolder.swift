// ModelFolder: finding and opening the files of a model folder as Hugging Face ships them —
// config.json, the weights (model.safetensors; a pickle-only folder gets a message saying how
// to convert it, and is never unpickled), and the tokenizer (vocab.txt or tokenizer.json, with
// its casing from tokenizer_config.json or tokenizer.json). `ModelFolder.open` is the one loader
// of a folder's files: BertCheckpoint.load and RecurrentMemoryModel.load both start from it.
// Every problem is a ModelError naming the path and the cause in one line. Matching tensors to a
// layout is in TensorMatching.swift.
import Foundation
import RMTSafetensors
import RMTTokenizer

/// `directory/name` of a model folder, or an error naming what is missing or unreadable. A
/// device or socket (a `model.safetensors` linked to /dev/zero) is refused before it is read.
public func requireFile(_ directory: URL, _ name: String) throws -> URL {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDir) else {
        throw ModelError(directory.path, "no such model folder")
    }
    guard isDir.boolValue else { throw ModelError(directory.path, "not a folder (expected a model folder)") }
    let url = directory.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else { throw ModelError(directory.path, "missing \(name)") }
    try ModelFolder.requireReadableFile(url)
    return url
}

/// A model folder's files, opened and checked against each other: config.json decoded,
/// model.safetensors opened with every size in the config checked against its header (nothing
/// is allocated before that), the tokenizer read and its size checked against `vocab_size`.
public struct OpenedModelFolder {
    public let directory: URL
    public let configURL: URL
    public let config: BertConfig
    public let weights: SafetensorsFile
    /// The vocabulary with the folder's casing (nil when the folder does not say).
    public let tokenizer: TokenizerDefinition
    /// vocab.txt or tokenizer.json.
    public let tokenizerURL: URL
    /// "bert." when the file's tensor names carry it (BertFor* files), else nil.
    public let prefix: String?
}

/// The files of a model folder.
public enum ModelFolder {
    /// Opens `directory`: config.json, model.safetensors, the tokenizer, in that order, each
    /// checked as it comes. `configRead` runs once config.json is decoded, `tokenizerRead` once the
    /// vocabulary fits `vocab_size`, so a caller's own checks keep their place in that order.
    public static func open(_ directory: URL, configRead: (URL) throws -> Void = { _ in },
                            tokenizerRead: (Vocabulary, URL) throws -> Void = { _, _ in }) throws -> OpenedModelFolder {
        let configURL = try requireFile(directory, "config.json")
        let config = try BertConfig.load(contentsOf: configURL)
        try configRead(configURL)
        let file = try openWeights(directory)
        let (definition, vocabURL) = try tokenizer(directory)
        try check(definition.vocabulary, file: vocabURL, against: config, configFile: configURL)
        try tokenizerRead(definition.vocabulary, vocabURL)
        let prefix = ParameterLayout.namePrefix(in: file)
        try config.checkSizes(against: file, prefix: prefix ?? "", configPath: configURL.path)
        return OpenedModelFolder(directory: directory, configURL: configURL, config: config, weights: file,
                                 tokenizer: definition, tokenizerURL: vocabURL, prefix: prefix)
    }

    /// Pickled or framework-specific weight files this package never reads.
    static let otherWeightFiles = ["pytorch_model.bin", "tf_model.h5", "flax_model.msgpack", "model.safetensors.index.json"]

    /// Refuses a path that is not a readable regular file, in words (a folder, a device, a
    /// socket, a pipe — reading /dev/zero would never end — or no read permission).
    public static func requireReadableFile(_ url: URL) throws {
        let target = url.resolvingSymlinksInPath().path  // attributes of what a link points to
        let attributes = (try? FileManager.default.attributesOfItem(atPath: target)) ?? [:]
        switch attributes[.type] as? FileAttributeType {
        case .typeRegular?: break
        case .typeDirectory?: throw ModelError(url.path, "is a folder, not a file")
        case .typeCharacterSpecial?, .typeBlockSpecial?: throw ModelError(url.path, "is a device, not a regular file")
        case .typeSocket?: throw ModelError(url.path, "is a socket, not a regular file")
        case nil: throw ModelError(url.path, "cannot be read (a dangling link?)")
        default: throw ModelError(url.path, "is not a regular file")
        }
        guard FileManager.default.isReadableFile(atPath: url.path) else { throw ModelError(url.path, "not readable (permission denied)") }
    }

    /// Opens `model.safetensors`. A folder with only `pytorch_model.bin` (or another framework's
    /// file) gets a message saying how to convert it; a sharded checkpoint is named as such.
    public static func openWeights(_ directory: URL) throws -> SafetensorsFile {
        let url = directory.appendingPathComponent("model.safetensors")
        if !FileManager.default.fileExists(atPath: url.path) && isFolder(directory) {
            let present = otherWeightFiles.filter { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
            if present.contains("model.safetensors.index.json") {
                throw ModelError(directory.path, "has a sharded checkpoint (model.safetensors.index.json); only a single model.safetensors is supported")
            }
            if present.contains("pytorch_model.bin") {
                let bin = directory.appendingPathComponent("pytorch_model.bin").path
                let out = directory.appendingPathComponent("model.safetensors").path
                throw ModelError(directory.path, "missing model.safetensors: it has only pytorch_model.bin, a pickle, which RMT never loads (unpickling can run code); convert it with safetensors' own converter (convert.py of github.com/huggingface/safetensors, bindings/python): python -c \"from convert import convert_file; convert_file('\(bin)', '\(out)')\" (for a Hub model: huggingface.co/spaces/safetensors/convert)")
            }
            if let other = present.first {
                throw ModelError(directory.path, "missing model.safetensors: it has only \(other), another framework's format, which RMT does not load; export the weights as model.safetensors")
            }
        }
        let checked = try requireFile(directory, "model.safetensors")
        do { return try SafetensorsFile(contentsOf: checked) } catch let e as SafetensorsError { throw ModelError(e.path, e.problem) }
    }

    /// True when `url` is an existing folder (a link to one counts); the library's and
    /// rmt-train's yes/no check (places that tell "missing" from "a file" check themselves).
    public static func isFolder(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }

    /// A folder's tokenizer: `vocab.txt`, else `tokenizer.json`; casing from
    /// `tokenizer_config.json` (`do_lower_case`, `strip_accents`) when it says, else from
    /// tokenizer.json's normalizer (also beside a vocab.txt), else nil (the caller's default).
    public static func tokenizer(_ directory: URL) throws -> (definition: TokenizerDefinition, file: URL) {
        let fm = FileManager.default
        let names = ["vocab.txt", "tokenizer.json"]
        guard let name = names.first(where: { fm.fileExists(atPath: directory.appendingPathComponent($0).path) }) else {
            _ = try requireFile(directory, "config.json")  // a missing folder is named as such
            throw ModelError(directory.path, "missing vocab.txt (or tokenizer.json)")
        }
        let url = try requireFile(directory, name)
        let loaded: TokenizerDefinition
        do { loaded = try TokenizerDefinition(contentsOf: url) } catch let error as VocabularyError {
            throw ModelError(error.line.map { "\(error.file):\($0)" } ?? error.file, error.problemText)
        }
        var fromJSON = loaded.lowercase
        if name == "vocab.txt", fm.fileExists(atPath: directory.appendingPathComponent("tokenizer.json").path) {
            // vocab.txt beside a tokenizer.json: the casing may only be said there
            fromJSON = (try? TokenizerDefinition(contentsOf: directory.appendingPathComponent("tokenizer.json")))?.lowercase
        }
        let lowercase = try configuredLowercase(directory) ?? fromJSON
        return (TokenizerDefinition(vocabulary: loaded.vocabulary, lowercase: lowercase), url)
    }

    /// `do_lower_case` (with `strip_accents`) of `tokenizer_config.json`, when the file has it —
    /// transformers applies it over tokenizer.json's normalizer, and so do we.
    static func configuredLowercase(_ directory: URL) throws -> Bool? {
        let url = directory.appendingPathComponent("tokenizer_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        try requireReadableFile(url)
        guard let data = try? Data(contentsOf: url),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelError(url.path, "not a JSON object")
        }
        guard let raw = object["do_lower_case"], !(raw is NSNull) else { return nil }
        guard let lower = raw as? Bool else { throw ModelError(url.path, "do_lower_case must be true or false") }
        do {
            return try TokenizerDefinition.casing(lowercase: lower, stripAccents: object["strip_accents"] as? Bool, file: url.path)
        } catch let error as VocabularyError {
            throw ModelError(url.path, error.problemText)
        }
    }

    /// Checks that `vocabulary` fits `config`: as many tokens as `vocab_size` (no id may fall
    /// outside the embedding table, and no row may be unreachable by a short file).
    public static func check(_ vocabulary: Vocabulary, file: URL, against config: BertConfig, configFile: URL) throws {
        guard vocabulary.count == config.vocabSize else {
            throw ModelError(file.path, "has \(vocabulary.count) tokens but \(configFile.lastPathComponent) says vocab_size \(config.vocabSize)")
        }
    }
}
