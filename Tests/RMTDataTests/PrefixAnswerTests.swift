// Prefix answers and per-segment labels (`rmt-train --prefix-loss`): every task that defines
// them answers each prefix of its facts as an independent reading of those facts does
// (TestSupport's checkers), `unknown` where the prefix does not answer; the per-segment labels of
// an every-segment document follow the facts each segment has finished reading; the final-segment
// layout, custom and position tasks have none.
import Foundation
import Testing
import RMTBase
import RMTData

@Suite struct PrefixAnswerTests {
    static let tasks = TestData.roomTaskNames + TestData.questionTaskNames

    @Test(arguments: tasks)
    func prefixAnswersMatchAnIndependentReadingOfEachPrefix(name: String) throws {
        let stream = try TestData.stream(try TestData.task(name), seed: 5)
        var unknownBeforeTheEnd = 0, answeredBeforeTheEnd = 0, unscored = 0
        for index in 0..<300 {
            let episode = stream.episode(index: index)
            let prefix = try #require(episode.prefixAnswers, "\(name) defines prefix answers")
            #expect(prefix.count == episode.facts.count + 1)
            #expect(prefix.last == episode.answer)
            for i in 0..<episode.facts.count {
                var part = episode
                part.facts = Array(episode.facts.prefix(i))
                let expected = independentAnswer(part)
                switch prefix[i] {
                case nil:
                    #expect(name.hasPrefix("babi-qa3"), "\(name) #\(index): prefix \(i) has no answer")
                    #expect(expected == nil, "\(name) #\(index): prefix \(i) is answerable: \(expected ?? "")")
                    unscored += 1
                case TaskWords.unknown?:
                    #expect(expected == nil || expected == TaskWords.unknown,
                            "\(name) #\(index): prefix \(i) answers \(expected ?? ""), not unknown")
                    unknownBeforeTheEnd += 1
                case let room?:
                    #expect(expected == room, "\(name) #\(index): prefix \(i) answers \(expected ?? "nothing"), not \(room)")
                    answeredBeforeTheEnd += 1
                }
            }
        }
        // Every task starts unanswered; the multi-fact tasks also answer before their last fact
        // (memorize and detect have one fact; unknown never answers).
        #expect(unknownBeforeTheEnd > 0)
        if !["memorize", "detect", "unknown", "memorize-distract:0"].contains(name) { #expect(answeredBeforeTheEnd > 0) }
        print("prefix answers, \(name): \(answeredBeforeTheEnd) answered, \(unknownBeforeTheEnd) unknown, \(unscored) unscored before the last fact")
    }

    @Test(arguments: ["detect", "detect-distract", "babi-qa1", "babi-qa2", "babi-qa3", "reasoning", "unknown", "memorize"])
    func segmentLabelsFollowTheFactsReadSoFar(name: String) throws {
        let stream = try DataStream(task: TestData.task(name), noise: TestData.builtin, tokenizer: TestData.tokenizer,
                                    seed: 9, segmentLength: 96, questionLayout: .everySegment)
        let unknown = Int32(stream.labels.firstIndex(of: TaskWords.unknown)!)
        var changes = 0
        for index in 0..<60 {
            let sample = try stream.sample(index: index, segments: 6)
            let labels = try #require(sample.segmentLabels)
            #expect(labels.count == 6 && labels.last == Int32(sample.label))
            let episode = stream.episode(index: index)
            var read = 0
            for (k, segment) in sample.segments.enumerated() {
                read += segment.count - sample.questionTokens.count - 1
                var part = episode
                part.facts = sample.facts.filter { $0.range.upperBound <= read }.map(\.text)
                let expected = independentAnswer(part)
                if labels[k] == -1 {
                    #expect(name == "babi-qa3" && expected == nil, "\(name) #\(index) segment \(k): not scored")
                } else if labels[k] == unknown {
                    #expect(expected == nil || expected == TaskWords.unknown, "\(name) #\(index) segment \(k)")
                } else {
                    #expect(expected == stream.labels[Int(labels[k])], "\(name) #\(index) segment \(k)")
                }
                if k > 0 && labels[k] != labels[k - 1] { changes += 1 }
            }
        }
        if name != "unknown" && name != "memorize" { #expect(changes > 0, "\(name): the labels never change across segments") }
    }

    @Test func labelsAreOnlyGivenWhereEarlierSegmentsSeeTheQuestion() throws {
        let final = try TestData.stream(try TestData.task("detect"), seed: 3, segmentLength: 96)
        #expect(try final.sample(index: 0, segments: 4).segmentLabels == nil, "final-segment layout")
        try TestData.expectNone(of: ["custom", "counting"], { $0.segmentLabels != nil }, "defines no prefix answers")
    }

    /// A model made before `unknown` existed: prefixes it cannot answer are not scored (−1).
    @Test func aPrefixAnswerTheLabelsLackIsNotScored() throws {
        let stream = try DataStream(task: TestData.task("detect"), noise: TestData.builtin, tokenizer: TestData.tokenizer,
                                    seed: 4, segmentLength: 96, questionLayout: .everySegment, labels: TaskWords.rooms)
        var unscored = 0
        for index in 0..<20 {
            let labels = try #require(try stream.sample(index: index, segments: 5).segmentLabels)
            #expect(labels.allSatisfy { $0 >= -1 && $0 < Int32(TaskWords.rooms.count) })
            unscored += labels.filter { $0 == -1 }.count
        }
        #expect(unscored > 0)
    }
}
