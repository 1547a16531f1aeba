// BertCheckpoint: a Hugging Face BERT folder as it comes — config, encoder weights, tokenizer —
// opened by ModelFolder.open (config.json + model.safetensors + vocab.txt or tokenizer.json) and
// filled strictly (ParameterSet+Safetensors.swift): a "bert." prefix (BertFor* files) is
// accepted; pretraining and task heads are skipped and reported.
import Foundation
import RMTSafetensors
import RMTTokenizer

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
        let folder = try ModelFolder.open(directory)
        let (config, file, definition, prefix) = (folder.config, folder.weights, folder.tokenizer, folder.prefix)
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
