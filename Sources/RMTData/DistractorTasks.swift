// Distractor tasks: memorize and detect with facts about other people, so that the answer
// depends on whom the question names. One episode has 1 + k facts "{name} {verb} to the {room}."
// about 1 + k different actors in 1 + k different rooms (k distractors, drawn from a configurable
// range, at most 3 since the task world has four actors); the question asks about one of them.
// A model that ignores the question can do no better than 1 / (1 + k).
//   memorize-distract: all facts, in random order, at the start of the document;
//   detect-distract:   the facts, in random order, at random sentence boundaries.
// Spelled `memorize-distract` (k in 1…3), `memorize-distract:2` (k = 2) or
// `memorize-distract:0-3` on the command line (TaskCatalog).
import RMTBase

/// `memorize-distract` / `detect-distract`: room facts about several people, one asked about.
public struct DistractorTask: MemoryTask {
    /// Where the facts go: the memorize or the detect placement.
    public enum Kind: String, Sendable, CaseIterable {
        case memorize = "memorize-distract", detect = "detect-distract"

        var placement: FactPlacement { self == .memorize ? .start : .spread }
    }

    /// The distractor counts when none are given.
    public static let defaultDistractors = 1...3
    /// The most distractors an episode can have (the other actors).
    public static var maximumDistractors: Int { TaskWords.actors.count - 1 }

    public let kind: Kind
    /// The number of distractor facts, drawn uniformly per episode.
    public let distractors: ClosedRange<Int>

    /// - Throws: `DataError` when `distractors` goes below 0 or above `maximumDistractors`.
    public init(_ kind: Kind, distractors: ClosedRange<Int> = DistractorTask.defaultDistractors) throws {
        guard distractors.lowerBound >= 0, distractors.upperBound <= Self.maximumDistractors else {
            throw DataError("task \(kind.rawValue)", "distractors must be between 0 and \(Self.maximumDistractors) (the task world has \(TaskWords.actors.count) people), got \(distractors.lowerBound)-\(distractors.upperBound)")
        }
        self.kind = kind
        self.distractors = distractors
    }

    /// `memorize-distract`, or with the range when it is not the default
    /// (`memorize-distract:2`, `detect-distract:0-3`).
    public var name: String { CountedTaskName.spell(kind.rawValue, distractors, default: Self.defaultDistractors) }

    public var labels: [String] { TaskWords.labels }
    public var answers: [String] { TaskWords.rooms }
    public var questionDomain: QuestionDomain? { QuestionForms.domain(task: name, forms: [RoomFact.questionForm]) }

    public func makeEpisode(using g: inout SplitMix64) -> Episode {
        let count = 1 + g.between(distractors)
        var people = Array(TaskWords.actors.indices), rooms = Array(TaskWords.rooms.indices)
        g.shuffle(&people)
        g.shuffle(&rooms)
        // people[i] went to rooms[i]; people[0] is asked about.
        let stated = (0..<count).map { i in
            "\(TaskWords.actors[people[i]]) \(g.pick(TaskWords.moveVerbs)) to the \(TaskWords.rooms[rooms[i]])."
        }
        var facts = stated
        g.shuffle(&facts)
        let answer = TaskWords.rooms[rooms[0]]
        return Episode(task: name, facts: facts, placement: kind.placement,
                       question: QuestionForms.ask(RoomFact.questionForm, ["actor": TaskWords.actors[people[0]]]), answer: answer,
                       label: rooms[0], distractorAnswers: (1..<count).map { TaskWords.rooms[rooms[$0]] },
                       prefixAnswers: Episode.answeredBy(fact: facts.firstIndex(of: stated[0])!, of: count, answer: answer),
                       probes: (1..<count).map { i in  // the other people, each where their fact puts them
                           Probe(question: QuestionForms.ask(RoomFact.questionForm, ["actor": TaskWords.actors[people[i]]]),
                                 answer: TaskWords.rooms[rooms[i]])
                       },
                       worldStates: WorldStates.ofMoves(facts.map { fact in
                           let i = stated.firstIndex(of: fact)!
                           return (people[i], rooms[i])
                       }))
    }

    /// The task a command-line name spells (`detect-distract`, `detect-distract:2`,
    /// `detect-distract:1-3`), or nil when `name` is not a distractor task.
    /// - Throws: `DataError` for a bad count.
    static func parse(_ name: String) throws -> DistractorTask? {
        for kind in Kind.allCases {
            guard let (spec, range) = CountedTaskName.read(name, base: kind.rawValue) else { continue }
            guard let spec else { return try DistractorTask(kind) }
            guard let range else {
                throw DataError("task \(name)", "the distractor count must be N or N-M (0 ≤ N ≤ M ≤ \(maximumDistractors)), got \"\(spec)\"")
            }
            return try DistractorTask(kind, distractors: range)
        }
        return nil
    }
}
