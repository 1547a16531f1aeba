// The every-segment question layout (Docs/question-layout.md): each segment is `Q [SEP] piece`,
// the last piece is the final segment. A DocumentSession fed pieces one at a time gives exactly
// the logits of the segments run by hand (the layout training uses), for documents that end
// inside a piece, on a piece boundary, or are empty; a saved state that holds back a full piece
// resumes to the same answer, also from a file; the question is fixed for the session.
import Foundation
import RMTBase
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTTestSupport
import RMTTokenizer
import Testing

private func everySegmentModel() throws -> RecurrentMemoryModel {
    try RecurrentMemoryModel.load(directory: fixture("tiny-rmt")).reading(questionLayout: .everySegment)
}

/// Logits of `segments` run through the processor one after another (no session; also
/// MultiPassReadingTests').
func handRun(_ model: RecurrentMemoryModel, _ segments: [[Int32]]) throws -> [Float] {
    let processor = SegmentProcessor(model: model, batchCapacity: 1)
    var memory = processor.initialMemory(batch: 1)
    for content in segments {
        try memory.withUnsafeMutableBufferPointer { try processor.step(contents: [content], memory: $0.baseAddress!) }
    }
    return processor.classify()
}

@Test func everySegmentLayoutArithmetic() throws {
    let layout = QuestionLayout.everySegment
    #expect(layout.textLength(segmentLength: 499, questionTokens: 6) == 492)
    #expect(layout.documentTokens(forSegments: 3, questionTokens: 6, segmentLength: 499) == 3 * 492)
    for (tokens, segments) in [(0, 1), (1, 1), (492, 1), (493, 2), (984, 2), (985, 3)] {
        #expect(layout.segmentCount(documentTokens: tokens, questionTokens: 6, segmentLength: 499) == segments, "\(tokens)")
    }
    #expect(try layout.finalSegments(rest: [7, 8], question: [1, 2], segmentLength: 8, separator: 3) == [[1, 2, 3, 7, 8]])
    #expect(try layout.finalSegments(rest: [], question: [1, 2], segmentLength: 8, separator: 3) == [[1, 2, 3]])
    #expect(throws: ModelError.self) { try layout.finalSegments(rest: Array(repeating: 5, count: 6), question: [1, 2], segmentLength: 8, separator: 3) }
    #expect(throws: ModelError.self) { try layout.checkQuestion(tokens: 7, segmentLength: 8) }   // no room for text
    #expect(throws: Never.self) { try QuestionLayout.finalSegment.checkQuestion(tokens: 7, segmentLength: 8) }
    // The final-segment arithmetic is what it always was.
    let final = QuestionLayout.finalSegment
    for tokens in [0, 1, 5, 6, 7, 8, 9, 16, 17] {
        let rest = tokens % 8
        let expected = tokens / 8 + (try final.finalSegments(rest: Array(repeating: 9, count: rest), question: [1, 2],
                                                              segmentLength: 8, separator: 3).count)
        #expect(final.segmentCount(documentTokens: tokens, questionTokens: 2, segmentLength: 8) == expected, "\(tokens)")
    }
}

@Test func everySegmentSessionMatchesTheSegmentsRunByHand() throws {
    let model = try everySegmentModel()
    let S = model.settings.segmentLength
    let question: [Int32] = [40, 41]
    let sep = model.sepID
    let T = S - question.count - 1
    var rng = SplitMix64(seed: 5)
    for length in [0, 1, T - 1, T, T + 1, 3 * T, 3 * T + 2] {
        let document = (0..<length).map { _ in Int32(5 + rng.next() % 94) }
        let session = try DocumentSession(model: model, questionTokens: question)
        #expect(session.textLength == T)
        let pieces = stride(from: 0, to: document.count, by: T).map { Array(document[$0..<min($0 + T, document.count)]) }
        for piece in pieces { try session.read(piece) }
        let answer = try session.answer()
        let segments = (pieces.isEmpty ? [[]] : pieces).map { question + [sep] + $0 }
        let expected = try handRun(model, segments)
        #expect(answer.logits == expected, "document of \(length) tokens")
        #expect(answer.segments == segments.count && answer.tokens == length)
        #expect(answer.segments == model.settings.questionLayout.segmentCount(documentTokens: length, questionTokens: 2, segmentLength: S))
        // Answering leaves the state as it was: a second answer is the same.
        #expect(try session.answer() == answer)
    }
}

@Test func everySegmentSessionNeedsItsQuestionAndOnlyThatOne() throws {
    let model = try everySegmentModel()
    let bare = DocumentSession(model: model)
    #expect(throws: ModelError.self) { try bare.read([5, 6, 7]) }
    let session = try DocumentSession(model: model, questionTokens: [40, 41])
    try session.read([5, 6, 7])
    #expect(throws: ModelError.self) { try session.answer(questionTokens: [40, 42]) }
    #expect(throws: Never.self) { try session.answer(questionTokens: [40, 41]) }
    #expect(throws: ModelError.self) { try DocumentSession(model: model, questionTokens: Array(repeating: 40, count: 7)) }
    let fresh = try DocumentSession(model: model, questionTokens: [40, 41])
    #expect(throws: ModelError.self) { try fresh.read(Array(repeating: 5, count: fresh.textLength + 1)) }
    try fresh.read(Array(repeating: 5, count: fresh.textLength))  // held; a full piece may be followed
    try fresh.read([5])  // the held piece is read; this short one ends the document
    #expect(throws: ModelError.self) { try fresh.read([5]) }
}

@Test func everySegmentStateHoldingAFullPieceResumes() throws {
    let model = try everySegmentModel()
    let question: [Int32] = [40, 41]
    var rng = SplitMix64(seed: 9)
    let T = model.settings.segmentLength - 3
    let document = (0..<(4 * T + 2)).map { _ in Int32(5 + rng.next() % 94) }
    let pieces = stride(from: 0, to: document.count, by: T).map { Array(document[$0..<min($0 + T, document.count)]) }
    let whole = try DocumentSession(model: model, questionTokens: question)
    for p in pieces { try whole.read(p) }
    let expected = try whole.answer()

    let first = try DocumentSession(model: model, questionTokens: question)
    for p in pieces.prefix(3) { try first.read(p) }
    #expect(first.state.pending == pieces[2] && first.state.segmentsRead == 2)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-every-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try first.state.save(to: url, model: model)
    let restored = try MemoryState.load(from: url, model: model)
    #expect(restored == first.state)
    let second = try DocumentSession(model: model, questionTokens: question, resuming: restored)
    for p in pieces.dropFirst(3) { try second.read(p) }
    #expect(try second.answer() == expected)
    #expect(second.state == whole.state)

    // A state saved for a final-segment reading of the same weights is another model's.
    let plain = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    #expect(throws: ModelError.self) { try MemoryState.load(from: url, model: plain) }
}

@Test func everySegmentStateResumesFromAFileAndRefusesAnotherQuestion() throws {
    let model = try everySegmentModel()
    let words = model.tokenizer.vocabulary.tokens.filter { $0.first == "w" && $0.count > 1 }  // w5 … w98
    try #require(words.count >= 5)
    var rng = SplitMix64(seed: 3)
    let text = (0..<200).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-every-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("doc.txt")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let question = "\(words[0]) \(words[1])"
    let expected = try model.answer(question: question, file: file.path)

    let session = try DocumentSession(model: model, question: question)
    let reader = try model.segmentReader(path: file.path, textLength: session.textLength)
    var pieces: [[Int32]] = []
    while let piece = try reader.next() { pieces.append(piece) }
    try #require(pieces.count >= 4 && pieces[2].count == session.textLength)
    for p in pieces.prefix(3) { try session.read(p) }   // piece 3 is held back, full
    let stateURL = folder.appendingPathComponent("state.safetensors")
    try session.state.save(to: stateURL, model: model)
    let resumed = try DocumentSession(model: model, question: question, resuming: MemoryState.load(from: stateURL, model: model))
    try resumed.read(from: try model.segmentReader(path: file.path, textLength: resumed.textLength))
    #expect(try resumed.answer() == expected)

    // The library refuses a binary file as rmt-ask does (one line naming it), before any model work.
    let binary = folder.appendingPathComponent("weights.bin")
    try Data((0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: binary)
    #expect(throws: TextSourceError.self) { try model.answer(question: question, file: binary.path) }

    let other = try DocumentSession(model: model, question: "\(words[2])", resuming: MemoryState.load(from: stateURL, model: model))
    #expect(throws: ModelError.self) { try other.read(from: try model.segmentReader(path: file.path, textLength: other.textLength)) }
}

/// `answering(labels:)`: known labels keep their classifier rows (same logits, reordered by
/// name), a new label starts at zero weight and the mean bias; the original model is untouched.
@Test func answeringMoreLabelsKeepsTheKnownOnes() throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let old = model.settings.labels
    let labels = Array(old.reversed()) + ["unknown"]
    let wider = try model.answering(labels: labels)
    #expect(wider.settings.labels == labels && model.settings.labels == old)
    let document: [Int32] = [5, 6, 7, 8, 9, 10, 11, 12]
    func logits(_ m: RecurrentMemoryModel) throws -> [Float] {
        let session = DocumentSession(model: m)
        try session.read(document)
        return try session.answer(questionTokens: [40, 41]).logits
    }
    let a = try logits(model), b = try logits(wider)
    for (row, label) in labels.enumerated() {
        if let i = old.firstIndex(of: label) { #expect(b[row] == a[i], "\(label)") }
    }
    let meanBias = model.parameters.values("rmt.classifier.bias").reduce(0, +) / Float(old.count)
    #expect(abs(b[labels.count - 1] - meanBias) <= 1e-6 * max(1, abs(meanBias)))
    #expect(throws: ModelError.self) { try model.answering(labels: ["a", "a"]) }
}
