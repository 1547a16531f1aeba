// UnknownTask: questions the document cannot answer, because it never mentions whom or what
// the question names; the answer is the reserved label `unknown` (TaskWords.unknown). The
// questions have the forms of the answerable tasks, so a model must read the document to
// tell them apart:
//   person    (1/2): 0–3 room facts about OTHER people (distinct rooms; at the start or at
//                    random sentence boundaries, as in memorize-distract / detect-distract);
//                    "Where is {absent person}?" (0 facts: a document with no fact at all);
//   object    (1/4): a bAbI qa2 story in which one object is never taken, so never named;
//                    "Where is the {that object}?";
//   direction (1/4): the two reasoning facts about three rooms; "What is {dir} of the {room}?"
//                    or "What is the {room} {dir} of?" about a fourth room they do not name.
// The document's noise never names an actor, room or object either (ProseNoise), except the
// adversarial sentences (AdversarialProse), which never say where anyone or anything is.
import RMTBase

/// `unknown`: a question about someone or something the document never mentions.
public struct UnknownTask: MemoryTask {
    /// The kinds of unanswerable question.
    public enum Form: String, Sendable, CaseIterable {
        case person, object, direction
    }

    public init() {}
    public var name: String { "unknown" }
    public var labels: [String] { TaskWords.labels }
    public var answers: [String] { [TaskWords.unknown] }
    /// The forms of the answerable tasks it imitates.
    public var questionDomain: QuestionDomain? {
        QuestionForms.domain(task: name, forms: [QuestionForms.whereIsActor, QuestionForms.whereIsObject,
                                                 QuestionForms.whatIsDirectionOf, QuestionForms.whatIsRoomDirectionOf])
    }

    public func makeEpisode(using g: inout SplitMix64) -> Episode {
        let draw = g.below(4)
        let form: Form = draw < 2 ? .person : draw == 2 ? .object : .direction
        return episode(form, using: &g)
    }

    /// An episode of the given form.
    public func episode(_ form: Form, using g: inout SplitMix64) -> Episode {
        let (facts, placement, question, states): ([String], FactPlacement, String, [[String]])
        switch form {
        case .person:
            var people = Array(TaskWords.actors.indices), rooms = Array(TaskWords.rooms.indices)
            g.shuffle(&people)
            g.shuffle(&rooms)
            let count = g.between(0...DistractorTask.maximumDistractors)
            // people[0] is asked about and has no fact.
            facts = (1..<(1 + count)).map { i in
                "\(TaskWords.actors[people[i]]) \(g.pick(TaskWords.moveVerbs)) to the \(TaskWords.rooms[rooms[i]])."
            }
            placement = g.chance(1, in: 2) && count > 0 ? .start : .spread
            question = QuestionForms.ask(QuestionForms.whereIsActor, ["actor": TaskWords.actors[people[0]]])
            states = WorldStates.ofMoves((1..<(1 + count)).map { (people[$0], rooms[$0]) })
        case .object:
            let object = g.below(TaskWords.objects.count)
            var world = BabiWorld(using: &g, untouchable: object)
            let length = g.between(BabiTask.Kind.qa2.defaultStoryLength)
            facts = (0..<length).map { _ in world.step(moveOnly: false, using: &g) }
            placement = .spread
            question = QuestionForms.ask(QuestionForms.whereIsObject, ["object": TaskWords.objects[object]])
            states = world.worldStates
        case .direction:
            var rooms = Array(TaskWords.rooms.indices)
            g.shuffle(&rooms)
            let stated = ReasoningTask().makeEpisode(using: &g, rooms: Array(rooms.prefix(3)))
            facts = stated.facts
            placement = .spread
            let absent = TaskWords.rooms[rooms[3]], direction = g.pick(TaskWords.directions)
            question = QuestionForms.ask(g.chance(1, in: 2) ? QuestionForms.whatIsDirectionOf : QuestionForms.whatIsRoomDirectionOf,
                                         ["direction": direction, "room": absent])
            states = WorldStates.nothingKnown(facts: facts.count)
        }
        return Episode(task: name, facts: facts, placement: placement, question: question,
                       answer: TaskWords.unknown, label: TaskWords.labels.firstIndex(of: TaskWords.unknown)!,
                       prefixAnswers: Array(repeating: TaskWords.unknown, count: facts.count + 1), worldStates: states)
    }
}
