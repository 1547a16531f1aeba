// PositionSchemeChange: a trained model given another in-segment position scheme
// (`rmt-train --model DIR --position SCHEME`, Docs/position-encodings.md "A pretrained encoder with
// another scheme"). Every tensor the new scheme's layout shares with the old one (same name, same
// size: embeddings, every layer's weights, the memory, the answer head, an associative memory) is
// copied; the scheme's own tensors start as a new model of that scheme starts them (seeded). The
// absolute position table stays in the layout (copied) but a relative scheme no longer reads it
// (BertEncoder adds it only for absolute positions). What the pretrained
// layers learned about content is kept; where they looked by position has to be learned again
// through the new scheme — the fine-tuning that follows does that.
import RMTModel

extension RecurrentMemoryModel {
    /// This model's weights under the position scheme `position` (a new model with its own
    /// parameters; this one is unchanged). Throws for a model that already has a relative scheme
    /// (one scheme's parameters do not carry to another) and for `position` = absolute.
    /// - Returns: the model and the names of the tensors that start fresh.
    public func withPositionScheme(_ position: PositionSettings, seed: UInt64) throws -> (model: RecurrentMemoryModel, fresh: [String]) {
        guard config.position == nil else {
            throw ModelError("--position", "the model already has the position scheme \(config.position!.commandLineName); a scheme can replace only absolute positions")
        }
        let newConfig = config.withPosition(position)
        guard newConfig.position != nil else {
            throw ModelError("--position", "the model already has absolute positions")
        }
        let made = try RecurrentMemoryModel(config: newConfig, settings: settings, tokenizer: tokenizer, seed: seed)
        var fresh: [String] = []
        for entry in made.parameters.layout.entries {
            if let old = parameters.layout.entry(entry.name), old.count == entry.count {
                made.parameters.pointer(entry.name).update(from: parameters.pointer(entry.name), count: entry.count)
            } else {
                fresh.append(entry.name)
            }
        }
        let model = try RecurrentMemoryModel(config: newConfig, settings: settings, tokenizer: tokenizer,
                                             parameters: made.parameters, isUntrained: isUntrained)
        model.compute = compute
        return (model, fresh)
    }
}
