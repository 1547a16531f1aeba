// Documents: exact segment counts, the question layout, facts intact at sentence boundaries,
// tokenizer faithfulness, streaming, determinism, haystacks and errors.
import Foundation
import Testing
import RMTData
import RMTBase

@Suite struct DocumentTests {
    static let allTasks = TestData.roomTaskNames + TestData.questionTaskNames + ["custom"]

    /// Checks everything a sample promises.
    static func check(_ plan: DocumentPlan, episode: Episode, segments n: Int, labels: [String]) {
        let sample = plan.makeSample()
        let S = plan.segmentLength
        let tokenizer = TestData.tokenizer
        #expect(sample.segments.count == n)
        #expect(plan.segmentCount == n)
        for segment in sample.segments { #expect(segment.count <= S) }
        let question = tokenizer.encode(sample.question)
        #expect(sample.questionTokens == question)
        let expectedTokens = QuestionLayout.finalSegment.documentTokens(forSegments: n, questionTokens: question.count, segmentLength: S)
        #expect(sample.documentTokenCount == expectedTokens)
        #expect(sample.documentTokenCount == n * S - 1 - question.count)
        #expect(Array(sample.segments.last!.suffix(question.count + 1)) == [TestData.sep] + question)
        #expect(sample.segments.last!.count == S, "the final segment is full")
        for segment in sample.segments.dropLast() { #expect(segment.count == S) }

        let document = sample.documentTokens
        #expect(document.count == sample.documentTokenCount)
        #expect(document == plan.documentTokens())
        #expect(!document.contains(TestData.sep))

        // Facts: the episode's, in order, intact, at sentence boundaries, not overlapping.
        #expect(sample.facts.map(\.text) == episode.facts)
        var previousEnd = 0
        for fact in sample.facts {
            #expect(fact.tokens == tokenizer.encode(fact.text))
            #expect(fact.offset >= previousEnd)
            #expect(fact.range.upperBound <= document.count)
            if fact.range.upperBound <= document.count {
                #expect(Array(document[fact.range]) == fact.tokens)
            }
            #expect(fact.offset == 0 || TestData.sentenceEnds.contains(document[fact.offset - 1]),
                    "fact at \(fact.offset) follows \(tokenizer.decode([document[max(0, fact.offset - 1)]]))")
            #expect(TestData.sentenceEnds.contains(fact.tokens.last!))
            previousEnd = fact.range.upperBound
        }
        if episode.placement == .start { #expect(sample.facts.first?.offset == 0) }

        // Answer and label.
        #expect(sample.answer == episode.answer)
        #expect(labels[sample.label] == sample.answer)
        #expect(independentAnswer(episode) == sample.answer, "\(episode)")

        // The text tokenizes to the document (plus the rest of the last, cut sentence).
        let textTokens = tokenizer.encode(plan.text())
        #expect(textTokens.starts(with: document))
        #expect(textTokens.count - document.count < 400)
    }

    @Test(arguments: allTasks)
    func exactSegmentCountsFactsAndAnswers(name: String) throws {
        let task = try TestData.task(name)
        let stream = try TestData.stream(task, seed: 21)
        for (index, n) in [1, 1, 1, 2, 2, 5, 5, 64].enumerated() {
            let plan = try stream.plan(index: index, segments: n)
            Self.check(plan, episode: stream.episode(index: index), segments: n, labels: task.labels)
        }
    }

    @Test func shortSegmentsAndEveryLength() throws {
        // Small S: many segments, facts straddling segment boundaries.
        let stream = try TestData.stream(BabiTask(.qa2, storyLength: 4...6), seed: 3, segmentLength: 40)
        for index in 0..<40 {
            let n = 1 + index % 12
            guard let plan = try? stream.plan(index: index, segments: n) else {
                #expect(n <= 2, "only a very short document may be too small")
                continue
            }
            Self.check(plan, episode: stream.episode(index: index), segments: n, labels: stream.labels)
        }
    }

    @Test func streamingMatchesSegmentsAndScales() throws {
        let stream = try TestData.stream(DetectTask(), seed: 4)
        let plan = try stream.plan(index: 0, segments: 64)
        var segments = plan.makeSegmentStream()
        var streamed: [[Int32]] = []
        #expect(segments.remaining == 64)
        while let segment = segments.nextSegment() { streamed.append(segment) }
        #expect(streamed == plan.segments())
        #expect(segments.remaining == 0)
        #expect(segments.nextSegment() == nil)

        // 4096 segments (≈ 2M tokens): streamed one at a time, the fact found where planned.
        let long = try stream.plan(index: 1, segments: 4096)
        let fact = long.facts[0]
        var reader = long.makeSegmentStream()
        var count = 0, tokens = 0
        while let segment = reader.nextSegment() {
            if count == fact.offset / 499, fact.offset % 499 + fact.tokens.count <= 499 {
                let start = fact.offset % 499
                #expect(Array(segment[start..<(start + fact.tokens.count)]) == fact.tokens)
            }
            count += 1
            tokens += segment.count
        }
        #expect(count == 4096)
        #expect(tokens == 4096 * 499)
    }

    @Test func factPositionsCoverTheDocument() throws {
        let stream = try TestData.stream(DetectTask(), seed: 6)
        var relative: [Double] = []
        for index in 0..<200 {
            let plan = try stream.plan(index: index, segments: 8)
            relative.append(Double(plan.facts[0].offset) / Double(plan.documentTokenCount))
        }
        #expect(relative.min()! < 0.1)
        #expect(relative.max()! > 0.85)
        #expect(Set(relative).count > 150)
    }

    @Test func determinismAndResume() throws {
        let mixture = try TaskCatalog.task(list: "memorize,detect,reasoning,babi-qa1,babi-qa2,babi-qa3")
        let a = try TestData.stream(mixture, seed: 1)
        let b = try TestData.stream(mixture, seed: 1)
        let c = try TestData.stream(mixture, seed: 2)
        let valid = try TestData.stream(mixture, seed: DataStream.seed(1, for: .validation))
        #expect(DataStream.seed(1, for: .train) == 1)
        #expect(DataStream.seed(1, for: .validation) != 1)
        var differentSeed = 0, differentSplit = 0
        for index in 0..<20 {
            let x = try a.sample(index: index, segments: 3)
            #expect(x.segments == (try b.sample(index: index, segments: 3)).segments)
            if x.segments != (try c.sample(index: index, segments: 3)).segments { differentSeed += 1 }
            if x.segments != (try valid.sample(index: index, segments: 3)).segments { differentSplit += 1 }
            // Same item at another length: the same episode.
            let longer = try a.sample(index: index, segments: 7)
            #expect(longer.question == x.question && longer.facts.map(\.text) == x.facts.map(\.text))
        }
        #expect(differentSeed == 20)
        #expect(differentSplit == 20)

        // Resume from a saved position.
        var first = a
        for _ in 0..<3 { _ = try first.next(segments: 2) }
        let saved = first.position
        #expect(saved == 3)
        let expected = try first.next(segments: 2)
        var resumed = try DataStream(task: mixture, noise: TestData.builtin, tokenizer: TestData.tokenizer, seed: 1,
                                     position: saved)
        #expect((try resumed.next(segments: 2)).segments == expected.segments)
        #expect((try a.sample(index: 3, segments: 2)).segments == expected.segments)
        #expect(resumed.position == 4)
    }

    @Test func haystackTextTokenizesExactly() throws {
        for name in ["memorize", "reasoning", "babi-qa3"] {
            let stream = try TestData.stream(try TaskCatalog.task(named: name), seed: 8)
            let plan = try stream.haystack(tokens: 5_000)
            #expect(plan.documentTokenCount >= 5_000 && plan.documentTokenCount < 5_400)
            let text = plan.text()
            #expect(TestData.tokenizer.encode(text) == plan.documentTokens())
            for fact in plan.facts { #expect(text.contains(fact.text)) }
            #expect(!text.contains(plan.question))
            let t = plan.documentTokenCount, S = 499
            let finalCount = t % S + 1 + plan.questionTokens.count <= S ? 1 : 2
            #expect(plan.segmentCount == t / S + finalCount)
            var chunks = 0
            var streamed: [UInt8] = []
            plan.writeText(chunkSize: 1000) { chunks += 1; streamed += $0 }
            #expect(chunks > 5)
            #expect(String(decoding: streamed, as: UTF8.self) == text)
        }
    }

    @Test func tooSmallDocumentsAreErrors() throws {
        let qa3 = try TestData.stream(BabiTask(.qa3, storyLength: 20...20), seed: 1, segmentLength: 32)
        do {
            _ = try qa3.sample(index: 0, segments: 1)
            Issue.record("expected an error")
        } catch let error as DataError {
            #expect(error.description.contains("do not fit"))
        }
        let tiny = try TestData.stream(MemorizeTask(), seed: 1, segmentLength: 4)
        #expect(throws: DataError.self) { try tiny.sample(index: 0, segments: 3) }
        let stream = try TestData.stream(MemorizeTask())
        #expect(throws: DataError.self) { try stream.sample(index: 0, segments: 0) }
        #expect(throws: DataError.self) { try stream.haystack(tokens: 0) }
        #expect(throws: DataError.self) { try TestData.stream(MemorizeTask(), segmentLength: 1) }
        // N = 1 with the default S fits every built-in task.
        for name in TestData.roomTaskNames {
            let s = try TestData.stream(try TaskCatalog.task(named: name), seed: 77)
            for index in 0..<50 { #expect((try s.sample(index: index, segments: 1)).segments.count == 1) }
        }
    }

    static let validFolder = "/work/shared/corpus/valid"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: validFolder)))
    func realProseDocuments() throws {
        let noise = try NoiseCorpus(paths: [Self.validFolder], tokenizer: TestData.tokenizer)
        let stream = try DataStream(task: try TaskCatalog.task(list: "detect,babi-qa2"), noise: noise,
                                    tokenizer: TestData.tokenizer, seed: 3)
        for index in 0..<6 {
            let plan = try stream.plan(index: index, segments: 4)
            Self.check(plan, episode: stream.episode(index: index), segments: 4, labels: stream.labels)
        }
        let hay = try stream.haystack(index: 1, tokens: 20_000)
        #expect(TestData.tokenizer.encode(hay.text()) == hay.documentTokens())
    }
}
