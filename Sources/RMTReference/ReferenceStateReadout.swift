// ReferenceStateReadout: the state readout (RMTModel/StateReadout.swift) in Double, built from
// ReferenceDouble's textbook ops — the yardstick its Float loops and the state loss's BPTT are
// checked against (Tests/RMTTrainingTests/StateLossTests.swift).
//
//   s = H·qᵀ/√C (per sequence and entity, over M slots), a = softmax(s), r = a·H,
//   logits = r·Wᵀ + b, loss = Σ_{scored} CE / (B·E)
import Foundation

extension ReferenceDouble {
    /// `n` zeros.
    static func zeros(_ n: Int) -> [Double] { [Double](repeating: 0, count: n) }

    /// The readout's parameters: (E, C) queries, (L, C) weight, (L) bias.
    public struct StateReadoutParameters: Sendable {
        public var query: [Double], weight: [Double], bias: [Double]
        public init(query: [Double], weight: [Double], bias: [Double]) {
            (self.query, self.weight, self.bias) = (query, weight, bias)
        }
    }

    /// What `stateReadoutBackward` needs from the forward.
    public struct StateReadoutActivations: Sendable {
        /// (B, M, C), (B, E, M), (B, E, C), (B, E, L), (B, E, L).
        public var memory: [Double], attention: [Double], read: [Double], logits: [Double], probs: [Double]
        /// Σ_{scored} CE / (B·E).
        public var loss: Double
    }

    /// Forward and loss of the readout on `memory` (B, M, C) against `targets` (B·E, −1 = not scored).
    public static func stateReadoutForward(memory: [Double], targets: [Int32], parameters p: StateReadoutParameters,
                                           batch B: Int, entities E: Int, slots M: Int, channels C: Int,
                                           classes L: Int) -> StateReadoutActivations {
        precondition(memory.count == B * M * C && targets.count == B * E)
        let scale = 1 / Double(C).squareRoot()
        var attention = [Double](repeating: 0, count: B * E * M), read = [Double](repeating: 0, count: B * E * C)
        for b in 0..<B {
            let H = Array(memory[(b * M * C)..<((b + 1) * M * C)])
            // (E, M) scores: q (E, C) · Hᵀ
            var s = linearForward(inp: p.query, weight: H, bias: nil, rows: E, inDim: C, outDim: M).map { $0 * scale }
            for e in 0..<E {
                let row = s[(e * M)..<((e + 1) * M)], top = row.max()!
                let z = row.reduce(0) { $0 + exp($1 - top) }
                for i in 0..<M { s[e * M + i] = exp(s[e * M + i] - top) / z }
            }
            for e in 0..<E {
                for i in 0..<M {
                    attention[(b * E + e) * M + i] = s[e * M + i]
                    for c in 0..<C { read[(b * E + e) * C + c] += s[e * M + i] * H[i * C + c] }
                }
            }
        }
        let logits = linearForward(inp: read, weight: p.weight, bias: p.bias, rows: B * E, inDim: C, outDim: L)
        let (losses, probs) = crossEntropyForward(logits: logits, targets: targets, rows: B * E, classes: L)
        return StateReadoutActivations(memory: memory, attention: attention, read: read, logits: logits, probs: probs,
                                       loss: losses.reduce(0, +) / Double(B * E))
    }

    /// Backward of `stateReadoutForward`'s loss times `scale`: ADDS into the parameters' gradients
    /// and into `dMemory` (B, M, C).
    public static func stateReadoutBackward(dMemory: inout [Double], dparameters g: inout StateReadoutParameters,
                                            activations a: StateReadoutActivations, targets: [Int32],
                                            parameters p: StateReadoutParameters, scale: Double,
                                            batch B: Int, entities E: Int, slots M: Int, channels C: Int, classes L: Int) {
        var dlogits = [Double](repeating: 0, count: B * E * L)
        crossEntropyBackward(dlogits: &dlogits, probs: a.probs, targets: targets, rows: B * E, classes: L,
                             scale: scale / Double(B * E))
        var dread = [Double](repeating: 0, count: B * E * C)
        linearBackward(dinp: &dread, dweight: &g.weight, dbias: &g.bias, dout: dlogits, inp: a.read, weight: p.weight,
                       rows: B * E, inDim: C, outDim: L)
        let inverseRoot = 1 / Double(C).squareRoot()
        for b in 0..<B {
            for e in 0..<E {
                let row = b * E + e
                var da = [Double](repeating: 0, count: M)
                for i in 0..<M {
                    for c in 0..<C {
                        da[i] += dread[row * C + c] * a.memory[(b * M + i) * C + c]
                        dMemory[(b * M + i) * C + c] += a.attention[row * M + i] * dread[row * C + c]
                    }
                }
                let mean = (0..<M).reduce(0) { $0 + a.attention[row * M + $1] * da[$1] }
                for i in 0..<M {
                    let ds = a.attention[row * M + i] * (da[i] - mean) * inverseRoot
                    for c in 0..<C {
                        g.query[e * C + c] += ds * a.memory[(b * M + i) * C + c]
                        dMemory[(b * M + i) * C + c] += ds * p.query[e * C + c]
                    }
                }
            }
        }
    }
}
