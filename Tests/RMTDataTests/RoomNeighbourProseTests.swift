// Room-neighbour noise (RoomNeighbourProse): no sentence names a task word or states a fact;
// every sentence uses a neighbour word, and every neighbour word is used; runs of 4–12 are mixed
// in at the asked share, the prose kept whole and in order, seeded; rate 0 leaves every earlier
// run's noise as it was; documents built on it state only their facts.
import Foundation
import RMTBase
import RMTData
import Testing

@Suite struct RoomNeighbourProseTests {
    @Test func sentencesUseNeighboursAndNoTaskWord() {
        let words = Set(RoomNeighbourProse.words)
        #expect(words.count == RoomNeighbourProse.words.count, "no word listed twice")
        #expect(Set(RoomNeighbourProse.neighbours.keys) == Set(TaskWords.rooms), "a list for every room")
        for word in words { #expect(!TaskWords.containsReservedWord(word), "\(word) is a task word") }
        var used = Set<String>(), distinct = Set<String>()
        for seed: UInt64 in 0..<3 {
            for sentence in RoomNeighbourProse.sentences(count: 5_000, seed: seed) {
                #expect(!FactGrammar.containsFactClause(sentence) && FactGrammar.parse(sentence) == nil, "\(sentence)")
                #expect(!TaskWords.containsReservedWord(sentence), "\(sentence)")
                #expect(sentence.first!.isUppercase && sentence.hasSuffix("."), "\(sentence)")
                let tokens = Set(sentence.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
                #expect(!tokens.isDisjoint(with: words), "no neighbour word: \(sentence)")
                used.formUnion(tokens.intersection(words))
                distinct.insert(sentence)
            }
        }
        #expect(used == words, "unused: \(words.subtracting(used).sorted())")
        #expect(distinct.count > 5_000, "varied: \(distinct.count)")
        #expect(RoomNeighbourProse.sentences(count: 50, seed: 3) == RoomNeighbourProse.sentences(count: 50, seed: 3))
        #expect(RoomNeighbourProse.sentences(count: 50, seed: 3) != RoomNeighbourProse.sentences(count: 50, seed: 4))
    }

    @Test func mixedInRunsAtTheRate() throws {
        let prose = BuiltinProse.sentences(count: 20_000, seed: 2)
        #expect(RoomNeighbourProse.mix(prose, rate: 0, seed: 1) == prose)
        let proseSet = Set(prose)
        for rate in [0.05, 0.1, 0.3] {
            let mixed = RoomNeighbourProse.mix(prose, rate: rate, seed: 1)
            #expect(mixed.filter { proseSet.contains($0) } == prose, "prose kept whole and in order")
            let inserted = mixed.count - prose.count
            let share = Double(inserted) / Double(mixed.count)
            #expect(abs(share - rate) < 0.25 * rate, "rate \(rate): \(share)")
            // Runs: each stretch of inserted sentences is one run of 4–12 (a run always comes
            // before a prose sentence, so two runs never meet), and both ends of the range occur.
            var run = 0, runs: [Int] = []
            for s in mixed {
                if proseSet.contains(s) { if run > 0 { runs.append(run) }; run = 0 } else { run += 1 }
            }
            #expect(run == 0, "the mix ends with a prose sentence")
            #expect(runs.allSatisfy { RoomNeighbourProse.runLength.contains($0) }, "\(runs.min() ?? 0)…\(runs.max() ?? 0)")
            #expect(runs.contains(RoomNeighbourProse.runLength.lowerBound) && runs.contains(RoomNeighbourProse.runLength.upperBound))
            #expect(mixed == RoomNeighbourProse.mix(prose, rate: rate, seed: 1))
            #expect(mixed != RoomNeighbourProse.mix(prose, rate: rate, seed: 2))
        }
        for bad in [-0.1, 1, 1.5, .nan] {
            #expect(throws: DataError.self) { try RoomNeighbourProse.validate(rate: bad) }
        }
    }

    /// Rate 0 is the noise every run before the flag read: the same corpus, name and fingerprint.
    @Test func rateZeroKeepsEarlierNoise() {
        let before = NoiseCorpus.builtin(tokenizer: TestData.tokenizer, seed: 11, sentenceCount: 3_000, adversarialRate: 0.1)
        let zero = NoiseCorpus.builtin(tokenizer: TestData.tokenizer, seed: 11, sentenceCount: 3_000, adversarialRate: 0.1, neighbourRate: 0)
        #expect(before.fingerprint == zero.fingerprint && before.name == zero.name)
        let with = NoiseCorpus.builtin(tokenizer: TestData.tokenizer, seed: 11, sentenceCount: 3_000, adversarialRate: 0.1, neighbourRate: 0.1)
        #expect(with.fingerprint != before.fingerprint && with.name.contains("room-neighbour"))
    }

    /// Documents on room-neighbour noise state exactly their episode's facts, with the same answer.
    @Test(arguments: ["unknown", "memorize-distract", "babi-qa2"])
    func documentsStateOnlyTheirFacts(name: String) throws {
        let noise = NoiseCorpus.builtin(tokenizer: TestData.tokenizer, seed: 11, sentenceCount: 3_000, neighbourRate: 0.3)
        let task = try TaskCatalog.task(named: name)
        let stream = try TestData.stream(task, seed: 6, noise: noise)
        let plain = try TestData.stream(task, seed: 6)
        let words = Set(RoomNeighbourProse.words)
        var neighbourWords = 0
        for index in 0..<20 {
            let plan = try stream.plan(index: index, segments: 3)
            let episode = stream.episode(index: index)
            #expect(episode == plain.episode(index: index))
            let sentences = ProseNoise.sentences(in: plan.text())
            #expect(sentences.filter { FactGrammar.parse($0) != nil } == episode.facts)
            for sentence in sentences where !episode.facts.contains(sentence) {
                #expect(!FactGrammar.containsFactClause(sentence), "\(sentence)")
                neighbourWords += sentence.lowercased().split(whereSeparator: { !$0.isLetter }).filter { words.contains(String($0)) }.count
            }
        }
        #expect(neighbourWords > 200, "neighbour words are in the documents: \(neighbourWords)")
    }
}
