// DataStream and Sample: reproducible streams of training/evaluation documents.
//
// Item i of a stream with seed s is generated from its own SplitMix64, seeded from (s, i) alone:
// the episode (task, facts, question) first, then the noise start and the fact offsets. So
// `sample(index:segments:)` regenerates any item, the stream's whole state is one integer
// (`position`, the index of the next item), and the same index at a different segment count
// has the same facts and question (not for the position tasks, whose document is written at its
// length: their question comes first, then a document of exactly the layout's T tokens); the
// same holds at another segment length (`sample(index:segments:segmentLength:)`, what a batch of a
// SegmentLengthRange reads). Train and validation streams differ by seed
// (`DataStream.seed(_:for:)`) and, ideally, by noise (e.g. train/ and valid/ prose folders, or
// built-in prose with different seeds).
import RMTBase
import RMTTokenizer

/// One training or evaluation example: the segment contents and the answer.
public struct Sample: Sendable {
    /// The task that made it (`memorize`, `babi-qa2`, …).
    public let task: String
    public let question: String
    /// The question's token ids (without [SEP]).
    public let questionTokens: [Int32]
    public let answer: String
    /// The index of `answer` in the stream's labels.
    public let label: Int
    /// The facts in document order, with their token offsets in the document.
    public let facts: [PlacedFact]
    /// The segment contents, exactly as many as asked for, each at most S tokens, without
    /// [CLS]/memory/outer [SEP], laid out by `questionLayout`: final-segment — document tokens,
    /// the last `rest [SEP] question`; every-segment — each `question [SEP] piece`.
    public let segments: [[Int32]]
    /// Where the question is in `segments`.
    public let questionLayout: QuestionLayout
    /// Document tokens T (the question and its [SEP] not counted).
    public let documentTokenCount: Int
    /// The distractor facts' answers (distractor tasks; see `Episode.distractorAnswers`).
    public let distractorAnswers: [String]
    /// (N) The label each segment is scored against under `--prefix-loss`: the answer the
    /// facts read by the end of that segment give (`unknown` before the fact), −1 where they give
    /// none; the last is `label`. nil under the final-segment layout (earlier segments hold no
    /// question) and for tasks without prefix answers (custom, the position tasks).
    public let segmentLabels: [Int32]?
    /// The question the final segment asks and `answer` answers: `question`, or a memory probe's
    /// (`DocumentPlan.askingAtTheEnd`), whose tokens replace the question's at the start of the final segment.
    public let finalQuestion: String
    public let finalQuestionTokens: [Int32]
    /// Whether every segment before the last reads [MASK]s in the question's place
    /// (`DocumentPlan.hidingTheQuestion`); `documentTokens` is the same either way.
    public let questionHidden: Bool
    /// (N, E) What the memory leaving each segment is scored against under `--state-loss`: the
    /// label of the room of each of `WorldStates.entities` after the facts read by the end of that
    /// segment (`unknown` before one places it; −1: a label the stream lacks). nil for tasks
    /// without world states (custom, the position tasks).
    public let stateLabels: [[Int32]]?
    /// (N) Whether segment k holds a token of a fact (a fact cut by a segment boundary is in both;
    /// a whole-document task's fact is in every segment): what `--move-penalty-scope quiet` spares.
    /// nil where the maker of the sample did not say.
    public let factSegments: [Bool]?

    public init(task: String, question: String, questionTokens: [Int32], answer: String, label: Int,
                facts: [PlacedFact], segments: [[Int32]], documentTokenCount: Int, distractorAnswers: [String] = [],
                questionLayout: QuestionLayout = .finalSegment, segmentLabels: [Int32]? = nil,
                finalQuestion: String? = nil, finalQuestionTokens: [Int32]? = nil, questionHidden: Bool = false,
                stateLabels: [[Int32]]? = nil, factSegments: [Bool]? = nil) {
        self.factSegments = factSegments
        self.questionHidden = questionHidden
        self.stateLabels = stateLabels
        self.finalQuestion = finalQuestion ?? question
        self.finalQuestionTokens = finalQuestionTokens ?? questionTokens
        self.distractorAnswers = distractorAnswers
        self.segmentLabels = segmentLabels
        self.questionLayout = questionLayout
        self.task = task
        self.question = question
        self.questionTokens = questionTokens
        self.answer = answer
        self.label = label
        self.facts = facts
        self.segments = segments
        self.documentTokenCount = documentTokenCount
    }

    /// The document's tokens: the segments joined, without the question and its [SEP].
    public var documentTokens: [Int32] {
        switch questionLayout {
        case .finalSegment: return Array(segments.joined().prefix(documentTokenCount))
        case .everySegment:
            return Array(segments.indices.map { k in
                segments[k].dropFirst((k == segments.count - 1 ? finalQuestionTokens.count : questionTokens.count) + 1)
            }.joined())
        }
    }
}

/// Which data a seed is for.
public enum DataSplit: String, Sendable, CaseIterable {
    case train, validation
}

/// A reproducible stream of documents for one task (or mixture) over one noise corpus.
public struct DataStream: Sendable {
    public let task: any MemoryTask
    public let noise: NoiseCorpus
    public let tokenizer: BertTokenizer
    public let seed: UInt64
    /// Segment content capacity S (document tokens per segment under the final-segment layout).
    public let segmentLength: Int
    /// Where the question goes (the model's `settings.questionLayout`).
    public let questionLayout: QuestionLayout
    /// The index of the next item `next(segments:)` makes. Save it to resume a stream; set it to
    /// jump anywhere.
    public var position: Int
    /// The [SEP] id.
    public let separator: Int32
    /// The share of documents `next(segments:…)` turns into memory probes (`DocumentPlan.askingAtTheEnd`):
    /// a document whose episode has probes (`Episode.probes`) asks one of them, drawn uniformly
    /// among those that differ from its own question and are no longer in tokens, in its final
    /// segment. Every-segment layout only (`DataStream.init` leaves it 0; `rmt-train --probe-rate`
    /// sets it on the training stream). The draws come from a generator of their own per item, so a
    /// stream at rate 0 makes the same documents as before the probes existed, and `sample(index:…)`
    /// (validation, evaluation) never probes.
    public var probeRate: Double = 0 {
        didSet { precondition(probeRate >= 0 && probeRate <= 1, "probe rate \(probeRate) is outside [0, 1]") }
    }
    /// Whether a probe asks where an object is (`Episode.objectProbes`, `rmt-train
    /// --probe-objects`) whenever the story has one that qualifies, a person otherwise. Off, the
    /// probes are the persons' only, as before object probes existed.
    public var probeObjects = false

    /// The share of documents whose supporting facts (`Episode.supportingFacts`, two or more: qa2)
    /// all sit in one segment that are placed again, with noise and offsets from a generator of
    /// their own per item and a segment boundary drawn between two of them (DocumentPlan's split
    /// placement: the facts keep their order, each side spread uniformly), until no segment holds
    /// them all (at most `crossSegmentTries` draws; a document that never separates keeps its
    /// placement): the answer then rests on the memory.
    /// At rate 1 every such document of two or more segments needs the memory. Applies to
    /// `next(segments:…)` and `sample(index:…)` alike; `rmt-train --cross-segment-rate` sets it on
    /// the training stream, `rmt-train eval --cross-segment` to 1 on the evaluated one. At rate 0
    /// (the default) documents are those made before the rate existed.
    public var crossSegmentRate: Double = 0 {
        didSet { precondition(crossSegmentRate >= 0 && crossSegmentRate <= 1, "cross-segment rate \(crossSegmentRate) is outside [0, 1]") }
    }

    /// The share of documents whose question every segment but the last reads as [MASK]s
    /// (`DocumentPlan.hidingTheQuestion`): the memory then has to carry whatever the final
    /// question may ask about, since it cannot select by the question. Drawn per item from a
    /// generator of its own (so rate 0, the default, makes the documents made before the rate
    /// existed), after the placement and the cross-segment re-placement; applies to
    /// `next(segments:…)`, `sample(index:…)` and `probePlan` alike. Every-segment layout only
    /// (it is ignored under final-segment, where no earlier segment reads the question);
    /// `rmt-train --hidden-question-rate` sets it on the training stream, `rmt-train eval
    /// --hidden-question` to 1 on the evaluated one.
    public var hiddenQuestionRate: Double = 0 {
        didSet { precondition(hiddenQuestionRate >= 0 && hiddenQuestionRate <= 1, "hidden-question rate \(hiddenQuestionRate) is outside [0, 1]") }
    }
    /// The share of documents whose segments before the last read a decoy question — the
    /// question with one task word replaced (`QuestionForms.decoys`), of as many tokens — and
    /// whose final segment reads the real one (`DocumentPlan.askingADecoyEarlier`): the memory
    /// must carry whatever the final question may ask, on documents that look like any other
    /// until their end. Drawn per item from a generator of its own, after the hidden-question
    /// draw (a document hidden with [MASK]s is not also decoyed); rate 0 (the default) makes the
    /// documents made before the rate existed. Every-segment layout only; a question with no
    /// decoy of its length is read as usual. `rmt-train --decoy-question-rate`, `rmt-train eval
    /// --decoy-question` (rate 1).
    public var decoyQuestionRate: Double = 0 {
        didSet { precondition(decoyQuestionRate >= 0 && decoyQuestionRate <= 1, "decoy-question rate \(decoyQuestionRate) is outside [0, 1]") }
    }
    /// The token a hidden question reads as ([MASK]).
    public let mask: Int32?

    /// The answer labels in classifier order (a sample's `label` indexes them): the task's, or
    /// the model's given at `init`.
    public let labels: [String]

    /// - Parameter labels: the labels samples are numbered by (a model's `settings.labels`);
    ///   nil = the task's. They must contain every answer the task can give (`task.answers`),
    ///   in any order, so a model made before a label existed still reads the tasks it can
    ///   answer.
    /// - Throws: `DataError` when the vocabulary has no [SEP], `segmentLength` < 2, or
    ///   `labels` lacks an answer of the task.
    public init(task: any MemoryTask, noise: NoiseCorpus, tokenizer: BertTokenizer, seed: UInt64,
                segmentLength: Int = 499, questionLayout: QuestionLayout = .finalSegment, position: Int = 0,
                labels: [String]? = nil) throws {
        guard let separator = tokenizer.vocabulary.sepID else {
            throw DataError("tokenizer", "the vocabulary has no [SEP] token")
        }
        guard segmentLength >= 2 else { throw DataError("segment length", "must be at least 2, got \(segmentLength)") }
        let labels = labels ?? task.labels
        let missing = task.answers.filter { !labels.contains($0) }
        guard missing.isEmpty else {
            throw DataError("task \(task.name)", "answers \(missing.map { "\"\($0)\"" }.joined(separator: ", ")), which the labels [\(labels.joined(separator: ", "))] lack (a model made before that label cannot read this task; rmt-train --add-labels gives it the label)")
        }
        self.labels = labels
        self.task = task
        self.noise = noise
        self.tokenizer = tokenizer
        self.seed = seed
        self.segmentLength = segmentLength
        self.questionLayout = questionLayout
        self.position = position
        self.separator = separator
        self.mask = tokenizer.vocabulary.maskID
    }

    /// The same stream with samples numbered by `labels` (see `init`).
    /// - Throws: `DataError` when `labels` lacks an answer of the task.
    public func relabelled(to labels: [String]) throws -> DataStream {
        var stream = try DataStream(task: task, noise: noise, tokenizer: tokenizer, seed: seed, segmentLength: segmentLength,
                                    questionLayout: questionLayout, position: position, labels: labels)
        stream.probeRate = probeRate
        stream.crossSegmentRate = crossSegmentRate
        stream.hiddenQuestionRate = hiddenQuestionRate
        stream.decoyQuestionRate = decoyQuestionRate
        return stream
    }

    /// The seed for `split` derived from one base seed (train = the base itself).
    public static func seed(_ base: UInt64, for split: DataSplit) -> UInt64 {
        switch split {
        case .train: return base
        case .validation: return SplitMix64.mix(base ^ 0x7661_6C69_6461_7465)
        }
    }

    /// The next sample, with exactly `segments` segments; advances `position` by one (also when
    /// it throws, so a retry moves on).
    /// - Throws: `DataError` when the facts and question do not fit in `segments` segments.
    public mutating func next(segments: Int) throws -> Sample {
        try next(segments: segments, segmentLength: segmentLength)
    }

    /// The next sample, with exactly `segments` segments of `segmentLength` document tokens
    /// instead of the stream's own length (a batch of a `SegmentLengthRange`); advances
    /// `position` by one, also when it throws. The item's facts and question are those it has
    /// at any length; its noise and fact offsets follow from the length.
    /// - Throws: `DataError` when `segmentLength` < 2 or the facts and question do not fit.
    public mutating func next(segments: Int, segmentLength: Int) throws -> Sample {
        defer { position += 1 }
        let (episode, plan) = try episodeAndPlan(index: position, length: .segments(segments), segmentLength: segmentLength)
        guard probeRate > 0, questionLayout == .everySegment else { return plan.makeSample() }
        let (uniform, generator) = probeDraws(index: position)
        guard uniform < probeRate else { return plan.makeSample() }
        var draw = generator
        return (probing(plan, of: episode, draw: &draw) ?? plan).makeSample()
    }

    /// Item `index` with exactly `segments` segments, its final segment asking the memory probe
    /// a training stream at probe rate 1 would ask (`probeRate`), or nil when its episode has no
    /// probe that fits: what `rmt-train eval --probe` reads. Every-segment layout only.
    /// - Throws: `DataError` under the final-segment layout, or when the facts do not fit.
    public func probePlan(index: Int, segments: Int) throws -> DocumentPlan? {
        guard questionLayout == .everySegment else {
            throw DataError("task \(task.name)", "memory probes need the every-segment question layout (the question in every segment)")
        }
        let (episode, plan) = try episodeAndPlan(index: index, length: .segments(segments))
        var (_, draw) = probeDraws(index: index)  // the rate's draw skipped: the probe training would ask
        return probing(plan, of: episode, draw: &draw)
    }

    /// Item `index`'s probe generator (its own, salted): the uniform draw compared with
    /// `probeRate`, and the generator after it, which picks the probe.
    func probeDraws(index: Int) -> (uniform: Double, draw: SplitMix64) {
        var draw = SplitMix64.forItem(index, seed: seed ^ Self.probeSalt)
        return (Double(draw.nextUniform()), draw)
    }

    /// `plan` (made from `episode`) asking, in its final segment, one of the episode's probes drawn
    /// by `draw` — among those whose question differs from the document's, is no longer in tokens,
    /// and whose answer is a label; with `probeObjects` among its object probes when one qualifies
    /// (a story makes few objects known: qa2 stories rarely another than the one asked) — or nil
    /// when none qualifies.
    func probing(_ plan: DocumentPlan, of episode: Episode, draw: inout SplitMix64) -> DocumentPlan? {
        func qualifying(_ probes: [Probe]) -> [(Probe, [Int32], Int)] {
            probes.compactMap { probe in
                let tokens = tokenizer.encode(probe.question)
                guard probe.question != plan.question, !tokens.isEmpty, tokens.count <= plan.questionTokens.count,
                      let label = labels.firstIndex(of: probe.answer) else { return nil }
                return (probe, tokens, label)
            }
        }
        let objects = probeObjects ? qualifying(episode.objectProbes) : []
        let candidates = objects.isEmpty ? qualifying(episode.probes) : objects
        guard !candidates.isEmpty else { return nil }
        let (probe, tokens, label) = draw.pick(candidates)
        return plan.askingAtTheEnd(probe.question, tokens: tokens, answer: probe.answer, label: label)
    }

    /// Separates the probe draws' generators from the documents' (ASCII "probe").
    static let probeSalt: UInt64 = 0x70_726F_6265

    /// Item `index` with exactly `segments` segments.
    public func sample(index: Int, segments: Int) throws -> Sample {
        try plan(index: index, segments: segments).makeSample()
    }

    /// Item `index` with exactly `segments` segments of `segmentLength` document tokens
    /// (see `next(segments:segmentLength:)`).
    /// - Throws: `DataError` when `segmentLength` < 2 or the facts and question do not fit.
    public func sample(index: Int, segments: Int, segmentLength: Int) throws -> Sample {
        try plan(index: index, length: .segments(segments), segmentLength: segmentLength).makeSample()
    }

    /// Item `index` as a plan with exactly `segments` segments.
    public func plan(index: Int, segments: Int) throws -> DocumentPlan {
        try plan(index: index, length: .segments(segments))
    }

    /// Item `index` as a long text document of at least `tokens` tokens that ends with a whole
    /// sentence (rmt-tool haystack). Its segment count follows from the question layout.
    public func haystack(index: Int = 0, tokens: Int) throws -> DocumentPlan {
        try plan(index: index, length: .tokens(tokens))
    }

    /// Item `index`'s episode (from its own generator) as a plan of `length`, in segments of
    /// `segmentLength` document tokens (nil = the stream's).
    func plan(index: Int, length: DocumentPlan.Length, segmentLength: Int? = nil) throws -> DocumentPlan {
        try episodeAndPlan(index: index, length: length, segmentLength: segmentLength).plan
    }

    /// `plan(index:length:segmentLength:)` with the episode it was made from (its probes).
    func episodeAndPlan(index: Int, length: DocumentPlan.Length,
                        segmentLength: Int? = nil) throws -> (episode: Episode, plan: DocumentPlan) {
        let segmentLength = segmentLength ?? self.segmentLength
        guard segmentLength >= 2 else { throw DataError("segment length", "must be at least 2, got \(segmentLength)") }
        var generator = SplitMix64.forItem(index, seed: seed)
        let episode = try makeEpisode(length: length, segmentLength: segmentLength, using: &generator)
        let placed = try placing(episode, length: length, segmentLength: segmentLength, using: &generator)
        let plan = try placedApart(placed, of: episode, index: index, length: length, segmentLength: segmentLength)
        return (episode, askingADecoy(of: hidingTheQuestion(of: plan, index: index), index: index))
    }

    /// `plan` with a decoy question in every segment but the last, if item `index` draws it at
    /// `decoyQuestionRate` (every-segment layout, two or more segments, not hidden already, a
    /// decoy of the question's token count); the decoy drawn uniformly among those.
    func askingADecoy(of plan: DocumentPlan, index: Int) -> DocumentPlan {
        guard decoyQuestionRate > 0, questionLayout == .everySegment, plan.segmentCount >= 2,
              plan.hiddenQuestionTokens == nil else { return plan }
        var draw = SplitMix64.forItem(index, seed: seed ^ Self.decoySalt)
        guard Double(draw.nextUniform()) < decoyQuestionRate else { return plan }
        let candidates = QuestionForms.decoys(of: plan.question).compactMap { decoy -> (String, [Int32])? in
            let tokens = tokenizer.encode(decoy)
            return tokens.count == plan.questionTokens.count && tokens != plan.questionTokens ? (decoy, tokens) : nil
        }
        guard !candidates.isEmpty else { return plan }
        let (decoy, tokens) = draw.pick(candidates)
        return plan.askingADecoyEarlier(decoy, tokens: tokens)
    }

    /// Separates the decoy draws' generators from the documents' (ASCII "decoy").
    static let decoySalt: UInt64 = 0x64_6563_6F79

    /// `plan` placed again with its supporting facts apart, if item `index` draws it at
    /// `crossSegmentRate` and one segment holds them all; else `plan`.
    func placedApart(_ plan: DocumentPlan, of episode: Episode, index: Int, length: DocumentPlan.Length,
                     segmentLength: Int) throws -> DocumentPlan {
        guard crossSegmentRate > 0, episode.supportingFacts.count >= 2, plan.segmentCount >= 2,
              plan.oneSegmentHolds(facts: episode.supportingFacts) else { return plan }
        var draw = SplitMix64.forItem(index, seed: seed ^ Self.crossSegmentSalt)
        guard Double(draw.nextUniform()) < crossSegmentRate else { return plan }
        let first = episode.supportingFacts.first!, last = episode.supportingFacts.last!
        for _ in 0..<Self.crossSegmentTries {
            // A segment boundary after a fact from the first supporting one to the one before the last.
            let apart = try placing(episode, length: length, segmentLength: segmentLength,
                                    splitBetween: first...(last - 1), using: &draw)
            if !apart.oneSegmentHolds(facts: episode.supportingFacts) { return apart }
        }
        return plan
    }

    /// `plan` with its question hidden from every segment but the last, if item `index` draws it
    /// at `hiddenQuestionRate` (every-segment layout, a document of two or more segments, a
    /// vocabulary with [MASK]); else `plan`.
    func hidingTheQuestion(of plan: DocumentPlan, index: Int) -> DocumentPlan {
        guard hiddenQuestionRate > 0, questionLayout == .everySegment, plan.segmentCount >= 2, let mask else { return plan }
        var draw = SplitMix64.forItem(index, seed: seed ^ Self.hiddenQuestionSalt)
        guard Double(draw.nextUniform()) < hiddenQuestionRate else { return plan }
        return plan.hidingTheQuestion(mask: mask)
    }

    /// Separates the hidden-question draws' generators from the documents' (ASCII "hide").
    static let hiddenQuestionSalt: UInt64 = 0x68_6964_65

    /// `episode` placed in noise as a document of `length` (noise start and fact offsets from `g`;
    /// `splitBetween`: a segment boundary after one of those facts, DocumentPlan.make).
    func placing(_ episode: Episode, length: DocumentPlan.Length, segmentLength: Int, splitBetween: ClosedRange<Int>? = nil,
                 using g: inout SplitMix64) throws -> DocumentPlan {
        try DocumentPlan.make(episode: episode, label: label(of: episode), prefixLabels: prefixLabels(of: episode),
                              prefixStates: prefixStates(of: episode), length: length, segmentLength: segmentLength, questionLayout: questionLayout,
                              tokenizer: tokenizer, separator: separator, noise: noise, splitBetween: splitBetween, using: &g)
    }

    /// Placements tried per document at a cross-segment rate before it keeps its own.
    static let crossSegmentTries = 64
    /// Separates the cross-segment placements' generators from the documents' (ASCII "cross").
    static let crossSegmentSalt: UInt64 = 0x63_726F_7373

    /// The episode of a document of `length` in segments of `segmentLength`: the task's facts, or
    /// for a task that writes the whole document (the position tasks) a document of exactly the
    /// layout's document tokens for its question (`length` tokens for a haystack).
    func makeEpisode(length: DocumentPlan.Length, segmentLength: Int, using generator: inout SplitMix64) throws -> Episode {
        guard task.writesWholeDocument else { return task.makeEpisode(using: &generator) }
        let episode = try task.makeWholeDocumentEpisode(documentTokens: { question in
            let tokens = tokenizer.encode(question).count
            switch length {
            case .tokens(let n): return n
            case .segments(let n):
                guard n >= 1 else { throw DataError("task \(task.name)", "the segment count must be at least 1, got \(n)") }
                if let problem = questionLayout.questionProblem(tokens: tokens, segmentLength: segmentLength) {
                    throw DataError("task \(task.name)", "the question \"\(question)\": \(problem)")
                }
                return questionLayout.documentTokens(forSegments: n, questionTokens: tokens, segmentLength: segmentLength)
            }
        }, using: &generator)
        guard let episode else { preconditionFailure("task \(task.name) writes whole documents but made none") }
        return episode
    }

    /// The index of the episode's answer in `labels` (checked against `task.answers` at init).
    func label(of episode: Episode) -> Int {
        guard let index = labels.firstIndex(of: episode.answer) else {
            preconditionFailure("task \(episode.task) answered \"\(episode.answer)\", which it does not list in answers")
        }
        return index
    }

    /// The episode's prefix answers as indices in `labels` (−1: none, or a label the model lacks,
    /// such as `unknown` for a model made before it); nil when the task defines none.
    func prefixLabels(of episode: Episode) -> [Int32]? {
        episode.prefixAnswers?.map { answer in answer.flatMap { labels.firstIndex(of: $0) }.map(Int32.init) ?? -1 }
    }

    /// The episode's world states as indices in `labels` (−1: a room or `unknown` the labels
    /// lack); nil when the task defines none.
    func prefixStates(of episode: Episode) -> [[Int32]]? {
        episode.worldStates?.map { row in row.map { room in labels.firstIndex(of: room).map(Int32.init) ?? -1 } }
    }

    /// The episode (facts, question, answer) of item `index` (for a position task: its document at
    /// 64 tokens; the document of a sample depends on its length).
    public func episode(index: Int) -> Episode {
        var generator = SplitMix64.forItem(index, seed: seed)
        return task.makeEpisode(using: &generator)
    }
}
