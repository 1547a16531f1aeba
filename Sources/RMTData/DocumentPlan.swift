// DocumentPlan: one document as a recipe — runs of the noise stream and facts between them —
// instead of a token array. A plan is tiny (a few pieces), whatever the document's length; its
// segments are produced one at a time by copying pre-tokenized noise (DocumentSegmentStream),
// so a 4096-segment (2M-token) evaluation document never has to exist in memory at once.
//
// Exact segment count: a document of N segments with a question of |Q| tokens has
// T = layout.documentTokens(forSegments: N, questionTokens: |Q|, segmentLength: S) tokens, so
// that its final segment is full. Final-segment layout: T = N·S − 1 − |Q|; the first N − 1
// segments are full (S tokens) and the remaining S − 1 − |Q| tokens go through
// endingSegments(rest:…), which yields one full final segment `rest [SEP] Q`. Every-segment
// layout: T = N·(S − |Q| − 1); each segment is `Q [SEP] chunk` and the last chunk is the final
// segment (Docs/question-layout.md).
//
// Fact placement: F = the facts' tokens, B = T − F the noise budget. The noise stream starts at a
// random sentence. `start` facts sit at stream offset 0; `spread` facts get k uniform offsets in
// 0…B, sorted (so the facts keep their order), each moved back to the sentence boundary at or
// before it. Facts are whole sentences inserted between noise sentences and always end inside
// the document; only the last noise sentence is cut at the token level to fill T exactly.
// A split placement (`splitBetween: a…b`, what DataStream.crossSegmentRate asks for) puts a
// reading segment's boundary k·T (T the layout's text length) after a fact j in a…b: facts 0…j
// get offsets in 0…c and the rest in c…B, where c = k·T − (tokens of facts 0…j) is the noise
// position at which fact j would end on the boundary. That is the uniform placement conditioned
// on "exactly j + 1 offsets ≤ c"; (j, k) is drawn with that event's probability under the uniform
// placement, Binomial(n, j + 1, c / B), so split documents look like the natural ones that
// happen to straddle a boundary there (facts are not crowded against it). Snapping to sentence
// starts can still move a later fact back across the boundary: the caller checks.
// (Haystack documents, by contrast, end with a whole sentence: ~T tokens.) `whole` placement
// (the position tasks): the one fact is the entire document, exactly T tokens, no noise.
import Foundation
import RMTBase
import RMTTokenizer

/// A fact as placed in a document.
public struct PlacedFact: Sendable, Equatable {
    /// The fact's text (a sentence, or a custom context).
    public let text: String
    /// Its token ids (the tokenizer's ids of `text`).
    public let tokens: [Int32]
    /// The token offset in the document where the fact starts (question excluded).
    public let offset: Int

    public init(text: String, tokens: [Int32], offset: Int) {
        self.text = text
        self.tokens = tokens
        self.offset = offset
    }

    /// The document tokens the fact occupies.
    public var range: Range<Int> { offset..<(offset + tokens.count) }
}

/// A document with planted facts, its question and answer, as a compact recipe.
public struct DocumentPlan: Sendable {
    /// The task that made the episode (`memorize`, `babi-qa3`, …).
    public let task: String
    public let question: String
    /// The question's token ids (without [SEP]).
    public let questionTokens: [Int32]
    public internal(set) var answer: String
    /// The index of `answer` in the stream's labels.
    public internal(set) var label: Int
    /// The distractor facts' answers (see `Episode.distractorAnswers`).
    public internal(set) var distractorAnswers: [String]
    /// prefixLabels[i]: the label of the answer after the first i facts, −1 where there is none
    /// or the labels lack it (Episode.prefixAnswers); nil when the task does not define them.
    public internal(set) var prefixLabels: [Int32]?
    /// prefixStates[i][e]: the label of the room of `WorldStates.entities[e]` after the first i
    /// facts (Episode.worldStates; −1 where the labels lack it); nil when the task defines none.
    public internal(set) var prefixStates: [[Int32]]?
    /// The facts in document order, with their token offsets.
    public let facts: [PlacedFact]
    /// Document tokens T (the question and its [SEP] not counted).
    public let documentTokenCount: Int
    /// Document tokens per segment S.
    public let segmentLength: Int
    /// The number of segments the document and question take under the question layout.
    public let segmentCount: Int
    /// Where the question goes (the model's `settings.questionLayout`).
    public let questionLayout: QuestionLayout
    /// The noise the document is made of.
    public let noise: NoiseCorpus
    /// The noise sentence the document starts with.
    public let noiseStartSentence: Int
    /// The [SEP] id.
    public let separator: Int32

    enum Piece: Sendable {
        /// `count` tokens of the noise stream from stream offset `start` (a sentence boundary).
        case noise(start: Int, count: Int)
        /// Fact `index`.
        case fact(Int)
    }

    let pieces: [Piece]
    /// Whether the task wrote the whole document (a position task; no noise): its one fact is
    /// the document.
    public internal(set) var wholeDocument = false
    /// A memory probe (`askingAtTheEnd`): the question the final segment asks instead of
    /// `question`, and its tokens (no longer than `questionTokens`); nil = `question`.
    public internal(set) var finalQuestion: String? = nil
    public internal(set) var finalQuestionTokens: [Int32]? = nil

    /// A hidden question (`hidingTheQuestion`, `askingADecoyEarlier`): what every segment before
    /// the last reads in the question's place — [MASK] × |Q|, or a decoy question of as many
    /// tokens — so only the final segment sees the question; nil = every segment reads it.
    public internal(set) var hiddenQuestionTokens: [Int32]? = nil
    /// The decoy question those segments read (`askingADecoyEarlier`); nil for [MASK]s or none.
    public internal(set) var decoyQuestion: String? = nil

    /// The question the final segment asks, which `answer` answers.
    public var askedQuestion: String { finalQuestion ?? question }
    /// Its token ids.
    public var askedQuestionTokens: [Int32] { finalQuestionTokens ?? questionTokens }

    /// How long a document is.
    enum Length {
        /// Exactly this many segments (the noise is cut at the token level).
        case segments(Int)
        /// At least this many tokens, ending with a whole sentence.
        case tokens(Int)
    }

    /// Builds a plan for `episode` whose answer is label `label`; randomness (noise start, fact
    /// offsets) from `g`.
    /// - Parameter splitBetween: with `.spread` placement, put a segment boundary after one of
    ///   these facts (see the file's header); nil = offsets uniform over the whole document.
    static func make(episode: Episode, label: Int, prefixLabels: [Int32]? = nil, prefixStates: [[Int32]]? = nil,
                     length: Length, segmentLength S: Int,
                     questionLayout layout: QuestionLayout = .finalSegment, tokenizer: BertTokenizer,
                     separator: Int32, noise: NoiseCorpus, splitBetween: ClosedRange<Int>? = nil,
                     using g: inout SplitMix64) throws -> DocumentPlan {
        let context = "task \(episode.task)"
        let question = tokenizer.encode(episode.question)
        guard !question.isEmpty else { throw DataError(context, "the question \"\(episode.question)\" has no tokens") }
        if let problem = layout.questionProblem(tokens: question.count, segmentLength: S) {
            throw DataError(context, "the question \"\(episode.question)\": \(problem)")
        }
        let factTokens = episode.facts.map { tokenizer.encode($0) }
        if let empty = factTokens.firstIndex(where: \.isEmpty) {
            throw DataError(context, "fact \(empty + 1) has no tokens")
        }
        let factTotal = factTokens.reduce(0) { $0 + $1.count }

        var total: Int
        switch length {
        case .segments(let n):
            guard n >= 1 else { throw DataError(context, "the segment count must be at least 1, got \(n)") }
            total = layout.documentTokens(forSegments: n, questionTokens: question.count, segmentLength: S)
            guard factTotal <= total else {
                throw DataError(context, "the facts (\(factTotal) tokens) and the question (\(question.count) tokens + [SEP]) do not fit in \(n) segment\(n == 1 ? "" : "s") of \(S) tokens (\(total) document tokens, \(layout.rawValue) layout); use more segments",
                                factsDoNotFit: true)
            }
        case .tokens(let n):
            guard n >= 1 else { throw DataError(context, "the token count must be at least 1, got \(n)") }
            guard factTotal <= n else {
                throw DataError(context, "the facts (\(factTotal) tokens) do not fit in \(n) tokens", factsDoNotFit: true)
            }
            total = n
        }
        if episode.placement == .whole, factTotal != total {
            throw DataError(context, "the task wrote a document of \(factTotal) tokens for \(total) (a word of it is not one token in this vocabulary)")
        }
        let budget = total - factTotal

        let startSentence = g.below(noise.sentenceCount)
        let base = noise.tokenOffsets[startSentence]
        var offsets: [Int]
        switch episode.placement {
        case .start, .whole:
            offsets = Array(repeating: 0, count: factTokens.count)
        case .spread:
            if let range = splitBetween,
               let (j, c) = splitPosition(between: range, factTokens: factTokens, budget: budget,
                                          textLength: layout.textLength(segmentLength: S, questionTokens: question.count),
                                          using: &g) {
                offsets = (0...j).map { _ in g.between(0...c) }.sorted()
                    + (j + 1..<factTokens.count).map { _ in g.between(c...budget) }.sorted()
            } else {
                offsets = (0..<factTokens.count).map { _ in g.between(0...budget) }.sorted()
            }
            offsets = offsets.map { position in
                let flat = (base + position) % noise.tokenCount
                return position - (flat - noise.tokenOffsets[noise.sentence(containing: flat)])
            }
        }

        var pieces: [Piece] = []
        var facts: [PlacedFact] = []
        var stream = 0, documentOffset = 0
        for (index, tokens) in factTokens.enumerated() {
            let gap = offsets[index] - stream
            if gap > 0 { pieces.append(.noise(start: stream, count: gap)) }
            stream = offsets[index]
            documentOffset += gap
            facts.append(PlacedFact(text: episode.facts[index], tokens: tokens, offset: documentOffset))
            pieces.append(.fact(index))
            documentOffset += tokens.count
        }
        var tail = budget - stream
        if case .tokens = length, tail > 0 {
            // End with a whole sentence: read on to the end of the sentence the budget ends in.
            let flat = (base + budget) % noise.tokenCount
            let sentence = noise.sentence(containing: flat)
            if noise.tokenOffsets[sentence] != flat {
                let extra = noise.tokenOffsets[sentence + 1] - flat
                tail += extra
                total += extra
            }
        }
        if tail > 0 { pieces.append(.noise(start: stream, count: tail)) }

        // The segment count under the question layout (for .segments(n) it is n).
        let segmentCount = layout.segmentCount(documentTokens: total, questionTokens: question.count, segmentLength: S)
        if case .segments(let n) = length {
            precondition(segmentCount == n, "document of \(total) tokens does not make \(n) segments")
        }

        return DocumentPlan(task: episode.task, question: episode.question, questionTokens: question,
                            answer: episode.answer, label: label, distractorAnswers: episode.distractorAnswers,
                            prefixLabels: prefixLabels, prefixStates: prefixStates, facts: facts, documentTokenCount: total,
                            segmentLength: S, segmentCount: segmentCount, questionLayout: layout, noise: noise,
                            noiseStartSentence: startSentence, separator: separator, pieces: pieces,
                            wholeDocument: episode.placement == .whole)
    }

    /// A split placement's fact j in `range` and noise position c = k·T − (tokens of facts 0…j)
    /// in 0…budget, drawn with weight Binomial(n, j + 1, c / budget) — the uniform placement's
    /// probability that exactly facts 0…j lie before boundary k·T; nil when no (j, k) qualifies.
    static func splitPosition(between range: ClosedRange<Int>, factTokens: [[Int32]], budget: Int, textLength T: Int,
                              using g: inout SplitMix64) -> (fact: Int, position: Int)? {
        let n = factTokens.count
        guard budget > 0, T >= 1, range.lowerBound >= 0, range.upperBound + 1 < n else { return nil }
        var candidates: [(fact: Int, position: Int, weight: Double)] = []
        var through = factTokens[..<range.lowerBound].reduce(0) { $0 + $1.count }
        for j in range {
            through += factTokens[j].count
            // c = k·T − through ∈ 0…budget  ⇔  k ∈ ⌈through / T⌉ … ⌊(budget + through) / T⌋, k ≥ 1
            let lowest = max(1, (through + T - 1) / T), highest = (budget + through) / T
            guard lowest <= highest else { continue }
            for k in lowest...highest {
                let c = k * T - through
                candidates.append((j, c, binomial(n, j + 1, Double(c) / Double(budget))))
            }
        }
        let total = candidates.reduce(0) { $0 + $1.weight }
        guard total > 0 else {
            guard !candidates.isEmpty else { return nil }
            let pick = candidates[g.below(candidates.count)]
            return (pick.fact, pick.position)
        }
        var u = Double(g.nextUniform()) * total
        for candidate in candidates {
            u -= candidate.weight
            if u < 0 { return (candidate.fact, candidate.position) }
        }
        return (candidates.last!.fact, candidates.last!.position)
    }

    /// P(X = x) for X ~ Binomial(n, p).
    static func binomial(_ n: Int, _ x: Int, _ p: Double) -> Double {
        var choose = 1.0
        for i in 0..<x { choose = choose * Double(n - i) / Double(i + 1) }
        return choose * pow(p, Double(x)) * pow(1 - p, Double(n - x))
    }

    /// The reading segment (0-based) that holds document token `offset`: every segment but the
    /// final one holds the question layout's text length of document tokens (S, or S − |Q| − 1).
    public func segment(ofDocumentOffset offset: Int) -> Int {
        let T = questionLayout.textLength(segmentLength: segmentLength, questionTokens: questionTokens.count)
        return min(max(offset, 0) / max(T, 1), segmentCount - 1)
    }

    /// Whether one reading segment holds every one of `facts` (indices into `facts`) whole: what
    /// the answer rests on can then be read without the memory. True for fewer than two facts.
    public func oneSegmentHolds(facts indices: [Int]) -> Bool {
        let segments = Set(indices.flatMap { i -> [Int] in
            let range = facts[i].range
            return [segment(ofDocumentOffset: range.lowerBound), segment(ofDocumentOffset: range.upperBound - 1)]
        })
        return segments.count <= 1
    }

    /// A stream of this document's segments, produced one at a time.
    public func makeSegmentStream() -> DocumentSegmentStream { DocumentSegmentStream(plan: self) }

    /// The same document (same tokens, facts and question) split into segments of N document
    /// tokens instead — for reading with another segment length than the one it was made for.
    /// Throws when the question and its [SEP] do not fit in N.
    public func resplit(segmentLength N: Int) throws -> DocumentPlan {
        guard N != segmentLength else { return self }
        if let problem = questionLayout.questionProblem(tokens: questionTokens.count, segmentLength: N) {
            throw DataError("segment length \(N)", "the question: \(problem)")
        }
        let count = questionLayout.segmentCount(documentTokens: documentTokenCount, questionTokens: questionTokens.count,
                                                segmentLength: N)
        return DocumentPlan(task: task, question: question, questionTokens: questionTokens, answer: answer, label: label,
                            distractorAnswers: distractorAnswers, prefixLabels: prefixLabels, prefixStates: prefixStates,
                            facts: facts, documentTokenCount: documentTokenCount,
                            segmentLength: N, segmentCount: count, questionLayout: questionLayout, noise: noise,
                            noiseStartSentence: noiseStartSentence, separator: separator, pieces: pieces,
                            wholeDocument: wholeDocument, finalQuestion: finalQuestion, finalQuestionTokens: finalQuestionTokens,
                            hiddenQuestionTokens: hiddenQuestionTokens, decoyQuestion: decoyQuestion)
    }

    /// The same document with its final segment asking `question` (tokens `tokens`, no longer than
    /// the document's question) instead, answered by `answer` (label `label`): a memory probe
    /// (`DataStream.probeRate` in training, `DataStream.probePlan` in evaluation). Every segment before the last still reads with
    /// the document's own question. Every-segment layout only; the distractor answers and prefix
    /// labels, which belong to the document's own question, are dropped.
    public func askingAtTheEnd(_ question: String, tokens: [Int32], answer: String, label: Int) -> DocumentPlan {
        precondition(questionLayout == .everySegment && finalQuestion == nil,
                     "a memory probe needs the every-segment layout and a document not probed yet")
        precondition(!tokens.isEmpty && tokens.count <= questionTokens.count, "a memory probe is no longer than the question")
        var probed = self
        (probed.answer, probed.label, probed.distractorAnswers, probed.prefixLabels) = (answer, label, [], nil)
        (probed.finalQuestion, probed.finalQuestionTokens) = (question, tokens)
        return probed
    }

    /// The same document with the question hidden from every segment but the last: each earlier
    /// segment reads `mask` × |Q| where the question was (`M…M [SEP] piece`, the same tokens
    /// per segment), so the memory cannot select by the question and must carry whatever the
    /// final question may ask (`DataStream.hiddenQuestionRate` in training, `rmt-train eval
    /// --hidden-question`). The final segment reads the question (or a probe) as before; the
    /// prefix labels, which need the question in view, are dropped. Every-segment layout only.
    public func hidingTheQuestion(mask: Int32) -> DocumentPlan {
        readingEarlier([Int32](repeating: mask, count: questionTokens.count), decoy: nil)
    }

    /// The same document with every segment before the last reading `decoy` (tokens `tokens`,
    /// exactly as many as the question's) in the question's place — another question of the same
    /// form — and the final segment the real question (`DataStream.decoyQuestionRate`, `rmt-train
    /// eval --decoy-question`). Unlike [MASK]s, nothing tells such a document from an ordinary
    /// one until its last segment, so the memory cannot keep a separate mode for it. The prefix
    /// labels are dropped. Every-segment layout only.
    public func askingADecoyEarlier(_ decoy: String, tokens: [Int32]) -> DocumentPlan {
        readingEarlier(tokens, decoy: decoy)
    }

    /// This document with every segment before the last reading `tokens` (|Q| of them) where the
    /// question was, and without prefix labels: what both kinds of hidden question share.
    private func readingEarlier(_ tokens: [Int32], decoy: String?) -> DocumentPlan {
        precondition(questionLayout == .everySegment && hiddenQuestionTokens == nil,
                     "hiding the question needs the every-segment layout and a question not hidden yet")
        precondition(tokens.count == questionTokens.count, "what earlier segments read has as many tokens as the question")
        var hidden = self
        hidden.prefixLabels = nil
        hidden.hiddenQuestionTokens = tokens
        hidden.decoyQuestion = decoy
        return hidden
    }

    /// All segments (see `DocumentSegmentStream`).
    public func segments() -> [[Int32]] {
        var stream = makeSegmentStream()
        var result: [[Int32]] = []
        result.reserveCapacity(segmentCount)
        while let segment = stream.nextSegment() { result.append(segment) }
        return result
    }

    /// The document's tokens (without [SEP] and question).
    public func documentTokens() -> [Int32] {
        var cursor = TokenCursor(plan: self)
        var tokens: [Int32] = []
        tokens.reserveCapacity(documentTokenCount)
        cursor.read(documentTokenCount, into: &tokens)
        return tokens
    }

    /// The sample: segments, label, answer, question, facts.
    public func makeSample() -> Sample {
        let segments = segments()
        return Sample(task: task, question: question, questionTokens: questionTokens, answer: answer, label: label,
                      facts: facts, segments: segments, documentTokenCount: documentTokenCount,
                      distractorAnswers: distractorAnswers, questionLayout: questionLayout,
                      segmentLabels: segmentLabels(segments), finalQuestion: finalQuestion, finalQuestionTokens: finalQuestionTokens,
                      questionHidden: hiddenQuestionTokens != nil, stateLabels: segmentStates(),
                      factSegments: factSegments())
    }

    /// (N) Whether segment k holds a token of one of the facts (`segment(ofDocumentOffset:)` of each
    /// fact's first and last token, and every segment between; all of them for a whole-document task).
    public func factSegments() -> [Bool] {
        var holds = [Bool](repeating: wholeDocument, count: segmentCount)
        for fact in facts where !fact.tokens.isEmpty {
            for k in segment(ofDocumentOffset: fact.range.lowerBound)...segment(ofDocumentOffset: fact.range.upperBound - 1) {
                holds[k] = true
            }
        }
        return holds
    }

    /// What the memory leaving each segment is scored against under `--state-loss`: row k holds
    /// the state labels (one per entity) after the facts that end within segments 0…k (a fact cut
    /// by a segment boundary counts from the segment that ends it; `segment(ofDocumentOffset:)`,
    /// either question layout). nil for a task without world states or a whole-document task.
    public func segmentStates() -> [[Int32]]? {
        guard let prefixStates, !wholeDocument else { return nil }
        var known = 0
        return (0..<segmentCount).map { k in
            while known < facts.count && segment(ofDocumentOffset: facts[known].range.upperBound - 1) <= k { known += 1 }
            return prefixStates[known]
        }
    }

    /// The label each segment is scored against under `--prefix-loss`: the prefix label of the
    /// facts that end within the segments read so far (a fact cut by a segment boundary counts
    /// from the segment that ends it). Every-segment layout only — under final-segment the
    /// earlier segments hold no question — and only for a task with prefix answers; else nil.
    func segmentLabels(_ segments: [[Int32]]) -> [Int32]? {
        guard let prefixLabels, questionLayout == .everySegment, !wholeDocument else { return nil }
        var read = 0, known = 0
        let labels = segments.map { content -> Int32 in
            read += content.count - questionTokens.count - 1  // `Q [SEP] chunk`
            while known < facts.count && facts[known].range.upperBound <= read { known += 1 }
            return prefixLabels[known]
        }
        precondition(read == documentTokenCount && known == facts.count && labels.last == Int32(label),
                     "segment labels: \(read) of \(documentTokenCount) tokens, \(known) of \(facts.count) facts read")
        return labels
    }

    /// The document's text in UTF-8 chunks of about `chunkSize` bytes: noise sentences and facts
    /// joined by single spaces. A noise sentence cut at the token level (the last one of an
    /// exact-segment document) is written whole, so the text's tokens start with the document's
    /// tokens and go on at most to the end of that sentence.
    public func writeText(chunkSize: Int = 1 << 16, to sink: ([UInt8]) throws -> Void) rethrows {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunkSize + 1024)
        var first = true
        func add(_ bytes: ArraySlice<UInt8>) throws {
            if !first { buffer.append(0x20) }
            first = false
            buffer.append(contentsOf: bytes)
            if buffer.count >= chunkSize {
                try sink(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        let base = noise.tokenOffsets[noiseStartSentence]
        for piece in pieces {
            switch piece {
            case .fact(let index):
                try add(ArraySlice(facts[index].text.utf8))
            case .noise(let start, let count):
                var sentence = noise.sentence(containing: (base + start) % noise.tokenCount)
                var covered = 0
                while covered < count {
                    try add(noise.textBytes[noise.textOffsets[sentence]..<noise.textOffsets[sentence + 1]])
                    covered += noise.tokenOffsets[sentence + 1] - noise.tokenOffsets[sentence]
                    sentence = (sentence + 1) % noise.sentenceCount
                }
            }
        }
        if !buffer.isEmpty { try sink(buffer) }
    }

    /// The document's text as one string (see `writeText`); for short documents.
    public func text() -> String {
        var bytes: [UInt8] = []
        writeText { bytes.append(contentsOf: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Reads a plan's document tokens in order.
struct TokenCursor {
    let plan: DocumentPlan
    private var piece = 0
    private var offset = 0

    init(plan: DocumentPlan) { self.plan = plan }

    /// Appends the next `count` document tokens (fewer at the end of the document).
    mutating func read(_ count: Int, into output: inout [Int32]) {
        var left = count
        let base = plan.noise.tokenOffsets[plan.noiseStartSentence]
        while left > 0 && piece < plan.pieces.count {
            let length: Int
            switch plan.pieces[piece] {
            case .fact(let index):
                let tokens = plan.facts[index].tokens
                length = tokens.count
                let run = min(left, length - offset)
                output.append(contentsOf: tokens[offset..<(offset + run)])
                left -= run
                offset += run
            case .noise(let start, let count):
                length = count
                let run = min(left, count - offset)
                plan.noise.appendTokens(from: base + start + offset, count: run, to: &output)
                left -= run
                offset += run
            }
            if offset == length {
                piece += 1
                offset = 0
            }
        }
    }
}

/// A document's segments, one at a time: the segments read before the end (S document tokens,
/// or `Q [SEP]` + S − |Q| − 1 under every-segment), then the final segment(s) from
/// `QuestionLayout.endingSegments` (the last holds the question).
public struct DocumentSegmentStream: IteratorProtocol, Sendable {
    private var cursor: TokenCursor
    private var consumed = 0
    private var pending: [[Int32]] = []
    private var finished = false
    /// The segments produced so far.
    public private(set) var produced = 0

    init(plan: DocumentPlan) { cursor = TokenCursor(plan: plan) }

    /// The plan being read.
    public var plan: DocumentPlan { cursor.plan }

    /// The number of segments still to come.
    public var remaining: Int { cursor.plan.segmentCount - produced }

    /// The next segment's content (no [CLS], memory or outer [SEP]), or nil after the last one.
    public mutating func nextSegment() -> [Int32]? {
        let plan = cursor.plan
        let layout = plan.questionLayout
        let T = layout.textLength(segmentLength: plan.segmentLength, questionTokens: plan.questionTokens.count)
        let left = plan.documentTokenCount - consumed
        if left > T || (left == T && layout.readsAtOnce(chunk: T, textLength: T)) {
            var chunk: [Int32] = []
            chunk.reserveCapacity(T)
            cursor.read(T, into: &chunk)
            consumed += T
            produced += 1
            return hidingTheQuestion(layout.readingSegment(chunk, question: plan.questionTokens, separator: plan.separator))
        }
        if !finished {
            finished = true
            var rest: [Int32] = []
            cursor.read(left, into: &rest)
            consumed += left
            do {
                pending = try layout.endingSegments(
                    rest: rest, question: plan.questionTokens, segmentLength: plan.segmentLength, separator: plan.separator)
            } catch {
                preconditionFailure("question checked when the plan was made: \(error)")
            }
            pending.reverse()
        }
        guard var segment = pending.popLast() else { return nil }
        produced += 1
        if pending.isEmpty, let probe = plan.finalQuestionTokens {  // `P [SEP] rest` (every-segment)
            segment = probe + segment.dropFirst(plan.questionTokens.count)
        }
        return hidingTheQuestion(segment)
    }

    /// `segment` (just produced) with the question replaced by the plan's hidden-question tokens
    /// unless it is the final segment (`DocumentPlan.hidingTheQuestion`).
    func hidingTheQuestion(_ segment: [Int32]) -> [Int32] {
        guard let hidden = cursor.plan.hiddenQuestionTokens, produced < cursor.plan.segmentCount else { return segment }
        return hidden + segment.dropFirst(hidden.count)
    }

    public mutating func next() -> [Int32]? { nextSegment() }
}
