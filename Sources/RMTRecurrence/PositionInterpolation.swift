// PositionInterpolation: a model with learned absolute position embeddings reading segments
// longer than it was trained with, by linear interpolation of its trained text positions — the
// absolute baseline of the length-extrapolation experiments (Docs/position-encodings.md,
// "Absolute positions with interpolation"). Only the text positions are stretched: [CLS], the
// memory slots and the first [SEP] keep their own rows (so reading and writing memory look the
// same at any length), and the final [SEP] of a full segment keeps the row it had at the trained
// length. Text position i of n maps to u = i·(S − 1)/(n − 1) among the S trained text rows.
import RMTModel

extension RecurrentMemoryModel {
    /// The same weights reading segments of `n` document tokens. Without `interpolatingPositions`,
    /// or for a relative scheme, or for n ≤ the model's segment length, this is
    /// `readingSegments(of:)`. With it, an absolute model reads a longer n through a new model
    /// (its own parameters, copied) whose position table has M + n + 3 rows made by
    /// `interpolatedPositionTable`.
    public func readingSegments(of n: Int, interpolatingPositions: Bool) throws -> RecurrentMemoryModel {
        guard interpolatingPositions, config.usesAbsolutePositions, n > settings.segmentLength else {
            return try readingSegments(of: n)
        }
        let M = settings.memoryTokens, S = settings.segmentLength, C = config.hiddenSize
        guard config.maxPositionEmbeddings >= settings.positionsPerSegment else {
            throw ModelError("segment length", "the position table has \(config.maxPositionEmbeddings) rows, fewer than the \(settings.positionsPerSegment) a segment of \(S) uses")
        }
        var newConfig = config
        newConfig.maxPositionEmbeddings = M + n + 3
        var s = settings
        s.segmentLength = n
        try s.validate(against: newConfig)
        let layout = Self.layout(newConfig, s)
        let params = ParameterSet(layout: layout)
        let name = Self.positionTableName
        for entry in layout.entries where entry.name != name {
            params.pointer(entry.name).update(from: parameters.pointer(entry.name), count: entry.count)
        }
        let table = Self.interpolatedPositionTable(parameters.values(name), width: C, memoryTokens: M, trainedLength: S, length: n)
        table.withUnsafeBufferPointer { params.pointer(name).update(from: $0.baseAddress!, count: table.count) }
        let stretched = try RecurrentMemoryModel(config: newConfig, settings: s, tokenizer: tokenizer, parameters: params,
                                                 isUntrained: isUntrained)
        stretched.compute = compute
        return stretched
    }

    /// The BERT position table's tensor name.
    public static let positionTableName = "embeddings.position_embeddings.weight"

    /// The (M + n + 3, C) position table for text segments of n tokens from a table trained at S
    /// (at least M + S + 3 rows of C): rows 0…M + 1 ([CLS], memory, [SEP]) copied; text row i the
    /// linear interpolation of trained text rows ⌊u⌋ and ⌊u⌋ + 1 at u = i·(S − 1)/(n − 1); the
    /// last row (the final [SEP] of a full segment) the trained row M + 2 + S. n ≤ S reads the
    /// trained rows unchanged (u = i).
    public static func interpolatedPositionTable(_ table: [Float], width C: Int, memoryTokens M: Int, trainedLength S: Int,
                                                 length n: Int) -> [Float] {
        precondition(table.count >= (M + S + 3) * C && S >= 1 && n >= 1, "position table too small")
        let prefix = M + 2
        var out = [Float](repeating: 0, count: (M + n + 3) * C)
        func row(_ r: Int) -> ArraySlice<Float> { table[(r * C)..<((r + 1) * C)] }
        out.replaceSubrange(0..<(prefix * C), with: table[0..<(prefix * C)])
        for i in 0..<n {
            let u = n > S ? Double(i) * Double(S - 1) / Double(n - 1) : Double(i)
            let f = min(Int(u.rounded(.down)), S - 1), c = min(f + 1, S - 1)
            let w = Float(u - Double(f))
            let low = row(prefix + f), high = row(prefix + c)
            for k in 0..<C {
                out[(prefix + i) * C + k] = (1 - w) * low[low.startIndex + k] + w * high[high.startIndex + k]
            }
        }
        out.replaceSubrange(((prefix + n) * C)..<((prefix + n + 1) * C), with: row(prefix + (n > S ? S : n)))
        return out
    }
}
