// PositionTasks: synthetic tasks where position (order, counts, distance) decides the answer, for
// the length-extrapolation experiments of Docs/position-encodings.md. Unlike the room tasks, a
// position task writes its WHOLE document itself — no noise prose — one token per word (every
// word is a single WordPiece of the uncased BERT vocab; checked by the tests), so a document can
// be made at any exact token length: the same task at 16–64 tokens for training and 64–512 for
// testing. The question is drawn first (its token count fixes the document's length under the
// question layout), then the document of exactly that many tokens (DataStream).
//   counting   how many times a marker word (apple, bell, coin) occurs in filler words; 0–9
//   flip-flop  write/ignore/read instructions with a bit each (FFL(0.8)); the last written bit
//   passkey    "key is d1 … d5" hidden in filler; one digit, named by its ordinal
//   needle     one "key d" and 2–6 other digits at random places in filler; the digit after `key`
//              (the research note's passkey: one fact at a random depth, attention dilution)
//   recall     2–6 key–value pairs (letter digit) in filler; the value of the key asked
//   parity     a bit string; is the number of ones odd (1) or even (0) — regular (Chomsky) class
//   even-pairs a string of a and b; are "a b" and "b a" equally frequent (1) or not (0) — regular
//   cycle      left/stay/right moves on a cycle of 5 from 0; where the walk ends — regular class
// Answers are chosen uniformly first and the document built around them, so labels are
// balanced by construction. All tasks answer from PositionWords.labels (the digits, then
// `unknown`, which they never give), so they can be mixed with each other, not with room tasks.
import RMTBase

/// The words of the position tasks.
public enum PositionWords {
    /// "0" … "9".
    public static let digits = (0...9).map(String.init)
    /// The position tasks' labels: the digits, then `unknown` (which every model's label set
    /// ends with; no position task answers it).
    public static let labels = digits + [TaskWords.unknown]
    /// Neutral filler words (none is a marker, key, instruction or digit).
    public static let filler = ["the", "grass", "is", "green", "and", "sky", "sun", "warm", "day", "night", "tree",
                                "river", "hill", "road", "house", "stone", "wind", "rain", "field", "cloud", "bird",
                                "song", "light", "dark", "old", "new", "long", "small", "water", "fire", "door", "wall"]
    /// counting's marker words.
    public static let markers = ["apple", "bell", "coin"]
    /// recall's keys: the letters except the words "a" and "i".
    public static let keys = "bcdefghjklmnopqrstuvwxyz".map(String.init)
    /// passkey's digit ordinals.
    public static let ordinals = ["first", "second", "third", "fourth", "fifth"]
    /// flip-flop's instructions.
    public static let instructions = ["write", "ignore", "read"]
    /// even-pairs' letters.
    public static let pairLetters = ["a", "b"]
    /// cycle's moves (−1, 0, +1).
    public static let moves = ["left", "stay", "right"]
}

/// A task that writes its whole document (the position tasks): `makeEpisode(documentTokens:…)`
/// makes an episode whose one fact is the document, placed `.whole`.
public protocol PositionTask: MemoryTask {
    /// The fewest document tokens an episode needs.
    var minimumTokens: Int { get }
    /// The episode's question and a choice the document depends on (which marker, key, digit).
    func makeQuestion(using g: inout SplitMix64) -> (question: String, choice: Int)
    /// The document words (exactly `tokens`, each one token) and the answer's label index.
    func makeDocument(tokens: Int, choice: Int, using g: inout SplitMix64) -> (words: [String], label: Int)
}

extension PositionTask {
    public var labels: [String] { PositionWords.labels }
    public var writesWholeDocument: Bool { true }

    public func makeWholeDocumentEpisode(documentTokens: (String) throws -> Int, using g: inout SplitMix64) throws -> Episode? {
        let (question, choice) = makeQuestion(using: &g)
        let tokens = try documentTokens(question)
        guard tokens >= minimumTokens else {
            throw DataError("task \(name)", "needs at least \(minimumTokens) document tokens, got \(tokens) (use a longer segment or more segments)")
        }
        let (words, label) = makeDocument(tokens: tokens, choice: choice, using: &g)
        precondition(words.count == tokens, "task \(name) wrote \(words.count) words for \(tokens) tokens")
        return Episode(task: name, facts: [words.joined(separator: " ")], placement: .whole, question: question,
                       answer: labels[label], label: label)
    }

    /// An episode with a document of `PositionWords`-default 64 tokens (the question forms' tests,
    /// `DataStream.episode(index:)`); documents for training come from `makeWholeDocumentEpisode`.
    public func makeEpisode(using g: inout SplitMix64) -> Episode {
        do {
            return try makeWholeDocumentEpisode(documentTokens: { _ in max(64, minimumTokens) }, using: &g)!
        } catch {
            preconditionFailure("64 tokens fit every position task: \(error)")
        }
    }

    func domain(_ forms: [String], slots: [String: [String]] = [:]) -> QuestionDomain {
        QuestionDomain(tasks: [name], questionForms: forms, slots: slots)
    }
}

extension SplitMix64 {
    /// `count` random filler words.
    mutating func filler(_ count: Int) -> [String] {
        (0..<count).map { _ in pick(PositionWords.filler) }
    }

    /// `count` distinct positions in 0..<n, in random order (count ≤ n).
    mutating func distinctPositions(_ count: Int, below n: Int) -> [Int] {
        var chosen: [Int] = [], seen = Set<Int>()
        while chosen.count < count {
            let p = below(n)
            if seen.insert(p).inserted { chosen.append(p) }
        }
        return chosen
    }

    /// `count` sorted offsets for blocks of `width` words in `n` words, not overlapping:
    /// uniform starts in the n − count·width free words, block j shifted by j·width.
    mutating func blockOffsets(_ count: Int, width: Int, in n: Int) -> [Int] {
        let free = n - count * width
        return (0..<count).map { _ in between(0...free) }.sorted().enumerated().map { $1 + $0 * width }
    }
}

/// `counting`: the three markers each occur 0–9 times at random places among filler words; the
/// question names one; the answer is its count.
public struct CountingTask: PositionTask {
    public init() {}
    public var name: String { "counting" }
    public var answers: [String] { PositionWords.digits }
    public var minimumTokens: Int { 9 * PositionWords.markers.count }
    public static let questionForm = "How many {marker}?"
    public var questionDomain: QuestionDomain? { domain([Self.questionForm], slots: ["marker": PositionWords.markers]) }

    public func makeQuestion(using g: inout SplitMix64) -> (question: String, choice: Int) {
        let marker = g.below(PositionWords.markers.count)
        return (QuestionDomain.fill(Self.questionForm, ["marker": PositionWords.markers[marker]]), marker)
    }

    public func makeDocument(tokens: Int, choice: Int, using g: inout SplitMix64) -> (words: [String], label: Int) {
        var words = g.filler(tokens)
        let counts = PositionWords.markers.indices.map { _ in g.below(10) }
        let places = g.distinctPositions(counts.reduce(0, +), below: tokens)
        var next = 0
        for (marker, count) in counts.enumerated() {
            for place in places[next..<(next + count)] { words[place] = PositionWords.markers[marker] }
            next += count
        }
        return (words, counts[choice])
    }
}

/// `flip-flop`: instructions `write b`, `ignore b`, `read b` (b a bit; 10 % write, 80 % ignore,
/// 10 % read after a first write, as FFL(0.8)); a read shows the last written bit. The answer is
/// the last written bit. An odd length starts with the word `start`.
public struct FlipFlopTask: PositionTask {
    public init() {}
    public var name: String { "flip-flop" }
    public var answers: [String] { ["0", "1"] }
    public var minimumTokens: Int { 2 }
    public static let questionForm = "What was written last?"
    public var questionDomain: QuestionDomain? { domain([Self.questionForm]) }

    public func makeQuestion(using g: inout SplitMix64) -> (question: String, choice: Int) { (Self.questionForm, 0) }

    public func makeDocument(tokens: Int, choice: Int, using g: inout SplitMix64) -> (words: [String], label: Int) {
        let answer = g.below(2)
        let count = tokens / 2
        // 0 write, 1 ignore, 2 read.
        let ops = (0..<count).map { i in
            if i == 0 { return 0 }
            let draw = g.below(10)
            return draw == 0 ? 0 : draw == 1 ? 2 : 1
        }
        let lastWrite = ops.lastIndex(of: 0)!
        var words = tokens % 2 == 1 ? ["start"] : []
        var memory = 0
        for (i, op) in ops.enumerated() {
            let bit: Int
            switch op {
            case 0: bit = i == lastWrite ? answer : g.below(2); memory = bit
            case 2: bit = memory
            default: bit = g.below(2)
            }
            words += [PositionWords.instructions[op], PositionWords.digits[bit]]
        }
        return (words, answer)
    }
}

/// `passkey`: "key is d1 d2 d3 d4 d5" at a uniform place among filler words; the question asks
/// one digit by its ordinal.
public struct PasskeyTask: PositionTask {
    public init() {}
    public var name: String { "passkey" }
    public var answers: [String] { PositionWords.digits }
    public var minimumTokens: Int { 2 + PositionWords.ordinals.count }
    public static let questionForm = "What is the {ordinal} digit of the key?"
    public var questionDomain: QuestionDomain? { domain([Self.questionForm], slots: ["ordinal": PositionWords.ordinals]) }

    public func makeQuestion(using g: inout SplitMix64) -> (question: String, choice: Int) {
        let ordinal = g.below(PositionWords.ordinals.count)
        return (QuestionDomain.fill(Self.questionForm, ["ordinal": PositionWords.ordinals[ordinal]]), ordinal)
    }

    public func makeDocument(tokens: Int, choice: Int, using g: inout SplitMix64) -> (words: [String], label: Int) {
        let digits = PositionWords.ordinals.map { _ in g.below(10) }
        var words = g.filler(tokens - minimumTokens)
        words.insert(contentsOf: ["key", "is"] + digits.map { PositionWords.digits[$0] }, at: g.between(0...words.count))
        return (words, digits[choice])
    }
}

/// `needle` (the passkey of the research note, Docs/position-encodings.md): `key d` once at a uniform
/// place among filler words, and 2–6 distractor digits (each ≠ d) at other places; the answer is
/// the digit after `key`. Which digit is the key's is decided by the word before it (an offset of
/// one), so a content-only reader is at 1/(distinct digits present); the same count of digits at
/// every length, so longer documents dilute the one that matters.
public struct NeedleTask: PositionTask {
    public init() {}
    public var name: String { "needle" }
    public var answers: [String] { PositionWords.digits }
    public static let distractors = 2...6
    public var minimumTokens: Int { 2 + Self.distractors.upperBound }
    public static let questionForm = "What is the key?"
    public var questionDomain: QuestionDomain? { domain([Self.questionForm]) }

    public func makeQuestion(using g: inout SplitMix64) -> (question: String, choice: Int) { (Self.questionForm, 0) }

    public func makeDocument(tokens: Int, choice: Int, using g: inout SplitMix64) -> (words: [String], label: Int) {
        let answer = g.below(10)
        let others = (0..<g.between(Self.distractors)).map { _ in (answer + 1 + g.below(9)) % 10 }
        // Blocks: the needle (2 words) and each distractor (1 word), in random order, not touching.
        var blocks = [["key", PositionWords.digits[answer]]] + others.map { [PositionWords.digits[$0]] }
        g.shuffle(&blocks)
        var words = g.filler(tokens - blocks.reduce(0) { $0 + $1.count })
        // Insert from the back so earlier places stay valid; places drawn sorted in the filler.
        let places = (0..<blocks.count).map { _ in g.between(0...words.count) }.sorted()
        for (place, block) in zip(places, blocks).reversed() { words.insert(contentsOf: block, at: place) }
        return (words, answer)
    }
}

/// `recall` (associative recall): 2–6 pairs `key value` (distinct letters, digits) at random
/// places among filler words, in random order; the question names one key; the answer is its value.
public struct RecallTask: PositionTask {
    public init() {}
    public var name: String { "recall" }
    public var answers: [String] { PositionWords.digits }
    public static let pairs = 2...6
    public var minimumTokens: Int { 2 * Self.pairs.upperBound }
    public static let questionForm = "What is {key}?"
    public var questionDomain: QuestionDomain? { domain([Self.questionForm], slots: ["key": PositionWords.keys]) }

    public func makeQuestion(using g: inout SplitMix64) -> (question: String, choice: Int) {
        let key = g.below(PositionWords.keys.count)
        return (QuestionDomain.fill(Self.questionForm, ["key": PositionWords.keys[key]]), key)
    }

    public func makeDocument(tokens: Int, choice: Int, using g: inout SplitMix64) -> (words: [String], label: Int) {
        let count = g.between(Self.pairs)
        var others = PositionWords.keys.indices.filter { $0 != choice }
        g.shuffle(&others)
        var keys = [choice] + others.prefix(count - 1)
        g.shuffle(&keys)
        let values = keys.map { _ in g.below(10) }
        var words = g.filler(tokens)
        for (j, offset) in g.blockOffsets(count, width: 2, in: tokens).enumerated() {
            words[offset] = PositionWords.keys[keys[j]]
            words[offset + 1] = PositionWords.digits[values[j]]
        }
        return (words, values[keys.firstIndex(of: choice)!])
    }
}

/// `parity` (regular class of the Chomsky hierarchy suite, Delétang et al. 2023): a string of
/// bits; the answer is 1 when the number of ones is odd, else 0.
public struct ParityTask: PositionTask {
    public init() {}
    public var name: String { "parity" }
    public var answers: [String] { ["0", "1"] }
    public var minimumTokens: Int { 1 }
    public static let questionForm = "Is the number of ones odd?"
    public var questionDomain: QuestionDomain? { domain([Self.questionForm]) }

    public func makeQuestion(using g: inout SplitMix64) -> (question: String, choice: Int) { (Self.questionForm, 0) }

    public func makeDocument(tokens: Int, choice: Int, using g: inout SplitMix64) -> (words: [String], label: Int) {
        let answer = g.below(2)
        var bits = (0..<(tokens - 1)).map { _ in g.below(2) }
        bits.insert(answer ^ (bits.reduce(0, +) & 1), at: g.between(0...bits.count))
        return (bits.map { PositionWords.digits[$0] }, answer)
    }
}

/// `even-pairs` (regular class of Delétang et al. 2023): a string of `a` and `b`; the answer is 1
/// when the pairs "a b" and "b a" occur equally often — which holds exactly when the first and
/// last letters are equal — else 0. It needs the two ends of the document, not its middle.
public struct EvenPairsTask: PositionTask {
    public init() {}
    public var name: String { "even-pairs" }
    public var answers: [String] { ["0", "1"] }
    public var minimumTokens: Int { 2 }
    public static let questionForm = "Are the pairs even?"
    public var questionDomain: QuestionDomain? { domain([Self.questionForm]) }

    public func makeQuestion(using g: inout SplitMix64) -> (question: String, choice: Int) { (Self.questionForm, 0) }

    public func makeDocument(tokens: Int, choice: Int, using g: inout SplitMix64) -> (words: [String], label: Int) {
        let answer = g.below(2)
        var letters = (0..<tokens).map { _ in g.below(2) }
        letters[tokens - 1] = answer == 1 ? letters[0] : 1 - letters[0]
        return (letters.map { PositionWords.pairLetters[$0] }, answer)
    }
}

/// `cycle` (cycle navigation, regular class of Delétang et al. 2023): moves left (−1), stay (0),
/// right (+1) on a cycle of 5 positions starting at 0; the answer is the final position.
public struct CycleTask: PositionTask {
    public init() {}
    public var name: String { "cycle" }
    public static let positions = 5
    public var answers: [String] { Array(PositionWords.digits.prefix(Self.positions)) }
    public var minimumTokens: Int { 2 }
    public static let questionForm = "Where does the walk end?"
    public var questionDomain: QuestionDomain? { domain([Self.questionForm]) }

    public func makeQuestion(using g: inout SplitMix64) -> (question: String, choice: Int) { (Self.questionForm, 0) }

    public func makeDocument(tokens: Int, choice: Int, using g: inout SplitMix64) -> (words: [String], label: Int) {
        let n = Self.positions, answer = g.below(n)
        var steps = (0..<(tokens - 2)).map { _ in g.below(3) - 1 }
        // The last two moves (each −1…1) close the gap to the answer, which lies in −2…2 mod 5.
        var gap = ((answer - steps.reduce(0, +)) % n + n) % n
        if gap > n / 2 { gap -= n }
        let pairs = [(-1, -1), (-1, 0), (0, -1), (-1, 1), (1, -1), (0, 0), (0, 1), (1, 0), (1, 1)].filter { $0.0 + $0.1 == gap }
        let (a, b) = g.pick(pairs)
        steps += [a, b]
        return (steps.map { PositionWords.moves[$0 + 1] }, answer)
    }
}
