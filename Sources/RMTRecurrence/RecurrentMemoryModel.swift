// RecurrentMemoryModel: a BERT backbone plus the RMT tensors — M memory embeddings and
// the answer head (BERT pooler + linear classifier over the labels) — with its tokenizer
// and settings; loading and saving the model folder format (Docs/file-formats.md).
//
// Any Hugging Face BERT folder can be wrapped: its backbone loads strictly by HF names and
// the RMT tensors (and the pooler, if absent) start from a seeded N(0, 0.02) draw.
import Foundation
import RMTKernels
import RMTModel
import RMTSafetensors
import RMTTokenizer

/// Names of the RMT-specific tensors in model.safetensors.
public enum RMTTensorName {
    /// (M, C) initial memory: the embeddings of the M memory tokens.
    public static let memoryEmbeddings = "rmt.memory_embeddings"
    /// (L, C) and (L): the answer classifier applied to the pooled [CLS].
    public static let classifierWeight = "rmt.classifier.weight"
    public static let classifierBias = "rmt.classifier.bias"
}

/// The labels a new model answers with when none are given (a wrapped Hugging Face BERT,
/// `rmt-tool create-model`): the six bAbI rooms, then `unknown` (the answer to a question about
/// someone the document never mentions). The same list as RMTData's `TaskWords.labels`. Model
/// folders made before `unknown` existed keep their six labels and load and answer as before.
public let defaultLabels = ["bathroom", "hallway", "garden", "office", "bedroom", "kitchen", "unknown"]

/// A recurrent memory transformer ready to read documents.
public final class RecurrentMemoryModel: @unchecked Sendable {
    public let config: BertConfig
    public let settings: RMTSettings
    public let tokenizer: BertTokenizer
    /// BERT (with pooler) + RMT tensors in one flat buffer.
    public let parameters: ParameterSet
    public let encoder: BertEncoder
    /// True when the RMT tensors were freshly initialised (answers are untrained).
    public let isUntrained: Bool

    /// The parameter layout of an RMT with `config` and `settings`.
    public static func layout(_ config: BertConfig, _ settings: RMTSettings) -> ParameterLayout {
        var layout = ParameterLayout.bert(config, pooler: true)
        layout.append(RMTTensorName.memoryEmbeddings, [settings.memoryTokens, config.hiddenSize], decays: true)
        layout.append(RMTTensorName.classifierWeight, [settings.labels.count, config.hiddenSize])
        layout.append(RMTTensorName.classifierBias, [settings.labels.count])
        return layout
    }

    /// Wraps existing parameters (their layout must equal `layout(config, settings)`).
    public init(config: BertConfig, settings: RMTSettings, tokenizer: BertTokenizer, parameters: ParameterSet,
                isUntrained: Bool = false) throws {
        try config.validate()
        try settings.validate(against: config)
        guard parameters.layout == Self.layout(config, settings) else {
            throw ModelError("parameters", "layout does not match the RMT configuration")
        }
        self.config = config
        self.settings = settings
        self.tokenizer = tokenizer
        self.parameters = parameters
        self.isUntrained = isUntrained
        encoder = BertEncoder(config: config, parameters: parameters)
    }

    /// A randomly initialised model (seeded).
    public convenience init(config: BertConfig, settings: RMTSettings, tokenizer: BertTokenizer, seed: UInt64) throws {
        let params = ParameterSet(layout: Self.layout(config, settings))
        params.initializeBert(seed: seed)
        try self.init(config: config, settings: settings, tokenizer: tokenizer, parameters: params, isUntrained: true)
    }

    /// (M, C) initial memory.
    public var memoryEmbeddings: UnsafeMutablePointer<Float> { parameters.pointer(RMTTensorName.memoryEmbeddings) }
    /// (L, C)
    public var classifierWeight: UnsafeMutablePointer<Float> { parameters.pointer(RMTTensorName.classifierWeight) }
    /// (L)
    public var classifierBias: UnsafeMutablePointer<Float> { parameters.pointer(RMTTensorName.classifierBias) }

    /// Floats in one memory state: M × C.
    public var memoryCount: Int { settings.memoryTokens * config.hiddenSize }

    // MARK: Loading

    /// Loads an RMT model folder, or wraps a Hugging Face BERT folder (config.json without an
    /// `rmt` section) with fresh RMT tensors drawn from `seed`.
    /// - Parameter wrapSettings: settings for wrapping a plain BERT (default: 10 memory
    ///   tokens, segment 499 or what fits, the bAbI room labels).
    public static func load(directory: URL, wrapSettings: RMTSettings? = nil, seed: UInt64 = 0) throws -> RecurrentMemoryModel {
        let configURL = try requireFile(directory, "config.json")
        let config = try BertConfig.load(contentsOf: configURL)
        let rmtSection = try readRMTSection(configURL)
        let modelURL = try requireFile(directory, "model.safetensors")
        let file: SafetensorsFile
        do { file = try SafetensorsFile(contentsOf: modelURL) } catch let e as SafetensorsError { throw ModelError(e.path, e.problem) }
        let vocabURL = try requireFile(directory, "vocab.txt")
        let vocabulary = try Vocabulary(contentsOf: vocabURL)
        guard vocabulary.count <= config.vocabSize else {
            throw ModelError(vocabURL.path, "has \(vocabulary.count) tokens but vocab_size is \(config.vocabSize)")
        }
        for special in ["[CLS]", "[SEP]", "[PAD]"] where vocabulary.id(for: special) == nil {
            throw ModelError(vocabURL.path, "has no \(special) token")
        }

        if let settings = rmtSection {
            try settings.validate(against: config, source: configURL.path)
            let params = ParameterSet(layout: layout(config, settings))
            try params.load(from: file, ignoring: ["embeddings.position_ids"])
            return try RecurrentMemoryModel(config: config, settings: settings,
                                            tokenizer: BertTokenizer(vocabulary: vocabulary, lowercase: settings.lowercase),
                                            parameters: params)
        }
        // A plain Hugging Face BERT: wrap it.
        var settings = wrapSettings ?? RMTSettings(labels: defaultLabels)
        if wrapSettings == nil {
            settings.segmentLength = min(499, config.maxPositionEmbeddings - settings.memoryTokens - 3)
        }
        try settings.validate(against: config, source: configURL.path)
        let params = ParameterSet(layout: layout(config, settings))
        params.initializeBert(seed: seed)  // fresh values for what the file lacks (RMT tensors, maybe the pooler)
        let optional: Set<String> = ["pooler.dense.weight", "pooler.dense.bias", RMTTensorName.memoryEmbeddings,
                                     RMTTensorName.classifierWeight, RMTTensorName.classifierBias]
        let prefixed = file.info("bert.embeddings.word_embeddings.weight") != nil
        try params.load(from: file, optional: optional, ignoring: ["embeddings.position_ids"],
                        prefixToStrip: prefixed ? "bert." : nil)
        return try RecurrentMemoryModel(config: config, settings: settings,
                                        tokenizer: BertTokenizer(vocabulary: vocabulary, lowercase: settings.lowercase),
                                        parameters: params, isUntrained: true)
    }

    static func readRMTSection(_ url: URL) throws -> RMTSettings? {
        struct Wrapper: Decodable { let rmt: RMTSettings? }
        let data = try Data(contentsOf: url)
        do { return try JSONDecoder().decode(Wrapper.self, from: data).rmt } catch let error as DecodingError {
            throw ModelError(url.path, "invalid rmt section: \(describeDecodingError(error))")
        }
    }

    // MARK: Saving

    /// Writes config.json, model.safetensors and vocab.txt into `directory`, replacing it
    /// atomically: everything is written to a sibling temp folder which is then renamed.
    public func save(to directory: URL, float16: Bool = false, metadata: [String: String] = [:]) throws {
        try AtomicDirectory.write(directory) { temp in
            try writeFiles(into: temp, float16: float16, metadata: metadata)
        }
    }

    /// Writes the three model files into an existing folder (not atomic by itself).
    public func writeFiles(into folder: URL, float16: Bool = false, metadata: [String: String] = [:]) throws {
        try configJSON().write(to: folder.appendingPathComponent("config.json"))
        try parameters.save(to: folder.appendingPathComponent("model.safetensors"), metadata: metadata, float16: float16)
        let vocab = tokenizer.vocabulary
        let text = (0..<vocab.count).map { vocab.token(for: Int32($0)) }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: folder.appendingPathComponent("vocab.txt"))
    }

    /// config.json: the Hugging Face BERT fields plus the `rmt` section.
    public func configJSON() throws -> Data {
        struct Combined: Encodable {
            let bert: BertConfig
            let rmt: RMTSettings
            enum Keys: String, CodingKey { case rmt, modelType = "model_type", architectures }
            func encode(to encoder: any Encoder) throws {
                try bert.encode(to: encoder)
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode(rmt, forKey: .rmt)
                try c.encode("bert", forKey: .modelType)
                try c.encode(["RecurrentMemoryTransformer"], forKey: .architectures)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(Combined(bert: config, rmt: settings))
    }
}

/// Writing a whole folder atomically: fill a hidden sibling temp folder, then rename it
/// over the target, keeping the old target until the new one is in place.
public enum AtomicDirectory {
    public static func write(_ target: URL, _ fill: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let parent = target.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let temp = parent.appendingPathComponent(".\(target.lastPathComponent).tmp-\(UUID().uuidString)")
        try fm.createDirectory(at: temp, withIntermediateDirectories: false)
        do {
            try fill(temp)
            try replace(target, with: temp)
        } catch {
            try? fm.removeItem(at: temp)
            throw error
        }
    }

    static func replace(_ target: URL, with temp: URL) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: target.path) {
            let old = target.deletingLastPathComponent()
                .appendingPathComponent(".\(target.lastPathComponent).old-\(UUID().uuidString)")
            try fm.moveItem(at: target, to: old)
            do { try fm.moveItem(at: temp, to: target) } catch {
                try? fm.moveItem(at: old, to: target)
                throw error
            }
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: temp, to: target)
        }
    }
}
