// ReferenceMemoryGate: the memory gate (RMTModel/MemoryGate.swift) in Double, from ReferenceDouble's
// textbook linear layers — the yardstick of its Float forward and of the BPTT through it
// (Tests/RMTTrainingTests/MemoryGateTests.swift):
//
//   Z   = σ(H·W_hᵀ + P·W_pᵀ + b)      H the new memory rows, P the memory that entered   (R, C)
//   out = Z ⊙ H + (1 − Z) ⊙ P
// and the gate penalty (`--gate-penalty λ`): λ · the mean of Z over every segment that hands its
// memory on (all but the last), every sequence, slot and channel.
import Foundation

extension ReferenceDouble {
    /// The gate's (C, C) W_h, (C, C) W_p and (C) b — or their gradients.
    public struct MemoryGateParameters: Sendable {
        public var hiddenWeight: [Double], memoryWeight: [Double], bias: [Double]
        public init(hiddenWeight: [Double], memoryWeight: [Double], bias: [Double]) {
            (self.hiddenWeight, self.memoryWeight, self.bias) = (hiddenWeight, memoryWeight, bias)
        }
        /// Zeros for C channels.
        public init(zerosChannels C: Int) {
            self.init(hiddenWeight: zeros(C * C), memoryWeight: zeros(C * C), bias: zeros(C))
        }
    }

    /// Z and the memory handed on, (R, C) each.
    public static func memoryGateForward(hidden: [Double], previous: [Double], parameters p: MemoryGateParameters,
                                         rows R: Int, channels C: Int) -> (gate: [Double], out: [Double]) {
        let a = linearForward(inp: hidden, weight: p.hiddenWeight, bias: p.bias, rows: R, inDim: C, outDim: C)
        let b = linearForward(inp: previous, weight: p.memoryWeight, bias: nil, rows: R, inDim: C, outDim: C)
        let z = zip(a, b).map { 1 / (1 + Foundation.exp(-($0 + $1))) }
        let out = (0..<(R * C)).map { z[$0] * hidden[$0] + (1 - z[$0]) * previous[$0] }
        return (z, out)
    }

    /// Adds the gradients of H, P and the gate's tensors for `dOut` (R, C), the gradient of the
    /// memory handed on; `gate` is the forward's Z; `gateGradient` the loss's gradient with respect
    /// to every entry of Z besides (the gate penalty's λ / count; 0: none).
    public static func memoryGateBackward(dOut: [Double], hidden: [Double], previous: [Double], gate z: [Double],
                                          parameters p: MemoryGateParameters, rows R: Int, channels C: Int,
                                          dHidden: inout [Double], dPrevious: inout [Double],
                                          dparameters g: inout MemoryGateParameters, gateGradient: Double = 0) {
        var dPre = zeros(R * C)  // the gradient of the pre-activation
        for i in 0..<(R * C) {
            dHidden[i] += dOut[i] * z[i]
            dPrevious[i] += dOut[i] * (1 - z[i])
            dPre[i] = (dOut[i] * (hidden[i] - previous[i]) + gateGradient) * z[i] * (1 - z[i])
        }
        linearBackward(dinp: &dHidden, dweight: &g.hiddenWeight, dbias: &g.bias, dout: dPre, inp: hidden,
                       weight: p.hiddenWeight, rows: R, inDim: C, outDim: C)
        var unusedBias = zeros(C)  // P·W_pᵀ has no bias of its own
        linearBackward(dinp: &dPrevious, dweight: &g.memoryWeight, dbias: &unusedBias, dout: dPre, inp: previous,
                       weight: p.memoryWeight, rows: R, inDim: C, outDim: C)
    }
}
