// QuestionLayout: where the question goes in the segments a document is read in (final segment
// or every segment), how much document each segment holds, and the segments that end a
// document. Pure arithmetic on token ids, shared by the recurrence layer (reading, the model's
// `rmt.question_layout`) and the data layer (training documents), so it sits in RMTBase.
// LayoutError is its error; the recurrence layer's `checkQuestion` / `finalSegments`
// (QuestionLayoutChecks.swift) report the same problems as ModelError.
// See Docs/question-layout.md.

/// Why the segments that end a document cannot be made (`QuestionLayout.endingSegments`).
public enum LayoutError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The question does not fit a segment; the payload says why (`questionProblem`).
    case question(String)
    /// Every-segment: the final part of the document (this many tokens) exceeds the room beside
    /// the question.
    case finalPart(tokens: Int)

    /// What does not fit: "question" or "document".
    public var subject: String {
        switch self {
        case .question: return "question"
        case .finalPart: return "document"
        }
    }

    /// Why, in a few words.
    public var problem: String {
        switch self {
        case .question(let problem): return problem
        case .finalPart(let tokens): return "a final part of \(tokens) tokens exceeds the segment's room beside the question"
        }
    }

    public var description: String { "\(subject): \(problem)" }
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
        case .everySegment:
            var content: [Int32] = []
            writeReadingSegment(chunk, question: question, separator: separator, into: &content)
            return content
        }
    }

    /// `readingSegment` written into `content` (its old contents replaced, its capacity kept), so
    /// a reader that reuses one buffer allocates nothing per segment once it has grown.
    public func writeReadingSegment(_ chunk: [Int32], question: [Int32], separator: Int32, into content: inout [Int32]) {
        content.removeAll(keepingCapacity: true)
        if self == .everySegment {
            content.append(contentsOf: question)
            content.append(separator)
        }
        content.append(contentsOf: chunk)
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
    /// - Throws: `LayoutError` when the question (`questionProblem`) or `rest` does not fit.
    public func endingSegments(rest: [Int32], question: [Int32], segmentLength S: Int,
                               separator: Int32) throws(LayoutError) -> [[Int32]] {
        if let problem = questionProblem(tokens: question.count, segmentLength: S) { throw .question(problem) }
        switch self {
        case .finalSegment:
            if rest.count + 1 + question.count <= S { return [rest + [separator] + question] }
            return [rest, [separator] + question]
        case .everySegment:
            guard rest.count <= textLength(segmentLength: S, questionTokens: question.count) else {
                throw .finalPart(tokens: rest.count)
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
