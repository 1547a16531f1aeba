// Documents under the every-segment question layout (Docs/question-layout.md): every segment is
// `Q [SEP] piece` and exactly S tokens for an exact-count document, the pieces join to the
// document, facts stay intact, streaming equals the whole, haystack segment counts follow the
// layout, and a question without room for text is refused.
import Foundation
import Testing
import RMTData
import RMTBase

@Suite struct EverySegmentDocumentTests {
    static func stream(_ name: String, seed: UInt64 = 7, segmentLength: Int = 499) throws -> DataStream {
        try DataStream(task: TestData.task(name), noise: TestData.builtin, tokenizer: TestData.tokenizer, seed: seed,
                       segmentLength: segmentLength, questionLayout: .everySegment)
    }

    @Test(arguments: TestData.roomTaskNames + TestData.questionTaskNames)
    func everySegmentStartsWithTheQuestion(name: String) throws {
        let stream = try Self.stream(name)
        for (index, n) in [1, 2, 3, 7].enumerated() {
            let plan = try stream.plan(index: index, segments: n)
            let sample = plan.makeSample()
            let q = sample.questionTokens
            #expect(sample.questionLayout == .everySegment)
            #expect(sample.segments.count == n && plan.segmentCount == n)
            #expect(sample.documentTokenCount == n * (499 - q.count - 1))
            for segment in sample.segments {
                #expect(segment.count == 499, "exact-count documents fill every segment")
                #expect(Array(segment.prefix(q.count + 1)) == q + [TestData.sep])
                #expect(!segment.dropFirst(q.count + 1).contains(TestData.sep))
            }
            let document = sample.documentTokens
            #expect(document == plan.documentTokens())
            #expect(document.count == sample.documentTokenCount)
            for fact in sample.facts { #expect(Array(document[fact.range]) == fact.tokens) }
            var streamed: [[Int32]] = []
            var segments = plan.makeSegmentStream()
            while let s = segments.nextSegment() { streamed.append(s) }
            #expect(streamed == sample.segments)
        }
    }

    @Test func theSameItemHasTheSameEpisodeInBothLayouts() throws {
        let every = try Self.stream("detect-distract")
        let final = try TestData.stream(TestData.task("detect-distract"), seed: 7)
        for index in 0..<5 {
            let a = try every.sample(index: index, segments: 3), b = try final.sample(index: index, segments: 3)
            #expect(a.question == b.question && a.answer == b.answer && a.facts.map(\.text) == b.facts.map(\.text))
        }
    }

    @Test func haystackSegmentCountsFollowTheLayout() throws {
        let stream = try Self.stream("detect", segmentLength: 40)
        for tokens in [12, 20, 33, 34, 35, 100, 500] {
            let plan = try stream.haystack(index: tokens, tokens: tokens)
            let segments = plan.segments()
            #expect(segments.count == plan.segmentCount)
            let q = plan.questionTokens.count
            #expect(plan.segmentCount == QuestionLayout.everySegment.segmentCount(
                documentTokens: plan.documentTokenCount, questionTokens: q, segmentLength: 40))
            for segment in segments {
                #expect(segment.count <= 40 && Array(segment.prefix(q + 1)) == plan.questionTokens + [TestData.sep])
            }
            #expect(Array(segments.map { $0.dropFirst(q + 1) }.joined()) == plan.documentTokens())
        }
    }

    @Test func aQuestionWithoutRoomForTextIsRefused() throws {
        // "Where is Mary?" is 4 tokens: with [SEP] it fills a segment of 5, leaving no text.
        #expect(TestData.tokenizer.encode("Where is Mary?").count == 4)
        let stream = try Self.stream("memorize", segmentLength: 5)
        #expect(throws: DataError.self) { try stream.plan(index: 0, segments: 4) }
        let fits = try Self.stream("memorize", segmentLength: 6)
        let plan = try fits.plan(index: 0, segments: 30)
        #expect(plan.segmentCount == 30)
    }
}
