// Fact segments (Sample.factSegments, DocumentPlan.factSegments): which segments hold a token of a
// planted fact — what `rmt-train --move-penalty-scope quiet` spares. For every task kind, in both
// question layouts and at a data segment length other than the stream's, the flags equal an
// independent recomputation: each segment's document-token range from the segment contents
// themselves (every-segment: the content less `Q [SEP]`; final-segment: the content, the last segment
// the rest), and a segment holds a fact where a fact's token range overlaps it. A fact cut by a
// boundary marks both segments; a whole-document task (the position tasks) marks every segment.
import RMTBase
import RMTData
import Testing

struct FactSegmentTests {
    /// For 40 samples of 6 segments: the flags equal the overlap of the facts with each segment's tokens.
    static func expectFactSegmentsFollowTheFacts(_ name: String, layout: QuestionLayout,
                                                 sample make: (Int) throws -> Sample) throws {
        var holding = 0, quiet = 0
        for index in 0..<40 {
            let sample = try make(index)
            let flags = try #require(sample.factSegments, "\(name): fact segments")
            try #require(flags.count == 6)
            var start = 0
            for (k, content) in sample.segments.enumerated() {
                let last = k == sample.segments.count - 1
                let question = last ? sample.finalQuestionTokens.count : sample.questionTokens.count
                let end = switch layout {
                case .everySegment: start + content.count - question - 1
                case .finalSegment: last ? sample.documentTokenCount : start + content.count
                }
                let expected = sample.facts.contains { !$0.tokens.isEmpty && $0.range.overlaps(start..<end) }
                #expect(flags[k] == expected, "\(name) #\(index) segment \(k) (tokens \(start)..<\(end))")
                if flags[k] { holding += 1 } else { quiet += 1 }
                start = end
            }
            #expect(start == sample.documentTokenCount, "\(name) #\(index): every document token in a segment")
        }
        #expect(holding > 0, "\(name): some segment holds a fact")
        #expect(quiet > 0, "\(name): some segment holds none")
    }

    @Test(arguments: ["memorize", "detect", "memorize-distract", "detect-distract:3", "babi-qa1", "babi-qa2", "babi-qa3",
                      "unknown", "reasoning", "custom"], [QuestionLayout.everySegment, .finalSegment])
    func factSegmentsAreTheSegmentsAFactOverlaps(name: String, layout: QuestionLayout) throws {
        let stream = try DataStream(task: TestData.task(name), noise: TestData.builtin, tokenizer: TestData.tokenizer,
                                    seed: 21, segmentLength: 96, questionLayout: layout)
        try Self.expectFactSegmentsFollowTheFacts(name, layout: layout) { try stream.sample(index: $0, segments: 6) }
    }

    /// A batch drawn at another segment length than the stream's (`--data-segment-length`) marks the
    /// segments it is read in.
    @Test(arguments: ["babi-qa3", "memorize-distract"])
    func factSegmentsFollowADataSegmentLength(name: String) throws {
        let stream = try DataStream(task: TestData.task(name), noise: TestData.builtin, tokenizer: TestData.tokenizer,
                                    seed: 21, segmentLength: 499, questionLayout: .everySegment)
        try Self.expectFactSegmentsFollowTheFacts(name, layout: .everySegment) {
            try stream.sample(index: $0, segments: 6, segmentLength: 64)
        }
    }

    /// A fact cut by a segment boundary marks the segment on either side (16-token segments cut many).
    @Test func aFactCutByABoundaryMarksBothSegments() throws {
        let stream = try DataStream(task: TestData.task("memorize-distract"), noise: TestData.builtin, tokenizer: TestData.tokenizer,
                                    seed: 5, segmentLength: 16, questionLayout: .finalSegment)
        var cut = 0
        for index in 0..<20 {
            let plan = try stream.plan(index: index, segments: 12)
            let flags = plan.factSegments()
            for fact in plan.facts {
                let (first, last) = (plan.segment(ofDocumentOffset: fact.range.lowerBound),
                                     plan.segment(ofDocumentOffset: fact.range.upperBound - 1))
                #expect((first...last).allSatisfy { flags[$0] }, "#\(index): \(fact.text)")
                if first != last { cut += 1 }
            }
            #expect(flags == plan.makeSample().factSegments, "#\(index): the sample carries the plan's flags")
        }
        #expect(cut > 0, "some fact straddles a boundary")
    }

    /// The position tasks' one fact is the whole document: every segment holds it.
    @Test(arguments: ["counting", "passkey"])
    func aWholeDocumentTaskMarksEverySegment(name: String) throws {
        let stream = try DataStream(task: TestData.task(name), noise: TestData.builtin, tokenizer: TestData.tokenizer,
                                    seed: 3, segmentLength: 96, questionLayout: .everySegment)
        for index in 0..<5 {
            #expect(try stream.sample(index: index, segments: 4).factSegments == [true, true, true, true], "\(name) #\(index)")
        }
    }
}
