// RMTSettings: the `rmt` section of a model's config.json — memory size, segment
// length, answer labels, question layout, tokenizer casing and the question domain the model
// was trained on — and its validation.
// See Docs/file-formats.md.
import RMTModel

/// Recurrent-memory settings stored beside the BERT fields in config.json.
public struct RMTSettings: Codable, Sendable, Equatable {
    /// Number of memory tokens M carried from segment to segment (paper: 10).
    public var memoryTokens: Int
    /// Document tokens per segment S (paper: 499 = 512 − 10 − 3).
    public var segmentLength: Int
    /// The answer labels, in classifier order.
    public var labels: [String]
    /// How the question is placed after the document (see `QuestionLayout`).
    public var questionLayout: QuestionLayout
    /// Tokenizer casing: true = uncased (lowercase and strip accents).
    public var lowercase: Bool
    /// Version of this format.
    public var formatVersion: Int
    /// The tasks and question forms the model was trained on (QuestionDomain); nil for a model
    /// that records none (untrained, or made before domains were recorded).
    public var domain: QuestionDomain?

    enum CodingKeys: String, CodingKey {
        case memoryTokens = "memory_tokens", segmentLength = "segment_length", labels
        case questionLayout = "question_layout", lowercase, formatVersion = "format_version"
        case domain
    }

    public static let currentFormatVersion = 1

    public init(memoryTokens: Int = 10, segmentLength: Int = 499, labels: [String],
                questionLayout: QuestionLayout = .finalSegment, lowercase: Bool = true,
                domain: QuestionDomain? = nil) {
        self.memoryTokens = memoryTokens
        self.segmentLength = segmentLength
        self.labels = labels
        self.questionLayout = questionLayout
        self.lowercase = lowercase
        formatVersion = Self.currentFormatVersion
        self.domain = domain
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        memoryTokens = try c.decode(Int.self, forKey: .memoryTokens)
        segmentLength = try c.decode(Int.self, forKey: .segmentLength)
        labels = try c.decode([String].self, forKey: .labels)
        questionLayout = try c.decodeIfPresent(QuestionLayout.self, forKey: .questionLayout) ?? .finalSegment
        lowercase = try c.decodeIfPresent(Bool.self, forKey: .lowercase) ?? true
        formatVersion = try c.decodeIfPresent(Int.self, forKey: .formatVersion) ?? 1
        domain = try c.decodeIfPresent(QuestionDomain.self, forKey: .domain)
    }

    /// Positions one segment occupies: [CLS] m1..mM [SEP] t1..tS [SEP].
    public var positionsPerSegment: Int { memoryTokens + segmentLength + 3 }

    /// Checks the settings against the backbone; errors name `source`.
    public func validate(against config: BertConfig, source: String = "rmt settings") throws {
        func fail(_ p: String) -> ModelError { ModelError(source, p) }
        guard formatVersion == Self.currentFormatVersion else {
            throw fail("rmt.format_version \(formatVersion) is not supported (expected \(Self.currentFormatVersion))")
        }
        guard memoryTokens >= 0 else { throw fail("rmt.memory_tokens must not be negative, got \(memoryTokens)") }
        guard segmentLength >= 1 else { throw fail("rmt.segment_length must be positive, got \(segmentLength)") }
        guard positionsPerSegment <= config.maxPositionEmbeddings || !config.usesAbsolutePositions else {
            throw fail("memory_tokens \(memoryTokens) + segment_length \(segmentLength) + 3 = \(positionsPerSegment) exceeds max_position_embeddings \(config.maxPositionEmbeddings)")
        }
        guard !labels.isEmpty else { throw fail("rmt.labels is empty") }
        guard Set(labels).count == labels.count else { throw fail("rmt.labels has duplicates") }
        if let blank = labels.firstIndex(where: { $0.isEmpty }) { throw fail("rmt.labels[\(blank)] is empty") }
        if let problem = domain?.problem() { throw fail("rmt.domain \(problem)") }
    }
}

/// Where the question goes. One layout is used everywhere: the library, rmt-ask and the
/// training data (see Docs/question-layout.md). Every reading segment has the same content
/// capacity S (`RMTSettings.segmentLength`); the layout decides how much of it is document.
public enum QuestionLayout: String, Codable, Sendable, CaseIterable {
    /// The paper's layout: the document is cut into segments of S tokens. The last, shorter part
    /// R of the document is followed by `[SEP]` and the question Q in one final segment
    /// `R [SEP] Q` when |R| + 1 + |Q| ≤ S; otherwise R is read as a segment of its own and
    /// the final segment is `[SEP] Q`. The answer is read from that final segment's [CLS].
    /// The memory must carry everything that might be asked.
    case finalSegment = "final-segment"

    /// The question is known before reading and opens every segment: `Q [SEP] chunk`, with
    /// chunks of S − |Q| − 1 document tokens. The last chunk (1…S − |Q| − 1 tokens; none for an
    /// empty document) is the final segment and the answer is read from its [CLS]. The memory
    /// only has to carry what the question asks for; one read answers one question.
    case everySegment = "every-segment"

    /// Whether the question must be known before the document is read.
    public var needsQuestionFirst: Bool { self == .everySegment }

    /// Document tokens per segment for a question of `q` tokens: S, or S − q − 1.
    public func textLength(segmentLength S: Int, questionTokens q: Int) -> Int {
        switch self {
        case .finalSegment: return S
        case .everySegment: return S - q - 1
        }
    }

    /// Checks that a question of `q` tokens fits a segment of S (with its [SEP], and for
    /// every-segment with at least one document token beside it).
    public func checkQuestion(tokens q: Int, segmentLength S: Int) throws {
        if let problem = questionProblem(tokens: q, segmentLength: S) { throw ModelError("question", problem) }
    }

    /// Why a question of `q` tokens does not fit a segment of S, or nil when it does.
    public func questionProblem(tokens q: Int, segmentLength S: Int) -> String? {
        switch self {
        case .finalSegment:
            return q + 1 <= S ? nil : "it has \(q) tokens; with [SEP] it does not fit in a segment of \(S)"
        case .everySegment:
            return q + 2 <= S ? nil
                : "\(q) tokens leave no room for the document in a segment of \(S) (the every-segment layout puts the question and [SEP] in each segment)"
        }
    }

    /// The content of a segment read before the end of the document: `chunk` (final-segment)
    /// or `Q [SEP] chunk` (every-segment).
    public func readingSegment(_ chunk: [Int32], question: [Int32], separator: Int32) -> [Int32] {
        switch self {
        case .finalSegment: return chunk
        case .everySegment: return question + [separator] + chunk
        }
    }

    /// Whether a chunk of `count` document tokens, with nothing after it yet, can be read now
    /// (`true`) or must wait: final-segment holds back only a short chunk (it may be the end);
    /// every-segment also holds back a full one, since the last chunk is the final segment.
    public func readsAtOnce(chunk count: Int, textLength T: Int) -> Bool {
        switch self {
        case .finalSegment: return count == T
        case .everySegment: return false
        }
    }

    /// The content of the segments that end a document, given what is held back (`rest`:
    /// final-segment 0..<S tokens or exactly S; every-segment 0…S − |Q| − 1 tokens).
    /// - Returns: one or two segment contents; the last one holds the question.
    public func finalSegments(rest: [Int32], question: [Int32], segmentLength S: Int,
                              separator: Int32) throws -> [[Int32]] {
        try checkQuestion(tokens: question.count, segmentLength: S)
        switch self {
        case .finalSegment:
            if rest.count + 1 + question.count <= S { return [rest + [separator] + question] }
            return [rest, [separator] + question]
        case .everySegment:
            guard rest.count <= textLength(segmentLength: S, questionTokens: question.count) else {
                throw ModelError("document", "a final part of \(rest.count) tokens exceeds the segment's room beside the question")
            }
            return [question + [separator] + rest]
        }
    }

    /// Number of document tokens that make a document of exactly `segments` segments
    /// with a question of `questionTokens` tokens (the final segment is full).
    public func documentTokens(forSegments segments: Int, questionTokens: Int, segmentLength S: Int) -> Int {
        switch self {
        case .finalSegment: return segments * S - 1 - questionTokens
        case .everySegment: return segments * textLength(segmentLength: S, questionTokens: questionTokens)
        }
    }

    /// The segments (question segments included) a document of `tokens` tokens takes.
    public func segmentCount(documentTokens tokens: Int, questionTokens q: Int, segmentLength S: Int) -> Int {
        switch self {
        case .finalSegment:
            let rest = tokens % S
            return tokens / S + (rest + 1 + q <= S ? 1 : 2)
        case .everySegment:
            let T = textLength(segmentLength: S, questionTokens: q)
            return tokens == 0 ? 1 : (tokens + T - 1) / T
        }
    }
}
