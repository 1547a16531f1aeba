// MemoryResizing: a trained RMT given another number of memory tokens, for fine-tuning with a
// larger (or smaller) memory (`rmt-train --model DIR --memory-tokens N`). Only the initial memory
// (rmt.memory_embeddings, M × C) changes shape; every other tensor is copied, except a state readout,
// whose probes read all M slots: it is dropped (`--state-loss` adds a fresh one). A segment is
// [CLS] m1..mM [SEP] t1..tS [SEP]: with absolute positions M + S + 3 must fit the position table,
// so a larger memory shortens the text part of a segment unless a length is given.
import RMTBase
import RMTModel

extension RecurrentMemoryModel {
    /// Standard deviation of the noise added to a copied memory row (BERT's initializer range), so
    /// that a new slot starts like an existing one but not identical to it.
    public static let newMemoryRowNoise: Float = 0.02

    /// This model carrying `m` memory tokens, as a new model with its own parameters.
    ///
    /// Initial memory (m, C): row i < min(M, m) is this model's row i; a new row i ≥ M is a copy
    /// of row i mod M plus seeded Gaussian noise (std `newMemoryRowNoise`), so it begins as a
    /// memory slot the model already reads and writes (its position row tells it apart). With
    /// m < M the first m rows are kept. A model without memory rows (M = 0) gets seeded normal
    /// rows, as a new model would.
    /// - Parameters:
    ///   - segmentLength: text tokens per segment; nil keeps this model's when m + S + 3 fits the
    ///     position table (or the scheme is relative) and otherwise takes the longest that fits.
    ///   - seed: the noise's seed.
    /// - Throws: `ModelError` when m is negative or the segment does not fit.
    public func carrying(memoryTokens m: Int, segmentLength: Int? = nil, seed: UInt64) throws -> RecurrentMemoryModel {
        guard m >= 0 else { throw ModelError("--memory-tokens", "must not be negative, got \(m)") }
        let M = settings.memoryTokens, C = config.hiddenSize
        var s = settings
        s.memoryTokens = m
        if let segmentLength {
            s.segmentLength = segmentLength
        } else if config.usesAbsolutePositions && s.positionsPerSegment > config.maxPositionEmbeddings {
            s.segmentLength = config.maxPositionEmbeddings - m - 3
            guard s.segmentLength >= 1 else {
                throw ModelError("--memory-tokens", "\(m) memory tokens leave no room for text in the \(config.maxPositionEmbeddings) positions of a segment")
            }
        }
        if m != M { (s.stateEntities, s.stateHidden) = (nil, nil) }  // the readout reads M slots: dropped (--state-loss adds a new one)
        try s.validate(against: config, source: "--memory-tokens")
        if m == M && s.segmentLength == settings.segmentLength { return self }
        let layout = Self.layout(config, s)
        let params = ParameterSet(layout: layout)
        for entry in layout.entries where entry.name != RMTTensorName.memoryEmbeddings {
            params.pointer(entry.name).update(from: parameters.pointer(entry.name), count: entry.count)
        }
        // (m, C) initial memory
        let old = memoryEmbeddings, new = params.pointer(RMTTensorName.memoryEmbeddings)
        var rng = SplitMix64(seed: seed)
        for i in 0..<m {
            if i < M {
                (new + i * C).update(from: old + i * C, count: C)
            } else if M > 0 {
                for k in 0..<C { new[i * C + k] = old[(i % M) * C + k] + rng.nextNormal() * Self.newMemoryRowNoise }
            } else {
                for k in 0..<C { new[i * C + k] = rng.nextNormal() * Self.newMemoryRowNoise }
            }
        }
        let resized = try RecurrentMemoryModel(config: config, settings: s, tokenizer: tokenizer, parameters: params,
                                               isUntrained: isUntrained)
        resized.compute = compute
        return resized
    }
}
