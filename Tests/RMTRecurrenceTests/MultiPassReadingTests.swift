// Reading each document more than once (RMTSettings.passes, rmt-train --passes): a session that
// reads the document, ends the reading and reads it again gives exactly the logits of its
// segments run twice by hand (the memory carried across), in either question layout and for
// documents that end inside a piece or on a piece boundary; it refuses an answer, or a
// reading's end, out of turn; a state saved in the second reading resumes to the same answer and
// records which reading it is in; the setting round-trips through config.json and is bounded.
import Foundation
import RMTBase
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTTestSupport
import RMTTokenizer
import Testing

@Test(arguments: [QuestionLayout.everySegment, .finalSegment])
func twoReadingsGiveTheLogitsOfTheSegmentsRunTwice(layout: QuestionLayout) throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt")).reading(questionLayout: layout).reading(passes: 2)
    #expect(model.settings.passes == 2 && model.settings.readingPasses == 2)
    let S = model.settings.segmentLength, sep = model.sepID
    let question: [Int32] = [40, 41]
    let T = layout.textLength(segmentLength: S, questionTokens: question.count)
    var rng = SplitMix64(seed: 11)
    for length in [1, T - 1, T, T + 1, 3 * T + 2] {  // (an empty document has no reading to end: refused below)
        let document = (0..<length).map { _ in Int32(5 + rng.next() % 94) }
        let pieces = stride(from: 0, to: document.count, by: T).map { Array(document[$0..<min($0 + T, document.count)]) }
        // One reading as segments: every-segment `Q [SEP] piece`; final-segment the full pieces, then the
        // short rest with the question (QuestionLayout.finalSegments).
        let reading: [[Int32]]
        if layout == .everySegment {
            reading = (pieces.isEmpty ? [[]] : pieces).map { question + [sep] + $0 }
        } else {
            let full = pieces.filter { $0.count == T }, rest = pieces.last.map { $0.count == T ? [] : $0 } ?? []
            reading = full + (try layout.finalSegments(rest: rest, question: question, segmentLength: S, separator: sep))
        }
        let session = try DocumentSession(model: model, questionTokens: question)
        for piece in pieces { try session.read(piece) }
        #expect(throws: ModelError.self) { try session.answer() }  // the first reading does not answer
        try session.endReading()
        #expect(session.state.passesRead == 1 && session.state.segmentsRead == 0 && session.state.tokensRead == 0)
        for piece in pieces { try session.read(piece) }
        let answer = try session.answer()
        #expect(answer.logits == (try handRun(model, reading + reading)), "\(layout) document of \(length) tokens")
        #expect(answer.passes == 2 && answer.segments == reading.count && answer.tokens == length)
        #expect(throws: ModelError.self) { try session.endReading() }  // the last reading ends with the answer
        // Read once, the same weights answer otherwise: the second reading is not a no-op.
        let once = try DocumentSession(model: model.reading(passes: 1), questionTokens: question)
        for piece in pieces { try once.read(piece) }
        #expect(try once.answer().logits == (try handRun(model, reading)))
    }
}

@Test func readingsEndOnlyWhereTheModelReadsAgain() throws {
    let plain = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    #expect(plain.settings.passes == nil && plain.settings.readingPasses == 1)
    let once = try DocumentSession(model: plain, questionTokens: [40])
    try once.read([5, 6])
    #expect(throws: ModelError.self) { try once.endReading() }  // a one-pass model answers after one reading
    let twice = try plain.reading(passes: 2)
    let bare = DocumentSession(model: twice)  // final-segment, no question: a reading cannot end
    try bare.read(Array(repeating: 5, count: twice.settings.segmentLength))
    #expect(throws: ModelError.self) { try bare.endReading() }
    let empty = try DocumentSession(model: twice, questionTokens: [40])
    #expect(throws: ModelError.self) { try empty.endReading() }  // nothing read
    // The setting is bounded, and 1 is recorded as none (a model as before passes existed).
    #expect(throws: ModelError.self) { try plain.reading(passes: 0) }
    #expect(throws: ModelError.self) { try plain.reading(passes: RMTSettings.maxPasses + 1) }
    #expect(try twice.reading(passes: 1).settings.passes == nil)
}

@Test func aMultiPassModelFolderKeepsItsPassesAndAStateResumesInTheSecondReading() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-passes-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let made = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt")).reading(questionLayout: .everySegment).reading(passes: 2)
    try made.save(to: folder.appendingPathComponent("model"))
    let config = try String(contentsOf: folder.appendingPathComponent("model/config.json"), encoding: .utf8)
    #expect(config.contains("\"passes\""))
    let model = try RecurrentMemoryModel.load(directory: folder.appendingPathComponent("model"))
    #expect(model.settings.passes == 2)

    let words = model.tokenizer.vocabulary.tokens.filter { $0.first == "w" && $0.count > 1 }  // w5 … w98
    try #require(words.count >= 5)
    var rng = SplitMix64(seed: 4)
    let text = (0..<200).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
    let file = folder.appendingPathComponent("doc.txt")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let question = "\(words[0]) \(words[1])"
    let expected = try model.answer(question: question, file: file.path)  // reads the file twice
    #expect(expected.passes == 2)

    // By hand: the whole first reading, three pieces of the second, saved and resumed.
    let session = try DocumentSession(model: model, question: question)
    try session.read(from: try model.segmentReader(path: file.path, textLength: session.textLength))
    try session.endReading()
    let reader = try model.segmentReader(path: file.path, textLength: session.textLength)
    for _ in 0..<3 { try session.read(try #require(try reader.next())) }
    let stateURL = folder.appendingPathComponent("state.safetensors")
    try session.state.save(to: stateURL, model: model)
    let restored = try MemoryState.load(from: stateURL, model: model)
    #expect(restored == session.state && restored.passesRead == 1)
    let resumed = try DocumentSession(model: model, question: question, resuming: restored)
    try resumed.read(from: try model.segmentReader(path: file.path, textLength: resumed.textLength))
    #expect(try resumed.answer() == expected)
    // The same weights reading once have no second reading to resume.
    #expect(throws: ModelError.self) { try MemoryState.load(from: stateURL, model: model.reading(passes: 1)) }
    // A byte sequence is read once: a two-pass model refuses it rather than answer after one reading.
    await #expect(throws: ModelError.self) {
        try await model.answer(question: question, bytes: AsyncStream<UInt8> { $0.finish() })
    }
}
