// AnswerTemperature: answer probabilities at a temperature T — softmax(logits / T) — two ways
// (temperature scaling: Guo et al. 2017, "On calibration of modern neural networks"; T is fitted on
// answers already given by `rmt-tool calibrate`). Argmax, and so every answer and accuracy, is
// unchanged; only the probability a reader of `rmt-ask` sees moves.
// - `withAnswerTemperature(T)`: the classifier's weight and bias scaled by 1/T — one T for every
//   question, and a fine-tune from that model sees the scaled logits in its loss.
// - `withQuestionTemperatures([form: points])`: the weights untouched, each question form's T by
//   document length recorded in config.json (`rmt.answer_temperatures`) and applied where answers
//   are reported (DocumentSession, `rmt-train eval`'s predictions) — a T per kind of question and
//   length (a model reading longer documents can grow surer as it grows less right), the logits bit
//   for bit the model's. Between fitted lengths T is interpolated linearly in log(segments); beyond
//   them the nearest fitted T holds.
import Foundation
import RMTBase
import RMTModel

/// A question form's answer temperature at one document length (`rmt.answer_temperatures`).
public struct TemperaturePoint: Codable, Sendable, Equatable {
    /// The document length, in segments read (the final one included).
    public var segments: Int
    public var temperature: Double

    public init(segments: Int, temperature: Double) {
        self.segments = segments
        self.temperature = temperature
    }

    /// What is wrong with `points` as one form's temperatures, in a few words; nil when nothing:
    /// at least one, segments at least 1 and increasing, temperatures finite and above 0.
    public static func problem(_ points: [TemperaturePoint]) -> String? {
        if points.isEmpty { return "has no points (leave the form out to read it at T = 1)" }
        for (i, p) in points.enumerated() {
            guard p.segments >= 1 else { return "has a point at \(p.segments) segments (at least 1)" }
            guard p.temperature.isFinite, p.temperature > 0 else {
                return "has a temperature that is not a finite number above 0: \(p.temperature)"
            }
            if i > 0, p.segments <= points[i - 1].segments { return "has points out of order or repeated (segments must increase)" }
        }
        return nil
    }

    /// The temperature of `points` (valid: `problem` nil) at a document of `segments` segments:
    /// linear in log(segments) between the two fitted lengths around it, the nearest one's beyond them.
    public static func temperature(_ points: [TemperaturePoint], segments: Int) -> Double {
        guard let first = points.first, let last = points.last else { return 1 }
        if segments <= first.segments { return first.temperature }
        if segments >= last.segments { return last.temperature }
        let upper = points.firstIndex { $0.segments >= segments }!
        let (a, b) = (points[upper - 1], points[upper])
        let w = log(Double(segments) / Double(a.segments)) / log(Double(b.segments) / Double(a.segments))
        return (1 - w) * a.temperature + w * b.temperature
    }
}

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

    /// The same model (sharing its parameters) reporting answers to a question of form F about a
    /// document of n segments at softmax(logits / T), T = `TemperaturePoint.temperature(temperatures[F], n)`;
    /// nil or an empty map: at the logits as they are.
    /// - Throws: `ModelError` when the model records no question domain, a key is not one of its
    ///   forms, or a form's points are not valid (`TemperaturePoint.problem`).
    public func withQuestionTemperatures(_ temperatures: [String: [TemperaturePoint]]?) throws -> RecurrentMemoryModel {
        var s = settings
        s.answerTemperatures = temperatures?.isEmpty == false ? temperatures : nil
        guard s != settings else { return self }
        let model = try RecurrentMemoryModel(config: config, settings: s, tokenizer: tokenizer, parameters: parameters,
                                             isUntrained: isUntrained)
        model.skippedTensors = skippedTensors
        return model
    }

    /// The temperature answers to `questionTokens` about a document of `segments` segments are
    /// reported at: its question form's in `settings.answerTemperatures` at that length, else 1.
    public func answerTemperature(questionTokens: [Int32], segments: Int) -> Double {
        guard let temperatures = settings.answerTemperatures,
              let form = questionMatcher()?.form(ofTokens: questionTokens),
              let points = temperatures[form] else { return 1 }
        return TemperaturePoint.temperature(points, segments: segments)
    }
}
