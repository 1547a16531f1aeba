// MemoryGate: a learned update gate on the memory a segment hands on (GRU's update gate), for a
// model whose config says `rmt.memory_gate` (`rmt-train --memory-gate`). Without it the memory
// leaving a segment is the last hidden state at the memory rows, whatever the segment held; with
// it each channel of each slot chooses between that new state and the memory that entered:
//
//   H   = h[:, 1…M, :]            the memory rows of the segment's last hidden state   (R, C)
//   P   = the memory that entered the segment                                        (R, C)
//   Z   = σ(H·W_hᵀ + P·W_pᵀ + b)  the share of the new state, per slot and channel    (R, C)
//   out = Z ⊙ H + (1 − Z) ⊙ P     the memory leaving the segment                     (R, C)
//
// (R = the rows a call covers: M slots of one sequence.) A segment of noise can leave the
// memory as it found it (Z → 0) — an identity path across segments that the encoder's layer
// norms do not give — and a segment with a fact overwrite the slots it needs (Z → 1).
// `withMemoryGate` starts W_h = W_p = 0 and b = β (σ(3) = 0.953): close to the ungated model.
//
// Backward, with A = (dOut ⊙ (H − P) + g) ⊙ Z ⊙ (1 − Z)                               (R, C):
//   dH += dOut ⊙ Z + A·W_h,   dP += dOut ⊙ (1 − Z) + A·W_p
//   dW_h += Aᵀ·H,   dW_p += Aᵀ·P,   db += Σ_rows A
// where g is a gradient on Z itself, the same for every entry: the gate penalty's (`rmt-train
// --gate-penalty λ`, a loss λ · mean Z; BPTT.swift), 0 without it.
// `backward` ADDS into dH, dP and the tensors' gradients. Products through `linearForward` /
// `linearBackward` (fp32). The Double twin is ReferenceDouble.memoryGate* (ReferenceMemoryGate.swift).
import Foundation
import RMTKernels

public struct MemoryGate: @unchecked Sendable {
    /// Pointers to the gate's tensors — its weights, or their gradients (same shapes).
    public struct Tensors: @unchecked Sendable {
        /// (C, C) W_h, applied to the new state; (C, C) W_p, applied to the memory that entered; (C) b.
        public var hiddenWeight, memoryWeight, bias: UnsafeMutablePointer<Float>
        public init(hiddenWeight: UnsafeMutablePointer<Float>, memoryWeight: UnsafeMutablePointer<Float>,
                    bias: UnsafeMutablePointer<Float>) {
            (self.hiddenWeight, self.memoryWeight, self.bias) = (hiddenWeight, memoryWeight, bias)
        }
    }

    public let weights: Tensors
    /// C: the hidden size.
    public let channels: Int
    /// The kernel settings its products run with (its model's).
    public var compute: ComputeOptions

    public init(weights: Tensors, channels: Int, compute: ComputeOptions = .default) {
        (self.weights, self.channels, self.compute) = (weights, channels, compute)
    }

    /// Z (R, C) for new states `hidden` (R, C) and entering memory `previous` (R, C), into `gate`;
    /// `scratch` (R, C) is overwritten.
    public func gate(hidden: UnsafePointer<Float>, previous: UnsafePointer<Float>, rows: Int,
                     into gate: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let C = channels, n = rows * C
        linearForward(out: gate, inp: hidden, weight: weights.hiddenWeight, bias: weights.bias, rows: rows, inDim: C,
                      outDim: C, compute: compute)
        linearForward(out: scratch, inp: previous, weight: weights.memoryWeight, bias: nil, rows: rows, inDim: C, outDim: C,
                      compute: compute)  // P·W_pᵀ apart: linearForward overwrites its output
        for i in 0..<n { gate[i] = 1 / (1 + exp(-(gate[i] + scratch[i]))) }
    }

    /// The memory leaving the segment, written over `previous` (R, C): Z ⊙ H + (1 − Z) ⊙ P, with Z
    /// computed into `gate` (R, C) (what `backward` reads); `scratch` (R, C) is overwritten.
    public func forward(hidden: UnsafePointer<Float>, previous: UnsafeMutablePointer<Float>, rows: Int,
                        gate z: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        gate(hidden: hidden, previous: previous, rows: rows, into: z, scratch: scratch)
        for i in 0..<(rows * channels) { previous[i] = z[i] * hidden[i] + (1 - z[i]) * previous[i] }
    }

    /// Adds the gradients of H (into `dHidden`, (R, C)), of P (into `dPrevious`, (R, C)) and of the
    /// gate's tensors (into `grads`) for the gradient `dOut` (R, C) of the memory leaving the segment;
    /// `gate` is the forward's Z; `gateGradient` the loss's gradient with respect to every entry of Z
    /// besides (the gate penalty's; 0: none); `scratch` (R, C) is overwritten (with A).
    public func backward(dOut: UnsafePointer<Float>, hidden: UnsafePointer<Float>, previous: UnsafePointer<Float>,
                         gate z: UnsafePointer<Float>, rows: Int, grads: Tensors,
                         dHidden: UnsafeMutablePointer<Float>, dPrevious: UnsafeMutablePointer<Float>,
                         scratch a: UnsafeMutablePointer<Float>, gateGradient: Float = 0) {
        let C = channels
        for i in 0..<(rows * C) {
            a[i] = (dOut[i] * (hidden[i] - previous[i]) + gateGradient) * z[i] * (1 - z[i])
            dHidden[i] += dOut[i] * z[i]
            dPrevious[i] += dOut[i] * (1 - z[i])
        }
        linearBackward(dinp: dHidden, dweight: grads.hiddenWeight, dbias: grads.bias, dout: a, inp: hidden,
                       weight: weights.hiddenWeight, rows: rows, inDim: C, outDim: C, compute: compute)
        linearBackward(dinp: dPrevious, dweight: grads.memoryWeight, dbias: nil, dout: a, inp: previous,
                       weight: weights.memoryWeight, rows: rows, inDim: C, outDim: C, compute: compute)
    }
}
