// Gradient checks in two steps for every op:
//  1. The Double backward (ReferenceDouble) against central differences of the Double
//     forward, for the scalar loss L = Σ_i r_i·y_i with random r (so dL/dy = r).
//  2. The fast Float backward kernel against that Double backward, on the same inputs.
// Together: finite differences ⇒ Double backward correct ⇒ fast Float backward correct.
// Then one whole post-LN BERT layer plus the classification head, in Double, against
// central differences for every weight and the input.
import RMTKernels
import RMTReference
import RMTTestSupport
import Testing

/// Finite differences vs the Double backward: measured 1e-10…2e-9 (O(1e-9) noise on O(1) gradients).
let doubleTolerance = 1e-7
/// Fast Float kernels vs the Double backward: measured 2e-8…2e-7 — Float rounding (6e-8) summed
/// over a few dozen terms plus the SIMD exp/erf approximations; 50× headroom.
let floatTolerance = 1e-5

@Test func linearGradientCheck() {
    let (rows, inDim, outDim) = (3, 5, 4)
    let x = randomDoubles(rows * inDim, seed: 1), w = randomDoubles(outDim * inDim, seed: 2, std: 0.5)
    let b = randomDoubles(outDim, seed: 3), r = randomDoubles(rows * outDim, seed: 4)
    func loss(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
        dot(r, ReferenceDouble.linearForward(inp: x, weight: w, bias: b, rows: rows, inDim: inDim, outDim: outDim))
    }
    var dx = zeros(x.count), dw = zeros(w.count), db = zeros(b.count)
    ReferenceDouble.linearBackward(dinp: &dx, dweight: &dw, dbias: &db, dout: r, inp: x, weight: w,
                                   rows: rows, inDim: inDim, outDim: outDim)
    expectClose(dx, numericalGradient(at: x) { loss($0, w, b) }, relative: doubleTolerance, "dinp")
    expectClose(dw, numericalGradient(at: w) { loss(x, $0, b) }, relative: doubleTolerance, "dweight")
    expectClose(db, numericalGradient(at: b) { loss(x, w, $0) }, relative: doubleTolerance, "dbias")

    let fx = FloatBuffer(count: x.count), fw = FloatBuffer(count: w.count), fb = FloatBuffer(count: b.count)
    let rF = FloatBuffer(doubles: r), xF = FloatBuffer(doubles: x), wF = FloatBuffer(doubles: w)
    linearBackward(dinp: fx.pointer, dweight: fw.pointer, dbias: fb.pointer, dout: rF.pointer,
                   inp: xF.pointer, weight: wF.pointer,
                   rows: rows, inDim: inDim, outDim: outDim)
    expectClose(fx.doubles, dx, relative: floatTolerance, "fast dinp")
    expectClose(fw.doubles, dw, relative: floatTolerance, "fast dweight")
    expectClose(fb.doubles, db, relative: floatTolerance, "fast dbias")
}

@Test func layerNormGradientCheck() {
    let (rows, C) = (4, 11)
    var x = randomDoubles(rows * C, seed: 5, std: 2)
    for i in 0..<C { x[i] += 10 }
    let w = randomDoubles(C, seed: 6).map { 1 + 0.3 * $0 }, b = randomDoubles(C, seed: 7)
    let r = randomDoubles(rows * C, seed: 8)
    let eps = 1e-12
    func loss(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
        dot(r, ReferenceDouble.layerNormForward(inp: x, weight: w, bias: b, rows: rows, channels: C, eps: eps).out)
    }
    let fwd = ReferenceDouble.layerNormForward(inp: x, weight: w, bias: b, rows: rows, channels: C, eps: eps)
    var dx = zeros(x.count), dw = zeros(C), db = zeros(C)
    ReferenceDouble.layerNormBackward(dinp: &dx, dweight: &dw, dbias: &db, dout: r, inp: x, weight: w,
                                      mean: fwd.mean, rstd: fwd.rstd, rows: rows, channels: C)
    expectClose(dx, numericalGradient(at: x) { loss($0, w, b) }, relative: doubleTolerance, "dinp")
    expectClose(dw, numericalGradient(at: w) { loss(x, $0, b) }, relative: doubleTolerance, "dweight")
    expectClose(db, numericalGradient(at: b) { loss(x, w, $0) }, relative: doubleTolerance, "dbias")

    let xf = FloatBuffer(doubles: x), wf = FloatBuffer(doubles: w), bf = FloatBuffer(doubles: b)
    let y = FloatBuffer(count: rows * C), mean = FloatBuffer(count: rows), rstd = FloatBuffer(count: rows)
    layerNormForward(out: y.pointer, mean: mean.pointer, rstd: rstd.pointer, inp: xf.pointer, weight: wf.pointer,
                     bias: bf.pointer, rows: rows, channels: C, eps: Float(eps))
    let fx = FloatBuffer(count: x.count), fw = FloatBuffer(count: C), fb = FloatBuffer(count: C)
    let rF = FloatBuffer(doubles: r)
    layerNormBackward(dinp: fx.pointer, dweight: fw.pointer, dbias: fb.pointer, dout: rF.pointer,
                      inp: xf.pointer, weight: wf.pointer, mean: mean.pointer, rstd: rstd.pointer, rows: rows, channels: C)
    expectClose(fx.doubles, dx, relative: floatTolerance, "fast dinp")
    expectClose(fw.doubles, dw, relative: floatTolerance, "fast dweight")
    expectClose(fb.doubles, db, relative: floatTolerance, "fast dbias")
}

@Test func geluGradientCheck() {
    let x = randomDoubles(13, seed: 9, std: 2) + [0, -3.5, 3.5, 1e-3]
    let r = randomDoubles(x.count, seed: 10)
    var dx = zeros(x.count)
    ReferenceDouble.geluBackward(dinp: &dx, dout: r, inp: x)
    expectClose(dx, numericalGradient(at: x) { dot(r, ReferenceDouble.geluForward(inp: $0)) }, relative: doubleTolerance, "dinp")

    let fx = FloatBuffer(count: x.count)
    let rF = FloatBuffer(doubles: r), xF = FloatBuffer(doubles: x)
    geluBackward(dinp: fx.pointer, dout: rF.pointer, inp: xF.pointer, count: x.count)
    expectClose(fx.doubles, dx, relative: floatTolerance, "fast dinp")
}

@Test func tanhGradientCheck() {
    let x = randomDoubles(9, seed: 11, std: 1.5) + [0, 4]
    let r = randomDoubles(x.count, seed: 12)
    var dx = zeros(x.count)
    ReferenceDouble.tanhBackward(dinp: &dx, dout: r, out: ReferenceDouble.tanhForward(inp: x))
    expectClose(dx, numericalGradient(at: x) { dot(r, ReferenceDouble.tanhForward(inp: $0)) }, relative: doubleTolerance, "dinp")

    let xf = FloatBuffer(doubles: x), y = FloatBuffer(count: x.count), fx = FloatBuffer(count: x.count)
    tanhForward(out: y.pointer, inp: xf.pointer, count: x.count)
    let rF = FloatBuffer(doubles: r)
    tanhBackward(dinp: fx.pointer, dout: rF.pointer, out: y.pointer, count: x.count)
    expectClose(fx.doubles, dx, relative: floatTolerance, "fast dinp")
}

@Test func attentionGradientCheck() {
    let (B, T, C, NH) = (2, 6, 8, 2)
    let qkv = randomDoubles(B * T * 3 * C, seed: 13)
    let maskF = paddingMask(batch: B, seqLen: T, padded: 2)
    let mask = maskF.doubles
    let r = randomDoubles(B * T * C, seed: 14)
    let fwd = ReferenceDouble.attentionForward(qkv: qkv, additiveMask: mask, batch: B, seqLen: T, channels: C, heads: NH)
    var dqkv = zeros(qkv.count)
    ReferenceDouble.attentionBackward(dqkv: &dqkv, dout: r, qkv: qkv, probs: fwd.probs,
                                      batch: B, seqLen: T, channels: C, heads: NH)
    let numeric = numericalGradient(at: qkv) {
        dot(r, ReferenceDouble.attentionForward(qkv: $0, additiveMask: mask, batch: B, seqLen: T, channels: C, heads: NH).out)
    }
    expectClose(dqkv, numeric, relative: doubleTolerance, "dqkv")

    let qkvF = FloatBuffer(doubles: qkv)
    let out = FloatBuffer(count: B * T * C), probs = FloatBuffer(count: B * NH * T * T)
    attentionForward(out: out.pointer, probs: probs.pointer, qkv: qkvF.pointer, additiveMask: maskF.pointer,
                     batch: B, seqLen: T, channels: C, heads: NH)
    let fast = FloatBuffer(count: qkv.count), scratch = FloatBuffer(count: T * T)
    let rF = FloatBuffer(doubles: r)
    attentionBackward(dqkv: fast.pointer, dprobs: scratch.pointer, dout: rF.pointer,
                      qkv: qkvF.pointer, probs: probs.pointer, batch: B, seqLen: T, channels: C, heads: NH)
    expectClose(fast.doubles, dqkv, relative: floatTolerance, "fast dqkv")
}

@Test func embeddingAndAddGradientCheck() {
    let (vocab, C) = (7, 5)
    let ids: [Int32] = [2, 0, 2, 6, 2]
    let table = randomDoubles(vocab * C, seed: 15), r = randomDoubles(ids.count * C, seed: 16)
    var dtable = zeros(table.count)
    ReferenceDouble.embeddingBackward(dtable: &dtable, dout: r, ids: ids, channels: C)
    let numeric = numericalGradient(at: table) { dot(r, ReferenceDouble.embeddingForward(table: $0, ids: ids, channels: C)) }
    expectClose(dtable, numeric, relative: doubleTolerance, "dtable")
    let fast = FloatBuffer(count: table.count), rF = FloatBuffer(doubles: r)
    ids.withUnsafeBufferPointer {
        embeddingBackward(dtable: fast.pointer, dout: rF.pointer, ids: $0.baseAddress!,
                          count: ids.count, channels: C)
    }
    expectClose(fast.doubles, dtable, relative: floatTolerance, "fast dtable")

    let a = randomDoubles(6, seed: 17), b = randomDoubles(6, seed: 18), s = randomDoubles(6, seed: 19)
    var da = zeros(6), db = zeros(6)
    ReferenceDouble.addBackward(da: &da, db: &db, dout: s)
    expectClose(da, numericalGradient(at: a) { dot(s, ReferenceDouble.addForward(a: $0, b: b)) }, relative: doubleTolerance, "da")
    expectClose(db, numericalGradient(at: b) { dot(s, ReferenceDouble.addForward(a: a, b: $0)) }, relative: doubleTolerance, "db")
}

@Test func crossEntropyGradientCheck() {
    let (rows, K) = (4, 5)
    var logits = randomDoubles(rows * K, seed: 20, std: 2)
    logits[0] = 30  // a confident row
    let targets: [Int32] = [0, 3, 4, 1]
    let scale = 1 / Double(rows)
    func meanLoss(_ z: [Double]) -> Double {
        scale * ReferenceDouble.crossEntropyForward(logits: z, targets: targets, rows: rows, classes: K).losses.reduce(0, +)
    }
    let fwd = ReferenceDouble.crossEntropyForward(logits: logits, targets: targets, rows: rows, classes: K)
    var dz = zeros(logits.count)
    ReferenceDouble.crossEntropyBackward(dlogits: &dz, probs: fwd.probs, targets: targets, rows: rows, classes: K, scale: scale)
    expectClose(dz, numericalGradient(at: logits, meanLoss), relative: doubleTolerance, "dlogits")

    let zf = FloatBuffer(doubles: logits), losses = FloatBuffer(count: rows), probs = FloatBuffer(count: rows * K)
    let fast = FloatBuffer(count: logits.count)
    targets.withUnsafeBufferPointer {
        crossEntropyForward(losses: losses.pointer, probs: probs.pointer, logits: zf.pointer, targets: $0.baseAddress!,
                            rows: rows, classes: K)
        crossEntropyBackward(dlogits: fast.pointer, probs: probs.pointer, targets: $0.baseAddress!, rows: rows,
                             classes: K, scale: Float(scale))
    }
    expectClose(losses.doubles, fwd.losses, relative: floatTolerance, "fast losses")
    expectClose(fast.doubles, dz, relative: floatTolerance, "fast dlogits")
}
