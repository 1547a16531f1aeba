// Adversarial noise and noise genres: the fact grammar recognises every task's facts; no
// adversarial sentence contains a fact clause (alone, or inside a document next to the facts);
// the mixing rate, order and seeding; the genre sample of Fixtures/noise loads as noise.
import Foundation
import RMTBase
import RMTData
import Testing

@Suite struct AdversarialNoiseTests {
    static let allTaskNames = TestData.roomTaskNames + TestData.questionTaskNames

    @Test func grammarRecognisesEveryTaskFact() throws {
        var kinds = Set<String>()
        for name in Self.allTaskNames {
            var g = SplitMix64(seed: 17)
            let task = try TaskCatalog.task(named: name)
            for _ in 0..<300 {
                for fact in task.makeEpisode(using: &g).facts {
                    let parsed = FactGrammar.parse(fact)
                    #expect(parsed != nil, "\(name): \(fact)")
                    #expect(FactGrammar.containsFactClause(fact), "\(name): \(fact)")
                    if let parsed { kinds.insert(String(describing: parsed).components(separatedBy: "(")[0]) }
                }
            }
        }
        #expect(kinds.count == 4, "move, get, drop and relation facts all occur: \(kinds)")
        #expect(FactGrammar.parse("Mary went back to the kitchen.") == .move(actor: "Mary", room: "kitchen"))
        #expect(FactGrammar.parse("daniel  picked up the milk there.") == .get(actor: "Daniel", object: "milk"))
        #expect(FactGrammar.parse("Sandra let go of the apple.") == .drop(actor: "Sandra", object: "apple"))
        #expect(FactGrammar.parse("The garden is north of the office.") == .relation(room: "garden", direction: "north", other: "office"))
        // Not facts: possessives, other subjects, compound nouns, hypotheticals, no period.
        for text in ["Mary's kitchen was cold.", "The postman went to the kitchen.", "Mary went to the kitchen door.",
                     "Mary wanted to go to the kitchen.", "Mary went to the kitchen", "John took the newspaper.",
                     "The garden faced north.", "Where is Mary?"] {
            #expect(FactGrammar.parse(text) == nil, "\(text)")
        }
        // The clause check is stricter: a fact at the start of a longer sentence counts.
        #expect(FactGrammar.containsFactClause("Later Mary went to the kitchen door and waited."))
        #expect(FactGrammar.containsFactClause("It was said that the hallway is east of the garden, once."))
        #expect(!FactGrammar.containsFactClause("The postman went to Mary's kitchen."))
    }

    @Test func adversarialSentencesAreNeverFacts() {
        var distinct = Set<String>()
        var words = Set<String>()
        for seed: UInt64 in 0..<5 {
            for sentence in AdversarialProse.sentences(count: 10_000, seed: seed) {
                #expect(FactGrammar.parse(sentence) == nil, "\(sentence)")
                #expect(!FactGrammar.containsFactClause(sentence), "\(sentence)")
                #expect(TaskWords.containsReservedWord(sentence), "uses a task word: \(sentence)")
                #expect(sentence.first!.isUppercase && sentence.hasSuffix("."), "\(sentence)")
                // Never a pronoun subject that could stand for a fact's actor.
                #expect(!sentence.hasPrefix("She ") && !sentence.hasPrefix("He "), "\(sentence)")
                // An actor is never the subject of a movement verb.
                for actor in TaskWords.actors {
                    for verb in TaskWords.moveVerbs + ["walked", "ran", "hurried"] {
                        #expect(!sentence.contains("\(actor) \(verb) "), "\(sentence)")
                    }
                }
                // A task object is never taken, dropped or placed.
                for object in TaskWords.objects {
                    #expect(!sentence.contains("the \(object) in the") && !sentence.contains("\(object) there"), "\(sentence)")
                }
                distinct.insert(sentence)
                for w in sentence.lowercased().split(whereSeparator: { !$0.isLetter }) { words.insert(String(w)) }
            }
        }
        #expect(distinct.count > 5_000, "varied: \(distinct.count)")
        for word in TaskWords.actors.map({ $0.lowercased() }) + TaskWords.rooms + TaskWords.objects + TaskWords.directions
            + ["went", "moved", "journeyed", "travelled", "back", "took", "grabbed", "dropped", "discarded"] {
            #expect(words.contains(word), "uses \(word)")
        }
        #expect(AdversarialProse.sentences(count: 50, seed: 3) == AdversarialProse.sentences(count: 50, seed: 3))
        #expect(AdversarialProse.sentences(count: 50, seed: 3) != AdversarialProse.sentences(count: 50, seed: 4))
    }

    @Test func mixingRateOrderAndSeed() throws {
        let prose = BuiltinProse.sentences(count: 8_000, seed: 2)
        #expect(AdversarialProse.mix(prose, rate: 0, seed: 1) == prose)
        for rate in [0.05, 0.2, 0.5] {
            let mixed = AdversarialProse.mix(prose, rate: rate, seed: 1)
            let inserted = mixed.filter { TaskWords.containsReservedWord($0) }
            #expect(mixed.filter { !TaskWords.containsReservedWord($0) } == prose, "prose kept whole and in order")
            #expect(mixed.count == prose.count + inserted.count)
            let share = Double(inserted.count) / Double(mixed.count)
            #expect(abs(share - rate) < 0.02, "rate \(rate): \(share)")
            #expect(mixed == AdversarialProse.mix(prose, rate: rate, seed: 1))
            #expect(mixed != AdversarialProse.mix(prose, rate: rate, seed: 2))
        }
        for bad in [-0.1, 1, 1.5, .nan] {
            #expect(throws: DataError.self) { try AdversarialProse.validate(rate: bad) }
        }
    }

    /// Every sentence of a document with adversarial noise that parses as a fact is one of the
    /// episode's facts, and the answer is unchanged.
    @Test(arguments: ["detect-distract", "memorize-distract", "unknown", "babi-qa2", "reasoning"])
    func documentsWithAdversarialNoiseStateOnlyTheirFacts(name: String) throws {
        let noise = NoiseCorpus.builtin(tokenizer: TestData.tokenizer, seed: 11, sentenceCount: 3_000, adversarialRate: 0.3)
        #expect(noise.name.contains("adversarial"))
        #expect(noise.fingerprint != TestData.builtin.fingerprint)
        let task = try TaskCatalog.task(named: name)
        let stream = try TestData.stream(task, seed: 6, noise: noise)
        let plain = try TestData.stream(task, seed: 6)
        var adversarialSeen = 0
        for index in 0..<30 {
            let plan = try stream.plan(index: index, segments: 3)
            let episode = stream.episode(index: index)
            DocumentTests.check(plan, episode: episode, segments: 3, labels: task.labels)
            #expect(episode == plain.episode(index: index), "the noise does not change the episode")
            let sentences = ProseNoise.sentences(in: plan.text())
            let stated = sentences.filter { FactGrammar.parse($0) != nil }
            #expect(stated == episode.facts, "\(stated) vs \(episode.facts)")
            for sentence in sentences where !episode.facts.contains(sentence) {
                #expect(!FactGrammar.containsFactClause(sentence), "\(sentence)")
                if TaskWords.containsReservedWord(sentence) { adversarialSeen += 1 }
            }
        }
        #expect(adversarialSeen > 100, "adversarial sentences are in the documents: \(adversarialSeen)")
    }

    @Test func adversarialRateOnProseFiles() throws {
        let folder = TestData.root.appendingPathComponent("Fixtures/noise/reference").path
        let plain = try NoiseCorpus(paths: [folder], tokenizer: TestData.tokenizer)
        let mixed = try NoiseCorpus(paths: [folder], tokenizer: TestData.tokenizer, adversarialRate: 0.25, seed: 3)
        #expect(mixed.sentenceCount > plain.sentenceCount)
        #expect(mixed.name.hasPrefix(folder) && mixed.name.contains("adversarial"))
        #expect(mixed.fingerprint == (try NoiseCorpus(paths: [folder], tokenizer: TestData.tokenizer, adversarialRate: 0.25, seed: 3)).fingerprint)
        do {
            _ = try NoiseCorpus(paths: [folder], tokenizer: TestData.tokenizer, adversarialRate: 1)
            Issue.record("rate 1 should be an error")
        } catch let error as DataError {
            #expect(error.description.contains("--adversarial-rate") && !error.description.contains("\n"))
        }
    }

    /// The committed sample of the reference genre (Scripts/fetch-noise.sh output format) loads as
    /// noise: whole definition sentences, no dictionary markup, no task words, documents build.
    @Test func genreSampleLoads() throws {
        let folder = TestData.root.appendingPathComponent("Fixtures/noise/reference")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".txt") }.sorted()
        #expect(files == ["devils-dictionary-sample.txt", "jargon-file-sample.txt"])
        let prose = try ProseNoise(paths: [folder.path])
        #expect(prose.files.count == 2)
        #expect(prose.count >= 60, "\(prose.count) sentences")
        for sentence in prose.sentences {
            #expect(!TaskWords.containsReservedWord(sentence))
            #expect(!sentence.contains("{") && !sentence.contains("}"), "dictd braces stripped: \(sentence)")
            #expect(sentence.split(separator: " ").count >= 3)
        }
        let corpus = try NoiseCorpus(prose: prose, tokenizer: TestData.tokenizer)
        #expect(corpus.tokenCount >= NoiseCorpus.minimumTokens)
        let stream = try TestData.stream(try TaskCatalog.task(named: "detect-distract"), seed: 2, noise: corpus)
        for index in 0..<10 {
            DocumentTests.check(try stream.plan(index: index, segments: 4), episode: stream.episode(index: index),
                                segments: 4, labels: TaskWords.labels)
        }
    }
}
