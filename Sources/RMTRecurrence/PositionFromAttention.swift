// PositionFromAttention: T5 biases that start where the absolute model's heads looked
// (`rmt-train --model DIR --position t5 --position-init attention`; Docs/position-encodings.md,
// "T5 biases from the absolute model's attention").
//
// A relative scheme put on a pretrained absolute encoder keeps every content weight but loses
// what the heads did by position — previous- and next-token heads, local windows — and T5's
// biases start at zero, so a task that needs a neighbour's identity (recall) has to rebuild
// those heads from nothing; measured, it does not in 800 steps. Here the absolute model first
// reads a sequence with no content to tell its tokens apart, [CLS] [MASK]…[MASK] [SEP]
// (`contentFreeSequence`), so each head's attention there is its positional preference alone
// (with the cross-terms of the one [MASK] embedding); for every layer and head the mean
// log-probability a query gives the key r tokens away (r = key − query, |r| ≤ reach) becomes the
// head's bias profile, and each T5 bucket takes the mean over the offsets it holds. Measured, this
// start learns recall in 100 steps where a profile averaged over prose needed 300 or more
// (Docs/position-encodings.md). The profile is taken on rows at least `reach` tokens from either
// end of the text, so every offset is averaged over the same queries and each row's softmax
// normaliser is one constant shared by all offsets. Per head, the two farthest buckets are
// shifted to 0: a constant does not change a softmax over text keys, and this keeps the special
// tokens (type-pair bias 0) level with distant text.
import Foundation
import RMTKernels
import RMTModel

/// How an absolute encoder's attention depends on the key−query offset.
public struct AttentionOffsetProfile: Sendable, Equatable {
    /// Layers, heads and the largest |offset| measured.
    public let layers: Int, heads: Int, reach: Int
    /// (layers, 2·reach + 1, heads) mean ln max(p, 1e-9) a query gives the key at offset
    /// r ∈ −reach…reach (index r + reach).
    public let logProbability: [Double]
    /// Probabilities below this count as it (a head may give a key exactly 0 after underflow).
    public static let floor = 1e-9
    /// The length of `contentFreeSequence` (or the model's positions when fewer).
    public static let defaultSequenceLength = 320

    /// The mean log-probability of layer `l`, offset `r`, head `h`.
    public func value(layer l: Int, offset r: Int, head h: Int) -> Double {
        logProbability[(l * (2 * reach + 1) + r + reach) * heads + h]
    }

    /// Layer `l`'s T5 bias table (buckets, heads), `DistanceBias.t5Bucket` buckets: each the mean
    /// of its offsets' profile; a bucket no measured offset falls in takes the farthest measured
    /// bucket of its side; then per head the mean of the two farthest buckets (buckets/2 − 1 and
    /// buckets − 1) is subtracted.
    public func t5Table(layer l: Int, buckets: Int, maxDistance: Int) -> [Double] {
        var sum = [Double](repeating: 0, count: buckets * heads), count = [Int](repeating: 0, count: buckets)
        for r in -reach...reach {
            let b = DistanceBias.t5Bucket(r, buckets: buckets, maxDistance: maxDistance)
            count[b] += 1
            for h in 0..<heads { sum[b * heads + h] += value(layer: l, offset: r, head: h) }
        }
        var table = sum
        for b in 0..<buckets where count[b] > 0 {
            for h in 0..<heads { table[b * heads + h] /= Double(count[b]) }
        }
        let half = buckets / 2
        for b in 0..<buckets where count[b] == 0 {
            let side = b < half ? 0..<half : half..<buckets
            guard let source = side.last(where: { count[$0] > 0 }) else { continue }  // a side never measured stays 0
            for h in 0..<heads { table[b * heads + h] = table[source * heads + h] }
        }
        for h in 0..<heads {
            let shift = (table[(half - 1) * heads + h] + table[(buckets - 1) * heads + h]) / 2
            for b in 0..<buckets { table[b * heads + h] -= shift }
        }
        return table
    }
}

extension RecurrentMemoryModel {
    /// `[CLS] [MASK]×(T − 2) [SEP]`, T = min(`AttentionOffsetProfile.defaultSequenceLength`, the
    /// model's positions): what `rmt-train --position-init attention` measures on. Throws when the
    /// vocabulary has no [MASK].
    public func contentFreeSequence() throws -> [Int32] {
        guard let mask = tokenizer.vocabulary.maskID else {
            throw ModelError("--position-init", "the vocabulary has no [MASK] token to measure positional attention with")
        }
        let T = min(AttentionOffsetProfile.defaultSequenceLength, config.maxPositionEmbeddings)
        return [clsID] + [Int32](repeating: mask, count: T - 2) + [sepID]
    }

    /// How this absolute model's heads attend by offset, read from `sequences` (each a whole
    /// sequence as the encoder reads it, e.g. [CLS] text [SEP]; all the same length T ≤ the
    /// model's positions), positions 0…T−1, token type 0. `reach` is capped by the text
    /// (T − 2 tokens between the first and last position) so that at least one row per sequence
    /// has every offset −reach…reach on text.
    /// - Parameter batch: sequences per encoder call (attention probabilities are B·heads·T² floats per layer).
    public func attentionOffsetProfile(sequences: [[Int32]], reach: Int, batch: Int = 4) throws -> AttentionOffsetProfile {
        guard config.usesAbsolutePositions else {
            throw ModelError("--position-init", "attention is measured on an absolute-position model; this one has \(config.position!.commandLineName)")
        }
        guard let T = sequences.first?.count, sequences.allSatisfy({ $0.count == T }) else {
            throw ModelError("--position-init", "the measured sequences must be non-empty and of one length")
        }
        guard T <= config.maxPositionEmbeddings else {
            throw ModelError("--position-init", "sequences of \(T) tokens exceed the model's \(config.maxPositionEmbeddings) positions")
        }
        let text = T - 2, R = min(reach, (text - 1) / 2)
        guard R >= 1 else {
            throw ModelError("--position-init", "sequences of \(T) tokens are too short to measure an offset (at least 5)")
        }
        guard batch >= 1 else { throw ModelError("--position-init", "the batch must be at least 1, got \(batch)") }
        let rows = (1 + R)..<(1 + text - R)  // every offset −R…R from these rows lands on text
        let L = config.numHiddenLayers, H = config.numAttentionHeads, W = 2 * R + 1
        var sum = [Double](repeating: 0, count: L * W * H)
        let acts = BertActivations(config: config, batchCapacity: min(batch, sequences.count), seqCapacity: T, keepAllLayers: true)
        acts.isTraining = false  // fp32 probabilities even when the model trains in bf16
        var start = 0
        while start < sequences.count {
            let B = min(batch, sequences.count - start)
            try encoder.gatherWordEmbeddings(acts, ids: Array(sequences[start..<(start + B)].joined()), batch: B, seqLen: T)
            try encoder.forward(acts)
            for l in 0..<L {
                let probs = acts.layerSlots[l].probs.pointer  // (B, H, T, T)
                for b in 0..<B {
                    for h in 0..<H {
                        for i in rows {
                            let row = probs + ((b * H + h) * T + i) * T
                            for k in 0..<W {
                                sum[(l * W + k) * H + h] += log(max(Double(row[i + k - R]), AttentionOffsetProfile.floor))
                            }
                        }
                    }
                }
            }
            start += B
        }
        let n = Double(sequences.count * rows.count)
        return AttentionOffsetProfile(layers: L, heads: H, reach: R, logProbability: sum.map { $0 / n })
    }

    /// `withPositionScheme(position, seed:)` with every layer's `t5_bias` set from `profile`
    /// (`AttentionOffsetProfile.t5Table`) instead of zeros. `position` must be t5 and the profile
    /// this model's (same layers and heads).
    public func withPositionScheme(_ position: PositionSettings, seed: UInt64,
                                   t5From profile: AttentionOffsetProfile) throws -> (model: RecurrentMemoryModel, fresh: [String]) {
        guard position.scheme == .t5 else {
            throw ModelError("--position-init", "attention sets the t5 scheme's biases; the scheme asked for is \(position.commandLineName)")
        }
        guard profile.layers == config.numHiddenLayers, profile.heads == config.numAttentionHeads else {
            throw ModelError("--position-init", "the profile has \(profile.layers) layers × \(profile.heads) heads, the model \(config.numHiddenLayers) × \(config.numAttentionHeads)")
        }
        let (model, fresh) = try withPositionScheme(position, seed: seed)
        for l in 0..<profile.layers {
            let name = PositionSettings.tensorName(layer: l, "t5_bias")
            let table = profile.t5Table(layer: l, buckets: position.t5Buckets, maxDistance: position.t5MaxDistance)
            guard let entry = model.parameters.layout.entry(name), entry.count == table.count else {
                throw ModelError("--position-init", "the t5 model has no \(name) of \(table.count) values")
            }
            let p = model.parameters.pointer(name)
            for i in 0..<table.count { p[i] = Float(table[i]) }
        }
        return (model, fresh)
    }
}
