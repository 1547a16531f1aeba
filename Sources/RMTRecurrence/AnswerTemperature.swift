// AnswerTemperature: the model whose answer logits are its own divided by a temperature T — the
// classifier's weight and bias scaled by 1/T, everything else as it was — so the same answers come
// with probabilities softmax(logits / T) (`rmt-tool calibrate`, which fits T on held-out answers:
// Guo et al. 2017, "On calibration of modern neural networks"). Argmax, and so every answer and
// accuracy, is unchanged; what a reader of `rmt-ask`'s probability, or a fine-tune's loss, sees is not.
import RMTBase
import RMTModel

extension RecurrentMemoryModel {
    /// A new model answering softmax(logits / temperature) where this one answers softmax(logits).
    /// - Throws: `ModelError` unless temperature is finite and positive.
    public func withAnswerTemperature(_ temperature: Double) throws -> RecurrentMemoryModel {
        guard temperature.isFinite, temperature > 0 else {
            throw ModelError("temperature", "must be a finite number above 0, got \(temperature)")
        }
        let scaled = parameters.copy()
        let scale = Float(1 / temperature)
        for name in [RMTTensorName.classifierWeight, RMTTensorName.classifierBias] {
            let count = scaled.layout.entry(name)!.count  // (L, C) weight, (L) bias
            let p = scaled.pointer(name)
            for i in 0..<count { p[i] *= scale }
        }
        return try RecurrentMemoryModel(config: config, settings: settings, tokenizer: tokenizer, parameters: scaled,
                                        isUntrained: isUntrained)
    }
}
