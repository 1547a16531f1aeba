// Memory probes (DataStream.probeRate, rmt-train --probe-rate): a probed training document reads
// every segment but the last with its own question and asks, in the last, where another person of
// its story is — answered with the room the story last put that person in, recomputed here from
// the facts' text. The document itself is unchanged, a stream at rate 0 makes exactly the
// documents it made before, and validation (`sample(index:)`) never probes. Evaluation asks the
// same probes on request (`DataStream.probePlan`, rmt-train eval --probe): plan by plan, streamed
// segment by segment and re-split, they are the documents a training stream at rate 1 makes.
// With `probeObjects` a probe asks where an object of a bAbI story is whenever one qualifies,
// answered by bAbI's rules replayed here (TestSupport's `babiAnswer`); without it no probe names an object.
import Testing
import RMTData
import RMTBase

@Suite struct MemoryProbeTests {
    static func stream(_ name: String, rate: Double, seed: UInt64 = 5) throws -> DataStream {
        var stream = try DataStream(task: TaskCatalog.task(list: name), noise: TestData.builtin, tokenizer: TestData.tokenizer, seed: seed,
                                    segmentLength: 120, questionLayout: .everySegment, labels: TaskWords.labels)
        stream.probeRate = rate
        return stream
    }

    /// The room `person` is in by the facts read in order (bAbI moves and the distractor tasks'
    /// facts: "{person} {verb} to the {room}."), or nil when no fact places them.
    static func lastRoom(of person: String, in facts: [PlacedFact]) -> String? {
        var room: String?
        for fact in facts where fact.text.hasPrefix(person + " ") && fact.text.contains(" to the ") {
            room = String(fact.text.split(separator: " ").last!.dropLast())  // "kitchen." → "kitchen"
        }
        return room
    }

    @Test(arguments: ["babi-qa1", "babi-qa2", "babi-qa3", "memorize-distract:1-3", "detect-distract:1-3"])
    func aProbeAsksWhereAnotherPersonIsInTheFinalSegmentOnly(name: String) throws {
        var probing = try Self.stream(name, rate: 1)
        let plain = try Self.stream(name, rate: 0)
        var probed = 0
        for index in 0..<40 {
            let sample = try probing.next(segments: 3)
            let original = try plain.sample(index: index, segments: 3)
            #expect(sample.documentTokens == original.documentTokens, "the document is the same")
            #expect(Array(sample.segments.dropLast()) == Array(original.segments.dropLast()))
            guard sample.finalQuestion != sample.question else {
                // Not probed: only when the story places no other person.
                #expect(sample.segments == original.segments && sample.label == original.label)
                continue
            }
            probed += 1
            let q = sample.questionTokens, p = sample.finalQuestionTokens
            #expect(p == TestData.tokenizer.encode(sample.finalQuestion) && p.count <= q.count)
            #expect(Array(sample.segments.last!.prefix(p.count + 1)) == p + [TestData.sep])
            #expect(sample.segments.last!.dropFirst(p.count) == original.segments.last!.dropFirst(q.count))
            #expect(sample.finalQuestion.hasPrefix("Where is ") && sample.finalQuestion.hasSuffix("?"))
            let person = String(sample.finalQuestion.dropFirst("Where is ".count).dropLast())
            #expect(TaskWords.actors.contains(person), "\(sample.finalQuestion)")
            #expect(sample.answer == Self.lastRoom(of: person, in: sample.facts), "\(sample.finalQuestion) \(sample.facts.map(\.text))")
            #expect(sample.label == TaskWords.labels.firstIndex(of: sample.answer))
            #expect(sample.segmentLabels == nil && sample.distractorAnswers.isEmpty)
        }
        // Every qa2/qa3 story and most others place someone besides the one asked about.
        #expect(probed >= 30, "\(name): \(probed) of 40 probed")
    }

    @Test(arguments: ["babi-qa2", "babi-qa3"])
    func objectProbesAskWhereAnObjectIsThroughItsHolder(name: String) throws {
        var objects = try Self.stream(name, rate: 1)
        objects.probeObjects = true
        var persons = try Self.stream(name, rate: 1)
        var askedObjects = 0, askedPersons = 0
        for _ in 0..<60 {
            let sample = try objects.next(segments: 3), personSample = try persons.next(segments: 3)
            #expect(!TaskWords.objects.contains { personSample.finalQuestion == "Where is the \($0)?" }, "off: persons only")
            guard sample.finalQuestion != sample.question else { continue }
            let object = TaskWords.objects.first { sample.finalQuestion == "Where is the \($0)?" }
            if object != nil { askedObjects += 1 } else { askedPersons += 1 }
            #expect(sample.answer == babiAnswer(facts: sample.facts.map(\.text), question: sample.finalQuestion),
                    "\(sample.finalQuestion) \(sample.facts.map(\.text))")
            #expect(sample.label == TaskWords.labels.firstIndex(of: sample.answer))
        }
        // An object whenever one qualifies: qa3 stories make several objects known, qa2 stories seldom
        // another than the one they ask about (these 60: 3 object probes when drawn among all probes).
        let least = name == "babi-qa3" ? 40 : 3
        #expect(askedObjects >= least, "\(name): \(askedObjects) object and \(askedPersons) person probes of 60")
        if name == "babi-qa2" { #expect(askedPersons >= 30, "qa2: a person where no other object is known (\(askedPersons) of 60)") }
    }

    @Test func rateZeroMakesTheSameDocumentsAndValidationNeverProbes() throws {
        var before = try Self.stream("babi-qa2,memorize-distract", rate: 0)
        var half = try Self.stream("babi-qa2,memorize-distract", rate: 0.5)
        let probingStream = half
        var probed = 0
        for index in 0..<60 {
            let a = try before.next(segments: 2), b = try half.next(segments: 2)
            #expect(a.documentTokens == b.documentTokens && a.question == b.question)
            if b.finalQuestion != b.question { probed += 1 } else { #expect(a.segments == b.segments && a.label == b.label) }
            let validation = try probingStream.sample(index: index, segments: 2)
            #expect(validation.finalQuestion == validation.question && validation.segments == a.segments)
        }
        #expect(probed > 10 && probed < 50, "about half of 60 probed, got \(probed)")
        // The same draws again: probes are reproducible from (seed, index).
        var again = try Self.stream("babi-qa2,memorize-distract", rate: 0.5)
        half.position = 0
        for _ in 0..<20 { #expect(try again.next(segments: 2).segments == half.next(segments: 2).segments) }
    }

    @Test func finalSegmentLayoutNeverProbes() throws {
        var stream = try DataStream(task: TestData.task("babi-qa2"), noise: TestData.builtin, tokenizer: TestData.tokenizer,
                                    seed: 3, segmentLength: 120, labels: TaskWords.labels)
        stream.probeRate = 1
        for _ in 0..<10 {
            let sample = try stream.next(segments: 2)
            #expect(sample.finalQuestion == sample.question)
        }
    }

    @Test(arguments: ["babi-qa2", "memorize-distract:0-3"])
    func evaluationProbesAreTheTrainingProbesAtRateOne(name: String) throws {
        var training = try Self.stream(name, rate: 1)
        let evaluation = try Self.stream(name, rate: 0)  // probePlan does not depend on the rate
        var probed = 0, unprobed = 0
        for index in 0..<40 {
            let trained = try training.next(segments: 3)
            guard let plan = try evaluation.probePlan(index: index, segments: 3) else {
                // No probe: the training stream asked the document's own question.
                #expect(trained.finalQuestion == trained.question)
                unprobed += 1
                continue
            }
            probed += 1
            #expect(plan.askedQuestion == trained.finalQuestion && plan.askedQuestion != plan.question)
            #expect(plan.answer == trained.answer && plan.label == trained.label)
            #expect(plan.distractorAnswers.isEmpty && plan.prefixLabels == nil)
            // Streamed one segment at a time (how evaluation reads) = the training sample's segments.
            var stream = plan.makeSegmentStream(), streamed: [[Int32]] = []
            while let segment = stream.nextSegment() { streamed.append(segment) }
            #expect(streamed == trained.segments)
            #expect(plan.makeSample().segments == trained.segments && plan.makeSample().finalQuestion == plan.askedQuestion)
            // Re-split into other segment lengths, the final segment still asks the probe.
            let resplit = try plan.resplit(segmentLength: 80).segments()
            let p = try #require(plan.finalQuestionTokens)
            #expect(Array(resplit.last!.prefix(p.count + 1)) == p + [TestData.sep])
            #expect(resplit.dropLast().allSatisfy { Array($0.prefix(plan.questionTokens.count)) == plan.questionTokens })
        }
        #expect(probed >= 25, "\(name): \(probed) of 40 probed")
        if name.hasPrefix("memorize") { #expect(unprobed > 0, "a document with no distractor has no probe") }
    }

    @Test func evaluationProbesNeedTheEverySegmentLayout() throws {
        let stream = try DataStream(task: TestData.task("babi-qa2"), noise: TestData.builtin, tokenizer: TestData.tokenizer,
                                    seed: 3, segmentLength: 120, labels: TaskWords.labels)
        #expect(throws: DataError.self) { try stream.probePlan(index: 0, segments: 2) }
        // A task without probes: none.
        let memorize = try Self.stream("memorize", rate: 0)
        #expect(try memorize.probePlan(index: 0, segments: 2) == nil)
    }
}
