// RoomNeighbourProse: ordinary sentences dense in words that sit near the task's rooms in a
// BERT's word embeddings — "corridor", "stairwell", "stove", "towel", "mattress", "lawn",
// "desk" — without naming a room, an actor or an object: "The corridor was damp after the
// rain.", "The cleaner waited by the stairwell for a while.". Mixed into noise in runs of
// several sentences (`mix(_:rate:seed:)`), they teach a model that a stretch of room-like words
// is not a fact: Models/default turned `unknown` answers into `hallway` after stretches of API
// prose dense in "path", "entry" and "directory" (Docs/results.md, sessions 27–28), a word
// ("path") whose nearest room is hallway.
//
// The word lists are the nearest whole-word neighbours of each room by cosine in
// Models/default's input embeddings (its top 60, as printed by Docs/runs/memory/noise-path-s28/
// neighbours.py), keeping common nouns and leaving out task words, proper nouns, other rooms and
// inflections; "path", "entry" and "directory" are not among them (a lever trained on the words
// of the held-out failure would not say whether it generalises).
// Like AdversarialProse, a sentence may never move or place an actor or a task object, or name
// one: every sentence is checked with `FactGrammar.containsFactClause` and
// `TaskWords.containsReservedWord` and redrawn if either holds.
import RMTBase

/// A deterministic generator of room-neighbour sentences.
public struct RoomNeighbourProse: Sendable {
    private var generator: SplitMix64

    /// A generator whose sentences are fixed by `seed`.
    public init(seed: UInt64) {
        generator = SplitMix64(seed: SplitMix64.mix(seed ^ 0x6E65_6967_6862_6F72))
    }

    /// `count` sentences from a generator seeded `seed`.
    public static func sentences(count: Int, seed: UInt64) -> [String] {
        var prose = RoomNeighbourProse(seed: seed)
        return (0..<count).map { _ in prose.nextSentence() }
    }

    /// The next sentence: a capital letter first, a period last, at least one neighbour word,
    /// no task word and no fact clause.
    public mutating func nextSentence() -> String {
        while true {
            let raw = Self.templates[generator.below(Self.templates.count)](&generator)
            let sentence = raw.prefix(1).uppercased() + raw.dropFirst()
            if !FactGrammar.containsFactClause(sentence) && !TaskWords.containsReservedWord(sentence) { return sentence }
        }
    }

    /// Sentences per run: a stretch, not a scattering (the failure it guards against followed
    /// segments with 5–26 such words).
    public static let runLength = 4...12

    /// `prose` with runs of neighbour sentences mixed in: before each prose sentence a run of
    /// `runLength` sentences starts with a seeded probability chosen so that a share `rate` of
    /// the result is neighbour sentences (in expectation). `rate` 0 returns `prose` unchanged.
    /// - Precondition: 0 ≤ rate < 1.
    public static func mix(_ prose: [String], rate: Double, seed: UInt64) -> [String] {
        precondition(rate >= 0 && rate < 1, "neighbour rate must be in [0, 1)")
        guard rate > 0 else { return prose }
        let meanRun = Double(runLength.lowerBound + runLength.upperBound) / 2
        let start = rate / (meanRun * (1 - rate))  // runs per prose sentence: share = s·m / (1 + s·m)
        var neighbours = RoomNeighbourProse(seed: seed)
        var draw = SplitMix64(seed: SplitMix64.mix(seed ^ 0x6E62_6D69_7800_0000))
        let threshold = UInt64(min(start, 1) * 0x1p53)
        var result: [String] = []
        result.reserveCapacity(Int(Double(prose.count) / (1 - rate)) + 16)
        for sentence in prose {
            if draw.next() >> 11 < threshold {
                for _ in 0..<draw.between(runLength) { result.append(neighbours.nextSentence()) }
            }
            result.append(sentence)
        }
        return result
    }

    /// Checks a rate given on a command line: a number in [0, 1).
    /// - Throws: `DataError` naming `flag`.
    public static func validate(rate: Double, flag: String = "--neighbour-rate") throws {
        guard rate.isFinite, rate >= 0, rate < 1 else {
            throw DataError(flag, "must be at least 0 and below 1 (the share of noise sentences that use words near the rooms), got \(rate)")
        }
    }

    // MARK: Word lists

    /// Each room's neighbours (the file comment says how they were chosen).
    public static let neighbours: [String: [String]] = [
        "hallway": ["stairwell", "corridor", "doorway", "foyer", "passageway", "staircase", "walkway", "stairway",
                    "archway", "elevator", "basement", "atrium", "aisle", "tunnel", "pathway", "entrance", "sidewalk", "driveway"],
        "kitchen": ["stove", "oven", "pantry", "cupboard", "apron", "recipe", "refrigerator", "fridge", "sink",
                    "microwave", "mixer", "cabinet", "supper", "galley", "chef", "grocery"],
        "bathroom": ["restroom", "toilet", "shower", "bath", "tub", "towel", "laundry", "closet", "drain", "plumbing",
                     "wardrobe", "sewer", "napkin"],
        "bedroom": ["bed", "mattress", "nightstand", "pillow", "blanket", "drawer", "dresser", "couch", "apartment",
                    "penthouse", "cabin", "dormitory", "bungalow", "fireplace", "furniture", "motel"],
        "garden": ["lawn", "backyard", "yard", "patio", "pond", "meadow", "orchard", "flower", "grass", "nursery",
                   "soil", "weeds", "farm", "vegetables", "trees"],
        "office": ["desk", "headquarters", "department", "paperwork", "clerk", "receptionist", "workplace", "mail",
                   "agency", "filing", "appointment", "employee", "secretary", "meeting"],
    ]

    /// Every neighbour word, in the rooms' order.
    public static let words: [String] = TaskWords.rooms.flatMap { neighbours[$0] ?? [] }

    private static let others = [
        "the postman", "the cleaner", "a visitor", "the landlord", "the plumber", "the vicar", "the inspector",
        "a stranger", "the new lodger", "the twins", "the children", "the doctor",
    ]
    private static let states = [
        "quiet", "cold", "dark", "empty", "damp after the rain", "freshly painted", "older than anyone remembered",
        "too small", "full of boxes", "bright in the morning", "locked for the night", "being repaired",
    ]
    private static let listings = ["listed in the index", "named in the old plans", "marked on the map", "described in the manual"]

    private typealias Template = @Sendable (inout SplitMix64) -> String
    private static func word(_ g: inout SplitMix64) -> String { g.pick(words) }

    // Every template uses at least one neighbour word and no task word.
    private static let templates: [Template] = [
        { g in "the \(word(&g)) was \(g.pick(states))." },
        { g in "\(g.pick(others)) walked along the \(word(&g))." },
        { g in "there was a \(word(&g)) beside the \(word(&g))." },
        { g in "\(g.pick(others)) waited by the \(word(&g)) for a while." },
        { g in "the \(word(&g)) and the \(word(&g)) were \(g.pick(states))." },
        { g in "nobody remembered who built the \(word(&g))." },
        { g in "each \(word(&g)) was \(g.pick(listings)) with its \(word(&g))." },
        { g in "the \(word(&g)) near the \(word(&g)) needed mending." },
        { g in "\(g.pick(others)) cleaned the \(word(&g)) twice." },
        { g in "a long \(word(&g)) led past the \(word(&g))." },
        { g in "everyone agreed that the \(word(&g)) was \(g.pick(states))." },
        { g in "the \(word(&g)) is \(g.pick(listings))." },
    ]
}
