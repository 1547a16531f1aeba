// ModelBlending: two RMT models of one architecture mixed in weight space, (1 − w)·A + w·B
// (`rmt-tool blend`): a fine-tune blended back toward the model it started from keeps part of
// what it learned and part of what the start knew (Wortsman et al. 2022, "Robust fine-tuning of
// zero-shot models", WiSE-FT). Both models must agree on everything but the numbers: BERT config,
// `rmt` settings (labels, memory, layout, domain, state readout) and vocabulary. Answer
// temperatures (`rmt.answer_temperatures`) describe one model's logits, not the blend's: the blend
// records none.
import RMTBase
import RMTModel

extension RecurrentMemoryModel {
    /// A new model whose every parameter is (1 − weight)·self + weight·other.
    /// - Parameter weight: in 0…1 (0 gives this model's numbers, 1 the other's).
    /// - Throws: `ModelError` when weight is outside 0…1 or not finite, or the two models differ
    ///   in config, settings or vocabulary (the first difference is named).
    public func blended(with other: RecurrentMemoryModel, weight: Float) throws -> RecurrentMemoryModel {
        guard weight.isFinite, (0...1).contains(weight) else {
            throw ModelError("--weight", "must be in 0...1, got \(weight)")
        }
        if let difference = blendingDifference(from: other) {
            throw ModelError("models", "cannot be blended: \(difference)")
        }
        let blend = ParameterSet(layout: parameters.layout)
        let a = parameters.storage.pointer, b = other.parameters.storage.pointer, out = blend.storage.pointer
        let keep = 1 - weight
        for i in 0..<parameters.layout.count {  // [P] flat, both sets in one layout
            out[i] = keep * a[i] + weight * b[i]
        }
        var mixed = settings
        mixed.answerTemperatures = nil
        return try RecurrentMemoryModel(config: config, settings: mixed, tokenizer: tokenizer, parameters: blend,
                                        isUntrained: isUntrained && other.isUntrained)
    }

    /// What keeps `other` from being blended with this model, in a few words; nil when nothing.
    func blendingDifference(from other: RecurrentMemoryModel) -> String? {
        if config != other.config { return "their BERT configs differ (config.json)" }
        var (s, t) = (settings, other.settings)
        (s.answerTemperatures, t.answerTemperatures) = (nil, nil)
        if s.labels != t.labels { return "their labels differ (\(s.labels.joined(separator: ",")) against \(t.labels.joined(separator: ",")))" }
        if s.memoryTokens != t.memoryTokens { return "\(s.memoryTokens) against \(t.memoryTokens) memory tokens" }
        if s.segmentLength != t.segmentLength { return "segment length \(s.segmentLength) against \(t.segmentLength)" }
        if s.questionLayout != t.questionLayout { return "question layout \(s.questionLayout) against \(t.questionLayout)" }
        if s.stateEntities != t.stateEntities || s.stateHidden != t.stateHidden { return "their state readouts differ" }
        if s.hasMemoryGate != t.hasMemoryGate { return "one has a memory gate (rmt.memory_gate) and the other none" }
        if s.domain != t.domain { return "their question domains differ (rmt-tool export --domain-tasks can narrow one)" }
        if s != t { return "their rmt settings differ" }
        let (u, v) = (tokenizer.vocabulary, other.tokenizer.vocabulary)
        if tokenizer.lowercase != other.tokenizer.lowercase || u.count != v.count
            || (0..<u.count).contains(where: { u.token(for: Int32($0)) != v.token(for: Int32($0)) }) {
            return "their vocabularies differ (vocab.txt)"
        }
        return nil
    }
}
