// AdversarialProse: ordinary sentences that use the task world's words — the actors' names,
// the rooms, the objects, the movement, get and drop verbs, the compass directions — without
// stating a fact: "The garden was quiet.", "John's office was full of papers.", "The postman
// went to the kitchen door.", "The vicar picked up the newspaper in the hallway.". Mixed into
// noise prose (`mix(_:rate:seed:)`), they stop a model from answering with the room the text
// mentioned last, or with the name's nearest room word.
//
// What they may never do (so they cannot contradict or answer any task's question):
//   - move or place an actor (an actor is never the subject of a movement verb, and no
//     pronoun is: "she went to the kitchen" could refer to a fact's actor);
//   - move, place, take or drop a task object (objects only appear with properties);
//   - state a relation between two rooms (directions appear only as "faced north").
// Non-actors (the postman, the cat) do go to rooms: a fact about no one the questions name.
// Every sentence is checked with `FactGrammar.containsFactClause` and redrawn if it has one
// (the templates never make one; tests hold a large sample to it).
import RMTBase

/// A deterministic generator of adversarial non-fact sentences.
public struct AdversarialProse: Sendable {
    private var generator: SplitMix64

    /// A generator whose sentences are fixed by `seed`.
    public init(seed: UInt64) {
        generator = SplitMix64(seed: SplitMix64.mix(seed ^ 0x6164_7665_7273_6172))
    }

    /// `count` sentences from a generator seeded `seed`.
    public static func sentences(count: Int, seed: UInt64) -> [String] {
        var prose = AdversarialProse(seed: seed)
        return (0..<count).map { _ in prose.nextSentence() }
    }

    /// The next sentence: starts with a capital letter, ends with a period, uses at least one
    /// actor, room or object word, and contains no fact clause.
    public mutating func nextSentence() -> String {
        while true {
            let raw = Self.templates[generator.below(Self.templates.count)](&generator)
            let sentence = raw.prefix(1).uppercased() + raw.dropFirst()
            if !FactGrammar.containsFactClause(sentence) && TaskWords.containsReservedWord(sentence) { return sentence }
        }
    }

    /// `prose` with adversarial sentences mixed in: each sentence of the result is adversarial
    /// with probability `rate` (drawn independently, seeded), else the next prose sentence, in
    /// order, until the prose is used up. `rate` 0 returns `prose` unchanged.
    /// - Precondition: 0 ≤ rate < 1.
    public static func mix(_ prose: [String], rate: Double, seed: UInt64) -> [String] {
        precondition(rate >= 0 && rate < 1, "adversarial rate must be in [0, 1)")
        guard rate > 0 else { return prose }
        var adversarial = AdversarialProse(seed: seed)
        var draw = SplitMix64(seed: SplitMix64.mix(seed ^ 0x6D69_7869_6E67_0000))
        let threshold = UInt64(rate * 0x1p53)
        var result: [String] = []
        result.reserveCapacity(Int(Double(prose.count) / (1 - rate)) + 16)
        var next = 0
        while next < prose.count {
            if draw.next() >> 11 < threshold {
                result.append(adversarial.nextSentence())
            } else {
                result.append(prose[next])
                next += 1
            }
        }
        return result
    }

    /// Checks a rate given on a command line: a number in [0, 1).
    /// - Throws: `DataError` naming `flag`.
    public static func validate(rate: Double, flag: String = "--adversarial-rate") throws {
        guard rate.isFinite, rate >= 0, rate < 1 else {
            throw DataError(flag, "must be at least 0 and below 1 (the share of noise sentences that are adversarial), got \(rate)")
        }
    }

    // MARK: Word lists

    private static var actors: [String] { TaskWords.actors }
    private static var rooms: [String] { TaskWords.rooms }
    private static var objects: [String] { TaskWords.objects }
    private static var moveVerbs: [String] { TaskWords.moveVerbs + ["walked", "ran", "hurried"] }
    private static var getVerbs: [String] { BabiWorld.getVerbs }
    private static var dropVerbs: [String] { BabiWorld.dropVerbs }

    /// People who are not actors: they may go anywhere.
    private static let others = [
        "the postman", "the cat", "the old dog", "a visitor", "the cleaner", "the landlord", "a neighbour",
        "the plumber", "the children", "the vicar", "the cook", "the doctor", "a stranger", "the gardener",
        "the electrician", "her aunt", "his uncle", "the inspector", "the new lodger", "the twins",
    ]
    private static let fittings = [
        "door", "window", "light", "floor", "wall", "clock", "curtains", "cupboard", "ceiling", "lamp",
        "key", "rug", "shelves", "radiator", "mirror", "tiles",
    ]
    private static let roomStates = [
        "quiet", "cold", "dark", "empty", "freshly painted", "too small", "full of boxes", "warm in the evenings",
        "untidy", "bright in the morning", "smaller than anyone remembered", "locked for the night",
        "the nicest part of the house", "full of papers", "damp after the rain", "silent",
    ]
    private static let things = [
        "the newspaper", "a letter", "the umbrella", "a basket", "the keys", "an old hat", "the parcel",
        "a candle", "the book", "a blanket", "the lantern", "a teacup",
    ]
    private static let objectStates = [
        "was bruised", "had gone sour", "was older than it looked", "was the subject of a long argument",
        "had been a present", "was not to everyone's taste", "looked perfectly ordinary", "was flat",
    ]
    private static let doings = [
        "laughed at the old joke", "wrote a long letter", "was tired", "had a cold", "sang quietly",
        "forgot the date", "read the paper twice", "could not sleep", "lost the argument", "told a long story",
        "was in a good mood", "kept a diary", "hated the rain", "was late again",
    ]

    private typealias Template = @Sendable (inout SplitMix64) -> String

    // Every template uses at least one task word and none states a fact about an actor or an
    // object (see the file comment).
    private static let templates: [Template] = [
        { g in "the \(g.pick(rooms)) was \(g.pick(roomStates))." },
        { g in "\(g.pick(actors))'s \(g.pick(rooms)) was \(g.pick(roomStates))." },
        { g in "\(g.pick(others)) \(g.pick(moveVerbs)) to the \(g.pick(rooms)) \(g.pick(fittings))." },
        { g in "\(g.pick(others)) \(g.pick(moveVerbs)) to the \(g.pick(rooms))." },
        { g in "\(g.pick(others)) \(g.pick(moveVerbs)) to \(g.pick(actors))'s \(g.pick(rooms))." },
        { g in "\(g.pick(others)) \(g.pick(getVerbs)) \(g.pick(things)) in the \(g.pick(rooms))." },
        { g in "\(g.pick(others)) \(g.pick(dropVerbs)) \(g.pick(things)) near the \(g.pick(rooms)) \(g.pick(fittings))." },
        { g in "\(g.pick(actors)) \(g.pick(doings))." },
        { g in "\(g.pick(actors)) wanted to paint the \(g.pick(rooms)) \(g.pick(fittings))." },
        { g in "everyone agreed that \(g.pick(actors))'s \(g.pick(rooms)) was \(g.pick(roomStates))." },
        { g in "the \(g.pick(objects)) \(g.pick(objectStates))." },
        { g in "\(g.pick(actors)) never cared for \(g.pick(["apple pie", "cold milk", "football on the radio", "milk in tea", "apple cider"]))." },
        { g in "the \(g.pick(rooms)) faced \(g.pick(TaskWords.directions))." },
        { g in "a cold wind blew from the \(g.pick(TaskWords.directions)) against the \(g.pick(rooms)) \(g.pick(fittings))." },
        { g in "the \(g.pick(rooms)) \(g.pick(fittings)) needed mending." },
        { g in "nobody \(g.pick(["went", "moved", "travelled"])) to the \(g.pick(rooms)) after dark." },
        { g in "\(g.pick(actors)) and \(g.pick(others)) talked about the \(g.pick(rooms)) for an hour." },
    ]
}
