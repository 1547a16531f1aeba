// StateReadout: where the memory says each person and object is — a linear probe per entity on
// the whole memory a segment hands on, scored against the world state during training (the state
// loss, `rmt-train --state-loss`, Docs/training.md) and readable at inference (`rmt-ask --state`).
//
//   H      = h[:, 1…M, :] flattened               the memory leaving the segment   (B, M·C)
//   logits = H·Wᵀ + b, read as (B, E, L)          W (E·L, M·C): entity e's rows are its probe
//   loss   = Σ_{b,e scored} −log softmax(logits_{b,e})[target_{b,e}] / (B·E)
//
// With a hidden layer of width D (`rmt-train --state-hidden D`, config `rmt.state_hidden`) the
// probe is two layers — a place the memory holds in whichever slot, or bound to a name, need not be
// linearly decodable:
//   Z      = H·W₁ᵀ + b₁                         W₁ (D, M·C)                       (B, D)
//   F      = gelu(Z)                                                              (B, D)
//   logits = F·Wᵀ + b                            W (E·L, D)                        (B, E·L)
//
// One linear layer over the flattened memory: every entity has its own classifier over every
// slot, so what the loss asks is exactly that the memory holds each entity's place linearly
// decodable. (An attention-pooled readout — one query per entity over the slots, one shared
// classifier — was tried first and stayed at the label prior for every entity: pooling slots
// that each mix everything leaves nothing entity-specific to classify; Docs/results.md,
// "Session 31".) A target −1 scores nothing. `backward` ADDS the gradients of W and b (and W₁, b₁) and of H
// (into dHidden's memory rows): the state loss reaches the encoder only through the memory.
// Products through `linearForward`/`linearBackward` (Linear.swift); the Double twin is
// ReferenceDouble.stateReadout* (Sources/RMTReference/ReferenceStateReadout.swift).
import RMTKernels

public struct StateReadout: @unchecked Sendable {
    /// Pointers to the readout's tensors — its weights, or their gradients (same shapes).
    public struct Tensors: @unchecked Sendable {
        /// (E·L, M·C) the probes, entity-major — (E·L, D) with a hidden layer; (E·L) their biases.
        public var weight, bias: UnsafeMutablePointer<Float>
        /// (D, M·C) and (D): the hidden layer; nil for the linear probe.
        public var hidden: (weight: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>)?
        public init(weight: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>,
                    hidden: (weight: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>)? = nil) {
            (self.weight, self.bias, self.hidden) = (weight, bias, hidden)
        }
    }

    /// The readout's values for one segment: what `loss` and `backward` read.
    public struct Activations: Sendable {
        public var batch: Int
        /// (B, M·C) the memory leaving the segment.
        public var memory: [Float]
        /// With a hidden layer: (B, D) its pre-activation Z and its output F = gelu(Z); empty otherwise.
        public var preActivation: [Float] = [], features: [Float] = []
        /// (B, E, L) label scores; (B, E, L) their softmax, once `loss` has run.
        public var logits: [Float], probs: [Float] = []
    }

    public let weights: Tensors
    /// E entities, M memory slots, C channels, L labels; D the hidden layer's width (0: linear).
    public let entities: Int, slots: Int, channels: Int, classes: Int, hidden: Int
    /// The kernel settings its products run with (its model's).
    public var compute: ComputeOptions

    public init(weights: Tensors, entities: Int, slots: Int, hidden: Int = 0, channels: Int, classes: Int,
                compute: ComputeOptions = .default) {
        precondition((hidden > 0) == (weights.hidden != nil), "StateReadout: hidden width \(hidden) and its tensors disagree")
        self.weights = weights
        (self.entities, self.slots, self.channels, self.classes, self.hidden) = (entities, slots, channels, classes, hidden)
        self.compute = compute
    }

    /// Reads the memory rows (1…M) of a (B, T, C) last hidden state.
    public func forward(lastHidden: UnsafePointer<Float>, batch B: Int, seqLen T: Int) -> Activations {
        let MC = slots * channels
        var memory = [Float](repeating: 0, count: B * MC)
        for b in 0..<B {
            for i in 0..<MC { memory[b * MC + i] = lastHidden[(b * T + 1) * channels + i] }
        }
        return forward(memory: memory, batch: B)
    }

    /// The readout of (B, M·C) memory.
    public func forward(memory: [Float], batch B: Int) -> Activations {
        let MC = slots * channels, EL = entities * classes
        precondition(memory.count == B * MC, "StateReadout.forward: memory of \(memory.count) floats for B = \(B)")
        var logits = [Float](repeating: 0, count: B * EL)
        guard let layer = weights.hidden else {
            linearForward(out: &logits, inp: memory, weight: weights.weight, bias: weights.bias, rows: B, inDim: MC, outDim: EL,
                          compute: compute)
            return Activations(batch: B, memory: memory, logits: logits)
        }
        let D = hidden
        var z = [Float](repeating: 0, count: B * D), f = z  // (B, D) each
        linearForward(out: &z, inp: memory, weight: layer.weight, bias: layer.bias, rows: B, inDim: MC, outDim: D, compute: compute)
        geluForward(out: &f, inp: z, count: B * D, compute: compute)
        linearForward(out: &logits, inp: f, weight: weights.weight, bias: weights.bias, rows: B, inDim: D, outDim: EL,
                      compute: compute)
        return Activations(batch: B, memory: memory, preActivation: z, features: f, logits: logits)
    }

    /// Cross-entropy against `targets` (B·E, −1 = not scored): fills `probs`; returns the sum of
    /// the scored rows' losses / (B·E), the rows scored and those whose top label is the target.
    @discardableResult
    public func loss(_ acts: inout Activations, targets: [Int32]) -> (loss: Float, scored: Int, correct: Int) {
        let rows = acts.batch * entities, L = classes
        precondition(targets.count == rows, "StateReadout.loss: \(targets.count) targets for \(rows) rows")
        precondition(targets.allSatisfy { $0 < Int32(L) }, "StateReadout.loss: a target outside 0..<\(L)")
        var losses = [Float](repeating: 0, count: rows), probs = [Float](repeating: 0, count: rows * L)
        crossEntropyForward(losses: &losses, probs: &probs, logits: acts.logits, targets: targets, rows: rows, classes: L,
                            compute: compute)
        acts.probs = probs
        var total: Float = 0, scored = 0, correct = 0
        for r in 0..<rows where targets[r] >= 0 {
            total += losses[r]
            scored += 1
            if argmax(acts.logits[(r * L)..<((r + 1) * L)]) == Int(targets[r]) { correct += 1 }
        }
        return (total / Float(rows), scored, correct)
    }

    /// Backward of `forward` + `loss` scaled by `scale` (the loss's weight): ADDS the tensors'
    /// gradients into `grads` and dL/dH into the memory rows (1…M) of a (B, T, C) `dHidden`.
    public func backward(_ acts: Activations, targets: [Int32], scale: Float, grads: Tensors,
                         dHidden: UnsafeMutablePointer<Float>, seqLen T: Int) {
        let B = acts.batch, L = classes, MC = slots * channels, EL = entities * classes
        precondition(acts.probs.count == B * EL, "StateReadout.backward: run loss first")
        var dLogits = [Float](repeating: 0, count: B * EL)  // (p − onehot) · scale / (B·E); 0 where not scored
        crossEntropyBackward(dlogits: &dLogits, probs: acts.probs, targets: targets, rows: B * entities, classes: L,
                             scale: scale / Float(B * entities), compute: compute)
        var dMemory = [Float](repeating: 0, count: B * MC)
        if let layer = weights.hidden, let dLayer = grads.hidden {
            let D = hidden
            var dF = [Float](repeating: 0, count: B * D), dZ = dF  // (B, D) each
            linearBackward(dinp: &dF, dweight: grads.weight, dbias: grads.bias, dout: dLogits, inp: acts.features,
                           weight: weights.weight, rows: B, inDim: D, outDim: EL, compute: compute)
            geluBackward(dinp: &dZ, dout: dF, inp: acts.preActivation, count: B * D, compute: compute)
            linearBackward(dinp: &dMemory, dweight: dLayer.weight, dbias: dLayer.bias, dout: dZ, inp: acts.memory,
                           weight: layer.weight, rows: B, inDim: MC, outDim: D, compute: compute)
        } else {
            linearBackward(dinp: &dMemory, dweight: grads.weight, dbias: grads.bias, dout: dLogits, inp: acts.memory,
                           weight: weights.weight, rows: B, inDim: MC, outDim: EL, compute: compute)
        }
        for b in 0..<B {
            let rows = dHidden + (b * T + 1) * channels
            for i in 0..<MC { rows[i] += dMemory[b * MC + i] }
        }
    }

    /// For each (sequence, entity), the label with the top score (what the memory says).
    public func predictions(_ acts: Activations) -> [Int] {
        let L = classes
        return (0..<(acts.batch * entities)).map { r in argmax(acts.logits[(r * L)..<((r + 1) * L)]) }
    }
}
