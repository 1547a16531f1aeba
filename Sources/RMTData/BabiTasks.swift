// bAbI qa1/qa2/qa3 stories from a small world simulator that follows the rules of the public
// bAbI generator (Weston et al. 2015): four actors, six rooms, three objects.
//
// The world has a true state (where everyone and everything is, including what the story never
// says) and the reader's knowledge (only what the story said). Each step picks an action type
// uniformly (qa1: move only; qa2, qa3: move, get, drop), then tries random actors and arguments
// until the action is valid in the true world:
//   - move: an actor goes to a room other than the one they are in;
//   - get: an actor takes an object that lies (not held) in the room they are in;
//   - drop: an actor puts down an object they hold; it lies in their room from then on.
// Objects move with their holder. The reader knows an actor's room once a move said so; an
// object's room is its holder's known room, or the known room where it was dropped (dropped by
// an actor whose room is unknown: unknown).
// Questions (only about things the story lets the reader answer):
//   qa1 "Where is Mary?" — the actor's last stated room;
//   qa2 "Where is the milk?" — the object's known room now (held or dropped);
//   qa3 "Where was the football before the garden?" — the reference's history semantics: the
//       object's known room after every sentence, with unknowns left out and repeats merged,
//       gives a sequence of rooms; the question names the last one and the answer is the one
//       before it.
// Memory probes (Episode.probes): "Where is {actor}?" for every actor whose room the story states,
// answered with the last stated room, whatever the story's own question; object probes
// (Episode.objectProbes): "Where is the {object}?" for every object whose room the story makes
// known, answered with that room (qa2's rule).
// Prefix answers (Episode.prefixAnswers): the same question answered from the first i sentences
// — qa1/qa2 the known room then, or `unknown`; qa3 the room before the asked one when it is the
// latest of the prefix's history, `unknown` while the object was never known to be there, and
// none (not scored) in between (it was there, but is known elsewhere since, or nothing before).
// Sentences:
//   move: "{actor} {went|journeyed|travelled|moved} to the {room}." ("went back" too when the
//         story already had the actor in that room);
//   get:  "{actor} {got|grabbed|took|picked up} the {object}[ there]."
//   drop: "{actor} {dropped|put down|let go of|discarded|left} the {object}[ there]."
import RMTBase

/// `babi-qa1`, `babi-qa2` or `babi-qa3`: a story of facts spread in order over the document.
public struct BabiTask: MemoryTask {
    /// Which bAbI task.
    public enum Kind: String, Sendable, CaseIterable {
        case qa1 = "babi-qa1", qa2 = "babi-qa2", qa3 = "babi-qa3"

        /// Default number of story sentences (before any extension needed to ask a question).
        public var defaultStoryLength: ClosedRange<Int> {
            switch self {
            case .qa1: return 2...10
            case .qa2: return 4...16
            case .qa3: return 6...24
            }
        }

        /// The form of the task's questions.
        public var questionForm: String {
            switch self {
            case .qa1: return QuestionForms.whereIsActor
            case .qa2: return QuestionForms.whereIsObject
            case .qa3: return QuestionForms.whereWasObjectBefore
            }
        }
    }

    public let kind: Kind
    /// The number of sentences drawn for each story. A story is extended past the drawn length
    /// only while no question can be asked yet, by at most max(4, length / 2) sentences.
    public let storyLength: ClosedRange<Int>

    /// - Precondition: `storyLength.lowerBound >= 1`.
    public init(_ kind: Kind, storyLength: ClosedRange<Int>? = nil) {
        let length = storyLength ?? kind.defaultStoryLength
        precondition(length.lowerBound >= 1, "a story needs at least one sentence")
        self.kind = kind
        self.storyLength = length
    }

    /// The longest story a command-line name may ask for (`babi-qa3:6-200`).
    public static let maximumStoryLength = 200

    /// `babi-qa3`, or with the story length when it is not the default (`babi-qa3:8`,
    /// `babi-qa3:6-10`).
    public var name: String { CountedTaskName.spell(kind.rawValue, storyLength, default: kind.defaultStoryLength) }
    public var labels: [String] { TaskWords.labels }
    public var answers: [String] { TaskWords.rooms }
    /// qa2 only (qa1 rests on one fact; qa3's history is not named).
    public var namesSupportingFacts: Bool { kind == .qa2 }
    public var questionDomain: QuestionDomain? { QuestionForms.domain(task: name, forms: [kind.questionForm]) }

    /// The task a command-line name spells (`babi-qa2`, `babi-qa3:8`, `babi-qa3:6-10`: the number
    /// of story sentences drawn), or nil when `name` is not a bAbI task.
    /// - Throws: `DataError` for a bad story length.
    static func parse(_ name: String) throws -> BabiTask? {
        for kind in Kind.allCases {
            guard let (spec, range) = CountedTaskName.read(name, base: kind.rawValue) else { continue }
            guard let spec else { return BabiTask(kind) }
            guard let range, range.lowerBound >= 1, range.upperBound <= maximumStoryLength else {
                throw DataError("task \(name)", "the story length must be N or N-M sentences (1 ≤ N ≤ M ≤ \(maximumStoryLength)), got \"\(spec)\"")
            }
            return BabiTask(kind, storyLength: range)
        }
        return nil
    }

    public func makeEpisode(using g: inout SplitMix64) -> Episode {
        while true {
            var world = BabiWorld(using: &g)
            var facts: [String] = []
            let target = g.between(storyLength)
            // Extend by at most max(4, target / 2) sentences when no question is possible yet,
            // then start a new story.
            for step in 0..<(target + max(4, target / 2)) {
                facts.append(world.step(moveOnly: kind == .qa1, using: &g))
                guard step + 1 >= target else { continue }
                if let (question, answer, prefixAnswers, supporting) = world.question(kind, using: &g) {
                    return Episode(task: name, facts: facts, placement: .spread, question: question,
                                   answer: TaskWords.rooms[answer], label: answer, prefixAnswers: prefixAnswers,
                                   probes: world.actorProbes(), objectProbes: world.objectProbes(), supportingFacts: supporting,
                                   worldStates: world.worldStates)
                }
            }
        }
    }
}

/// The bAbI world: true state plus the reader's knowledge.
struct BabiWorld {
    private static let actorCount = TaskWords.actors.count, roomCount = TaskWords.rooms.count
    private static let objectCount = TaskWords.objects.count
    static let getVerbs = ["got", "grabbed", "took", "picked up"]
    static let dropVerbs = ["dropped", "put down", "let go of", "discarded", "left"]
    static let plainMoveVerbs = ["went", "journeyed", "travelled", "moved"]

    // True world.
    private var actorRoom: [Int]
    private var holder: [Int?]
    private var objectRoom: [Int]
    // Knowledge from the story.
    private var knownActorRoom: [Int?]
    private var knownDroppedRoom: [Int?]      // for objects not held
    private var visited: [Set<Int>]           // rooms the story put each actor in
    // Which sentences the knowledge rests on (qa2's supporting facts).
    private var lastMove: [Int?]              // each actor's latest move
    private var lastObjectEvent: [Int?]       // each object's latest get or drop
    private var dropMove: [Int?]              // for dropped objects: the dropper's move before the drop
    /// What the reader knew before the first sentence and after each one: actors' and objects'
    /// known rooms (qa3's history and the prefix answers come from it).
    private var knownAfter: [(actors: [Int?], objects: [Int?])] = []
    /// An object no one ever gets, so the story never mentions it (task `unknown`).
    private let untouchable: Int?

    init(using g: inout SplitMix64, untouchable: Int? = nil) {
        self.untouchable = untouchable
        actorRoom = (0..<Self.actorCount).map { _ in g.below(Self.roomCount) }
        objectRoom = (0..<Self.objectCount).map { _ in g.below(Self.roomCount) }
        holder = Array(repeating: nil, count: Self.objectCount)
        knownActorRoom = Array(repeating: nil, count: Self.actorCount)
        knownDroppedRoom = Array(repeating: nil, count: Self.objectCount)
        visited = Array(repeating: [], count: Self.actorCount)
        lastMove = Array(repeating: nil, count: Self.actorCount)
        lastObjectEvent = Array(repeating: nil, count: Self.objectCount)
        dropMove = Array(repeating: nil, count: Self.objectCount)
        knownAfter = [(knownActorRoom, Array(repeating: nil, count: Self.objectCount))]
    }

    /// What the reader knew before the first sentence and after each one (WorldStates).
    var worldStates: [[String]] { WorldStates.ofRooms(knownAfter) }

    /// The room the reader knows `object` is in, if any.
    func knownRoom(ofObject object: Int) -> Int? {
        if let actor = holder[object] { return knownActorRoom[actor] }
        return knownDroppedRoom[object]
    }

    /// The sentences `knownRoom(ofObject:)` rests on, ascending: the object's last get and its
    /// holder's latest move, or its drop and the dropper's move before it; empty when the room is
    /// unknown.
    func supportingFacts(ofObject object: Int) -> [Int] {
        guard knownRoom(ofObject: object) != nil, let event = lastObjectEvent[object] else { return [] }
        let move = holder[object].map { lastMove[$0] } ?? dropMove[object]
        return move.map { [$0, event].sorted() } ?? []
    }

    /// The index of the sentence being told (sentences are recorded after they are told).
    private var sentenceIndex: Int { knownAfter.count - 1 }

    /// Performs one random valid action and returns its sentence.
    mutating func step(moveOnly: Bool, using g: inout SplitMix64) -> String {
        while true {
            let action = moveOnly ? 0 : g.below(3)
            for _ in 0..<100 {
                let actor = g.below(Self.actorCount)
                let name = TaskWords.actors[actor]
                switch action {
                case 0:
                    let room = g.below(Self.roomCount)
                    guard room != actorRoom[actor] else { continue }
                    let verbs = visited[actor].contains(room) ? Self.plainMoveVerbs + ["went back"] : Self.plainMoveVerbs
                    let verb = g.pick(verbs)
                    actorRoom[actor] = room
                    knownActorRoom[actor] = room
                    visited[actor].insert(room)
                    lastMove[actor] = sentenceIndex
                    record()
                    return "\(name) \(verb) to the \(TaskWords.rooms[room])."
                case 1:
                    let object = g.below(Self.objectCount)
                    guard holder[object] == nil, objectRoom[object] == actorRoom[actor], object != untouchable else { continue }
                    holder[object] = actor
                    knownDroppedRoom[object] = nil
                    lastObjectEvent[object] = sentenceIndex
                    dropMove[object] = nil
                    record()
                    return "\(name) \(g.pick(Self.getVerbs)) the \(TaskWords.objects[object])\(there(&g))."
                default:
                    let object = g.below(Self.objectCount)
                    guard holder[object] == actor else { continue }
                    holder[object] = nil
                    objectRoom[object] = actorRoom[actor]
                    knownDroppedRoom[object] = knownActorRoom[actor]
                    lastObjectEvent[object] = sentenceIndex
                    dropMove[object] = lastMove[actor]
                    record()
                    return "\(name) \(g.pick(Self.dropVerbs)) the \(TaskWords.objects[object])\(there(&g))."
                }
            }
        }
    }

    private func there(_ g: inout SplitMix64) -> String { g.chance(1, in: 4) ? " there" : "" }

    /// Appends what the reader knows to `knownAfter` (after every sentence).
    private mutating func record() {
        knownAfter.append((knownActorRoom, (0..<Self.objectCount).map { knownRoom(ofObject: $0) }))
    }

    /// A room as an answer, or `unknown`.
    private static func answer(_ room: Int?) -> String { room.map { TaskWords.rooms[$0] } ?? TaskWords.unknown }

    /// qa3's history of `object` after the first `sentences` sentences (all by default): its
    /// known room after each of them, unknowns left out and repeats merged.
    private func history(of object: Int, sentences: Int? = nil) -> [Int] {
        var rooms: [Int] = []
        for known in knownAfter.prefix((sentences ?? knownAfter.count - 1) + 1) {
            if let room = known.objects[object], rooms.last != room { rooms.append(room) }
        }
        return rooms
    }

    /// qa3's prefix answers for "Where was `object` before the `room`?" (see the file's header).
    private func historyPrefixAnswers(object: Int, room: Int) -> [String?] {
        knownAfter.indices.map { i in
            let rooms = history(of: object, sentences: i)
            guard rooms.contains(room) else { return TaskWords.unknown }
            return rooms.last == room && rooms.count >= 2 ? TaskWords.rooms[rooms[rooms.count - 2]] : nil
        }
    }

    /// "Where is {actor}?" for every actor whose room the story states, answered with the last
    /// stated room (qa1's question about each of them): the memory probes of a story.
    func actorProbes() -> [Probe] {
        (0..<Self.actorCount).compactMap { actor in
            knownActorRoom[actor].map {
                Probe(question: QuestionForms.ask(QuestionForms.whereIsActor, ["actor": TaskWords.actors[actor]]),
                      answer: TaskWords.rooms[$0])
            }
        }
    }

    /// "Where is the {object}?" for every object whose room the story makes known, answered with
    /// that room (qa2's question about each of them): the object probes of a story.
    func objectProbes() -> [Probe] {
        (0..<Self.objectCount).compactMap { object in
            knownRoom(ofObject: object).map {
                Probe(question: QuestionForms.ask(QuestionForms.whereIsObject, ["object": TaskWords.objects[object]]),
                      answer: TaskWords.rooms[$0])
            }
        }
    }

    /// A question of `kind` the story answers, the answer's room and the prefix answers (after
    /// 0 … all sentences so far), or nil when none exists yet.
    func question(_ kind: BabiTask.Kind, using g: inout SplitMix64) -> (question: String, answer: Int, prefixAnswers: [String?],
                                                                        supporting: [Int])? {
        switch kind {
        case .qa1:
            let known = (0..<Self.actorCount).filter { knownActorRoom[$0] != nil }
            guard !known.isEmpty else { return nil }
            let actor = g.pick(known)
            return (QuestionForms.ask(kind.questionForm, ["actor": TaskWords.actors[actor]]), knownActorRoom[actor]!,
                    knownAfter.map { Self.answer($0.actors[actor]) }, [lastMove[actor]!])
        case .qa2:
            let known = (0..<Self.objectCount).filter { knownRoom(ofObject: $0) != nil }
            guard !known.isEmpty else { return nil }
            let object = g.pick(known)
            return (QuestionForms.ask(kind.questionForm, ["object": TaskWords.objects[object]]), knownRoom(ofObject: object)!,
                    knownAfter.map { Self.answer($0.objects[object]) }, supportingFacts(ofObject: object))
        case .qa3:
            let known = (0..<Self.objectCount).filter { history(of: $0).count >= 2 }
            guard !known.isEmpty else { return nil }
            let object = g.pick(known)
            let rooms = history(of: object)
            return (QuestionForms.ask(kind.questionForm, ["object": TaskWords.objects[object],
                                                          "room": TaskWords.rooms[rooms[rooms.count - 1]]]),
                    rooms[rooms.count - 2], historyPrefixAnswers(object: object, room: rooms[rooms.count - 1]), [])
        }
    }
}
