// ReferenceStateReadout: the state readout (RMTModel/StateReadout.swift) in Double, built from
// ReferenceDouble's textbook ops — the yardstick its Float products and the state loss's BPTT are
// checked against (Tests/RMTTrainingTests/StateLossTests.swift).
//
//   logits (B, E·L) = H (B, M·C) · Wᵀ + b,  loss = Σ_{scored} CE / (B·E)
//   with a hidden layer of width D: Z (B, D) = H·W₁ᵀ + b₁, F = gelu(Z), logits = F·Wᵀ + b
import Foundation

extension ReferenceDouble {
    /// `n` zeros.
    static func zeros(_ n: Int) -> [Double] { [Double](repeating: 0, count: n) }

    /// The readout's parameters: (E·L, M·C) weight — (E·L, D) with a hidden layer — and (E·L) bias;
    /// the hidden layer's (D, M·C) weight and (D) bias, both empty for the linear probe.
    public struct StateReadoutParameters: Sendable {
        public var weight: [Double], bias: [Double]
        public var hiddenWeight: [Double], hiddenBias: [Double]
        public init(weight: [Double], bias: [Double], hiddenWeight: [Double] = [], hiddenBias: [Double] = []) {
            (self.weight, self.bias, self.hiddenWeight, self.hiddenBias) = (weight, bias, hiddenWeight, hiddenBias)
        }
        /// D, the hidden layer's width (0: linear).
        public var hidden: Int { hiddenBias.count }
        /// Zeros of the same shapes (a gradient to accumulate into).
        public var zeroed: StateReadoutParameters {
            let z = ReferenceDouble.zeros
            return StateReadoutParameters(weight: z(weight.count), bias: z(bias.count), hiddenWeight: z(hiddenWeight.count),
                                          hiddenBias: z(hiddenBias.count))
        }
    }

    /// What `stateReadoutBackward` needs from the forward.
    public struct StateReadoutActivations: Sendable {
        /// (B, M·C), (B, E·L), (B, E·L).
        public var memory: [Double], logits: [Double], probs: [Double]
        /// Σ_{scored} CE / (B·E).
        public var loss: Double
        /// With a hidden layer: (B, D) Z and F = gelu(Z); empty otherwise.
        public var preActivation: [Double] = [], features: [Double] = []
    }

    /// Forward and loss of the readout on `memory` (B, M·C) against `targets` (B·E, −1 = not scored).
    public static func stateReadoutForward(memory: [Double], targets: [Int32], parameters p: StateReadoutParameters,
                                           batch B: Int, entities E: Int, slots M: Int, channels C: Int,
                                           classes L: Int) -> StateReadoutActivations {
        precondition(memory.count == B * M * C && targets.count == B * E)
        let D = p.hidden
        let z = D > 0 ? linearForward(inp: memory, weight: p.hiddenWeight, bias: p.hiddenBias, rows: B, inDim: M * C, outDim: D) : []
        let f = geluForward(inp: z)
        let logits = D > 0 ? linearForward(inp: f, weight: p.weight, bias: p.bias, rows: B, inDim: D, outDim: E * L)
            : linearForward(inp: memory, weight: p.weight, bias: p.bias, rows: B, inDim: M * C, outDim: E * L)
        let (losses, probs) = crossEntropyForward(logits: logits, targets: targets, rows: B * E, classes: L)
        return StateReadoutActivations(memory: memory, logits: logits, probs: probs, loss: losses.reduce(0, +) / Double(B * E),
                                       preActivation: z, features: f)
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
        let D = p.hidden
        guard D > 0 else {
            linearBackward(dinp: &dMemory, dweight: &g.weight, dbias: &g.bias, dout: dlogits, inp: a.memory, weight: p.weight,
                           rows: B, inDim: M * C, outDim: E * L)
            return
        }
        var dF = zeros(B * D), dZ = zeros(B * D)
        linearBackward(dinp: &dF, dweight: &g.weight, dbias: &g.bias, dout: dlogits, inp: a.features, weight: p.weight,
                       rows: B, inDim: D, outDim: E * L)
        geluBackward(dinp: &dZ, dout: dF, inp: a.preActivation)
        linearBackward(dinp: &dMemory, dweight: &g.hiddenWeight, dbias: &g.hiddenBias, dout: dZ, inp: a.memory,
                       weight: p.hiddenWeight, rows: B, inDim: M * C, outDim: D)
    }
}
