// AnswerHead: the answer read from a segment's last hidden state, as one op pair.
//
//   cls     = h[:, 0, :]                                   (B, C)
//   pooled  = tanh(cls·W_pᵀ + b_p)       (the BERT pooler)  (B, C)
//   logits  = pooled·W_cᵀ + b_c          (the classifier)   (B, L)
//   loss    = mean_b −log softmax(logits_b / t_b)[label_b] (crossEntropyForward: the one log-softmax;
//                                                          t_b = 1 unless the loss is given temperatures)
//
// `forward` returns the head's own activations (what `backward` needs); `backward` ADDS the
// gradients of the head's four tensors and of h[:, 0, :]. Inference (SegmentProcessor),
// training (BPTT) and evaluation all go through this type. Without a classifier (a plain BERT)
// it is the Hugging Face pooler alone. Plain-loop twins: Reference.linear*/tanh*/crossEntropy*.
import RMTKernels

public struct AnswerHead: @unchecked Sendable {
    /// Pointers to the head's tensors — its weights, or their gradients (same shapes).
    public struct Tensors: @unchecked Sendable {
        /// (C, C) and (C).
        public var poolerWeight, poolerBias: UnsafeMutablePointer<Float>
        /// (L, C) and (L); nil for the pooler alone.
        public var classifierWeight, classifierBias: UnsafeMutablePointer<Float>?
        public init(poolerWeight: UnsafeMutablePointer<Float>, poolerBias: UnsafeMutablePointer<Float>,
                    classifierWeight: UnsafeMutablePointer<Float>?, classifierBias: UnsafeMutablePointer<Float>?) {
            (self.poolerWeight, self.poolerBias) = (poolerWeight, poolerBias)
            (self.classifierWeight, self.classifierBias) = (classifierWeight, classifierBias)
        }
    }

    /// The head's values for one segment: what `backward` reads.
    public struct Activations: Sendable {
        /// Batch B and sequence length T of the segment the head read.
        public var batch: Int, seqLen: Int
        /// (B, C) last hidden state at [CLS].
        public var cls: [Float]
        /// (B, C) tanh(pooler(cls)).
        public var pooled: [Float]
        /// (B, L) classifier(pooled); empty without a classifier.
        public var logits: [Float]
        /// (B, L) softmax(logits / t) and (B) the per-row losses, once `loss` has run.
        public var probs: [Float] = [], losses: [Float] = []
        /// (B) the temperature t_b each row's loss read its logits at; nil: 1 for every row.
        public var temperatures: [Float]? = nil
    }

    public let weights: Tensors
    /// C hidden channels; L answer classes (0 without a classifier).
    public let channels: Int, classes: Int
    /// The kernel settings every call of the head runs with (its model's).
    public var compute: ComputeOptions

    public init(weights: Tensors, channels: Int, classes: Int, compute: ComputeOptions = .default) {
        self.weights = weights
        self.channels = channels
        self.classes = weights.classifierWeight == nil ? 0 : classes
        self.compute = compute
    }

    /// The Hugging Face pooler of `encoder` alone (no classifier); nil when it has no pooler weights.
    public init?(pooler encoder: BertEncoder) {
        guard let pw = encoder.weights.poolerWeight, let pb = encoder.weights.poolerBias else { return nil }
        self.init(weights: Tensors(poolerWeight: pw, poolerBias: pb, classifierWeight: nil, classifierBias: nil),
                  channels: encoder.config.hiddenSize, classes: 0, compute: encoder.compute)
    }

    /// cls → pooled → logits for the segment recorded in `acts`.
    public func forward(_ acts: BertActivations) -> Activations {
        let B = acts.batch, T = acts.seqLen, C = channels, L = classes
        var cls = [Float](repeating: 0, count: B * C)
        for b in 0..<B { for c in 0..<C { cls[b * C + c] = acts.lastHiddenState[b * T * C + c] } }
        var pooled = [Float](repeating: 0, count: B * C)
        linearForward(out: &pooled, inp: cls, weight: weights.poolerWeight, bias: weights.poolerBias, rows: B, inDim: C, outDim: C,
                      compute: compute)
        pooled.withUnsafeMutableBufferPointer { tanhForward(out: $0.baseAddress!, inp: $0.baseAddress!, count: B * C) }
        var logits = [Float]()
        if let cw = weights.classifierWeight, let cb = weights.classifierBias {
            logits = [Float](repeating: 0, count: B * L)
            linearForward(out: &logits, inp: pooled, weight: cw, bias: cb, rows: B, inDim: C, outDim: L, compute: compute)
        }
        return Activations(batch: B, seqLen: T, cls: cls, pooled: pooled, logits: logits)
    }

    /// Softmax cross-entropy of `head.logits` against `labels` (B): fills `head.probs` and
    /// `head.losses`; returns the mean over the batch. With `temperatures` (B, each > 0), row b is
    /// scored on logits_b / t_b (`rmt-train --loss-temperature`: a task's calibration left to the
    /// temperature instead of the weights); `backward` follows.
    @discardableResult
    public func loss(_ head: inout Activations, labels: [Int32], temperatures: [Float]? = nil) -> Float {
        let B = head.batch, L = classes
        precondition(L > 0 && labels.count == B, "AnswerHead.loss: needs a classifier and one label per sequence")
        precondition(temperatures.map { $0.count == B && $0.allSatisfy { $0 > 0 && $0.isFinite } } ?? true,
                     "AnswerHead.loss: one positive temperature per sequence")
        head.losses = [Float](repeating: 0, count: B)
        head.probs = [Float](repeating: 0, count: B * L)
        head.temperatures = temperatures
        var scaled = head.logits  // (B, L) logits / t
        if let temperatures { for b in 0..<B { for l in 0..<L { scaled[b * L + l] /= temperatures[b] } } }
        crossEntropyForward(losses: &head.losses, probs: &head.probs, logits: scaled, targets: labels, rows: B, classes: L,
                            compute: compute)
        return head.losses.reduce(0, +) / Float(B)
    }

    /// Backward of `forward` + `loss` (mean over the batch): ADDS the gradients of the head's
    /// tensors into `grads` and dL/dcls into dHidden[b, 0, :] of a (B, T, C) buffer.
    public func backward(_ head: Activations, labels: [Int32], grads: Tensors, dHidden: UnsafeMutablePointer<Float>) {
        let B = head.batch, T = head.seqLen, C = channels, L = classes
        precondition(head.probs.count == B * L, "AnswerHead.backward: run loss first")
        var dLogits = [Float](repeating: 0, count: B * L)
        crossEntropyBackward(dlogits: &dLogits, probs: head.probs, targets: labels, rows: B, classes: L, scale: 1 / Float(B),
                             compute: compute)
        if let t = head.temperatures { for b in 0..<B { for l in 0..<L { dLogits[b * L + l] /= t[b] } } }  // d(z / t)/dz
        var dPooled = [Float](repeating: 0, count: B * C)
        linearBackward(dinp: &dPooled, dweight: grads.classifierWeight!, dbias: grads.classifierBias, dout: dLogits,
                       inp: head.pooled, weight: weights.classifierWeight!, rows: B, inDim: C, outDim: L, compute: compute)
        var dPre = [Float](repeating: 0, count: B * C)
        tanhBackward(dinp: &dPre, dout: dPooled, out: head.pooled, count: B * C)
        var dCLS = [Float](repeating: 0, count: B * C)
        linearBackward(dinp: &dCLS, dweight: grads.poolerWeight, dbias: grads.poolerBias, dout: dPre, inp: head.cls,
                       weight: weights.poolerWeight, rows: B, inDim: C, outDim: C, compute: compute)
        for b in 0..<B { for c in 0..<C { dHidden[b * T * C + c] += dCLS[b * C + c] } }
    }

    /// For each sequence, −log softmax(logits)[label] and the index of the top logit (the
    /// answer given): how evaluation scores an answer.
    public func score(_ head: inout Activations, labels: [Int32]) -> (losses: [Float], predicted: [Int]) {
        loss(&head, labels: labels)
        let L = classes
        return (head.losses, (0..<head.batch).map { b in argmax(head.logits[(b * L)..<((b + 1) * L)]) })
    }

    /// softmax(logits) of one answer (L), max-shifted: the probabilities an answer reports.
    public static func probabilities(_ logits: [Float]) -> [Float] {
        var p = logits
        p.withUnsafeMutableBufferPointer { softmaxForward($0.baseAddress!, additiveMask: nil, rows: 1, cols: $0.count) }
        return p
    }
}
