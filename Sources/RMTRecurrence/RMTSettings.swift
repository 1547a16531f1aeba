// RMTSettings: the `rmt` section of a model's config.json — memory size, segment
// length, answer labels, question layout, tokenizer casing, the question domain the model
// was trained on, the answer temperature of each of its question forms, the entities of its
// state readout, how many times it reads each document and whether a gate chooses the memory
// it hands on — and its validation.
// See Docs/file-formats.md.
import RMTBase
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
    /// The entities the state readout places (StateReadout: one query each, `rmt.state.*`
    /// tensors), or nil for a model without one (`rmt-train --state-loss` adds it).
    public var stateEntities: [String]?
    /// The width D of the state readout's hidden layer (a two-layer probe, `rmt.state.hidden.*`
    /// tensors), or nil for the linear probe.
    public var stateHidden: Int?
    /// The temperature T of each question form (keys: forms of `domain`), by document length, at
    /// which answers to a question of that form are reported — probabilities softmax(logits / T), the
    /// answer itself unchanged (`rmt-tool calibrate --by-question-form`; AnswerTemperature.swift):
    /// points (segments, T) in increasing segments, T interpolated linearly in log(segments) between
    /// them and held beyond the ends; nil, or a form left out, reads at T = 1. Training ignores it
    /// (a fine-tune's model records none).
    public var answerTemperatures: [String: [TemperaturePoint]]?
    /// How many times the model reads each document (`rmt-train --passes N`): the memory leaving
    /// the last segment of one reading enters the first segment of the next, and the answer comes
    /// from the last one — a second reading knows from its first which facts will matter. nil:
    /// once (every model made before it existed).
    public var passes: Int?

    /// Whether a learned update gate (MemoryGate, `rmt.memory_gate.*` tensors) mixes each segment's
    /// new memory with the memory that entered it (`rmt-train --memory-gate`); nil: no gate, the
    /// memory is the last hidden state at the memory rows (every model made before it).
    public var memoryGate: Bool?

    /// Whether the model has the memory gate.
    public var hasMemoryGate: Bool { memoryGate == true }

    /// The readings per document: `passes`, or 1.
    public var readingPasses: Int { passes ?? 1 }

    /// The largest `passes` a model may record.
    public static let maxPasses = 8

    enum CodingKeys: String, CodingKey {
        case memoryTokens = "memory_tokens", segmentLength = "segment_length", labels
        case questionLayout = "question_layout", lowercase, formatVersion = "format_version"
        case domain, stateEntities = "state_entities", stateHidden = "state_hidden"
        case answerTemperatures = "answer_temperatures", passes, memoryGate = "memory_gate"
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
        stateEntities = try c.decodeIfPresent([String].self, forKey: .stateEntities)
        stateHidden = try c.decodeIfPresent(Int.self, forKey: .stateHidden)
        answerTemperatures = try c.decodeIfPresent([String: [TemperaturePoint]].self, forKey: .answerTemperatures)
        passes = try c.decodeIfPresent(Int.self, forKey: .passes)
        memoryGate = try c.decodeIfPresent(Bool.self, forKey: .memoryGate)
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
        if let entities = stateEntities {
            guard !entities.isEmpty else { throw fail("rmt.state_entities is empty (leave it out for a model without a state readout)") }
            guard Set(entities).count == entities.count else { throw fail("rmt.state_entities has duplicates") }
            if let blank = entities.firstIndex(where: { $0.isEmpty }) { throw fail("rmt.state_entities[\(blank)] is empty") }
        }
        if let hidden = stateHidden {
            guard stateEntities != nil else { throw fail("rmt.state_hidden is set without rmt.state_entities") }
            guard (1...65536).contains(hidden) else { throw fail("rmt.state_hidden must be 1…65536, got \(hidden)") }
        }
        if hasMemoryGate && stateEntities != nil {
            throw fail("rmt.memory_gate and rmt.state_entities together are not supported (the state readout reads the memory rows before the gate)")
        }
        if let passes, !(1...Self.maxPasses).contains(passes) {
            throw fail("rmt.passes must be 1…\(Self.maxPasses), got \(passes)")
        }
        if let temperatures = answerTemperatures {
            guard let domain else { throw fail("rmt.answer_temperatures is set without rmt.domain (its keys are the domain's question forms)") }
            for (form, points) in temperatures.sorted(by: { $0.key < $1.key }) {
                guard domain.questionForms.contains(form) else {
                    throw fail("rmt.answer_temperatures names \"\(form)\", not a question form of rmt.domain")
                }
                if let problem = TemperaturePoint.problem(points) { throw fail("rmt.answer_temperatures[\"\(form)\"] \(problem)") }
            }
        }
    }
}
