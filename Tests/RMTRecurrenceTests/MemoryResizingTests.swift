// A trained model given another number of memory tokens (MemoryResizing.swift): kept rows are the
// model's, a new row is a copy of an old one plus small seeded noise, every other tensor is
// copied, the original is untouched; with absolute positions a larger memory shortens the
// segment to fit the position table unless a length is given (then refused when it does not
// fit); the resized model reads documents and saves and loads with its new sizes.
import Foundation
import Testing
import RMTTestSupport
import RMTModel
import RMTRecurrence

@Test func carryingMoreMemoryTokensCopiesTheTrainedRowsAndShortensTheSegment() throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let (M, S, C) = (model.settings.memoryTokens, model.settings.segmentLength, model.config.hiddenSize)
    let P = model.config.maxPositionEmbeddings
    let before = model.parameters.values(RMTTensorName.memoryEmbeddings)
    let m = P - S - 3 + 2   // two more than fit beside S text tokens
    try #require(m > M)
    let wider = try model.carrying(memoryTokens: m, seed: 7)
    #expect(wider.settings.memoryTokens == m && wider.settings.segmentLength == P - m - 3)
    #expect(model.settings.memoryTokens == M && model.parameters.values(RMTTensorName.memoryEmbeddings) == before)
    let rows = wider.parameters.values(RMTTensorName.memoryEmbeddings)
    #expect(rows.count == m * C && Array(rows[0..<(M * C)]) == before)
    for i in M..<m {
        let new = rows[(i * C)..<((i + 1) * C)], old = before[((i % M) * C)..<((i % M + 1) * C)]
        let diffs = zip(new, old).map { abs($0 - $1) }
        #expect(diffs.max()! > 0 && diffs.max()! < 0.15, "row \(i) is a noisy copy of row \(i % M)")
    }
    for entry in model.parameters.layout.entries where entry.name != RMTTensorName.memoryEmbeddings {
        #expect(wider.parameters.values(entry.name) == model.parameters.values(entry.name), "\(entry.name)")
    }
    // Seeded: the same seed gives the same rows, another seed other noise.
    #expect(try model.carrying(memoryTokens: m, seed: 7).parameters.values(RMTTensorName.memoryEmbeddings) == rows)
    #expect(try model.carrying(memoryTokens: m, seed: 8).parameters.values(RMTTensorName.memoryEmbeddings) != rows)

    // It reads a document of several segments and answers with finite logits.
    let session = DocumentSession(model: wider)
    for k in 0..<3 { try session.read((0..<wider.settings.segmentLength).map { Int32(5 + (k * 7 + $0) % 30) }) }
    let logits = try session.answer(questionTokens: [40, 41]).logits
    #expect(logits.count == model.settings.labels.count && logits.allSatisfy { $0.isFinite })

    // Saved and loaded with its sizes.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-resized-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try wider.save(to: folder)
    let loaded = try RecurrentMemoryModel.load(directory: folder)
    #expect(loaded.settings.memoryTokens == m && loaded.settings.segmentLength == P - m - 3)
    #expect(loaded.parameters.values(RMTTensorName.memoryEmbeddings) == rows)
}

@Test func carryingFewerMemoryTokensKeepsTheFirstRowsAndRefusesWhatCannotFit() throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    let (M, S, C) = (model.settings.memoryTokens, model.settings.segmentLength, model.config.hiddenSize)
    let P = model.config.maxPositionEmbeddings
    let before = model.parameters.values(RMTTensorName.memoryEmbeddings)
    // A larger memory that still fits keeps the length.
    #expect(try model.carrying(memoryTokens: P - S - 3, seed: 1).settings.segmentLength == S)
    let fewer = try model.carrying(memoryTokens: M - 1, seed: 1)
    #expect(fewer.settings.memoryTokens == M - 1 && fewer.settings.segmentLength == S)
    #expect(fewer.parameters.values(RMTTensorName.memoryEmbeddings) == Array(before[0..<((M - 1) * C)]))
    // The same size is the same model.
    #expect(try model.carrying(memoryTokens: M, seed: 1) === model)
    // A given length that does not fit the position table, a negative count, a memory with no room for text.
    #expect(throws: ModelError.self) { try model.carrying(memoryTokens: P - S - 2, segmentLength: S, seed: 1) }
    #expect(throws: ModelError.self) { try model.carrying(memoryTokens: -1, seed: 1) }
    #expect(throws: ModelError.self) { try model.carrying(memoryTokens: P - 3, seed: 1) }
    // A given length that fits is taken.
    let shorter = try model.carrying(memoryTokens: M + 1, segmentLength: S - 2, seed: 1)
    #expect(shorter.settings.segmentLength == S - 2 && shorter.settings.memoryTokens == M + 1)
}
