// Absolute position interpolation (PositionInterpolation.swift): the stretched table keeps
// [CLS], memory and [SEP] rows, interpolates text rows linearly (exactly the trained rows at the
// grid points), gives the final [SEP] its trained row; a model reads longer segments through it
// with its other tensors copied and the original untouched; relative models are unaffected.
import Foundation
import Testing
import RMTTestSupport
import RMTModel
import RMTRecurrence

@Test func interpolatedPositionTableStretchesTheTextRowsOnly() {
    let C = 2, M = 2, S = 4
    // Row r = (r, 10 r + 1): linear in r, so an interpolated row is (u', 10 u' + 1) at its place u'.
    let rows = M + S + 3 + 2  // a table with spare rows beyond the trained ones
    let table = (0..<rows).flatMap { r in [Float(r), Float(10 * r + 1)] }
    let n = 7
    let out = RecurrentMemoryModel.interpolatedPositionTable(table, width: C, memoryTokens: M, trainedLength: S, length: n)
    #expect(out.count == (M + n + 3) * C)
    let prefix = M + 2
    for r in 0..<prefix { #expect(Array(out[(r * C)..<((r + 1) * C)]) == Array(table[(r * C)..<((r + 1) * C)])) }
    for i in 0..<n {
        let u = Float(prefix) + Float(i) * Float(S - 1) / Float(n - 1)
        #expect(abs(out[(prefix + i) * C] - u) < 1e-5, "text row \(i)")
        #expect(abs(out[(prefix + i) * C + 1] - (10 * u + 1)) < 1e-4, "text row \(i)")
    }
    // The final [SEP] of a full segment: the trained row after the S text rows.
    #expect(Array(out[((prefix + n) * C)...]) == [Float(prefix + S), Float(10 * (prefix + S) + 1)])
    // n = 2S − 1: every other text row is exactly a trained row.
    let doubled = RecurrentMemoryModel.interpolatedPositionTable(table, width: C, memoryTokens: M, trainedLength: S, length: 2 * S - 1)
    for i in 0..<S { #expect(Array(doubled[((prefix + 2 * i) * C)..<((prefix + 2 * i + 1) * C)]) == Array(table[((prefix + i) * C)..<((prefix + i + 1) * C)])) }
    // n ≤ S: the trained rows unchanged.
    let same = RecurrentMemoryModel.interpolatedPositionTable(table, width: C, memoryTokens: M, trainedLength: S, length: 3)
    #expect(same == Array(table[0..<((M + 3 + 3) * C)]))
}

@Test func absoluteModelsReadLongerSegmentsWhenInterpolating() throws {
    let model = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    model.compute.fullLastLayer.toggle()  // a non-default run-time setting travels with it
    let before = model.parameters.values(RecurrentMemoryModel.positionTableName)
    let longer = try model.readingSegments(of: 15, interpolatingPositions: true)
    #expect(longer.compute == model.compute)
    #expect(longer.settings.segmentLength == 15)
    #expect(longer.config.maxPositionEmbeddings == model.settings.memoryTokens + 15 + 3)
    for entry in model.parameters.layout.entries where entry.name != RecurrentMemoryModel.positionTableName {
        #expect(longer.parameters.values(entry.name) == model.parameters.values(entry.name), "\(entry.name) copied")
    }
    #expect(model.parameters.values(RecurrentMemoryModel.positionTableName) == before, "the original is untouched")
    #expect(longer.parameters.values(RecurrentMemoryModel.positionTableName)
            == RecurrentMemoryModel.interpolatedPositionTable(before, width: model.config.hiddenSize, memoryTokens: model.settings.memoryTokens,
                                                              trainedLength: model.settings.segmentLength, length: 15))
    // It reads a 13-token document and a 1-token question in one segment of 15 (13 + [SEP] + 1);
    // the plain model cannot read that length.
    let session = DocumentSession(model: longer)
    try session.read((0..<13).map { Int32(5 + $0 % 6) })
    let answer = try session.answer(question: "w5")
    #expect(answer.segments == 1)
    #expect(answer.top.allSatisfy { $0.probability.isFinite })
    #expect(throws: ModelError.self) { try model.readingSegments(of: 15, interpolatingPositions: false) }
    // Not longer, or relative: the plain re-length (shared parameters).
    #expect(try model.readingSegments(of: 6, interpolatingPositions: true).parameters === model.parameters)
}
