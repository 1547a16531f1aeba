// The tasks that need the question: memorize-distract / detect-distract (facts about several
// people, one asked about) and unknown (a question about someone or something the document never
// mentions). Answers are checked by the independent checkers of TestSupport; labels against
// models made before `unknown` existed.
import Foundation
import RMTBase
import RMTData
import Testing

@Suite struct QuestionTaskTests {
    static let rooms = TaskWords.rooms

    @Test(arguments: ["memorize-distract", "detect-distract"])
    func distractorEpisodes(name: String) throws {
        let task = try TaskCatalog.task(named: name)
        #expect(task.name == name)
        #expect(task.labels == Self.rooms + ["unknown"])
        #expect(task.answers == Self.rooms)
        let stream = try TestData.stream(task, seed: 7)
        var counts = Set<Int>(), answers = Set<String>(), askedPositions = Set<Int>()
        for index in 0..<600 {
            let e = stream.episode(index: index)
            #expect(e.task == name)
            #expect(e.placement == (name == "memorize-distract" ? .start : .spread))
            #expect((2...4).contains(e.facts.count), "1 + 1…3 facts: \(e.facts)")
            counts.insert(e.facts.count)
            let parsed = e.facts.map { $0.wholeMatch(of: Forms.roomFact) }
            #expect(parsed.allSatisfy { $0 != nil }, "\(e.facts)")
            let people = parsed.compactMap { $0?.group(1) }, rooms = parsed.compactMap { $0?.group(3) }
            #expect(Set(people).count == people.count, "one fact per person: \(e.facts)")
            #expect(Set(rooms).count == rooms.count, "distractors use other rooms: \(e.facts)")
            let asked = try #require(e.question.wholeMatch(of: Forms.whereActor)).group(1)
            let position = try #require(people.firstIndex(of: asked), "the question names one of the people: \(e)")
            askedPositions.insert(position)
            #expect(distractorAnswer(facts: e.facts, question: e.question) == e.answer, "\(e)")
            #expect(e.label == TaskWords.labels.firstIndex(of: e.answer))
            // The distractors' answers are the other facts' rooms, never the asked person's room.
            #expect(Set(e.distractorAnswers) == Set(rooms).subtracting([e.answer]))
            #expect(e.distractorAnswers.count == e.facts.count - 1)
            #expect(!e.distractorAnswers.contains(e.answer))
            answers.insert(e.answer)
        }
        #expect(counts == [2, 3, 4], "every distractor count 1…3 occurs")
        #expect(answers.count == 6)
        #expect(askedPositions == [0, 1, 2, 3], "the asked fact comes anywhere in the order")
    }

    @Test func distractorCountIsConfigurable() throws {
        for (name, facts) in [("memorize-distract:0", 1...1), ("detect-distract:2", 3...3), ("detect-distract:3", 4...4),
                              ("memorize-distract:0-3", 1...4), ("detect-distract:1-3", 2...4)] {
            let task = try TaskCatalog.task(named: name)
            // The default range is spelled without a count.
            #expect(task.name == (name == "detect-distract:1-3" ? "detect-distract" : name))
            var g = SplitMix64(seed: 5)
            var seen = Set<Int>()
            for _ in 0..<200 {
                let e = task.makeEpisode(using: &g)
                #expect(facts.contains(e.facts.count), "\(name): \(e.facts)")
                #expect(distractorAnswer(facts: e.facts, question: e.question) == e.answer)
                seen.insert(e.facts.count)
            }
            #expect(seen.count == facts.count, "\(name): \(seen)")
        }
        for bad in ["detect-distract:4", "detect-distract:x", "memorize-distract:3-1", "memorize-distract:", "detect-distract:-1", "detect-distract:1-2-3"] {
            do {
                _ = try TaskCatalog.task(named: bad)
                Issue.record("\(bad) should be an error")
            } catch let error as DataError {
                #expect(error.description.contains(bad.components(separatedBy: ":")[0]), "\(error)")
                #expect(!error.description.contains("\n"))
            }
        }
    }

    @Test func unknownQuestionsNameNobodyInTheDocument() throws {
        let task = try TaskCatalog.task(named: "unknown")
        #expect(task.labels == Self.rooms + ["unknown"])
        #expect(task.answers == ["unknown"])
        let stream = try TestData.stream(task, seed: 3)
        var forms: [String: Int] = [:]
        var personFactCounts = Set<Int>()
        for index in 0..<800 {
            let e = stream.episode(index: index)
            #expect(e.answer == "unknown")
            #expect(e.label == 6)
            #expect(!mentionsQuestionSubject(facts: e.facts, question: e.question), "\(e)")
            #expect(independentAnswer(e) == "unknown")
            if e.question.wholeMatch(of: Forms.whereActor) != nil {
                forms["person", default: 0] += 1
                personFactCounts.insert(e.facts.count)
                let parsed = e.facts.compactMap { $0.wholeMatch(of: Forms.roomFact) }
                #expect(parsed.count == e.facts.count, "\(e.facts)")
                #expect(Set(parsed.map { $0.group(1) }).count == parsed.count)
                #expect(Set(parsed.map { $0.group(3) }).count == parsed.count)
            } else if e.question.wholeMatch(of: Forms.whereObject) != nil {
                forms["object", default: 0] += 1
                #expect(e.facts.count >= 4)
                // A valid bAbI story (the replay records any broken world rule) that cannot answer.
                #expect(babiAnswer(facts: e.facts, question: e.question) == nil)
            } else {
                forms["direction", default: 0] += 1
                #expect(e.facts.count == 2)
                for fact in e.facts { #expect(fact.wholeMatch(of: Forms.dirFact) != nil, "\(fact)") }
                #expect(reasoningAnswer(facts: e.facts, question: e.question) == nil)
            }
        }
        #expect((320...480).contains(forms["person"] ?? 0), "\(forms)")
        #expect((140...260).contains(forms["object"] ?? 0), "\(forms)")
        #expect((140...260).contains(forms["direction"] ?? 0), "\(forms)")
        #expect(personFactCounts == [0, 1, 2, 3], "documents with no fact at all, and with 1–3 facts about others")
    }

    @Test func unknownFormsAreEachReachable() {
        var g = SplitMix64(seed: 12)
        for form in UnknownTask.Form.allCases {
            for _ in 0..<50 {
                let e = UnknownTask().episode(form, using: &g)
                #expect(!mentionsQuestionSubject(facts: e.facts, question: e.question), "\(form): \(e)")
            }
        }
    }

    @Test func labelsFollowTheModel() throws {
        // A model made before `unknown` (six labels) reads every task that never answers it.
        for name in TestData.roomTaskNames + ["memorize-distract", "detect-distract"] {
            let task = try TaskCatalog.task(named: name)
            let old = try DataStream(task: task, noise: TestData.builtin, tokenizer: TestData.tokenizer, seed: 4,
                                     labels: TaskWords.roomLabels)
            let new = try TestData.stream(task, seed: 4)
            #expect(old.labels == TaskWords.roomLabels)
            for index in 0..<20 {
                let a = try old.sample(index: index, segments: 1), b = try new.sample(index: index, segments: 1)
                #expect(a.segments == b.segments)
                #expect(a.label == b.label, "rooms keep their index")
                #expect(TaskWords.roomLabels[a.label] == a.answer)
            }
        }
        // …but not `unknown`, nor a mixture that contains it.
        for name in ["unknown", "memorize,unknown"] {
            let task = try TaskCatalog.task(list: name)
            do {
                _ = try DataStream(task: task, noise: TestData.builtin, tokenizer: TestData.tokenizer, seed: 4,
                                   labels: TaskWords.roomLabels)
                Issue.record("\(name) on six labels should be an error")
            } catch let error as DataError {
                #expect(error.description.contains("\"unknown\""), "\(error)")
                #expect(!error.description.contains("\n"))
            }
        }
        // Labels in another order: numbered by name.
        let shuffled = TaskWords.labels.reversed().map { $0 }
        let stream = try DataStream(task: try TaskCatalog.task(list: "detect-distract,unknown"), noise: TestData.builtin,
                                    tokenizer: TestData.tokenizer, seed: 4, labels: shuffled)
        for index in 0..<30 {
            let sample = try stream.sample(index: index, segments: 1)
            #expect(shuffled[sample.label] == sample.answer)
        }
        let relabelled = try TestData.stream(MemorizeTask(), seed: 4).relabelled(to: shuffled)
        #expect(relabelled.labels == shuffled)
    }

    @Test func mixturesOfEveryTaskShareLabels() throws {
        let all = (TestData.roomTaskNames + ["memorize-distract", "detect-distract:0-3", "unknown"]).joined(separator: ",")
        let mixture = try TaskCatalog.task(list: all)
        #expect(mixture.labels == TaskWords.labels)
        #expect(mixture.answers == TaskWords.labels)
        #expect(try TaskCatalog.task(list: "memorize,detect-distract").answers == TaskWords.rooms)
        let a = try TestData.stream(mixture, seed: 8), b = try TestData.stream(mixture, seed: 8)
        var tasks = Set<String>()
        for index in 0..<200 {
            let x = try a.sample(index: index, segments: 2)
            tasks.insert(x.task)
            #expect(x.segments == (try b.sample(index: index, segments: 2)).segments, "determinism by seed")
            #expect(x.distractorAnswers == a.episode(index: index).distractorAnswers)
            #expect(TaskWords.labels[x.label] == x.answer)
        }
        #expect(tasks.count == 9, "\(tasks)")
        // Naming a task twice doubles its share.
        let weighted = try TestData.stream(try TaskCatalog.task(list: "unknown,unknown,detect-distract"), seed: 2)
        let unknowns = (0..<600).filter { weighted.episode(index: $0).task == "unknown" }.count
        #expect((340...460).contains(unknowns), "\(unknowns)")
    }

    @Test func catalogListsTheNewTasks() throws {
        for name in ["memorize-distract", "detect-distract", "unknown"] {
            #expect(TaskCatalog.names.contains(name))
            #expect(try TaskCatalog.task(named: name).name == name)
        }
    }
}

@Test func aTaskListIsSplitOnCommasTrimmedAndKeepsRepeats() throws {
    #expect(TaskCatalog.names(inList: " memorize, detect,,babi-qa2 ,babi-qa2,") == ["memorize", "detect", "babi-qa2", "babi-qa2"])
    #expect(TaskCatalog.names(inList: " , ").isEmpty)
    // The mixture a list makes weights a repeated task by its repeats.
    let mixture = try #require(try TaskCatalog.task(list: "memorize, memorize,detect") as? TaskMixture)
    #expect(mixture.tasks.map(\.name) == ["memorize", "memorize", "detect"])
    #expect(throws: DataError.self) { try TaskCatalog.task(list: " ,, ") }
}
