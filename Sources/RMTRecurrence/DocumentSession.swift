// DocumentSession: reads one document segment by segment, carrying the memory, then
// answers a question about it with the question layout. Constant memory: a session owns
// one set of activation buffers, whatever the document's length.
//
//   let session = try DocumentSession(model: model)
//   for segment in segments { try session.read(segment) }   // S tokens each; the last may be shorter
//   let answer = try session.answer(question: "Where is Mary?")
import Foundation
import RMTKernels
import RMTModel

/// A label with its probability.
public struct LabelProbability: Sendable, Codable, Equatable {
    public let label: String
    public let probability: Float
}

/// The model's answer about a document.
public struct Answer: Sendable, Codable, Equatable {
    /// Most probable label.
    public let answer: String
    public let probability: Float
    /// All labels, most probable first.
    public let top: [LabelProbability]
    /// Document tokens read.
    public let tokens: Int
    /// Segments processed, including the final question segment(s).
    public let segments: Int
    /// Raw logits in label order.
    public let logits: [Float]
}

public final class DocumentSession: @unchecked Sendable {
    public let model: RecurrentMemoryModel
    public private(set) var state: MemoryState
    let processor: SegmentProcessor

    /// Starts a document, or resumes from a saved state.
    public init(model: RecurrentMemoryModel, resuming saved: MemoryState? = nil) {
        self.model = model
        processor = SegmentProcessor(model: model, batchCapacity: 1)
        state = saved ?? MemoryState(memory: processor.initialMemory(batch: 1))
    }

    /// Reads the next piece of the document: a full segment (S tokens) is processed at
    /// once; a shorter one is the document's end and is held back for the question.
    public func read(_ tokens: [Int32]) throws {
        let S = model.settings.segmentLength
        guard state.pending.isEmpty else {
            throw ModelError("document", "more text after a short (final) segment")
        }
        guard tokens.count <= S else { throw ModelError("document", "segment of \(tokens.count) tokens exceeds \(S)") }
        state.tokensRead += tokens.count
        state.tokenHash = MemoryState.hash(tokens, into: state.tokenHash)
        if tokens.count == S {
            try process(tokens)
            state.segmentsRead += 1
        } else {
            state.pending = tokens
        }
    }

    func process(_ content: [Int32]) throws {
        guard state.memory.count == model.memoryCount else {  // a hand-made MemoryState of another size
            throw ModelError("memory state", "holds \(state.memory.count) floats but this model's memory has \(model.memoryCount)")
        }
        try state.memory.withUnsafeMutableBufferPointer { m in
            try processor.step(contents: [content], memory: m.baseAddress!)
        }
    }

    /// Answers `question` (text) about everything read so far.
    public func answer(question: String) throws -> Answer {
        try answer(questionTokens: model.tokenizer.encode(question))
    }

    /// Answers a tokenized question. The session's state is left untouched, so several
    /// questions can be asked about one read.
    public func answer(questionTokens: [Int32]) throws -> Answer {
        let saved = state
        defer { state = saved }
        let finals = try model.settings.questionLayout.finalSegments(
            rest: state.pending, question: questionTokens, segmentLength: model.settings.segmentLength,
            separator: processor.sep)
        for content in finals { try process(content) }
        let logits = processor.classify()
        guard logits.allSatisfy(\.isFinite) else {
            throw ModelError("model", "produced non-finite answer scores (NaN or infinity): are its weights corrupt?")
        }
        return makeAnswer(logits: logits, tokens: saved.tokensRead, segments: saved.segmentsRead + finals.count)
    }

    func makeAnswer(logits: [Float], tokens: Int, segments: Int) -> Answer {
        let probs = AnswerHead.probabilities(logits)
        let ranked = zip(model.settings.labels, probs).map { LabelProbability(label: $0.0, probability: $0.1) }
            .sorted { $0.probability > $1.probability }
        return Answer(answer: ranked[0].label, probability: ranked[0].probability, top: ranked,
                      tokens: tokens, segments: segments, logits: logits)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
