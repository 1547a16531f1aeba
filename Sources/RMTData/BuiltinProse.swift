// BuiltinProse: the project's own background prose, generated from word lists and sentence
// templates with a seed, so that documents can be built on a fresh machine with no corpus.
// The sentences are grammatical, varied, narrative English (weather, travel, letters, dinners,
// visits, walks, music, business, conversation …) and never use a task word: no actor names
// (Mary, John, Daniel, Sandra), no rooms, no task objects.
import RMTBase

/// A deterministic generator of English-like narrative sentences.
public struct BuiltinProse: Sendable {
    private var generator: SplitMix64

    /// A generator whose sentences are fixed by `seed`.
    public init(seed: UInt64) {
        generator = SplitMix64(seed: SplitMix64.mix(seed ^ 0x6275_696C_7469_6E00))
    }

    /// `count` sentences from a generator seeded `seed`.
    public static func sentences(count: Int, seed: UInt64) -> [String] {
        var prose = BuiltinProse(seed: seed)
        return (0..<count).map { _ in prose.nextSentence() }
    }

    /// The next sentence (starts with a capital letter, ends with `.`, `!` or `?`).
    public mutating func nextSentence() -> String {
        while true {
            let sentence = Self.capitalized(Self.templates[generator.below(Self.templates.count)](&generator))
            if ProseNoise.isUsable(sentence) { return sentence }  // by construction always true
        }
    }

    private static func capitalized(_ s: String) -> String {
        guard let first = s.first else { return s }
        if first == "\"" {
            return "\"" + capitalized(String(s.dropFirst()))
        }
        return first.uppercased() + s.dropFirst()
    }

    // MARK: Word lists

    private static let names = [
        "Eleanor", "Thomas", "Margaret", "Henry", "Harriet", "Edward", "Charlotte", "William",
        "Anne", "Robert", "Lucy", "Frederick", "Caroline", "Arthur", "Isabella", "George", "Clara",
        "Walter", "Louisa", "Richard", "Emily", "Samuel", "Agnes", "Philip", "Beatrice", "Hugh",
        "Catherine", "Francis", "Julia", "Oliver", "Rosamund", "Stephen", "Matilda", "Ralph",
    ]
    private static let roles = [
        "the old captain", "the vicar", "her aunt", "his brother", "the young doctor",
        "our neighbour", "the schoolmaster", "the miller's wife", "my cousin", "the innkeeper",
        "a stranger", "the colonel", "the eldest sister", "her godmother", "the steward",
        "the curate", "his mother", "the widow", "a young officer", "the lawyer", "the governess",
        "the shepherd", "the coachman", "an old friend of the family",
    ]
    private static let places = [
        "Bath", "London", "the village", "the market town", "Lyme", "the coast", "the city",
        "the mill", "the abbey", "the harbour", "the old bridge", "the parsonage", "the fair",
        "the church", "the river", "Brighton", "the manor", "the farm", "the cathedral town",
        "the assembly rooms", "the lake", "the moors", "the inn at the crossroads", "Oxford",
        "the seaside", "the next county", "the valley", "the castle ruins",
    ]
    private static let houses = [
        "the old house", "the parsonage", "the manor", "the cottage by the mill", "the great hall",
        "the farmhouse", "the lodge", "the house in town", "the inn", "the rectory",
    ]
    private static let times = [
        "on Tuesday", "the next morning", "late in the evening", "before noon", "at dawn",
        "the following week", "after church", "on a grey afternoon", "in the spring",
        "towards the end of summer", "early in October", "on the last day of the month",
        "a fortnight later", "the day after the ball", "at midday", "in the middle of winter",
    ]
    private static let topics = [
        "the new road", "the harvest", "her brother's debts", "the coming ball", "a house in town",
        "the price of corn", "the wedding", "the regiment", "an old quarrel", "the weather",
        "the neighbours", "his travels abroad", "the estate", "the parish", "a long illness",
        "the latest fashions", "the shipwreck", "poetry", "the war", "the new curate",
        "the inheritance", "the theatre", "a walking tour", "the election", "the orchard",
        "the repairs to the church", "a lost dog", "the school", "a distant cousin",
    ]
    private static let vehicles = [
        "by the early coach", "on horseback", "in a hired chaise", "on foot", "by the mail coach",
        "in a borrowed carriage", "in a little cart", "by boat",
    ]
    private static let travelVerbs = [
        "set out for", "returned from", "arrived at", "hurried to", "came home from", "made the journey to",
    ]
    private static let errandVerbs = travelVerbs + ["drove to", "rode over to", "walked to"]
    private static let towns = [
        "Bath", "London", "the village", "the market town", "Lyme", "the city", "the parish",
        "the county", "Brighton", "Oxford", "the neighbourhood", "the whole valley",
    ]
    private static let timesOfDay = [
        "the morning", "the evening", "the afternoon", "the whole week", "that Sunday",
        "the night", "the first day of spring", "the day of the fair", "the long summer",
    ]
    private static let weatherAdjectives = [
        "cold", "mild", "grey and still", "bright", "wet and windy", "unusually warm", "clear",
        "stormy", "close and heavy", "fresh", "dull", "bitterly cold",
    ]
    private static let skyClauses = [
        "a thin rain fell over the fields", "the wind shook the elms along the lane",
        "the sun came out over the hills", "mist lay low upon the river",
        "the clouds moved slowly towards the sea", "snow covered the roads",
        "the frost lingered on the hedges", "thunder rolled somewhere beyond the woods",
        "the leaves turned gold along the avenue", "the lanes were deep in mud",
        "the sky was the colour of pewter", "larks sang above the meadows",
    ]
    private static let adjectivesForLetters = [
        "a long", "a short", "a cheerful", "an anxious", "a hurried", "a careful", "an affectionate",
        "a stiff", "a rambling", "a very proper", "a tearful", "a mysterious",
    ]
    private static let manners = [
        "warmly", "at great length", "very sensibly", "rather too freely", "with some heat",
        "in a low voice", "cheerfully", "gravely", "with evident pleasure", "carelessly",
    ]
    private static let reactions = [
        "said nothing at all", "listened with great patience", "looked out of the window",
        "laughed at every pause", "pretended to be interested", "grew quite pale",
        "changed the subject twice", "kept looking at the clock", "nodded politely",
        "asked a great many questions",
    ]
    private static let qualities = [
        "very kind", "rather proud", "too hasty", "unusually quiet", "most generous",
        "a little foolish", "perfectly sincere", "cold and distant", "charming", "unfair",
    ]
    private static let durations = [
        "half an hour", "the whole afternoon", "nearly three hours", "a few minutes",
        "the rest of the day", "a week", "only a quarter of an hour",
    ]
    private static let pieces = [
        "a sonata", "an old ballad", "a lively country dance", "a sad little air",
        "something by Handel", "a new song from London", "a hymn",
    ]
    private static let books = [
        "a volume of sermons", "a novel from the circulating library", "the newspaper",
        "a book of travels", "some verses", "a history of the county", "an old almanac",
    ]
    private static let ventures = [
        "a shipping scheme", "the canal company", "a bank in the city", "a failed mine",
        "a plantation abroad", "an unlucky speculation",
    ]
    private static let quotes = [
        "I cannot think what you mean,", "It will all come right in the end,",
        "We shall see what tomorrow brings,", "You are very good to say so,",
        "I have never been so tired in my life,", "There is nothing to be done,",
        "How very like him,", "I wish you would not speak of it,",
        "That is quite another matter,", "You must not think too badly of her,",
    ]
    private static let speechVerbs = ["said", "cried", "replied", "whispered", "remarked", "answered"]
    private static let counts = ["Two", "Several", "Three", "Many", "A few", "Some"]
    private static let periods = ["days", "weeks", "months", "evenings"]
    private static let features = [
        "a row of tall chimneys", "ivy over every wall", "a long avenue of limes",
        "a pond full of reeds", "windows that caught the evening light", "a crooked gate",
        "a sundial on the lawn", "a clock that was always slow",
    ]
    private static let positions = [
        "at the end of the lane", "on a rise above the river", "beside the church",
        "in a hollow among the trees", "at the edge of the common", "on the road to the village",
    ]
    private static let feelings = [
        "hopeful", "uneasy", "perfectly content", "rather lonely", "quite out of spirits",
        "more cheerful than usual", "restless", "ashamed of the whole business",
    ]
    private static let goods = [
        "a pair of gloves", "some lace", "a basket of pears", "a new bonnet", "two pounds of tea",
        "a pocket knife", "a length of blue ribbon", "a little writing desk", "a cheese",
    ]
    private static let sights = [
        "the sea", "a balloon ascent", "so many carriages in one street", "a real ship of war",
        "a comet", "such a crowd at a wedding", "a house so full of books",
    ]
    private static let virtues = ["patience", "charity", "humility", "gratitude", "honesty", "the duties of the rich"]
    private static let errands = [
        "to buy ribbons", "to see the physician", "to settle an account", "to fetch a parcel",
        "to hear the news", "to visit an old friend", "to look at a horse",
    ]

    // MARK: Templates

    private typealias Template = @Sendable (inout SplitMix64) -> String

    private static func person(_ g: inout SplitMix64) -> String {
        g.chance(2, in: 3) ? g.pick(names) : g.pick(roles)
    }

    /// Two different people.
    private static func twoPeople(_ g: inout SplitMix64) -> (String, String) {
        let a = person(&g)
        var b = person(&g)
        while b == a { b = person(&g) }
        return (a, b)
    }

    private static let templates: [Template] = [
        { g in "\(g.pick(timesOfDay)) was \(g.pick(weatherAdjectives)), and \(g.pick(skyClauses))." },
        { g in "\(person(&g)) \(g.pick(travelVerbs)) \(g.pick(places)) \(g.pick(vehicles)) \(g.pick(times))." },
        { g in "\(person(&g)) \(g.pick(errandVerbs)) \(g.pick(places)) \(g.pick(errands))." },
        { g in let (a, b) = twoPeople(&g); return "\(a) wrote \(g.pick(adjectivesForLetters)) letter to \(b) about \(g.pick(topics))." },
        { g in "A letter from \(person(&g)) arrived \(g.pick(times)), full of news about \(g.pick(topics))." },
        { g in "\(person(&g)) read the letter twice and then put it away without a word." },
        { g in let (a, b) = twoPeople(&g); return "At dinner \(a) talked \(g.pick(manners)) about \(g.pick(topics)), while \(b) \(g.pick(reactions))." },
        { g in "The dinner at \(g.pick(houses)) was \(g.pick(["long", "merry", "dull", "very grand", "quiet", "awkward"])), and nobody mentioned \(g.pick(topics))." },
        { g in let (a, b) = twoPeople(&g); return "\(a) could not help thinking that \(b) had been \(g.pick(qualities)) \(g.pick(times))." },
        { g in let (a, b) = twoPeople(&g); return "\(a) called on \(b) \(g.pick(times)) and stayed for \(g.pick(durations))." },
        { g in "\(g.pick(houses)) stood \(g.pick(positions)), with \(g.pick(features))." },
        { g in "\(person(&g)) had lately lost a great deal of money in \(g.pick(ventures))." },
        { g in let (a, b) = twoPeople(&g); return "\(a) and \(b) walked along \(g.pick(["the river", "the lane", "the shore", "the high road", "the edge of the wood"])) \(g.pick(times)), speaking very little." },
        { g in "\(person(&g)) played \(g.pick(pieces)) on the pianoforte while the others listened." },
        { g in "\(person(&g)) sat by the fire with \(g.pick(books)) and did not turn a page for \(g.pick(durations))." },
        { g in "\(g.pick(counts)) \(g.pick(periods)) passed before anyone spoke of \(g.pick(topics)) again." },
        { g in "\"\(g.pick(quotes))\" \(g.pick(speechVerbs)) \(person(&g))." },
        { g in "\(person(&g)) felt \(g.pick(feelings)) all through \(g.pick(timesOfDay))." },
        { g in "Everyone agreed that \(g.pick(topics)) had never been so much discussed in \(g.pick(towns))." },
        { g in let (a, b) = twoPeople(&g); return "Was it possible that \(a) had known about \(g.pick(topics)) before \(b)?" },
        { g in "How \(g.pick(["strange", "pleasant", "tiresome", "sad", "delightful"])) it was to be back in \(g.pick(towns)) \(g.pick(times))!" },
        { g in "\(person(&g)) promised to be \(g.pick(["more careful", "home before dark", "kinder to the servants", "at the ball", "patient"])), but nobody quite believed it." },
        { g in "The road to \(g.pick(places)) was \(g.pick(["long and dusty", "flooded in two places", "newly mended", "lined with hawthorn", "very lonely"])), and the horses were tired." },
        { g in let (a, b) = twoPeople(&g); return "\(a) had known \(b) for \(g.pick(["many years", "half a lifetime", "only a month", "a very long time", "nearly twenty years"])), and trusted nobody more." },
        { g in "The market in \(g.pick(towns)) was \(g.pick(["crowded", "quiet", "noisy", "half empty"])), and \(person(&g)) bought \(g.pick(goods))." },
        { g in "\(person(&g)) attended church \(g.pick(times)) and heard a very long sermon on \(g.pick(virtues))." },
        { g in "The harvest that year was \(g.pick(["good", "poor", "late", "the best in memory"])), and \(person(&g)) spoke of nothing else for \(g.pick(durations))." },
        { g in "A large \(g.pick(["grey", "black", "spotted", "shaggy"])) dog followed \(person(&g)) all the way to \(g.pick(places))." },
        { g in "\(person(&g)) had never seen \(g.pick(sights)) before and could hardly believe it." },
        { g in let (a, b) = twoPeople(&g); return "There was a ball at \(g.pick(houses)) \(g.pick(times)), and \(a) danced twice with \(b)." },
        { g in "It rained so hard \(g.pick(times)) that nobody left \(g.pick(houses))." },
        { g in let (a, b) = twoPeople(&g); return "\(a) was sorry to hear that \(b) had been ill \(g.pick(times))." },
    ]
}
