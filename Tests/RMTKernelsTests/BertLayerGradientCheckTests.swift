// Composite gradient check in Double: one post-LN BERT encoder layer (with a padding mask)
// feeding the pooler + classifier + cross-entropy head, against central differences for
// every weight of both and for the layer input. This is the Double model the end-to-end
// RMT gradient check stacks, so it must be right as a whole, not only op by op.
import RMTKernels
import RMTReference
import RMTTestSupport
import Testing

private typealias RD = ReferenceDouble

@Test func bertLayerAndHeadGradientCheck() {
    let shape = RD.BertLayerShape(batch: 2, seqLen: 5, channels: 8, heads: 2, ffnDim: 16)
    let (B, T, C, K) = (shape.batch, shape.seqLen, shape.channels, 3)
    let layer = RD.BertLayerParameters(randomFor: shape, seed: 1)
    let head = RD.ClassifierHeadParameters(randomChannels: C, classes: K, seed: 2)
    let input = randomDoubles(shape.rows * C, seed: 3)
    let mask = paddingMask(batch: B, seqLen: T, padded: 2).doubles  // last 2 tokens of sequence 1
    let targets: [Int32] = [2, 0]
    // A small per-token term so every token's output, not only [CLS], reaches the loss.
    let tokenWeights = randomDoubles(shape.rows * C, seed: 4, std: 0.1)

    /// Classification loss on the [CLS] (t = 0) rows plus Σ tokenWeights·output.
    func loss(_ x: [Double], _ lw: RD.BertLayerParameters, _ hw: RD.ClassifierHeadParameters) -> Double {
        let acts = RD.bertLayerForward(input: x, additiveMask: mask, parameters: lw, shape: shape)
        let h = RD.classifierHeadForward(features: clsRows(acts.output, batch: B, seqLen: T, channels: C),
                                         targets: targets, parameters: hw, batch: B, channels: C, classes: K)
        return h.loss + dot(tokenWeights, acts.output)
    }

    // Analytic gradients: head backward, scatter into the [CLS] rows, layer backward.
    let acts = RD.bertLayerForward(input: input, additiveMask: mask, parameters: layer, shape: shape)
    let headActs = RD.classifierHeadForward(features: clsRows(acts.output, batch: B, seqLen: T, channels: C),
                                            targets: targets, parameters: head, batch: B, channels: C, classes: K)
    var dfeatures = zeros(B * C)
    var dhead = RD.ClassifierHeadParameters(zerosChannels: C, classes: K)
    RD.classifierHeadBackward(dfeatures: &dfeatures, dparameters: &dhead, activations: headActs, targets: targets,
                              parameters: head, batch: B, channels: C, classes: K)
    var doutput = tokenWeights
    for b in 0..<B { for c in 0..<C { doutput[b * T * C + c] += dfeatures[b * C + c] } }
    var dinput = zeros(input.count)
    var dlayer = RD.BertLayerParameters(zerosFor: shape)
    RD.bertLayerBackward(dinput: &dinput, dparameters: &dlayer, doutput: doutput, activations: acts,
                         parameters: layer, shape: shape)

    expectGradientMatches(dinput, numericalGradient(at: input) { loss($0, layer, head) }, "input")
    for (name, path) in RD.BertLayerParameters.tensors {
        let numeric = numericalGradient(at: layer[keyPath: path]) { w in
            var p = layer
            p[keyPath: path] = w
            return loss(input, p, head)
        }
        expectGradientMatches(dlayer[keyPath: path], numeric, name)
    }
    for (name, path) in RD.ClassifierHeadParameters.tensors {
        let numeric = numericalGradient(at: head[keyPath: path]) { w in
            var p = head
            p[keyPath: path] = w
            return loss(input, layer, p)
        }
        expectGradientMatches(dhead[keyPath: path], numeric, name)
    }

    // Softmax is shift-invariant along each query row, so the key bias has zero gradient.
    let keyBiasGradient = dlayer.qkvBias[C..<(2 * C)]
    #expect(keyBiasGradient.allSatisfy { abs($0) < 1e-12 })
    // Padded keys (the last two tokens of sequence 1) get exactly zero K and V gradient.
    var dqkv = zeros(acts.qkv.count)
    RD.attentionBackward(dqkv: &dqkv, dout: randomDoubles(shape.rows * C, seed: 5), qkv: acts.qkv, probs: acts.probs,
                         batch: B, seqLen: T, channels: C, heads: shape.heads)
    for t in (T - 2)..<T {
        let row = (1 * T + t) * 3 * C
        #expect(dqkv[(row + C)..<(row + 3 * C)].allSatisfy { $0 == 0 })
    }
}

/// The t = 0 row of every sequence: (B·T, C) → (B, C).
func clsRows(_ x: [Double], batch B: Int, seqLen T: Int, channels C: Int) -> [Double] {
    (0..<B).flatMap { b in x[(b * T * C)..<(b * T * C + C)] }
}

/// Relative error against the tensor's largest entry, floored at 1e-3 so that a tensor whose
/// true gradient is zero (the key bias) is judged by absolute error (~1e-10 FD noise).
/// Measured: 3e-10…2.5e-9 on every tensor.
func expectGradientMatches(_ analytic: [Double], _ numeric: [Double], _ name: String) {
    expectClose(analytic, numeric, relative: doubleTolerance, scaleFloor: 1e-3, name)
}
