// SyntheticBertFolder: writes small Hugging Face BERT folders in every form they come in —
// `bert.`-prefixed names, pretraining heads, a pooler or none, vocab.txt or tokenizer.json,
// tokenizer_config.json casing, wrong sizes — with seeded weights, for the model-folder tests
// of the library and the CLIs. Not part of the library.
import Foundation
import RMTSafetensors

/// A tiny BERT and the ways to write it as a folder.
public struct SyntheticBertFolder {
    public var hidden = 8, layers = 2, heads = 2, ffn = 12, positions = 32, types = 2
    /// The vocabulary, id = index: the five specials, then words (cased pairs included).
    public var tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "HELLO", "world", "mary", "Mary",
                         "went", "to", "the", "kitchen", "garden", "where", "is", "?", ".", "##s", "cafe", "café"]
    /// Tensor names get this prefix (`bert.` for a BertFor* file).
    public var prefix = ""
    /// Adds BertForPreTraining's heads (`cls.predictions.*`, `cls.seq_relationship.*`).
    public var pretrainingHeads = false
    public var pooler = true
    /// Writes the vocabulary as vocab.txt, tokenizer.json, or both.
    public var vocabTxt = true, tokenizerJSON = false
    /// tokenizer.json's normalizer `lowercase` and `strip_accents` (nil = null).
    public var normalizerLowercase = true
    public var normalizerStripAccents: Bool? = nil
    /// tokenizer_config.json's `do_lower_case` (nil = no tokenizer_config.json).
    public var doLowerCase: Bool? = nil
    /// config.json keys to override (e.g. num_hidden_layers) after the true sizes.
    public var configOverrides: [String: Any] = [:]
    public var seed: UInt64 = 1

    public init() {}

    /// The BertModel tensors (with the pooler when `pooler`), and the heads when asked.
    public func tensorShapes() -> [(String, [Int])] {
        let C = hidden, F = ffn, V = tokens.count
        var list: [(String, [Int])] = [
            ("embeddings.word_embeddings.weight", [V, C]), ("embeddings.position_embeddings.weight", [positions, C]),
            ("embeddings.token_type_embeddings.weight", [types, C]), ("embeddings.LayerNorm.weight", [C]),
            ("embeddings.LayerNorm.bias", [C]),
        ]
        for l in 0..<layers {
            let p = "encoder.layer.\(l)."
            for m in ["query", "key", "value"] { list += [(p + "attention.self.\(m).weight", [C, C]), (p + "attention.self.\(m).bias", [C])] }
            list += [(p + "attention.output.dense.weight", [C, C]), (p + "attention.output.dense.bias", [C]),
                     (p + "attention.output.LayerNorm.weight", [C]), (p + "attention.output.LayerNorm.bias", [C]),
                     (p + "intermediate.dense.weight", [F, C]), (p + "intermediate.dense.bias", [F]),
                     (p + "output.dense.weight", [C, F]), (p + "output.dense.bias", [C]),
                     (p + "output.LayerNorm.weight", [C]), (p + "output.LayerNorm.bias", [C])]
        }
        if pooler { list += [("pooler.dense.weight", [C, C]), ("pooler.dense.bias", [C])] }
        list = list.map { (prefix + $0.0, $0.1) }
        if pretrainingHeads {
            list += [("cls.predictions.bias", [V]), ("cls.predictions.transform.dense.weight", [C, C]),
                     ("cls.predictions.transform.dense.bias", [C]), ("cls.predictions.transform.LayerNorm.weight", [C]),
                     ("cls.predictions.transform.LayerNorm.bias", [C]), ("cls.predictions.decoder.weight", [V, C]),
                     ("cls.seq_relationship.weight", [2, C]), ("cls.seq_relationship.bias", [2])]
        }
        return list
    }

    /// The value of every tensor: seeded by its name without `prefix`, small, LayerNorm weights near 1.
    public func values(_ name: String, count: Int) -> [Float] {
        let name = !prefix.isEmpty && name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
        var state = seed &+ UInt64(truncatingIfNeeded: name.unicodeScalars.reduce(0) { $0 &* 31 &+ Int($1.value) })
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let unit = Float(state >> 40) / Float(1 << 24) - 0.5  // [-0.5, 0.5)
            return name.contains("LayerNorm.weight") ? 1 + 0.1 * unit : 0.2 * unit
        }
    }

    /// config.json of this BERT, with `configOverrides` applied.
    public func configJSON() throws -> Data {
        var config: [String: Any] = [
            "architectures": [pretrainingHeads ? "BertForPreTraining" : "BertModel"], "model_type": "bert",
            "vocab_size": tokens.count, "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
            "intermediate_size": ffn, "max_position_embeddings": positions, "type_vocab_size": types,
            "hidden_act": "gelu", "layer_norm_eps": 1e-12, "pad_token_id": 0, "position_embedding_type": "absolute",
        ]
        for (k, v) in configOverrides { config[k] = v }
        return try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys, .prettyPrinted])
    }

    /// tokenizer.json of the vocabulary (the `tokenizers` library's layout for BERT).
    public func tokenizerJSONData() throws -> Data {
        var vocab: [String: Int] = [:]
        for (i, t) in tokens.enumerated() { vocab[t] = i }
        let added: [[String: Any]] = tokens.prefix(5).enumerated().map { i, t in
            ["id": i, "content": t, "special": true, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false]
        }
        let object: [String: Any] = [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": added,
            "normalizer": ["type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                           "strip_accents": normalizerStripAccents.map { $0 as Any } ?? NSNull(), "lowercase": normalizerLowercase],
            "pre_tokenizer": ["type": "BertPreTokenizer"],
            "post_processor": NSNull(), "decoder": ["type": "WordPiece", "prefix": "##", "cleanup": true],
            "model": ["type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": 100, "vocab": vocab],
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// Writes the folder (created if needed) and returns it.
    @discardableResult
    public func write(to folder: URL) throws -> URL {
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        try configJSON().write(to: folder.appendingPathComponent("config.json"))
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        for (name, shape) in tensorShapes() {
            try writer.add(name, shape: shape, floats: values(name, count: shape.reduce(1, *)))
        }
        try writer.add(prefix + "embeddings.position_ids", shape: [1, positions], int64s: (0..<Int64(positions)).map { $0 })
        try writer.write(to: folder.appendingPathComponent("model.safetensors"))
        if vocabTxt { try Data((tokens.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("vocab.txt")) }
        if tokenizerJSON { try tokenizerJSONData().write(to: folder.appendingPathComponent("tokenizer.json")) }
        if let doLowerCase {
            let object: [String: Any] = ["do_lower_case": doLowerCase, "tokenizer_class": "BertTokenizer", "strip_accents": NSNull()]
            try JSONSerialization.data(withJSONObject: object).write(to: folder.appendingPathComponent("tokenizer_config.json"))
        }
        return folder
    }
}

/// A fresh empty folder under the temporary directory.
public func makeScratchFolder(_ tag: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-\(tag)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
