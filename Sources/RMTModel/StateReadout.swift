// StateReadout: where the memory says each person and object is — a small attention readout over
// the memory a segment hands on, scored against the world state during training (the state loss,
// `rmt-train --state-loss`, Docs/training.md) and readable at inference as a diagnostic.
//
//   H      = h[:, 1…M, :]                       the memory leaving the segment   (B, M, C)
//   s      = H·q_eᵀ / √C                         one learned query per entity     (B, E, M)
//   a      = softmax over the M slots of s                                        (B, E, M)
//   r      = Σ_i a_i H_i                                                          (B, E, C)
//   logits = r·Wᵀ + b                            over the model's labels          (B, E, L)
//   loss   = Σ_{b,e scored} −log softmax(logits_{b,e})[target_{b,e}] / (B·E)
//
// A target −1 scores nothing. `backward` ADDS the gradients of q, W, b and of H (into dHidden's
// memory rows): the state loss reaches the encoder only through the memory it writes. The sizes
// are tiny (B·E ≤ a few dozen rows, M = 10), so these are plain loops; the Double twin is
// ReferenceDouble.stateReadout* (Sources/RMTReference/ReferenceStateReadout.swift).
import Foundation
import RMTKernels

public struct StateReadout: @unchecked Sendable {
    /// Pointers to the readout's tensors — its weights, or their gradients (same shapes).
    public struct Tensors: @unchecked Sendable {
        /// (E, C) one query per entity; (L, C) and (L) the classifier over the labels.
        public var query, weight, bias: UnsafeMutablePointer<Float>
        public init(query: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>) {
            (self.query, self.weight, self.bias) = (query, weight, bias)
        }
    }

    /// The readout's values for one segment: what `loss` and `backward` read.
    public struct Activations: Sendable {
        public var batch: Int
        /// (B, M, C) the memory leaving the segment.
        public var memory: [Float]
        /// (B, E, M) attention over the memory slots; (B, E, C) what each entity reads.
        public var attention: [Float], read: [Float]
        /// (B, E, L) label scores; (B, E, L) their softmax, once `loss` has run.
        public var logits: [Float], probs: [Float] = []
    }

    public let weights: Tensors
    /// E entities, M memory slots, C channels, L labels.
    public let entities: Int, slots: Int, channels: Int, classes: Int

    public init(weights: Tensors, entities: Int, slots: Int, channels: Int, classes: Int) {
        self.weights = weights
        (self.entities, self.slots, self.channels, self.classes) = (entities, slots, channels, classes)
    }

    /// Reads the memory rows (1…M) of a (B, T, C) last hidden state.
    public func forward(lastHidden: UnsafePointer<Float>, batch B: Int, seqLen T: Int) -> Activations {
        let M = slots, C = channels
        var memory = [Float](repeating: 0, count: B * M * C)
        for b in 0..<B {
            for i in 0..<(M * C) { memory[b * M * C + i] = lastHidden[(b * T + 1) * C + i] }
        }
        return forward(memory: memory, batch: B)
    }

    /// The readout of (B, M, C) memory.
    public func forward(memory: [Float], batch B: Int) -> Activations {
        let E = entities, M = slots, C = channels, L = classes
        precondition(memory.count == B * M * C, "StateReadout.forward: memory of \(memory.count) floats for B = \(B)")
        let scale = 1 / Float(C).squareRoot()
        var attention = [Float](repeating: 0, count: B * E * M)
        var read = [Float](repeating: 0, count: B * E * C)
        var logits = [Float](repeating: 0, count: B * E * L)
        for b in 0..<B {
            for e in 0..<E {
                let row = b * E + e
                var top = -Float.infinity
                for i in 0..<M {
                    var s: Float = 0
                    for c in 0..<C { s += weights.query[e * C + c] * memory[(b * M + i) * C + c] }
                    s *= scale
                    attention[row * M + i] = s
                    top = max(top, s)
                }
                var total: Float = 0
                for i in 0..<M {
                    let v = Foundation.exp(attention[row * M + i] - top)
                    attention[row * M + i] = v
                    total += v
                }
                for i in 0..<M {
                    attention[row * M + i] /= total
                    let w = attention[row * M + i]
                    for c in 0..<C { read[row * C + c] += w * memory[(b * M + i) * C + c] }
                }
                for l in 0..<L {
                    var z = weights.bias[l]
                    for c in 0..<C { z += weights.weight[l * C + c] * read[row * C + c] }
                    logits[row * L + l] = z
                }
            }
        }
        return Activations(batch: B, memory: memory, attention: attention, read: read, logits: logits)
    }

    /// Cross-entropy against `targets` (B·E, −1 = not scored): fills `probs`; returns the sum of
    /// the scored rows' losses / (B·E), the rows scored and those whose top label is the target.
    @discardableResult
    public func loss(_ acts: inout Activations, targets: [Int32]) -> (loss: Float, scored: Int, correct: Int) {
        let rows = acts.batch * entities, L = classes
        precondition(targets.count == rows, "StateReadout.loss: \(targets.count) targets for \(rows) rows")
        var probs = acts.logits
        probs.withUnsafeMutableBufferPointer { softmaxForward($0.baseAddress!, additiveMask: nil, rows: rows, cols: L) }
        acts.probs = probs
        var total: Float = 0, scored = 0, correct = 0
        for r in 0..<rows where targets[r] >= 0 {
            let t = Int(targets[r])
            precondition(t < L, "StateReadout.loss: target \(t) outside 0..<\(L)")
            total -= Foundation.log(max(acts.probs[r * L + t], Float.leastNormalMagnitude))
            scored += 1
            if argmax(acts.logits[(r * L)..<((r + 1) * L)]) == t { correct += 1 }
        }
        return (total / Float(rows), scored, correct)
    }

    /// Backward of `forward` + `loss` scaled by `scale` (the loss's weight): ADDS the tensors'
    /// gradients into `grads` and dL/dH into the memory rows (1…M) of a (B, T, C) `dHidden`.
    public func backward(_ acts: Activations, targets: [Int32], scale: Float, grads: Tensors,
                         dHidden: UnsafeMutablePointer<Float>, seqLen T: Int) {
        let B = acts.batch, E = entities, M = slots, C = channels, L = classes
        precondition(acts.probs.count == B * E * L, "StateReadout.backward: run loss first")
        let rowScale = scale / Float(B * E), inverseRoot = 1 / Float(C).squareRoot()
        var dRead = [Float](repeating: 0, count: C)
        var dScores = [Float](repeating: 0, count: M)
        for b in 0..<B {
            for e in 0..<E {
                let row = b * E + e
                guard targets[row] >= 0 else { continue }
                // dlogits = (p − onehot) · scale / (B·E)
                for c in 0..<C { dRead[c] = 0 }
                for l in 0..<L {
                    let d = (acts.probs[row * L + l] - (l == Int(targets[row]) ? 1 : 0)) * rowScale
                    grads.bias[l] += d
                    for c in 0..<C {
                        grads.weight[l * C + c] += d * acts.read[row * C + c]
                        dRead[c] += d * weights.weight[l * C + c]
                    }
                }
                // r = Σ_i a_i H_i: dH_i += a_i dr, da_i = dr·H_i; softmax: ds = a ⊙ (da − Σ a da).
                var weighted: Float = 0
                for i in 0..<M {
                    let a = acts.attention[row * M + i]
                    var da: Float = 0
                    let h = dHidden + (b * T + 1 + i) * C
                    for c in 0..<C {
                        da += dRead[c] * acts.memory[(b * M + i) * C + c]
                        h[c] += a * dRead[c]
                    }
                    dScores[i] = da
                    weighted += a * da
                }
                for i in 0..<M {
                    let ds = acts.attention[row * M + i] * (dScores[i] - weighted) * inverseRoot
                    let h = dHidden + (b * T + 1 + i) * C
                    for c in 0..<C {
                        grads.query[e * C + c] += ds * acts.memory[(b * M + i) * C + c]
                        h[c] += ds * weights.query[e * C + c]
                    }
                }
            }
        }
    }

    /// For each row, the label with the top score (what the memory says).
    public func predictions(_ acts: Activations) -> [Int] {
        let L = classes
        return (0..<(acts.batch * entities)).map { r in argmax(acts.logits[(r * L)..<((r + 1) * L)]) }
    }
}
