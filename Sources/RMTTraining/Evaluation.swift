// Evaluation: accuracy against document length — the paper's extrapolation figure.
// Documents are generated lazily segment by segment (DocumentSegmentStream), a batch of
// them is read in lockstep, so memory stays flat even at 4096 segments (2M tokens) and
// the batch makes the GEMMs large enough to keep both cores busy.
import Foundation
import RMTData
import RMTKernels
import RMTModel
import RMTRecurrence

/// Accuracy at one document length.
public struct LengthAccuracy: Codable, Sendable, Equatable {
    public let task: String
    public let segments: Int
    /// Document tokens per sample (segments × S, minus the question and its [SEP]).
    public let tokens: Int
    public let samples: Int
    public let correct: Int
    public var accuracy: Double { samples > 0 ? Double(correct) / Double(samples) : 0 }

    enum CodingKeys: String, CodingKey { case task, segments, tokens, samples, correct, accuracy }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(task, forKey: .task)
        try c.encode(segments, forKey: .segments)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(samples, forKey: .samples)
        try c.encode(correct, forKey: .correct)
        try c.encode(accuracy, forKey: .accuracy)
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        task = try c.decode(String.self, forKey: .task)
        segments = try c.decode(Int.self, forKey: .segments)
        tokens = try c.decode(Int.self, forKey: .tokens)
        samples = try c.decode(Int.self, forKey: .samples)
        correct = try c.decode(Int.self, forKey: .correct)
    }
    public init(task: String, segments: Int, tokens: Int, samples: Int, correct: Int) {
        self.task = task
        self.segments = segments
        self.tokens = tokens
        self.samples = samples
        self.correct = correct
    }
}

/// Accuracy of `model` on `samples` documents of `segments` segments from `stream`
/// (items 0..<samples, so every length sees the same episodes with more noise).
public func evaluateAccuracy(model: RecurrentMemoryModel, stream: DataStream, segments: Int, samples: Int,
                             batchSize: Int, progress: ((Int) -> Void)? = nil) throws -> LengthAccuracy {
    guard model.settings.labels == stream.labels else {
        throw ModelError("eval", "the model's labels \(model.settings.labels) differ from the task's \(stream.labels)")
    }
    let processor = SegmentProcessor(model: model, batchCapacity: batchSize)
    let L = model.settings.labels.count
    var correct = 0, tokens = 0
    for start in stride(from: 0, to: samples, by: batchSize) {
        let plans = try (start..<min(start + batchSize, samples)).map { try stream.plan(index: $0, segments: segments) }
        tokens = plans[0].documentTokenCount
        var streams = plans.map { $0.makeSegmentStream() }
        var memory = processor.initialMemory(batch: plans.count)
        for _ in 0..<segments {
            let contents = streams.indices.map { streams[$0].nextSegment()! }
            try memory.withUnsafeMutableBufferPointer { try processor.step(contents: contents, memory: $0.baseAddress!) }
        }
        let logits = processor.classify()
        for (b, plan) in plans.enumerated() {
            let row = Array(logits[(b * L)..<((b + 1) * L)])
            if argmax(row) == plan.label { correct += 1 }
        }
        progress?(min(start + batchSize, samples))
    }
    return LengthAccuracy(task: stream.task.name, segments: segments, tokens: tokens, samples: samples, correct: correct)
}
