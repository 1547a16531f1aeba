// AnswerTemperature: answer probabilities at a temperature T — softmax(logits / T) — two ways
// (temperature scaling: Guo et al. 2017, "On calibration of modern neural networks"; T is fitted on
// answers already given by `rmt-tool calibrate`). Argmax, and so every answer and accuracy, is
// unchanged; only the probability a reader of `rmt-ask` sees moves.
// - `withAnswerTemperature(T)`: the classifier's weight and bias scaled by 1/T — one T for every
//   question, and a fine-tune from that model sees the scaled logits in its loss.
// - `withQuestionTemperatures([form: T])`: the weights untouched, each question form's T recorded in
//   config.json (`rmt.answer_temperatures`) and applied where answers are reported (DocumentSession,
//   `rmt-train eval`'s predictions) — a T per kind of question, the logits bit for bit the model's.
import Foundation
import RMTBase
import RMTKernels
import RMTModel

extension RecurrentMemoryModel {
    /// A new model answering softmax(logits / temperature) where this one answers softmax(logits).
    /// Per-form temperatures (`settings.answerTemperatures`) described the old logits and are dropped.
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
        var settings = settings
        settings.answerTemperatures = nil
        return try RecurrentMemoryModel(config: config, settings: settings, tokenizer: tokenizer, parameters: scaled,
                                        isUntrained: isUntrained)
    }

    /// The same model (sharing its parameters) reporting answers to a question of form F at
    /// softmax(logits / temperatures[F]); nil or an empty map: at the logits as they are.
    /// - Throws: `ModelError` when the model records no question domain, a key is not one of its
    ///   forms, or a temperature is not finite and positive.
    public func withQuestionTemperatures(_ temperatures: [String: Double]?) throws -> RecurrentMemoryModel {
        var s = settings
        s.answerTemperatures = temperatures?.isEmpty == false ? temperatures : nil
        guard s != settings else { return self }
        let model = try RecurrentMemoryModel(config: config, settings: s, tokenizer: tokenizer, parameters: parameters,
                                             isUntrained: isUntrained)
        model.skippedTensors = skippedTensors
        return model
    }

    /// The temperature answers to `questionTokens` are reported at: its question form's in
    /// `settings.answerTemperatures`, else 1.
    public func answerTemperature(questionTokens: [Int32]) -> Double {
        guard let temperatures = settings.answerTemperatures,
              let form = questionMatcher()?.form(ofTokens: questionTokens) else { return 1 }
        return temperatures[form] ?? 1
    }

    /// softmax(logits / temperature), computed in Double: (L) probabilities in label order.
    public static func probabilities(logits: [Float], temperature: Double) -> [Float] {
        guard temperature != 1 else { return AnswerHead.probabilities(logits) }
        let scaled = logits.map { Double($0) / temperature }
        let top = scaled.max() ?? 0
        let e = scaled.map { Foundation.exp($0 - top) }
        let sum = e.reduce(0, +)
        return e.map { Float($0 / sum) }
    }
}
