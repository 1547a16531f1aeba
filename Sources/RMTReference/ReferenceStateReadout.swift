// ReferenceStateReadout: the state readout (RMTModel/StateReadout.swift) in Double, built from
// ReferenceDouble's textbook ops — the yardstick its Float products and the state loss's BPTT are
// checked against (Tests/RMTTrainingTests/StateLossTests.swift).
//
//   logits (B, E·L) = H (B, M·C) · Wᵀ + b,  loss = Σ_{scored} CE / (B·E)
import Foundation

extension ReferenceDouble {
    /// `n` zeros.
    static func zeros(_ n: Int) -> [Double] { [Double](repeating: 0, count: n) }

    /// The readout's parameters: (E·L, M·C) weight, (E·L) bias.
    public struct StateReadoutParameters: Sendable {
        public var weight: [Double], bias: [Double]
        public init(weight: [Double], bias: [Double]) { (self.weight, self.bias) = (weight, bias) }
    }

    /// What `stateReadoutBackward` needs from the forward.
    public struct StateReadoutActivations: Sendable {
        /// (B, M·C), (B, E·L), (B, E·L).
        public var memory: [Double], logits: [Double], probs: [Double]
        /// Σ_{scored} CE / (B·E).
        public var loss: Double
    }

    /// Forward and loss of the readout on `memory` (B, M·C) against `targets` (B·E, −1 = not scored).
    public static func stateReadoutForward(memory: [Double], targets: [Int32], parameters p: StateReadoutParameters,
                                           batch B: Int, entities E: Int, slots M: Int, channels C: Int,
                                           classes L: Int) -> StateReadoutActivations {
        precondition(memory.count == B * M * C && targets.count == B * E)
        let logits = linearForward(inp: memory, weight: p.weight, bias: p.bias, rows: B, inDim: M * C, outDim: E * L)
        let (losses, probs) = crossEntropyForward(logits: logits, targets: targets, rows: B * E, classes: L)
        return StateReadoutActivations(memory: memory, logits: logits, probs: probs, loss: losses.reduce(0, +) / Double(B * E))
    }

    /// Backward of `stateReadoutForward`'s loss times `scale`: ADDS into the parameters' gradients
    /// and into `dMemory` (B, M·C).
    public static func stateReadoutBackward(dMemory: inout [Double], dparameters g: inout StateReadoutParameters,
                                            activations a: StateReadoutActivations, targets: [Int32],
                                            parameters p: StateReadoutParameters, scale: Double,
                                            batch B: Int, entities E: Int, slots M: Int, channels C: Int, classes L: Int) {
        var dlogits = zeros(B * E * L)
        crossEntropyBackward(dlogits: &dlogits, probs: a.probs, targets: targets, rows: B * E, classes: L,
                             scale: scale / Double(B * E))
        linearBackward(dinp: &dMemory, dweight: &g.weight, dbias: &g.bias, dout: dlogits, inp: a.memory, weight: p.weight,
                       rows: B, inDim: M * C, outDim: E * L)
    }
}
