// MemoryTask: a task makes episodes — the facts to hide in noise, how to place them, the
// question and its answer — from a random generator. Tasks know nothing about tokens or
// segments; DataStream turns an episode into a document (see DocumentPlan). Each task declares
// the forms of the questions it asks (its QuestionDomain, from QuestionForms), which a trained
// model records.
import RMTBase

/// Where an episode's facts go in the document.
public enum FactPlacement: String, Sendable, Equatable {
    /// All facts, in order, at the very start of the document (memorize).
    case start
    /// Facts in the given order at random sentence boundaries (detect, reasoning, bAbI, custom).
    case spread
    /// The one fact is the whole document, exactly as long as the document; no noise (the
    /// position tasks, PositionTasks.swift).
    case whole
}

/// A question about an episode's story other than the one it asks, with the story's answer: what
/// a memory probe asks at the end of a training document (`DataStream.probeRate`).
public struct Probe: Sendable, Equatable {
    public var question: String
    public var answer: String

    public init(question: String, answer: String) {
        self.question = question
        self.answer = answer
    }
}

/// The task-level content of one sample: facts, question, answer.
public struct Episode: Sendable, Equatable {
    /// The name of the task that made it (`memorize`, `babi-qa2`, …).
    public var task: String
    /// The facts, in document order (each one sentence, or a custom context passage).
    public var facts: [String]
    /// How the facts are placed.
    public var placement: FactPlacement
    /// The question (put after the document by the question layout).
    public var question: String
    /// The answer (one of the task's labels).
    public var answer: String
    /// The index of `answer` in the task's labels.
    public var label: Int
    /// The answers of the distractor facts (the other people's rooms, distractor tasks only):
    /// what a model that ignores the question would answer. Empty for other tasks.
    public var distractorAnswers: [String]
    /// The answer once part of the document is read: `prefixAnswers[i]` answers the question
    /// from the first i facts (i = 0 … facts.count; `TaskWords.unknown` while they do not answer
    /// it; the last entry is `answer`). An entry is nil where a prefix has no single answer (qa3
    /// before the room it asks about is the object's latest); the whole array is nil for a task
    /// that does not define them (custom, the position tasks). What `--prefix-loss` scores each
    /// segment against (Sample.segmentLabels). Computing them draws nothing from the generator.
    public var prefixAnswers: [String?]?
    /// Other questions the whole story answers (bAbI: "Where is {actor}?" for every person whose
    /// room it states, with that room), which a training document may ask at its end instead of
    /// `question` (`DataStream.probeRate`); empty for tasks that define none. Computing them
    /// draws nothing from the generator.
    public var probes: [Probe]
    /// Object probes (bAbI: "Where is the {object}?" for every object whose room the story makes
    /// known, with that room — its holder's, or where it was dropped), asked only when
    /// `DataStream.probeObjects` is set; empty for tasks that define none. Drawing nothing.
    public var objectProbes: [Probe]
    /// The facts the answer rests on (indices into `facts`, ascending): for qa2 the object's last
    /// get or drop and its holder's move that fixed the room (the move before the drop, or the
    /// holder's latest move). A document whose supporting facts do not all sit in one segment can
    /// be answered only through the memory (`DataStream.crossSegmentRate`). Empty for tasks that
    /// do not define them.
    public var supportingFacts: [Int]
    /// What the reader knows after each fact (WorldStates): `worldStates[i][e]` is the room of
    /// `WorldStates.entities[e]` after the first i facts, or `unknown`; what `--state-loss` scores
    /// the memory against. nil for tasks that define none (custom, the position tasks).
    public var worldStates: [[String]]?

    public init(task: String, facts: [String], placement: FactPlacement, question: String, answer: String, label: Int,
                distractorAnswers: [String] = [], prefixAnswers: [String?]? = nil, probes: [Probe] = [],
                objectProbes: [Probe] = [], supportingFacts: [Int] = [], worldStates: [[String]]? = nil) {
        self.probes = probes
        self.objectProbes = objectProbes
        self.worldStates = worldStates
        self.supportingFacts = supportingFacts
        self.task = task
        self.facts = facts
        self.placement = placement
        self.question = question
        self.answer = answer
        self.label = label
        self.distractorAnswers = distractorAnswers
        self.prefixAnswers = prefixAnswers
        precondition(prefixAnswers.map { $0.count == facts.count + 1 && $0.last == answer } ?? true,
                     "task \(task): prefix answers need one entry per prefix (\(facts.count + 1)), the last the answer")
        precondition(supportingFacts == supportingFacts.sorted() && supportingFacts.allSatisfy(facts.indices.contains),
                     "task \(task): supporting facts \(supportingFacts) must be ascending indices of its \(facts.count) facts")
        precondition(worldStates.map { $0.count == facts.count + 1 && $0.allSatisfy { $0.count == WorldStates.entities.count } } ?? true,
                     "task \(task): world states need one row per prefix (\(facts.count + 1)) of one entry per entity")
    }

    /// The prefix answers of a question that one fact, `facts[index]`, answers: unknown before
    /// it, `answer` from it on.
    static func answeredBy(fact index: Int, of count: Int, answer: String) -> [String?] {
        (0...count).map { $0 > index ? answer : TaskWords.unknown }
    }
}

/// A memory task: a label set and a way to make episodes.
public protocol MemoryTask: Sendable {
    /// The task name (`memorize`, `detect`, `reasoning`, `babi-qa1`, `babi-qa2`, `babi-qa3`,
    /// `custom`, or a comma-separated list for a mixture).
    var name: String { get }
    /// The answer labels, in classifier order.
    var labels: [String] { get }
    /// The labels this task can answer (a subset of `labels`; default: all of them). A model
    /// can read the task when its labels contain these, in any order.
    var answers: [String] { get }
    /// One episode; everything random comes from `generator`.
    func makeEpisode(using generator: inout SplitMix64) -> Episode
    /// The task's name and the forms of every question it asks (QuestionForms); nil when they
    /// cannot be listed (a custom task with more than `CustomTask.maximumQuestionForms`
    /// distinct questions).
    var questionDomain: QuestionDomain? { get }
    /// Whether the task writes the whole document itself (the position tasks) instead of
    /// planting facts in noise; default false.
    var writesWholeDocument: Bool { get }
    /// For a task that writes the whole document: the episode whose one fact (placed `.whole`)
    /// is a document of exactly `documentTokens(question)` tokens — the question is drawn
    /// first, since its tokens decide the document's length. nil for the other tasks (default).
    /// - Throws: `DataError` when the length is below what the task needs.
    func makeWholeDocumentEpisode(documentTokens: (String) throws -> Int, using generator: inout SplitMix64) throws -> Episode?
    /// Whether its episodes name the facts their answer rests on (`Episode.supportingFacts`, two
    /// or more: what `DataStream.crossSegmentRate` places apart); default false.
    var namesSupportingFacts: Bool { get }
}

extension MemoryTask {
    public var answers: [String] { labels }
    public var writesWholeDocument: Bool { false }
    public var namesSupportingFacts: Bool { false }
    public func makeWholeDocumentEpisode(documentTokens: (String) throws -> Int, using generator: inout SplitMix64) throws -> Episode? {
        nil
    }
}

/// The room tasks answer from `TaskWords.labels` (the rooms, then `unknown`); only the `unknown`
/// task answers `unknown`.

/// `memorize`: one fact "{name} {verb} to the {room}." at the start of the document;
/// question "Where is {name}?", answer the room.
public struct MemorizeTask: MemoryTask {
    public init() {}
    public var name: String { "memorize" }
    public var labels: [String] { TaskWords.labels }
    public var answers: [String] { TaskWords.rooms }
    public var questionDomain: QuestionDomain? { QuestionForms.domain(task: name, forms: [RoomFact.questionForm]) }
    public func makeEpisode(using generator: inout SplitMix64) -> Episode {
        RoomFact.episode(task: name, placement: .start, using: &generator)
    }
}

/// `detect`: the memorize fact at a random sentence boundary of the document.
public struct DetectTask: MemoryTask {
    public init() {}
    public var name: String { "detect" }
    public var labels: [String] { TaskWords.labels }
    public var answers: [String] { TaskWords.rooms }
    public var questionDomain: QuestionDomain? { QuestionForms.domain(task: name, forms: [RoomFact.questionForm]) }
    public func makeEpisode(using generator: inout SplitMix64) -> Episode {
        RoomFact.episode(task: name, placement: .spread, using: &generator)
    }
}

enum RoomFact {
    static let questionForm = QuestionForms.whereIsActor

    static func episode(task: String, placement: FactPlacement, using g: inout SplitMix64) -> Episode {
        let actor = g.pick(TaskWords.actors)
        let verb = g.pick(TaskWords.moveVerbs)
        let room = g.below(TaskWords.rooms.count)
        return Episode(task: task, facts: ["\(actor) \(verb) to the \(TaskWords.rooms[room])."], placement: placement,
                       question: QuestionForms.ask(questionForm, ["actor": actor]), answer: TaskWords.rooms[room], label: room,
                       prefixAnswers: Episode.answeredBy(fact: 0, of: 1, answer: TaskWords.rooms[room]),
                       worldStates: WorldStates.ofMoves([(TaskWords.actors.firstIndex(of: actor)!, room)]))
    }
}

/// `reasoning` (bAbI qa4 style): two facts relating three different rooms through one shared
/// room, e.g. "The hallway is east of the bathroom." and "The bedroom is west of the bathroom."
/// (each stated from either side, in either order, at random sentence boundaries), and one of
/// four question forms about a stated relation: "What is east of the bathroom?",
/// "What is the bathroom west of?", "What is west of the hallway?", "What is the hallway east
/// of?". The two relations use different directions, so every question has one answer.
/// `reasoning:same-axis` draws only stories whose two relations lie on one axis (the shared room
/// between the other two: "east of" and "west of" the bathroom), a third of the plain task's
/// stories and nearly all the ones the default model gets wrong (Docs/results.md, session 46) — a training
/// emphasis, named `reasoning:same-axis` in metrics and evaluations as `babi-qa3:6-10` is.
public struct ReasoningTask: MemoryTask {
    /// Only stories whose two relations lie on one axis.
    public var sameAxis: Bool
    public init(sameAxis: Bool = false) { self.sameAxis = sameAxis }
    public var name: String { sameAxis ? "reasoning:same-axis" : "reasoning" }
    public var labels: [String] { TaskWords.labels }
    public var answers: [String] { TaskWords.rooms }
    public var questionDomain: QuestionDomain? {
        QuestionForms.domain(task: name, forms: [QuestionForms.whatIsDirectionOf, QuestionForms.whatIsRoomDirectionOf])
    }

    static func opposite(_ direction: Int) -> Int { direction ^ 1 }  // north↔south, east↔west

    public func makeEpisode(using g: inout SplitMix64) -> Episode {
        var order = Array(TaskWords.rooms.indices)
        g.shuffle(&order)
        return makeEpisode(using: &g, rooms: Array(order.prefix(3)))
    }

    /// An episode about three given rooms (indices: the shared room, then the two others).
    func makeEpisode(using g: inout SplitMix64, rooms order: [Int]) -> Episode {
        let rooms = TaskWords.rooms, directions = TaskWords.directions
        let center = order[0], first = order[1], second = order[2]
        let d1 = g.below(4)
        var d2: Int
        if sameAxis {
            d2 = Self.opposite(d1)
        } else {
            d2 = g.below(3)
            if d2 >= d1 { d2 += 1 }
        }
        // Relation (x, d, y): room x is direction d of room y.
        let relations = [(first, d1, center), (second, d2, center)]
        let stated = relations.map { x, d, y in
            g.chance(1, in: 2)
                ? "The \(rooms[x]) is \(directions[d]) of the \(rooms[y])."
                : "The \(rooms[y]) is \(directions[Self.opposite(d)]) of the \(rooms[x])."
        }
        var facts = stated
        g.shuffle(&facts)
        let asked = g.below(2)
        let (x, d, y) = relations[asked]
        let (form, direction, room, answer): (String, Int, Int, Int)
        switch g.below(4) {
        case 0: (form, direction, room, answer) = (QuestionForms.whatIsDirectionOf, d, y, x)
        case 1: (form, direction, room, answer) = (QuestionForms.whatIsRoomDirectionOf, Self.opposite(d), y, x)
        case 2: (form, direction, room, answer) = (QuestionForms.whatIsDirectionOf, Self.opposite(d), x, y)
        default: (form, direction, room, answer) = (QuestionForms.whatIsRoomDirectionOf, d, x, y)
        }
        let question = QuestionForms.ask(form, ["direction": directions[direction], "room": rooms[room]])
        return Episode(task: name, facts: facts, placement: .spread, question: question, answer: rooms[answer], label: answer,
                       prefixAnswers: Episode.answeredBy(fact: facts.firstIndex(of: stated[asked])!, of: 2, answer: rooms[answer]),
                       worldStates: WorldStates.nothingKnown(facts: 2))
    }
}
