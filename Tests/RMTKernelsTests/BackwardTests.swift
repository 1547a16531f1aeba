// Fast backward kernels held against their plain-loop twins (Reference.*) on seeded random
// Float inputs. Every gradient buffer starts filled with random values, so each comparison
// also proves the kernels ADD into their outputs rather than overwrite them.
// Shapes include sizes that are not multiples of 8 (SIMD tails) and, for LayerNorm and
// Linear, sizes large enough to run the threaded paths.
import RMTKernels
import RMTReference
import RMTTestSupport
import Testing

@Test(arguments: [(1, 7, 5), (13, 17, 9), (37, 64, 96), (130, 256, 200)])
func linearBackwardMatchesReference(rows: Int, inDim: Int, outDim: Int) {
    let x = randomBuffer(rows * inDim, seed: 11), w = randomBuffer(outDim * inDim, seed: 12, std: 0.1)
    let dout = randomBuffer(rows * outDim, seed: 13)
    for withOptionals in [true, false] {
        let dx1 = randomBuffer(rows * inDim, seed: 14), dx2 = FloatBuffer(dx1.array)
        let dw1 = randomBuffer(outDim * inDim, seed: 15), dw2 = FloatBuffer(dw1.array)
        let db1 = randomBuffer(outDim, seed: 16), db2 = FloatBuffer(db1.array)
        linearBackward(dinp: withOptionals ? dx1.pointer : nil, dweight: dw1.pointer,
                       dbias: withOptionals ? db1.pointer : nil, dout: dout.pointer, inp: x.pointer,
                       weight: w.pointer, rows: rows, inDim: inDim, outDim: outDim)
        Reference.linearBackward(dinp: withOptionals ? dx2.pointer : nil, dweight: dw2.pointer,
                                 dbias: withOptionals ? db2.pointer : nil, dout: dout.pointer, inp: x.pointer,
                                 weight: w.pointer, rows: rows, inDim: inDim, outDim: outDim)
        expectClose(dx1.array, dx2.array, relative: 2e-6)
        expectClose(dw1.array, dw2.array, relative: 2e-6)
        expectClose(db1.array, db2.array, relative: 2e-6)
    }
}

@Test(arguments: [(3, 5), (64, 32), (100, 384), (37, 1001), (300, 384), (300, 77)])  // 300 rows: 3 threaded row chunks
func layerNormBackwardMatchesReference(rows: Int, channels: Int) {
    let x = randomBuffer(rows * channels, seed: 21, std: 3)
    for i in 0..<channels { x[i] += 100 }  // an offset row
    let w = randomBuffer(channels, seed: 22), b = randomBuffer(channels, seed: 23)
    let dout = randomBuffer(rows * channels, seed: 24)
    let y = FloatBuffer(count: rows * channels), mean = FloatBuffer(count: rows), rstd = FloatBuffer(count: rows)
    layerNormForward(out: y.pointer, mean: mean.pointer, rstd: rstd.pointer, inp: x.pointer, weight: w.pointer,
                     bias: b.pointer, rows: rows, channels: channels, eps: 1e-12)
    let dx1 = randomBuffer(rows * channels, seed: 25), dx2 = FloatBuffer(dx1.array)
    let dw1 = randomBuffer(channels, seed: 26), dw2 = FloatBuffer(dw1.array)
    let db1 = randomBuffer(channels, seed: 27), db2 = FloatBuffer(db1.array)
    layerNormBackward(dinp: dx1.pointer, dweight: dw1.pointer, dbias: db1.pointer, dout: dout.pointer,
                      inp: x.pointer, weight: w.pointer, mean: mean.pointer, rstd: rstd.pointer,
                      rows: rows, channels: channels)
    Reference.layerNormBackward(dinp: dx2.pointer, dweight: dw2.pointer, dbias: db2.pointer, dout: dout.pointer,
                                inp: x.pointer, weight: w.pointer, mean: mean.pointer, rstd: rstd.pointer,
                                rows: rows, channels: channels)
    expectClose(dx1.array, dx2.array, relative: 2e-6)
    expectClose(dw1.array, dw2.array, relative: 2e-6)
    expectClose(db1.array, db2.array, relative: 1e-6)
}

@Test(arguments: [1, 7, 8, 1000, 70_001])
func geluBackwardMatchesReference(count: Int) {
    let x = randomBuffer(count, seed: 31, std: 3), dout = randomBuffer(count, seed: 32)
    let start = randomBuffer(count, seed: 33), dx2 = FloatBuffer(start.array)
    Reference.geluBackward(dinp: dx2.pointer, dout: dout.pointer, inp: x.pointer, count: count)
    for level in VectorUnit.available {  // the Swift kernel and every C build this CPU runs
        let dx1 = FloatBuffer(start.array)
        geluBackward(dinp: dx1.pointer, dout: dout.pointer, inp: x.pointer, count: count, compute: ComputeOptions(vector: level))
        expectClose(dx1.array, dx2.array, abs: 2e-6, "level \(level)")
    }
}

@Test(arguments: [(1, 5, 8, 2), (2, 9, 12, 3), (2, 33, 32, 4), (2, 64, 96, 3)])
func attentionBackwardMatchesReference(batch B: Int, seqLen T: Int, channels C: Int, heads NH: Int) {
    let qkv = randomBuffer(B * T * 3 * C, seed: 41)
    let mask = paddingMask(batch: B, seqLen: T, padded: 2)
    let out = FloatBuffer(count: B * T * C), probs = FloatBuffer(count: B * NH * T * T)
    attentionForward(out: out.pointer, probs: probs.pointer, qkv: qkv.pointer, additiveMask: mask.pointer,
                     batch: B, seqLen: T, channels: C, heads: NH)
    let dout = randomBuffer(B * T * C, seed: 42)
    let d1 = randomBuffer(B * T * 3 * C, seed: 43), d2 = FloatBuffer(d1.array)
    let s1 = FloatBuffer(count: T * T), s2 = FloatBuffer(count: T * T)
    attentionBackward(dqkv: d1.pointer, dprobs: s1.pointer, dout: dout.pointer, qkv: qkv.pointer,
                      probs: probs.pointer, batch: B, seqLen: T, channels: C, heads: NH)
    Reference.attentionBackward(dqkv: d2.pointer, dprobs: s2.pointer, dout: dout.pointer, qkv: qkv.pointer,
                                probs: probs.pointer, batch: B, seqLen: T, channels: C, heads: NH)
    expectClose(d1.array, d2.array, relative: 2e-6)
    expectClose(s1.array, s2.array, relative: 2e-6)

    // Padded keys (last two tokens of the last sequence) get exactly zero K and V gradient.
    let fresh = FloatBuffer(count: B * T * 3 * C)
    attentionBackward(dqkv: fresh.pointer, dprobs: s1.pointer, dout: dout.pointer, qkv: qkv.pointer,
                      probs: probs.pointer, batch: B, seqLen: T, channels: C, heads: NH)
    for t in (T - 2)..<T {
        let row = ((B - 1) * T + t) * 3 * C
        #expect((C..<(3 * C)).allSatisfy { fresh[row + $0] == 0 })
    }
}

@Test(arguments: [(1, 1), (5, 13), (64, 512)])
func softmaxBackwardMatchesReference(rows: Int, cols: Int) {
    let p = randomBuffer(rows * cols, seed: 51, std: 2)
    softmaxForward(p.pointer, additiveMask: nil, rows: rows, cols: cols)
    let g1 = randomBuffer(rows * cols, seed: 52), g2 = FloatBuffer(g1.array)
    softmaxBackwardInPlace(g1.pointer, probs: p.pointer, rows: rows, cols: cols)
    Reference.softmaxBackwardInPlace(g2.pointer, probs: p.pointer, rows: rows, cols: cols)
    expectClose(g1.array, g2.array, abs: 1e-6)
}

@Test func embeddingBackwardScatterAddsRepeatedIds() {
    let ids: [Int32] = [0, 49, 3, 3, 17, 3]
    let C = 13
    let dout = randomBuffer(ids.count * C, seed: 61)
    let d1 = randomBuffer(50 * C, seed: 62), d2 = FloatBuffer(d1.array), before = FloatBuffer(d1.array)
    ids.withUnsafeBufferPointer { idp in
        embeddingBackward(dtable: d1.pointer, dout: dout.pointer, ids: idp.baseAddress!, count: ids.count, channels: C)
        Reference.embeddingBackward(dtable: d2.pointer, dout: dout.pointer, ids: idp.baseAddress!, count: ids.count, channels: C)
    }
    expectClose(d1.array, d2.array, abs: 0)
    for c in 0..<C {  // id 3 occurs at n = 2, 3, 5
        let expected = before[3 * C + c] + dout[2 * C + c] + dout[3 * C + c] + dout[5 * C + c]
        #expect(abs(d1[3 * C + c] - expected) < 1e-6)
        #expect(d1[5 * C + c] == before[5 * C + c])  // an id never used is untouched
    }
}

@Test func addBackwardAccumulatesIntoBothOperands() {
    let n = 21
    let dout = randomBuffer(n, seed: 71)
    let da = randomBuffer(n, seed: 72), db = randomBuffer(n, seed: 73)
    let da2 = FloatBuffer(da.array), db2 = FloatBuffer(db.array)
    addBackward(da: da.pointer, db: db.pointer, dout: dout.pointer, count: n)
    Reference.addBackward(da: da2.pointer, db: db2.pointer, dout: dout.pointer, count: n)
    expectClose(da.array, da2.array, abs: 0, "da")
    expectClose(db.array, db2.array, abs: 0, "db")
}

@Test(arguments: [1, 9, 100])
func tanhMatchesReference(count: Int) {
    let x = randomBuffer(count, seed: 81, std: 2)
    x[0] = 1e-5  // relative accuracy near zero
    let y1 = FloatBuffer(count: count), y2 = FloatBuffer(count: count)
    tanhForward(out: y1.pointer, inp: x.pointer, count: count)
    Reference.tanhForward(out: y2.pointer, inp: x.pointer, count: count)
    expectClose(y1.array, y2.array, abs: 2e-7)
    #expect(abs(y1[0] - 1e-5) < 1e-11)
    let dout = randomBuffer(count, seed: 82)
    let d1 = randomBuffer(count, seed: 83), d2 = FloatBuffer(d1.array)
    tanhBackward(dinp: d1.pointer, dout: dout.pointer, out: y1.pointer, count: count)
    Reference.tanhBackward(dinp: d2.pointer, dout: dout.pointer, out: y1.pointer, count: count)
    expectClose(d1.array, d2.array, abs: 1e-6)
}

@Test(arguments: [(1, 2), (5, 3), (17, 10), (33, 1000)])
func crossEntropyMatchesReference(rows: Int, classes K: Int) {
    let logits = randomBuffer(rows * K, seed: 91, std: 3)
    if K > 1 { logits[0] = 120; logits[1] = -120 }  // far outside exp's Float range without the max shift
    let targets = (0..<rows).map { Int32(($0 * 7 + 1) % K) }  // row 0 targets the −120 logit when K > 1
    let l1 = FloatBuffer(count: rows), l2 = FloatBuffer(count: rows)
    let p1 = FloatBuffer(count: rows * K), p2 = FloatBuffer(count: rows * K)
    let scale = 1 / Float(rows)
    let d1 = randomBuffer(rows * K, seed: 92), d2 = FloatBuffer(d1.array)
    targets.withUnsafeBufferPointer { tp in
        let t = tp.baseAddress!
        crossEntropyForward(losses: l1.pointer, probs: p1.pointer, logits: logits.pointer, targets: t, rows: rows, classes: K)
        Reference.crossEntropyForward(losses: l2.pointer, probs: p2.pointer, logits: logits.pointer, targets: t, rows: rows, classes: K)
        crossEntropyBackward(dlogits: d1.pointer, probs: p1.pointer, targets: t, rows: rows, classes: K, scale: scale)
        Reference.crossEntropyBackward(dlogits: d2.pointer, probs: p1.pointer, targets: t, rows: rows, classes: K, scale: scale)
    }
    expectClose(l1.array, l2.array, relative: 1e-6)
    expectClose(p1.array, p2.array, abs: 1e-6)
    expectClose(d1.array, d2.array, abs: 1e-6)
    if K > 1 { #expect(l1[0].isFinite && abs(l1[0] - 240) < 1e-3) }  // −log p underflows Float; logsumexp does not
}

/// A negative target marks a row without a loss (the per-segment labels of `--prefix-loss`):
/// loss 0 and dlogits untouched for that row, in the kernel and its plain-loop twin; the other
/// rows as with every target given.
@Test func crossEntropyIgnoresNegativeTargets() {
    let (rows, K) = (9, 7)
    let logits = randomBuffer(rows * K, seed: 93, std: 2)
    let targets: [Int32] = [3, -1, 0, 6, -1, -1, 2, 5, -1]
    let full = targets.map { max($0, 0) }
    let l1 = FloatBuffer(count: rows), l2 = FloatBuffer(count: rows), lFull = FloatBuffer(count: rows)
    let p1 = FloatBuffer(count: rows * K), p2 = FloatBuffer(count: rows * K)
    let start = randomBuffer(rows * K, seed: 94)
    let d1 = FloatBuffer(start.array), d2 = FloatBuffer(start.array), dFull = FloatBuffer(start.array)
    targets.withUnsafeBufferPointer { tp in
        let t = tp.baseAddress!
        crossEntropyForward(losses: l1.pointer, probs: p1.pointer, logits: logits.pointer, targets: t, rows: rows, classes: K)
        Reference.crossEntropyForward(losses: l2.pointer, probs: p2.pointer, logits: logits.pointer, targets: t, rows: rows, classes: K)
        crossEntropyBackward(dlogits: d1.pointer, probs: p1.pointer, targets: t, rows: rows, classes: K, scale: 0.25)
        Reference.crossEntropyBackward(dlogits: d2.pointer, probs: p1.pointer, targets: t, rows: rows, classes: K, scale: 0.25)
    }
    full.withUnsafeBufferPointer { tp in
        crossEntropyForward(losses: lFull.pointer, probs: p2.pointer, logits: logits.pointer, targets: tp.baseAddress!, rows: rows, classes: K)
        crossEntropyBackward(dlogits: dFull.pointer, probs: p2.pointer, targets: tp.baseAddress!, rows: rows, classes: K, scale: 0.25)
    }
    expectClose(l1.array, l2.array, relative: 1e-6)
    expectClose(d1.array, d2.array, abs: 1e-6)
    for r in 0..<rows {
        let row = (r * K)..<((r + 1) * K)
        if targets[r] < 0 {
            #expect(l1[r] == 0)
            #expect(Array(d1.array[row]) == Array(start.array[row]), "row \(r) got a gradient")
        } else {
            #expect(l1[r] == lFull[r] && l1[r] > 0)
            #expect(Array(d1.array[row]) == Array(dFull.array[row]))
        }
    }
}

/// Backward kernels give bit-identical results when run twice on the same inputs,
/// including the threaded column-block reductions and the sgemm-based kernels.
@Test func backwardKernelsAreDeterministic() {
    let (rows, C, F) = (300, 384, 1001)
    let x = randomBuffer(rows * C, seed: 101), dout = randomBuffer(rows * F, seed: 102)
    let w = randomBuffer(F * C, seed: 103, std: 0.05)
    let mean = FloatBuffer(count: rows), rstd = FloatBuffer(count: rows), y = FloatBuffer(count: rows * C)
    let g = randomBuffer(C, seed: 104), b = randomBuffer(C, seed: 105)
    layerNormForward(out: y.pointer, mean: mean.pointer, rstd: rstd.pointer, inp: x.pointer, weight: g.pointer,
                     bias: b.pointer, rows: rows, channels: C, eps: 1e-12)
    func run() -> [Float] {
        let dx = FloatBuffer(count: rows * C), dw = FloatBuffer(count: F * C), db = FloatBuffer(count: F)
        let dg = FloatBuffer(count: C), dbeta = FloatBuffer(count: C), dh = FloatBuffer(count: rows * F)
        linearBackward(dinp: dx.pointer, dweight: dw.pointer, dbias: db.pointer, dout: dout.pointer, inp: x.pointer,
                       weight: w.pointer, rows: rows, inDim: C, outDim: F)
        layerNormBackward(dinp: dx.pointer, dweight: dg.pointer, dbias: dbeta.pointer, dout: dout.pointer,
                          inp: x.pointer, weight: g.pointer, mean: mean.pointer, rstd: rstd.pointer, rows: rows, channels: C)
        geluBackward(dinp: dh.pointer, dout: dout.pointer, inp: dout.pointer, count: rows * F)
        return dx.array + dw.array + db.array + dg.array + dbeta.array + dh.array
    }
    #expect(run() == run())
}

/// (B, T) additive mask: the last `padded` tokens of the last sequence are padding.
func paddingMask(batch B: Int, seqLen T: Int, padded: Int) -> FloatBuffer {
    let mask = FloatBuffer(count: B * T)
    for t in (T - padded)..<T { mask[(B - 1) * T + t] = -Float.greatestFiniteMagnitude }
    return mask
}
