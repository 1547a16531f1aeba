// Gradient checks of the content-dependent position terms — CoPE's gated two-sided counts and
// DAPE's MLP over every head's logits and biases — on the padded RMT layout of
// PositionGradientCheckTests, with a type-pair bias and a logit scale:
//  1. the Double backward (ReferencePosition) against central differences of the Double forward,
//     for every CoPE/DAPE tensor, DAPE's base-scheme parameters (through the table), the
//     type-pair bias, the scale and qkv;
//  2. the fast Float kernel (forward and backward) against the Double twin, at every vector level;
//  3. identities: CoPE with zero embeddings and DAPE with a zero output layer reduce to the base terms.
import Foundation
import Testing
import RMTKernels
import RMTReference
import RMTTestSupport

private let (C, NH, npos, width) = (8, 2, 4, 5)

/// The Double terms of one case: CoPE over no table, or DAPE over Kerple-log.
private struct Case {
    var cope: Bool
    var qkv, beta, scale, embeddings, w1, b1, w2, b2: [Double]
    var kerple: [[Double]]

    init(cope: Bool) {
        let (layout, _, B, T) = rmtTestLayout()
        _ = layout
        self.cope = cope
        qkv = randomDoubles(B * T * 3 * C, seed: 41, std: 0.9)
        beta = randomDoubles(NH * 25, seed: 42, std: 0.5)
        scale = randomDoubles(B * NH, seed: 43, std: 0.3).map { 1 + $0 }
        embeddings = randomDoubles(2 * npos * (C / NH), seed: 44, std: 0.8)
        w1 = randomDoubles(width * 2 * NH, seed: 45, std: 0.6)
        b1 = randomDoubles(width, seed: 46, std: 0.5)
        w2 = randomDoubles(NH * width, seed: 47, std: 0.6)
        b2 = randomDoubles(NH, seed: 48, std: 0.5)
        kerple = schemeParameters(.kerpleLog, heads: NH, seed: 49)
    }

    func terms(_ layout: PositionLayout) -> ReferenceDouble.PositionTerms {
        if cope {
            return .init(layout: layout, textBias: nil, typeBias: beta, scale: scale, cope: (embeddings, npos))
        }
        return .init(layout: layout, textBias: DistanceBias.kerpleLog.table(parameters: kerple, heads: NH, span: layout.span),
                     typeBias: beta, scale: scale, dape: (w1, b1, w2, b2, width))
    }
}

@Test(arguments: ["cope", "dape"])
func contentPositionGradientCheck(_ name: String) {
    let (layout, mask, B, T) = rmtTestLayout()
    let base = Case(cope: name == "cope")
    let r = randomDoubles(B * T * C, seed: 50)
    func loss(_ c: Case) -> Double {
        dot(r, ReferenceDouble.attentionForward(qkv: c.qkv, additiveMask: mask, position: c.terms(layout),
                                                batch: B, seqLen: T, channels: C, heads: NH).out)
    }
    let pt = base.terms(layout)
    let fwd = ReferenceDouble.attentionForward(qkv: base.qkv, additiveMask: mask, position: pt, batch: B, seqLen: T,
                                               channels: C, heads: NH)
    var dqkv = zeros(base.qkv.count), g = ReferenceDouble.PositionGradients(pt, batch: B, heads: NH)
    ReferenceDouble.attentionBackward(dqkv: &dqkv, grads: &g, dout: r, qkv: base.qkv, probs: fwd.probs, position: pt,
                                      batch: B, seqLen: T, channels: C, heads: NH)

    // 1. Double backward against central differences.
    func numeric(_ path: WritableKeyPath<Case, [Double]>) -> [Double] {
        numericalGradient(at: base[keyPath: path]) { v in
            var c = base
            c[keyPath: path] = v
            return loss(c)
        }
    }
    func check(_ analytic: [Double], _ path: WritableKeyPath<Case, [Double]>, _ label: String) {
        expectClose(analytic, numeric(path), abs: 1e-8, relative: doubleTolerance, "\(name) \(label)")
        #expect(analytic.contains { $0 != 0 }, "\(name) \(label) got no gradient")
    }
    check(dqkv, \.qkv, "dqkv")
    check(g.dTypeBias, \.beta, "dTypeBias")
    check(g.dScale, \.scale, "dScale")
    if base.cope {
        check(g.dCoPE, \.embeddings, "dEmbeddings")
    } else {
        check(g.dW1, \.w1, "dW1")
        check(g.dB1, \.b1, "dB1")
        check(g.dW2, \.w2, "dW2")
        // b2 adds one constant to a whole row of logits, which the softmax ignores: its true
        // gradient is 0 (a redundant parameter of DAPE's code, kept for compatibility).
        expectClose(g.dB2, numeric(\.b2), abs: 1e-8, "dape dB2")
        #expect(g.dB2.allSatisfy { abs($0) < 1e-12 }, "dape dB2 is zero")
        // The base scheme's parameters through the table gradient, which now includes the MLP's dB.
        let dKerple = DistanceBias.kerpleLog.parameterGradients(parameters: base.kerple, dTable: g.dTextBias, heads: NH,
                                                                span: layout.span)
        for i in 0..<2 {
            let n = numericalGradient(at: base.kerple[i]) { v in
                var c = base
                c.kerple[i] = v
                return loss(c)
            }
            expectClose(dKerple[i], n, abs: 1e-8, relative: doubleTolerance, "dape kerple parameter \(i)")
        }
    }

    // 2. Fast Float kernel against the Double twin, at every vector level this CPU runs.
    let qkvF = FloatBuffer(doubles: base.qkv), maskF = FloatBuffer(doubles: mask), rF = FloatBuffer(doubles: r)
    let betaF = FloatBuffer(doubles: base.beta), scaleF = FloatBuffer(doubles: base.scale)
    let tableF = pt.textBias.map { FloatBuffer(doubles: $0) }
    let embF = FloatBuffer(doubles: base.embeddings)
    let (w1F, b1F, w2F, b2F) = (FloatBuffer(doubles: base.w1), FloatBuffer(doubles: base.b1),
                                FloatBuffer(doubles: base.w2), FloatBuffer(doubles: base.b2))
    // db2's true value is 0, so the Float kernel returns only rounding: the sum (in Double) of
    // the B·T·T Float terms dZ = s·p⊙(dP − p·dP), whose exact values sum to 0 per row. Each
    // row's terms carry an error of at most ~(T + d + 2)·ε·s·max|dP| in all (the dot products
    // over d and T; Σⱼ p = 1), with |dP_j| ≤ ‖dout_i‖·‖v_j‖ per head: B·T rows give the bound
    // below (B·T·T·2 ≥ B·T·(T + d + 2) here). The rounding depends on the vector level's
    // summation order: 1.2e-6 measured at AVX-512 (Zen 5), where a fixed 1e-6 had held at AVX2.
    let d = C / NH
    func maxHeadNorm(_ x: [Double], rowStride: Int, offset: Int) -> Double {  // max over (row, head) of ‖x‖
        (0..<B * T * NH).map { k in
            let o = (k / NH) * rowStride + offset + (k % NH) * d
            return x[o ..< o + d].reduce(0) { $0 + $1 * $1 }.squareRoot()
        }.max()!
    }
    let maxOut = maxHeadNorm(r, rowStride: C, offset: 0), maxV = maxHeadNorm(base.qkv, rowStride: 3 * C, offset: 2 * C)
    let db2Bound = Double(B * T * T) * Double(Float.ulpOfOne) * 2 * base.scale.map(abs).max()! * maxOut * maxV
    for level in VectorUnit.available {
        let compute = ComputeOptions(vector: level)
        let out = FloatBuffer(count: B * T * C), probs = FloatBuffer(count: B * NH * T * T)
        let dqkvF = FloatBuffer(count: base.qkv.count), scratch = FloatBuffer(count: T * T)
        let dTableF = FloatBuffer(count: g.dTextBias.count), dBetaF = FloatBuffer(count: g.dTypeBias.count)
        let dScaleF = FloatBuffer(count: g.dScale.count), dEmbF = FloatBuffer(count: g.dCoPE.count)
        let (dw1, db1, dw2, db2) = (FloatBuffer(count: g.dW1.count), FloatBuffer(count: g.dB1.count),
                                    FloatBuffer(count: g.dW2.count), FloatBuffer(count: g.dB2.count))
        layout.kinds.withUnsafeBufferPointer { kinds in
            layout.textIndex.withUnsafeBufferPointer { tix in
                let terms = AttentionPositionTerms(
                    kinds: kinds.baseAddress!, textIndex: tix.baseAddress!, span: layout.span,
                    textBias: tableF.map { UnsafePointer($0.pointer) }, typeBias: betaF.pointer, scale: scaleF.pointer,
                    cope: base.cope ? CoPETerms(embeddings: embF.pointer, npos: npos) : nil,
                    dape: base.cope ? nil : DAPETerms(w1: w1F.pointer, b1: b1F.pointer, w2: w2F.pointer, b2: b2F.pointer,
                                                      width: width))
                attentionForward(out: out.pointer, probs: probs.pointer, qkv: qkvF.pointer, additiveMask: maskF.pointer,
                                 batch: B, seqLen: T, channels: C, heads: NH, position: terms, compute: compute)
                expectClose(out.doubles, fwd.out, relative: floatTolerance, "\(name) fast forward, \(level)")
                attentionBackward(dqkv: dqkvF.pointer, dprobs: scratch.pointer, dout: rF.pointer, qkv: qkvF.pointer,
                                  probs: probs.pointer, batch: B, seqLen: T, channels: C, heads: NH, position: terms,
                                  positionGradients: AttentionPositionGradients(
                                    dTextBias: dTableF.pointer, dTypeBias: dBetaF.pointer, dScale: dScaleF.pointer,
                                    dCoPE: dEmbF.pointer,
                                    dDAPE: DAPEGradients(w1: dw1.pointer, b1: db1.pointer, w2: dw2.pointer, b2: db2.pointer)),
                                  compute: compute)
            }
        }
        expectClose(dqkvF.doubles, dqkv, relative: floatTolerance, "\(name) fast dqkv, \(level)")
        expectClose(dBetaF.doubles, g.dTypeBias, relative: floatTolerance, "\(name) fast dTypeBias, \(level)")
        expectClose(dScaleF.doubles, g.dScale, relative: floatTolerance, "\(name) fast dScale, \(level)")
        if base.cope {
            expectClose(dEmbF.doubles, g.dCoPE, relative: floatTolerance, "cope fast dEmbeddings, \(level)")
        } else {
            expectClose(dTableF.doubles, g.dTextBias, relative: floatTolerance, "dape fast dTextBias, \(level)")
            for (f, d, label) in [(dw1, g.dW1, "w1"), (db1, g.dB1, "b1"), (dw2, g.dW2, "w2")] {
                expectClose(f.doubles, d, relative: floatTolerance, "dape fast d\(label), \(level)")
            }
            expectClose(db2.doubles, g.dB2, abs: db2Bound, "dape fast db2 (zero up to rounding, bound \(db2Bound)), \(level)")
        }
    }
}

/// With zero embeddings CoPE adds nothing, and DAPE with a zero output layer is its base scheme:
/// both reduce to the distance-bias twin.
@Test func contentTermsReduceToTheirBase() {
    let (layout, mask, B, T) = rmtTestLayout()
    var c = Case(cope: true)
    c.embeddings = zeros(c.embeddings.count)
    let plain = ReferenceDouble.PositionTerms(layout: layout, textBias: nil, typeBias: c.beta, scale: c.scale)
    let a = ReferenceDouble.attentionForward(qkv: c.qkv, additiveMask: mask, position: c.terms(layout), batch: B,
                                             seqLen: T, channels: C, heads: NH).out
    let b = ReferenceDouble.attentionForward(qkv: c.qkv, additiveMask: mask, position: plain, batch: B, seqLen: T,
                                             channels: C, heads: NH).out
    expectClose(a, b, abs: 1e-14, "cope with zero embeddings")
    var e = Case(cope: false)
    e.w2 = zeros(e.w2.count)
    e.b2 = zeros(e.b2.count)
    var kerple = e.terms(layout)
    kerple.dape = nil
    let x = ReferenceDouble.attentionForward(qkv: e.qkv, additiveMask: mask, position: e.terms(layout), batch: B,
                                             seqLen: T, channels: C, heads: NH).out
    let y = ReferenceDouble.attentionForward(qkv: e.qkv, additiveMask: mask, position: kerple, batch: B, seqLen: T,
                                             channels: C, heads: NH).out
    expectClose(x, y, abs: 1e-14, "dape with a zero output layer")
    #expect(zip(a, x).contains { abs($0 - $1) > 1e-6 }, "the two cases differ at all")
}

/// CoPE's count with every gate 1 is the text distance + 1 on both sides (the paper's "relative
/// position" limit), checked on the count of the twin via a large-logit layout.
@Test func copeCountsAreTwoSided() {
    let T = 6
    let layout = PositionLayout.allText(batch: 1, seqLen: T)
    let pt = ReferenceDouble.PositionTerms(layout: layout, textBias: nil, typeBias: nil, scale: nil,
                                           cope: (zeros(2 * 8 * 2), 8))
    for i in 0..<T {
        for j in 0..<T {
            let (side, keys) = pt.copeSpan(b: 0, i: i, j: j, seqLen: T)
            #expect(side == (j <= i ? 0 : 1))
            #expect(keys.count == abs(i - j) + 1, "span of (\(i), \(j))")
        }
    }
}
