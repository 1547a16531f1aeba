// Position tasks (counting, flip-flop, passkey, recall, parity, cycle): documents of exactly the
// layout's length at any segment length, answers recomputed from the document tokens by
// independent checkers, determinism per seed, balanced labels, single-token words, mixtures,
// errors, and haystack documents of an exact token count.
import Foundation
import RMTBase
import RMTData
import RMTRecurrence
import Testing

@Suite struct PositionTaskTests {
    static let names = ["counting", "flip-flop", "passkey", "needle", "recall", "parity", "even-pairs", "cycle"]

    /// The document's words, read back from its token ids.
    static func words(_ tokens: [Int32]) -> [String] {
        tokens.map { TestData.tokenizer.vocabulary.token(for: $0) }
    }

    /// The answer recomputed from the document words and the question alone (not the task's code).
    static func independentAnswer(task: String, words: [String], question: String) -> String? {
        let q = question.lowercased().split(whereSeparator: { $0 == " " || $0 == "?" }).map(String.init)
        switch task {
        case "counting":
            return String(words.filter { $0 == q[2] }.count)
        case "flip-flop":
            var last: String?
            var i = words.first == "start" ? 1 : 0
            while i + 1 < words.count {
                if words[i] == "write" { last = words[i + 1] }
                if words[i] == "read", words[i + 1] != last { return "read shows a bit that was not written last" }
                i += 2
            }
            return last
        case "passkey":
            guard let key = words.firstIndex(of: "key"), words[key + 1] == "is" else { return nil }
            let ordinal = ["first", "second", "third", "fourth", "fifth"].firstIndex(of: q[3])!
            return words[key + 2 + ordinal]
        case "needle":  // the digit after the one `key`; every other digit differs from it
            guard let key = words.firstIndex(of: "key"), words.lastIndex(of: "key") == key, key + 1 < words.count else { return nil }
            let answer = words[key + 1]
            let digits = words.enumerated().filter { $0.offset != key + 1 && PositionWords.digits.contains($0.element) }
            guard (2...6).contains(digits.count), digits.allSatisfy({ $0.element != answer }) else { return nil }
            return answer
        case "recall":
            guard let key = words.firstIndex(of: q[2]), words.lastIndex(of: q[2]) == key else { return nil }
            return words[key + 1]
        case "parity":
            return String(words.filter { $0 == "1" }.count % 2)
        case "even-pairs":  // count the pairs themselves (not the first = last shortcut)
            let ab = zip(words, words.dropFirst()).filter { $0 == "a" && $1 == "b" }.count
            let ba = zip(words, words.dropFirst()).filter { $0 == "b" && $1 == "a" }.count
            guard words.allSatisfy({ $0 == "a" || $0 == "b" }) else { return nil }
            return ab == ba ? "1" : "0"
        case "cycle":
            let total = words.reduce(0) { $0 + ["left": -1, "stay": 0, "right": 1][$1]! }
            return String(((total % 5) + 5) % 5)
        default:
            return nil
        }
    }

    @Test(arguments: names)
    func documentsHaveTheExactLengthAndTheRightAnswer(name: String) throws {
        let task = try TaskCatalog.task(named: name)
        #expect(task.name == name)
        #expect(task.labels == PositionWords.labels)
        #expect(task.labels.last == "unknown")
        #expect(task.writesWholeDocument)
        for S in [40, 64, 130, 512] {
            let stream = try TestData.stream(task, seed: 3, segmentLength: S)
            for index in 0..<(S > 200 ? 40 : 150) {
                let sample = try stream.sample(index: index, segments: 1)
                let expected = QuestionLayout.finalSegment.documentTokens(forSegments: 1, questionTokens: sample.questionTokens.count,
                                                                          segmentLength: S)
                #expect(sample.documentTokenCount == expected)
                #expect(sample.documentTokens.count == expected)
                #expect(sample.segments.count == 1 && sample.segments[0].count == S, "\(name) S=\(S): the segment is full")
                let words = Self.words(sample.documentTokens)
                #expect(Self.independentAnswer(task: name, words: words, question: sample.question) == sample.answer,
                        "\(name): \(sample.question) \(words.joined(separator: " "))")
                #expect(sample.label == PositionWords.labels.firstIndex(of: sample.answer))
                #expect(task.answers.contains(sample.answer))
                #expect(!words.contains("[UNK]"))
            }
            // Two segments: the same rule, T = 2S − 1 − |Q|.
            let two = try stream.sample(index: 7, segments: 2)
            #expect(two.segments.count == 2 && two.documentTokens.count == 2 * S - 1 - two.questionTokens.count)
            #expect(Self.independentAnswer(task: name, words: Self.words(two.documentTokens), question: two.question) == two.answer)
        }
    }

    @Test(arguments: names)
    func streamsAreDeterministicPerSeed(name: String) throws {
        let task = try TaskCatalog.task(named: name)
        let a = try TestData.stream(task, seed: 9, segmentLength: 64), b = try TestData.stream(task, seed: 9, segmentLength: 64)
        let c = try TestData.stream(task, seed: 10, segmentLength: 64)
        var differs = false
        for index in 0..<20 {
            let x = try a.sample(index: index, segments: 1), y = try b.sample(index: index, segments: 1)
            #expect(x.segments == y.segments && x.question == y.question && x.answer == y.answer)
            if try c.sample(index: index, segments: 1).segments != x.segments { differs = true }
        }
        #expect(differs, "another seed gives other documents")
        // The stream's order does not matter: item 13 alone equals item 13 after others.
        var sequential = try TestData.stream(task, seed: 9, segmentLength: 64)
        for _ in 0..<13 { _ = try sequential.next(segments: 1) }
        #expect(try sequential.next(segments: 1).segments == a.sample(index: 13, segments: 1).segments)
    }

    @Test(arguments: names)
    func labelsAreBalanced(name: String) throws {
        let task = try TaskCatalog.task(named: name)
        let stream = try TestData.stream(task, seed: 21, segmentLength: 64)
        var counts: [String: Int] = [:]
        let n = 2_000
        for index in 0..<n { counts[try stream.plan(index: index, segments: 1).answer, default: 0] += 1 }
        #expect(Set(counts.keys) == Set(task.answers))
        let expected = Double(n) / Double(task.answers.count)
        for (answer, count) in counts {
            #expect(abs(Double(count) - expected) < 0.25 * expected, "\(name): answer \(answer) \(count) times, expected ≈ \(expected)")
        }
    }

    @Test func everyPositionWordIsOneToken() {
        let all = PositionWords.digits + PositionWords.filler + PositionWords.markers + PositionWords.keys
            + PositionWords.ordinals + PositionWords.instructions + PositionWords.moves + PositionWords.pairLetters + ["start", "key", "is"]
        for word in all { #expect(TestData.tokenizer.encode(word).count == 1, "\(word)") }
        #expect(Set(PositionWords.filler).isDisjoint(with: PositionWords.markers + PositionWords.keys + PositionWords.digits
            + PositionWords.instructions + PositionWords.moves + ["key", "start"]))
    }

    @Test func positionTasksMixWithEachOtherOnly() throws {
        let mixture = try TaskCatalog.task(list: "counting,passkey,parity")
        #expect(mixture.writesWholeDocument)
        #expect(mixture.labels == PositionWords.labels)
        let stream = try TestData.stream(mixture, seed: 2, segmentLength: 48)
        var tasks = Set<String>()
        for index in 0..<60 {
            let sample = try stream.sample(index: index, segments: 1)
            tasks.insert(sample.task)
            #expect(sample.segments[0].count == 48)
            #expect(Self.independentAnswer(task: sample.task, words: Self.words(sample.documentTokens), question: sample.question) == sample.answer)
        }
        #expect(tasks == ["counting", "passkey", "parity"])
        #expect(throws: DataError.self) { try TaskCatalog.task(list: "counting,memorize") }
        // A room model's labels lack the digits: refused in one line.
        #expect(throws: DataError.self) { try DataStream(task: CountingTask(), noise: TestData.builtin, tokenizer: TestData.tokenizer, seed: 1, labels: defaultLabels) }
    }

    @Test func tooShortDocumentsAreRefused() throws {
        // counting needs 27 tokens: a segment of 20 leaves fewer.
        let stream = try TestData.stream(CountingTask(), seed: 1, segmentLength: 20)
        #expect(throws: DataError.self) { try stream.sample(index: 0, segments: 1) }
        let two = try stream.sample(index: 0, segments: 2)
        #expect(two.documentTokens.count == 40 - 1 - two.questionTokens.count)
    }

    @Test(arguments: names)
    func haystacksHaveExactlyTheTokensAsked(name: String) throws {
        let stream = try TestData.stream(try TaskCatalog.task(named: name), seed: 4)
        for tokens in [64, 300, 1_000] {
            let plan = try stream.haystack(index: 0, tokens: tokens)
            #expect(plan.documentTokenCount == tokens)
            #expect(TestData.tokenizer.encode(plan.text()) == plan.documentTokens())
            #expect(Self.independentAnswer(task: name, words: Self.words(plan.documentTokens()), question: plan.question) == plan.answer)
        }
    }
}
