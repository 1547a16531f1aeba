// The hidden question (DocumentPlan.hidingTheQuestion, DataStream.hiddenQuestionRate,
// rmt-train --hidden-question-rate, rmt-train eval --hidden-question): every segment before the
// last reads [MASK] × |Q| where the question was, the final segment reads the question (or a
// probe) as before, the document, answer and facts are unchanged, and a stream at rate 0 makes
// exactly the documents it made before the rate existed.
import Testing
import RMTData
import RMTBase

@Suite struct HiddenQuestionTests {
    static func stream(_ name: String, hidden: Double, cross: Double = 0, seed: UInt64 = 9,
                       layout: QuestionLayout = .everySegment) throws -> DataStream {
        var stream = try DataStream(task: TaskCatalog.task(list: name), noise: TestData.builtin, tokenizer: TestData.tokenizer, seed: seed,
                                    segmentLength: 120, questionLayout: layout, labels: TaskWords.labels)
        stream.crossSegmentRate = cross
        stream.hiddenQuestionRate = hidden
        return stream
    }

    static var mask: Int32 { TestData.tokenizer.vocabulary.maskID! }

    @Test(arguments: [2, 3, 5])
    func atRateOneOnlyTheFinalSegmentReadsTheQuestion(segments: Int) throws {
        let plain = try Self.stream("babi-qa2,memorize-distract,unknown", hidden: 0)
        let hidden = try Self.stream("babi-qa2,memorize-distract,unknown", hidden: 1)
        for index in 0..<40 {
            let a = try plain.sample(index: index, segments: segments)
            let b = try hidden.sample(index: index, segments: segments)
            #expect(!a.questionHidden && b.questionHidden)
            #expect(b.segments.count == segments && a.segments.count == segments)
            #expect(b.documentTokens == a.documentTokens && b.documentTokenCount == a.documentTokenCount)
            #expect(b.question == a.question && b.answer == a.answer && b.label == a.label)
            #expect(b.facts.map(\.text) == a.facts.map(\.text) && b.facts.map(\.offset) == a.facts.map(\.offset))
            let q = a.questionTokens.count
            for k in 0..<segments {
                #expect(b.segments[k].count == a.segments[k].count, "segment \(k): same length")
                if k < segments - 1 {
                    // `[MASK]×|Q| [SEP] piece`: the question replaced, the rest identical.
                    #expect(Array(b.segments[k].prefix(q)) == [Int32](repeating: Self.mask, count: q), "segment \(k)")
                    #expect(b.segments[k].dropFirst(q) == a.segments[k].dropFirst(q))
                } else {
                    #expect(b.segments[k] == a.segments[k], "the final segment reads the question")
                    #expect(Array(b.segments[k].prefix(q)) == a.questionTokens)
                }
            }
        }
    }

    @Test func rateZeroChangesNothingAndOneSegmentIsNeverHidden() throws {
        let before = try Self.stream("babi-qa2,memorize", hidden: 0)
        var zero = try Self.stream("babi-qa2,memorize", hidden: 0)
        var allHidden = try Self.stream("babi-qa2,memorize", hidden: 1)
        for index in 0..<30 {
            let s = try zero.next(segments: 3)
            let made = try before.sample(index: index, segments: 3)
            #expect(!s.questionHidden && s.segments == made.segments)
            let one = try allHidden.next(segments: 1)
            #expect(!one.questionHidden, "a one-segment document's only segment is its final one")
        }
    }

    @Test func theRateHidesItsShareReproduciblyAndKeepsTheCrossSegmentPlacement() throws {
        var half = try Self.stream("babi-qa2", hidden: 0.5, cross: 1)
        let again = try Self.stream("babi-qa2", hidden: 0.5, cross: 1)
        let apart = try Self.stream("babi-qa2", hidden: 0, cross: 1)
        var hiddenCount = 0
        for index in 0..<200 {
            let s = try half.next(segments: 2)
            let regenerated = try again.sample(index: index, segments: 2), placed = try apart.sample(index: index, segments: 2)
            #expect(s.segments == regenerated.segments, "sample(index:) regenerates next()")
            #expect(s.documentTokens == placed.documentTokens, "hiding is drawn after the placement, from a generator of its own")
            if s.questionHidden { hiddenCount += 1 }
        }
        #expect(hiddenCount > 70 && hiddenCount < 130, "about half of 200: \(hiddenCount)")
    }

    @Test func finalSegmentLayoutIgnoresTheRate() throws {
        let plain = try Self.stream("memorize-distract", hidden: 0, layout: .finalSegment)
        let hidden = try Self.stream("memorize-distract", hidden: 1, layout: .finalSegment)
        for index in 0..<10 {
            let b = try hidden.sample(index: index, segments: 3), a = try plain.sample(index: index, segments: 3)
            #expect(!b.questionHidden && b.segments == a.segments)
        }
    }

    @Test func aProbeOfAHiddenDocumentAsksInTheFinalSegmentOnly() throws {
        let hidden = try Self.stream("memorize-distract", hidden: 1)
        let plain = try Self.stream("memorize-distract", hidden: 0)
        var probed = 0
        for index in 0..<30 {
            guard let p = try hidden.probePlan(index: index, segments: 3), let pp = try plain.probePlan(index: index, segments: 3) else { continue }
            probed += 1
            let segments = p.segments(), plainSegments = pp.segments()
            let q = p.questionTokens.count
            #expect(segments[0].prefix(q).allSatisfy { $0 == Self.mask } && segments[1].prefix(q).allSatisfy { $0 == Self.mask })
            #expect(segments[2] == plainSegments[2], "the probe's final segment as without hiding")
            #expect(p.askedQuestion == pp.askedQuestion && p.answer == pp.answer)
        }
        #expect(probed > 20)
    }

    @Test func hidingDropsThePrefixLabels() throws {
        let plain = try Self.stream("memorize-distract", hidden: 0)
        let hidden = try Self.stream("memorize-distract", hidden: 1)
        let a = try plain.sample(index: 4, segments: 3), b = try hidden.sample(index: 4, segments: 3)
        #expect(a.segmentLabels != nil && b.segmentLabels == nil)
    }
}

// The decoy question (QuestionForms.decoys, DataStream.decoyQuestionRate, DocumentPlan.askingADecoyEarlier):
// every segment before the last reads the question with one task word replaced — as many tokens —
// the final segment the real question; nothing else changes, and rate 0 changes nothing.
@Suite struct DecoyQuestionTests {
    @Test func decoysReplaceOneTaskWordByAnotherOfItsKind() {
        #expect(QuestionForms.decoys(of: "Where is the milk?") == ["Where is the apple?", "Where is the football?"])
        let three = QuestionForms.decoys(of: "Where was the apple before the office?")
        #expect(three.count == 2 + 5 && three.contains("Where was the milk before the office?")
                && three.contains("Where was the apple before the garden?"))
        #expect(QuestionForms.decoys(of: "Where is Mary?").sorted() == ["Where is Daniel?", "Where is John?", "Where is Sandra?"])
        #expect(QuestionForms.decoys(of: "What is the capital of France?").isEmpty)
    }

    @Test(arguments: [2, 4])
    func atRateOneTheEarlierSegmentsReadADecoyOfTheSameLength(segments: Int) throws {
        let plain = try HiddenQuestionTests.stream("babi-qa2,memorize-distract,babi-qa3,reasoning", hidden: 0)
        var decoyed = plain
        decoyed.decoyQuestionRate = 1
        var asked = 0
        for index in 0..<40 {
            let a = try plain.plan(index: index, segments: segments), b = try decoyed.plan(index: index, segments: segments)
            let sa = a.segments(), sb = b.segments()
            #expect(b.question == a.question && b.answer == a.answer && b.documentTokenCount == a.documentTokenCount)
            guard let decoy = b.decoyQuestion else { continue }  // a question without a decoy of its length
            asked += 1
            #expect(QuestionForms.decoys(of: a.question).contains(decoy) && decoy != a.question)
            let q = a.questionTokens.count, decoyTokens = try #require(b.hiddenQuestionTokens)
            #expect(decoyTokens == TestData.tokenizer.encode(decoy) && decoyTokens.count == q)
            for k in 0..<segments - 1 {
                #expect(Array(sb[k].prefix(q)) == decoyTokens && sb[k].dropFirst(q) == sa[k].dropFirst(q), "segment \(k)")
            }
            #expect(sb[segments - 1] == sa[segments - 1], "the final segment reads the real question")
            #expect(b.makeSample().questionHidden && b.makeSample().documentTokens == a.makeSample().documentTokens)
        }
        #expect(asked >= 36, "nearly every question of these tasks has a decoy of its length: \(asked) of 40")
        var zero = plain
        zero.decoyQuestionRate = 0
        #expect(try zero.sample(index: 3, segments: segments).segments == (try plain.sample(index: 3, segments: segments)).segments)
    }

    @Test func aDocumentHiddenWithMasksIsNotAlsoDecoyed() throws {
        var both = try HiddenQuestionTests.stream("memorize-distract", hidden: 1)
        both.decoyQuestionRate = 1
        for index in 0..<10 {
            let plan = try both.plan(index: index, segments: 3)
            #expect(plan.decoyQuestion == nil && plan.hiddenQuestionTokens?.allSatisfy { $0 == HiddenQuestionTests.mask } == true)
        }
    }
}
