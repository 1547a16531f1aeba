// The fast Float kernels composed into one post-LN BERT layer plus the classification head,
// forward and backward, held against the Double reference model (ReferenceDouble), which
// BertLayerGradientCheckTests proves against finite differences. This checks the kernels
// compose: buffer shapes, leading dimensions, and residual gradients handled purely by
// accumulation (the residual's gradient buffer is reused as the next dinp, no add kernel).
import RMTKernels
import RMTReference
import RMTTestSupport
import Testing

private typealias RD = ReferenceDouble

@Test func fastKernelsComposeIntoBertLayerBackward() {
    let shape = RD.BertLayerShape(batch: 2, seqLen: 7, channels: 16, heads: 4, ffnDim: 40)
    let (B, T, C, NH, F, K, N) = (2, 7, 16, 4, 40, 3, shape.rows)
    let layer = RD.BertLayerParameters(randomFor: shape, seed: 31)
    let head = RD.ClassifierHeadParameters(randomChannels: C, classes: K, seed: 32)
    let input = randomDoubles(N * C, seed: 33)
    let maskF = paddingMask(batch: B, seqLen: T, padded: 3)
    let targets: [Int32] = [1, 2]
    let tokenWeights = randomDoubles(N * C, seed: 34, std: 0.1)

    // Double reference: loss = head mean cross-entropy on [CLS] rows + Σ tokenWeights·output.
    let acts = RD.bertLayerForward(input: input, additiveMask: maskF.doubles, parameters: layer, shape: shape)
    let headActs = RD.classifierHeadForward(features: clsRows(acts.output, batch: B, seqLen: T, channels: C),
                                            targets: targets, parameters: head, batch: B, channels: C, classes: K)
    var dfeatures = zeros(B * C), dhead = RD.ClassifierHeadParameters(zerosChannels: C, classes: K)
    RD.classifierHeadBackward(dfeatures: &dfeatures, dparameters: &dhead, activations: headActs, targets: targets,
                              parameters: head, batch: B, channels: C, classes: K)
    var doutput = tokenWeights
    for b in 0..<B { for c in 0..<C { doutput[b * T * C + c] += dfeatures[b * C + c] } }
    var dinput = zeros(N * C), dlayer = RD.BertLayerParameters(zerosFor: shape)
    RD.bertLayerBackward(dinput: &dinput, dparameters: &dlayer, doutput: doutput, activations: acts,
                         parameters: layer, shape: shape)

    // Float weights and zeroed gradients, by tensor name.
    var w: [String: FloatBuffer] = [:], g: [String: FloatBuffer] = [:]
    for (name, path) in RD.BertLayerParameters.tensors {
        w[name] = FloatBuffer(doubles: layer[keyPath: path]); g[name] = FloatBuffer(count: layer[keyPath: path].count)
    }
    for (name, path) in RD.ClassifierHeadParameters.tensors {
        w[name] = FloatBuffer(doubles: head[keyPath: path]); g[name] = FloatBuffer(count: head[keyPath: path].count)
    }
    func p(_ name: String) -> UnsafeMutablePointer<Float> { w[name]!.pointer }
    func dp(_ name: String) -> UnsafeMutablePointer<Float> { g[name]!.pointer }

    // Fast forward.
    let x = FloatBuffer(doubles: input), qkv = FloatBuffer(count: N * 3 * C), ctx = FloatBuffer(count: N * C)
    let probs = FloatBuffer(count: B * NH * T * T), res1 = FloatBuffer(count: N * C), ln1 = FloatBuffer(count: N * C)
    let m1 = FloatBuffer(count: N), r1 = FloatBuffer(count: N), pre = FloatBuffer(count: N * F)
    let act = FloatBuffer(count: N * F), res2 = FloatBuffer(count: N * C), out = FloatBuffer(count: N * C)
    let m2 = FloatBuffer(count: N), r2 = FloatBuffer(count: N)
    linearForward(out: qkv.pointer, inp: x.pointer, weight: p("qkvWeight"), bias: p("qkvBias"), rows: N, inDim: C, outDim: 3 * C)
    attentionForward(out: ctx.pointer, probs: probs.pointer, qkv: qkv.pointer, additiveMask: maskF.pointer,
                     batch: B, seqLen: T, channels: C, heads: NH)
    linearForward(out: res1.pointer, inp: ctx.pointer, weight: p("attnOutWeight"), bias: p("attnOutBias"), rows: N, inDim: C, outDim: C)
    addForward(out: res1.pointer, a: res1.pointer, b: x.pointer, count: N * C)
    layerNormForward(out: ln1.pointer, mean: m1.pointer, rstd: r1.pointer, inp: res1.pointer, weight: p("attnNormWeight"),
                     bias: p("attnNormBias"), rows: N, channels: C, eps: 1e-12)
    linearForward(out: pre.pointer, inp: ln1.pointer, weight: p("ffnInWeight"), bias: p("ffnInBias"), rows: N, inDim: C, outDim: F)
    geluForward(out: act.pointer, inp: pre.pointer, count: N * F)
    linearForward(out: res2.pointer, inp: act.pointer, weight: p("ffnOutWeight"), bias: p("ffnOutBias"), rows: N, inDim: F, outDim: C)
    addForward(out: res2.pointer, a: res2.pointer, b: ln1.pointer, count: N * C)
    layerNormForward(out: out.pointer, mean: m2.pointer, rstd: r2.pointer, inp: res2.pointer, weight: p("ffnNormWeight"),
                     bias: p("ffnNormBias"), rows: N, channels: C, eps: 1e-12)
    let feats = FloatBuffer(count: B * C), pooledPre = FloatBuffer(count: B * C), pooled = FloatBuffer(count: B * C)
    let logits = FloatBuffer(count: B * K), losses = FloatBuffer(count: B), cprobs = FloatBuffer(count: B * K)
    for b in 0..<B { (feats.pointer + b * C).update(from: out.pointer + b * T * C, count: C) }
    linearForward(out: pooledPre.pointer, inp: feats.pointer, weight: p("poolerWeight"), bias: p("poolerBias"), rows: B, inDim: C, outDim: C)
    tanhForward(out: pooled.pointer, inp: pooledPre.pointer, count: B * C)
    linearForward(out: logits.pointer, inp: pooled.pointer, weight: p("classifierWeight"), bias: p("classifierBias"), rows: B, inDim: C, outDim: K)
    targets.withUnsafeBufferPointer {
        crossEntropyForward(losses: losses.pointer, probs: cprobs.pointer, logits: logits.pointer, targets: $0.baseAddress!, rows: B, classes: K)
    }
    expectClose(out.doubles, acts.output, relative: floatTolerance, "fast layer output")
    expectClose(losses.doubles, headActs.losses, relative: floatTolerance, "fast losses")

    // Fast backward: head, then the layer in reverse. Residual gradients by accumulation.
    let dlogits = FloatBuffer(count: B * K), dpooled = FloatBuffer(count: B * C), dpre = FloatBuffer(count: B * C)
    let dfeats = FloatBuffer(count: B * C), dout = FloatBuffer(doubles: tokenWeights)
    targets.withUnsafeBufferPointer {
        crossEntropyBackward(dlogits: dlogits.pointer, probs: cprobs.pointer, targets: $0.baseAddress!, rows: B, classes: K, scale: 1 / Float(B))
    }
    linearBackward(dinp: dpooled.pointer, dweight: dp("classifierWeight"), dbias: dp("classifierBias"), dout: dlogits.pointer,
                   inp: pooled.pointer, weight: p("classifierWeight"), rows: B, inDim: C, outDim: K)
    tanhBackward(dinp: dpre.pointer, dout: dpooled.pointer, out: pooled.pointer, count: B * C)
    linearBackward(dinp: dfeats.pointer, dweight: dp("poolerWeight"), dbias: dp("poolerBias"), dout: dpre.pointer,
                   inp: feats.pointer, weight: p("poolerWeight"), rows: B, inDim: C, outDim: C)
    for b in 0..<B { addBackward(da: dout.pointer + b * T * C, db: nil, dout: dfeats.pointer + b * C, count: C) }

    let dres2 = FloatBuffer(count: N * C), dact = FloatBuffer(count: N * F), dpreF = FloatBuffer(count: N * F)
    layerNormBackward(dinp: dres2.pointer, dweight: dp("ffnNormWeight"), dbias: dp("ffnNormBias"), dout: dout.pointer,
                      inp: res2.pointer, weight: p("ffnNormWeight"), mean: m2.pointer, rstd: r2.pointer, rows: N, channels: C)
    linearBackward(dinp: dact.pointer, dweight: dp("ffnOutWeight"), dbias: dp("ffnOutBias"), dout: dres2.pointer,
                   inp: act.pointer, weight: p("ffnOutWeight"), rows: N, inDim: F, outDim: C)
    geluBackward(dinp: dpreF.pointer, dout: dact.pointer, inp: pre.pointer, count: N * F)
    let dln1 = dres2  // residual: dln1 = dres2 + (FFN path), accumulated in place
    linearBackward(dinp: dln1.pointer, dweight: dp("ffnInWeight"), dbias: dp("ffnInBias"), dout: dpreF.pointer,
                   inp: ln1.pointer, weight: p("ffnInWeight"), rows: N, inDim: C, outDim: F)
    let dres1 = FloatBuffer(count: N * C), dctx = FloatBuffer(count: N * C), dqkv = FloatBuffer(count: N * 3 * C)
    let scratch = FloatBuffer(count: T * T)
    layerNormBackward(dinp: dres1.pointer, dweight: dp("attnNormWeight"), dbias: dp("attnNormBias"), dout: dln1.pointer,
                      inp: res1.pointer, weight: p("attnNormWeight"), mean: m1.pointer, rstd: r1.pointer, rows: N, channels: C)
    linearBackward(dinp: dctx.pointer, dweight: dp("attnOutWeight"), dbias: dp("attnOutBias"), dout: dres1.pointer,
                   inp: ctx.pointer, weight: p("attnOutWeight"), rows: N, inDim: C, outDim: C)
    attentionBackward(dqkv: dqkv.pointer, dprobs: scratch.pointer, dout: dctx.pointer, qkv: qkv.pointer, probs: probs.pointer,
                      batch: B, seqLen: T, channels: C, heads: NH)
    let dx = dres1  // residual: dx = dres1 + (attention path), accumulated in place
    linearBackward(dinp: dx.pointer, dweight: dp("qkvWeight"), dbias: dp("qkvBias"), dout: dqkv.pointer,
                   inp: x.pointer, weight: p("qkvWeight"), rows: N, inDim: C, outDim: 3 * C)

    expectClose(dx.doubles, dinput, relative: floatTolerance, "fast dinput")
    for (name, path) in RD.BertLayerParameters.tensors {
        expectClose(g[name]!.doubles, dlayer[keyPath: path], relative: floatTolerance, "fast \(name)")
    }
    for (name, path) in RD.ClassifierHeadParameters.tensors {
        expectClose(g[name]!.doubles, dhead[keyPath: path], relative: floatTolerance, "fast \(name)")
    }
}
