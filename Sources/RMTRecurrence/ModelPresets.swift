// ModelPresets: a randomly initialised RMT of a preset size (tiny, small, base) over a
// tokenizer file — vocab.txt or tokenizer.json — with the casing asked for: the one place
// `rmt-tool create-model` and `rmt-train --preset` make a new model. The casing is recorded in
// the model's `rmt.lowercase`, so a saved folder tokenizes the same when it is loaded again.
import Foundation
import RMTModel
import RMTTokenizer

extension RecurrentMemoryModel {
    /// A random model of `preset` size whose vocabulary is the tokenizer file `vocabulary`.
    /// - Parameters:
    ///   - cased: true for a cased tokenizer (no lowercasing, no accent stripping); false takes
    ///     the file's own casing (tokenizer.json's normalizer), else uncased.
    ///   - settings: memory tokens, segment length and labels (`lowercase` is set here).
    ///   - position: a relative in-segment position scheme, or nil for BERT's absolute positions.
    public static func preset(_ preset: BertConfig.Preset, vocabulary url: URL, cased: Bool,
                              settings: RMTSettings, position: PositionSettings? = nil,
                              seed: UInt64) throws -> RecurrentMemoryModel {
        let definition = try TokenizerDefinition(contentsOf: url)
        var config = BertConfig.preset(preset).withPosition(position)
        config.vocabSize = definition.vocabulary.count
        if let pad = definition.vocabulary.padID { config.padTokenId = Int(pad) }
        var settings = settings
        settings.lowercase = cased ? false : (definition.lowercase ?? true)
        let tokenizer = BertTokenizer(vocabulary: definition.vocabulary, lowercase: settings.lowercase)
        do {
            return try RecurrentMemoryModel(config: config, settings: settings, tokenizer: tokenizer, seed: seed)
        } catch let error as ModelError where error.subject == "tokenizer" {
            throw ModelError(url.path, error.problem)  // name the file the user gave
        }
    }
}
