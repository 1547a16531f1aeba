// World states (RMTData/WorldStates.swift), what `--state-loss` scores the memory against: for every
// task that defines them, in both question layouts, the state label of each person and object after
// each segment equals an independent replay of the facts read by that segment's end — the move
// facts' last room per person, bAbI's object rules (TestSupport's `babiAnswer`), nothing for the
// reasoning facts — also for batches drawn at another segment length than the stream's
// (rmt-train --data-segment-length) — and tasks without a world define none.
import RMTBase
import RMTData
import Testing

struct WorldStateTests {
    /// Where `entity` is after `facts`, replayed independently (`unknown` when not said).
    static func replayedPlace(of entity: String, facts: [String]) -> String {
        if facts.contains(where: { $0.wholeMatch(of: Forms.dirFact) != nil }) { return TaskWords.unknown }  // reasoning: no one placed
        let isBabi = facts.contains { $0.wholeMatch(of: Forms.babiGet) != nil || $0.wholeMatch(of: Forms.babiDrop) != nil }
        if !isBabi && TaskWords.actors.contains(entity) {  // moves only (memorize, distractors): the last room said
            return facts.compactMap { fact in fact.wholeMatch(of: Forms.roomFact).flatMap { $0.group(1) == entity ? $0.group(3) : nil } }
                .last ?? TaskWords.unknown
        }
        if !isBabi { return TaskWords.unknown }  // objects, in a story that never mentions one
        let question = TaskWords.actors.contains(entity) ? "Where is \(entity)?" : "Where is the \(entity)?"
        return babiAnswer(facts: facts, question: question) ?? TaskWords.unknown
    }

    @Test(arguments: ["memorize", "detect", "memorize-distract", "detect-distract:3", "babi-qa1", "babi-qa2", "babi-qa3",
                      "unknown", "reasoning"], [QuestionLayout.everySegment, .finalSegment])
    func stateLabelsFollowTheFactsReadSoFar(name: String, layout: QuestionLayout) throws {
        let stream = try DataStream(task: TestData.task(name), noise: TestData.builtin, tokenizer: TestData.tokenizer,
                                    seed: 12, segmentLength: 96, questionLayout: layout)
        try Self.expectStatesFollowTheFacts(name: name, layout: layout, stream: stream) { try stream.sample(index: $0, segments: 6) }
    }

    /// Batches drawn at another length than the stream's (`rmt-train --data-segment-length`) get
    /// the states of the segments they are read in.
    @Test(arguments: ["babi-qa2", "memorize-distract"])
    func stateLabelsFollowADataSegmentLength(name: String) throws {
        let stream = try DataStream(task: TestData.task(name), noise: TestData.builtin, tokenizer: TestData.tokenizer,
                                    seed: 12, segmentLength: 499, questionLayout: .everySegment)
        try Self.expectStatesFollowTheFacts(name: name, layout: .everySegment, stream: stream) {
            try stream.sample(index: $0, segments: 6, segmentLength: 96)
        }
    }

    /// For 40 samples of 6 segments: each segment's state labels equal the replay of the facts read by its end.
    static func expectStatesFollowTheFacts(name: String, layout: QuestionLayout, stream: DataStream,
                                           sample make: (Int) throws -> Sample) throws {
        let E = WorldStates.entities.count
        var known = 0, changes = 0
        for index in 0..<40 {
            let sample = try make(index)
            let states = try #require(sample.stateLabels, "\(name): state labels")
            #expect(states.count == 6 && states.allSatisfy { $0.count == E })
            var read = 0
            for (k, segment) in sample.segments.enumerated() {
                // Document tokens read by the end of segment k (the final segment: all of them).
                read = k == 5 ? sample.documentTokenCount
                    : read + segment.count - (layout == .everySegment ? sample.questionTokens.count + 1 : 0)
                let facts = sample.facts.filter { $0.range.upperBound <= read }.map(\.text)
                for (e, entity) in WorldStates.entities.enumerated() {
                    let expected = Self.replayedPlace(of: entity, facts: facts)
                    #expect(stream.labels[Int(states[k][e])] == expected, "\(name) #\(index) segment \(k): \(entity)")
                    if expected != TaskWords.unknown { known += 1 }
                }
                if k > 0 && states[k] != states[k - 1] { changes += 1 }
            }
        }
        if name != "reasoning" { #expect(known > 0, "\(name): someone is placed") }
        // Facts spread over the document change the state between segments (memorize's start at its beginning).
        if !["reasoning", "memorize", "memorize-distract"].contains(name) { #expect(changes > 0, "\(name): the states change") }
    }

    @Test func tasksWithoutAWorldDefineNone() throws {
        try TestData.expectNone(of: ["custom", "counting"], { $0.stateLabels != nil }, "defines no world states")
    }

    /// A model without `unknown` cannot score an entity the story has not placed: −1.
    @Test func aPlaceTheLabelsLackIsNotScored() throws {
        let stream = try DataStream(task: TestData.task("babi-qa2"), noise: TestData.builtin, tokenizer: TestData.tokenizer,
                                    seed: 4, segmentLength: 96, labels: TaskWords.rooms)
        let states = try #require(try stream.sample(index: 0, segments: 4).stateLabels)
        #expect(states[0].contains(-1))
        #expect(states.joined().allSatisfy { $0 >= -1 && $0 < Int32(TaskWords.rooms.count) })
    }
}
