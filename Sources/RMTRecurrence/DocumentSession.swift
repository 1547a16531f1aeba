// DocumentSession: reads one document segment by segment, carrying the memory, then
// answers a question about it with the question layout. Constant memory: a session owns
// one set of activation buffers, whatever the document's length.
//
//   let session = try DocumentSession(model: model, question: "Where is Mary?")
//   for piece in pieces { try session.read(piece) }   // session.textLength tokens each; the last may be shorter
//   let answer = try session.answer()
//
// A model that reads each document more than once (`settings.passes`, rmt-train --passes) is
// given the document again after `session.endReading()`, as often as it reads it.
import Foundation
import RMTBase
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
    /// Segments processed, including the final question segment(s) — of the last reading, for a
    /// model that reads each document more than once.
    public let segments: Int
    /// Raw logits in label order.
    public let logits: [Float]
    /// The temperature T the probabilities are reported at, softmax(logits / T): the question
    /// form's at this length in the model's `rmt.answer_temperatures` (`rmt-tool calibrate
    /// --by-question-form`), else 1.
    public var temperature: Double = 1
    /// A model with a state readout (StateReadout): where its memory, after the final segment,
    /// places each entity it knows (`settings.stateEntities` order); nil for a model without one.
    public var places: [EntityPlace]? = nil
    /// Readings of the document the answer comes after (`RMTSettings.passes`).
    public var passes = 1
}

/// What a state readout says about one person or object: its most probable label and that probability.
public struct EntityPlace: Sendable, Codable, Equatable {
    public let entity: String
    public let place: String
    public let probability: Float
}

public final class DocumentSession: @unchecked Sendable {
    public let model: RecurrentMemoryModel
    public private(set) var state: MemoryState
    let processor: SegmentProcessor
    /// A model with a memory gate: the mean of its Z over the memory the last document segment
    /// handed on (SegmentProcessor.gateShares; 0 = the memory kept, 1 = replaced); nil without a
    /// gate or before a segment was read. Asking a question leaves it as the reading left it.
    public private(set) var gateShare: Float?
    /// The question given at the start (required by the every-segment layout), tokenized.
    public let questionTokens: [Int32]?
    /// Document tokens per segment: the model's segment length, or what the question leaves of
    /// it under the every-segment layout. `read` takes chunks of this size.
    public let textLength: Int
    /// Every-segment layout: `Q [SEP] piece` of the segment being read, one buffer reused
    /// (capacity: the model's segment length) so that reading allocates nothing per segment.
    private var segmentContent: [Int32] = []

    var layout: QuestionLayout { model.settings.questionLayout }

    /// Starts a document, or resumes from a saved state. A model with the every-segment
    /// layout needs the question first: use `init(model:question:resuming:)`.
    public init(model: RecurrentMemoryModel, resuming saved: MemoryState? = nil) {
        self.model = model
        processor = SegmentProcessor(model: model, batchCapacity: 1)
        questionTokens = nil
        textLength = model.settings.segmentLength
        state = saved ?? MemoryState(memory: processor.initialMemory(batch: 1))
    }

    /// Starts a document about `question` (tokenized with the model's tokenizer), or resumes
    /// one. Every layout accepts it (`answer()` then answers it); the every-segment layout
    /// needs it, reads it with every segment, and answers only it.
    /// - Throws: `ModelError` when the question does not fit in a segment.
    public convenience init(model: RecurrentMemoryModel, question: String, resuming saved: MemoryState? = nil) throws {
        try self.init(model: model, questionTokens: model.tokenizer.encode(question), resuming: saved)
    }

    /// `init(model:question:resuming:)` with a tokenized question.
    public init(model: RecurrentMemoryModel, questionTokens: [Int32], resuming saved: MemoryState? = nil) throws {
        let layout = model.settings.questionLayout
        try layout.checkQuestion(tokens: questionTokens.count, segmentLength: model.settings.segmentLength)
        self.model = model
        processor = SegmentProcessor(model: model, batchCapacity: 1)
        self.questionTokens = questionTokens
        textLength = layout.textLength(segmentLength: model.settings.segmentLength, questionTokens: questionTokens.count)
        segmentContent.reserveCapacity(model.settings.segmentLength)
        state = saved ?? MemoryState(memory: processor.initialMemory(batch: 1),
                                     tokenHash: Self.initialHash(layout: layout, question: questionTokens))
    }

    /// The fingerprint a new document starts from: the every-segment layout folds the question
    /// in (a saved state resumes only for the same question).
    static func initialHash(layout: QuestionLayout, question: [Int32]) -> UInt64 {
        layout.needsQuestionFirst ? FNV1a.hash(question, into: FNV1a.offset) : FNV1a.offset
    }

    /// Reads the next piece of the document, `textLength` tokens or fewer (the document's end).
    /// Final-segment layout: a full piece is processed at once, a shorter one is held back for
    /// the question. Every-segment layout: each piece is held back until the next one arrives
    /// (the last one is the final segment), then read as `Q [SEP] piece`.
    public func read(_ tokens: [Int32]) throws {
        let T = textLength
        if layout.needsQuestionFirst {
            guard let question = questionTokens else {
                throw ModelError("document", "this model reads the question with every segment (question_layout every-segment): start the session with the question")
            }
            if state.pending.count == T {  // the held piece was not the last one: read it now
                layout.writeReadingSegment(state.pending, question: question, separator: processor.sep, into: &segmentContent)
                try processHeld(segmentContent)
            }
        }
        guard state.pending.isEmpty else {
            throw ModelError("document", "more text after a short (final) segment")
        }
        guard tokens.count <= T else { throw ModelError("document", "segment of \(tokens.count) tokens exceeds \(T)") }
        state.tokensRead += tokens.count
        if layout.readsAtOnce(chunk: tokens.count, textLength: T) {
            state.tokenHash = FNV1a.hash(tokens, into: state.tokenHash)
            try process(tokens)
            state.segmentsRead += 1
        } else {
            if !layout.needsQuestionFirst { state.tokenHash = FNV1a.hash(tokens, into: state.tokenHash) }
            state.pending = tokens
        }
    }

    /// Processes the held-back piece (every-segment): its tokens join the fingerprint now.
    private func processHeld(_ content: [Int32]) throws {
        let held = state.pending
        try process(content)
        state.tokenHash = FNV1a.hash(held, into: state.tokenHash)
        state.segmentsRead += 1
        state.pending = []
    }

    func process(_ content: [Int32]) throws {
        guard state.memory.count == model.carriedCount else {  // a hand-made MemoryState of another size
            throw ModelError("memory state", "holds \(state.memory.count) floats but this model's memory has \(model.carriedCount)")
        }
        try state.memory.withUnsafeMutableBufferPointer { m in
            try processor.step(single: content, memory: m.baseAddress!)
        }
        gateShare = processor.gateShares.first
    }

    /// Ends one reading of the document, for a model that reads each document more than once
    /// (`settings.passes`): the final segment(s) are read as `answer()` reads them, the memory
    /// leaving them is carried on, and `read` then takes the document again from its first token
    /// (`state.passesRead` counts the readings ended). The session must hold the question.
    public func endReading() throws {
        let passes = model.settings.readingPasses
        guard state.passesRead + 1 < passes else {
            throw ModelError("document", passes == 1 ? "this model reads each document once (rmt.passes): answer after it, without endReading()"
                             : "this model reads each document \(passes) times: the last reading ends with the answer, not endReading()")
        }
        guard let questionTokens else {
            throw ModelError("question", "a model that reads each document \(passes) times ends each reading with the question: start the session with it")
        }
        guard state.tokensRead > 0 else { throw ModelError("document", "nothing was read before endReading()") }
        try readFinalSegments(question: questionTokens)
        state.passesRead += 1
        state.segmentsRead = 0
        state.tokensRead = 0
        state.pending = []
        state.tokenHash = Self.initialHash(layout: layout, question: questionTokens)
    }

    /// Answers `question` (text) about everything read so far.
    public func answer(question: String) throws -> Answer {
        try answer(questionTokens: model.tokenizer.encode(question))
    }

    /// Answers the question the session was started with.
    public func answer() throws -> Answer {
        guard let questionTokens else {
            throw ModelError("question", "the session was started without a question: ask one with answer(question:)")
        }
        return try answer(questionTokens: questionTokens)
    }

    /// Answers a tokenized question. The session's state is left untouched, so (under the
    /// final-segment layout) several questions can be asked about one read; the every-segment
    /// layout answers only the question the session was started with.
    public func answer(questionTokens: [Int32]) throws -> Answer {
        if layout.needsQuestionFirst, let started = self.questionTokens, started != questionTokens {
            throw ModelError("question", "this model reads the question with every segment (question_layout every-segment): this session read the document for another question; start a new session to ask this one")
        }
        let passes = model.settings.readingPasses
        guard state.passesRead + 1 == passes else {
            throw ModelError("document", "this model reads each document \(passes) times and this is reading \(state.passesRead + 1): read it again after endReading()")
        }
        let (saved, savedShare) = (state, gateShare)
        defer { (state, gateShare) = (saved, savedShare) }
        let finals = try readFinalSegments(question: questionTokens)
        let logits = processor.classify()
        guard logits.allSatisfy(\.isFinite) else {
            throw ModelError("model", "produced non-finite answer scores (NaN or infinity): are its weights corrupt?")
        }
        let segments = saved.segmentsRead + finals
        var answer = makeAnswer(logits: logits, temperature: model.answerTemperature(questionTokens: questionTokens, segments: segments),
                                tokens: saved.tokensRead, segments: segments)
        answer.places = places()
        answer.passes = passes
        return answer
    }

    /// Reads the held-back piece with `question` as the layout ends a reading (its final
    /// segment or segments) — where an answer is read, and where `endReading()` ends one.
    /// - Returns: the segments read.
    @discardableResult
    private func readFinalSegments(question: [Int32]) throws -> Int {
        let finals = try layout.finalSegments(rest: state.pending, question: question,
                                              segmentLength: model.settings.segmentLength, separator: processor.sep)
        for content in finals { try process(content) }
        return finals.count
    }

    /// Where the state readout places each entity in the memory the session holds now; nil for a
    /// model without a readout.
    public func places() -> [EntityPlace]? {
        guard let readout = model.stateReadout, let entities = model.settings.stateEntities else { return nil }
        let acts = readout.forward(memory: Array(state.memory.prefix(model.memoryCount)), batch: 1)
        let L = readout.classes
        return entities.enumerated().map { e, entity in
            let probs = AnswerHead.probabilities(Array(acts.logits[(e * L)..<((e + 1) * L)]))
            let top = argmax(probs)
            return EntityPlace(entity: entity, place: model.settings.labels[top], probability: probs[top])
        }
    }

    func makeAnswer(logits: [Float], temperature: Double, tokens: Int, segments: Int) -> Answer {
        let probs = AnswerHead.probabilities(logits.map { $0 / Float(temperature) })  // (L) at T
        // Ranked by logit, so a temperature cannot reorder labels whose probabilities round alike.
        let ranked = logits.indices.sorted { (logits[$0], $1) > (logits[$1], $0) }
            .map { LabelProbability(label: model.settings.labels[$0], probability: probs[$0]) }
        return Answer(answer: ranked[0].label, probability: ranked[0].probability, top: ranked,
                      tokens: tokens, segments: segments, logits: logits, temperature: temperature)
    }
}
