// BertConfig: the Hugging Face BERT configuration (config.json), decoded with the
// Hugging Face key names, validated, and the project's presets (tiny, small, base).
// Only the fields the encoder uses are read; other keys in config.json are ignored.
import Foundation

/// Sizes and constants of a BERT encoder, named as in Hugging Face `BertConfig`.
public struct BertConfig: Codable, Sendable, Equatable {
    /// Vocabulary size V (rows of the word-embedding table).
    public var vocabSize: Int
    /// Hidden size C.
    public var hiddenSize: Int
    /// Number of encoder layers L.
    public var numHiddenLayers: Int
    /// Number of attention heads NH (C must be divisible by NH).
    public var numAttentionHeads: Int
    /// Feed-forward inner size F.
    public var intermediateSize: Int
    /// Maximum sequence length P (rows of the position table).
    public var maxPositionEmbeddings: Int
    /// Number of token types (segment ids), usually 2.
    public var typeVocabSize: Int
    /// LayerNorm epsilon (1e-12 in BERT).
    public var layerNormEps: Float
    /// Activation: only "gelu" (exact erf) is supported.
    public var hiddenAct: String
    /// "absolute" (BERT), or "rmt_relative" when `position` holds a relative scheme.
    public var positionEmbeddingType: String
    /// Padding token id.
    public var padTokenId: Int
    /// The in-segment position scheme (`rmt_position`, PositionSettings.swift); nil = absolute.
    public var position: PositionSettings?
    /// The associative memory beside the memory tokens (`rmt_associative`, AssociativeSettings.swift); nil = none.
    public var associative: AssociativeSettings?

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
        case maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size"
        case layerNormEps = "layer_norm_eps", hiddenAct = "hidden_act"
        case positionEmbeddingType = "position_embedding_type", padTokenId = "pad_token_id"
        case position = "rmt_position", associative = "rmt_associative"
    }

    public init(vocabSize: Int = 30522, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int,
                intermediateSize: Int, maxPositionEmbeddings: Int = 512, typeVocabSize: Int = 2,
                layerNormEps: Float = 1e-12, hiddenAct: String = "gelu",
                positionEmbeddingType: String = "absolute", padTokenId: Int = 0) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.hiddenAct = hiddenAct
        self.positionEmbeddingType = positionEmbeddingType
        self.padTokenId = padTokenId
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // The defaults of an absent key are the memberwise init's.
        let d = BertConfig(hiddenSize: 1, numHiddenLayers: 1, numAttentionHeads: 1, intermediateSize: 1)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? d.maxPositionEmbeddings
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? d.typeVocabSize
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? d.layerNormEps
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? d.hiddenAct
        positionEmbeddingType = try c.decodeIfPresent(String.self, forKey: .positionEmbeddingType) ?? d.positionEmbeddingType
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId) ?? d.padTokenId
        position = try c.decodeIfPresent(PositionSettings.self, forKey: .position)
        associative = try c.decodeIfPresent(AssociativeSettings.self, forKey: .associative)
    }

    /// True unless a relative `rmt_position` scheme replaces the absolute position embeddings.
    public var usesAbsolutePositions: Bool { position?.usesAbsolutePositions ?? true }

    /// Head size d = C / NH.
    public var headSize: Int { hiddenSize / numAttentionHeads }

    /// Checks that the sizes are consistent; the error names `source` and the problem.
    public func validate(source: String = "config") throws {
        func fail(_ p: String) -> ModelError { ModelError(source, p) }
        let positive: [(String, Int)] = [
            ("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("num_hidden_layers", numHiddenLayers),
            ("num_attention_heads", numAttentionHeads), ("intermediate_size", intermediateSize),
            ("max_position_embeddings", maxPositionEmbeddings), ("type_vocab_size", typeVocabSize),
        ]
        for (name, v) in positive where v <= 0 { throw fail("\(name) must be positive, got \(v)") }
        let limits: [(String, Int, Int)] = [
            ("vocab_size", vocabSize, 10_000_000), ("hidden_size", hiddenSize, 65_536),
            ("num_hidden_layers", numHiddenLayers, 1_024), ("intermediate_size", intermediateSize, 262_144),
            ("max_position_embeddings", maxPositionEmbeddings, 1_048_576), ("type_vocab_size", typeVocabSize, 1_024),
        ]
        for (name, v, cap) in limits where v > cap { throw fail("\(name) = \(v) is implausibly large (limit \(cap))") }
        if numAttentionHeads > hiddenSize || hiddenSize % numAttentionHeads != 0 {
            throw fail("hidden_size \(hiddenSize) is not divisible by num_attention_heads \(numAttentionHeads)")
        }
        if !(layerNormEps > 0 && layerNormEps < 1) { throw fail("layer_norm_eps must be in (0, 1), got \(layerNormEps)") }
        if hiddenAct != "gelu" { throw fail("hidden_act \"\(hiddenAct)\" is not supported (only \"gelu\")") }
        let relative = !(position?.usesAbsolutePositions ?? true)
        if positionEmbeddingType != (relative ? "rmt_relative" : "absolute") {
            throw fail(relative ? "position_embedding_type must be \"rmt_relative\" with rmt_position.scheme \"\(position!.scheme.rawValue)\""
                                : "position_embedding_type \"\(positionEmbeddingType)\" is not supported (only \"absolute\")")
        }
        try position?.validate(source: source)
        try associative?.validate(source: source)
        if padTokenId < 0 || padTokenId >= vocabSize { throw fail("pad_token_id \(padTokenId) is outside the vocabulary") }
    }

    /// Reads and validates a Hugging Face config.json.
    public static func load(contentsOf url: URL) throws -> BertConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError(url.path, "cannot read the file")
        }
        let config: BertConfig
        do { config = try JSONDecoder().decode(BertConfig.self, from: data) } catch let error as DecodingError {
            throw ModelError(url.path, "not a BERT config: \(describeDecodingError(error))")
        } catch { throw ModelError(url.path, "not a BERT config: invalid JSON") }
        try config.validate(source: url.path)
        return config
    }

    /// The project's named model sizes.
    public enum Preset: String, CaseIterable, Sendable {
        case tiny, small, base
    }

    /// A preset's configuration: tiny = 2×128 (2 heads, FFN 512), small = 4×256 (4 heads, FFN 1024),
    /// base = bert-base (12×768, 12 heads, FFN 3072); all with the 30,522-token uncased vocabulary.
    public static func preset(_ p: Preset) -> BertConfig {
        switch p {
        case .tiny: BertConfig(hiddenSize: 128, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 512)
        case .small: BertConfig(hiddenSize: 256, numHiddenLayers: 4, numAttentionHeads: 4, intermediateSize: 1024)
        case .base: BertConfig(hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12, intermediateSize: 3072)
        }
    }
}

/// A short, single-line description of a JSON decoding failure.
public func describeDecodingError(_ error: DecodingError) -> String {
    func path(_ ctx: DecodingError.Context) -> String {
        ctx.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, _): return "missing key \"\(key.stringValue)\""
    case .typeMismatch(_, let ctx): return "wrong type for \"\(path(ctx))\""
    case .valueNotFound(_, let ctx): return "null value for \"\(path(ctx))\""
    case .dataCorrupted(let ctx):
        return ctx.codingPath.isEmpty ? "invalid JSON" : "invalid value for \"\(path(ctx))\""
    @unknown default: return "undecodable"
    }
}
