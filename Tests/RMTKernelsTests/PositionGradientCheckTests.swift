// Gradient checks of the position seam: for every distance scheme (ALiBi, Kerple log and power,
// T5 buckets, FIRE) plus the type-pair bias and the per-(sequence, head) logit scale, on an RMT
// segment layout with padding:
//  1. the Double backward (ReferencePosition + PositionBiasMath) against central differences of
//     the Double forward, for the scheme parameters, the type-pair bias, the scale and qkv;
//  2. the fast Float kernel (forward and backward) against the Double twin, at every vector level.
import Foundation
import RMTKernels
import RMTReference
import RMTTestSupport
import Testing

/// Two sequences [CLS] m m [SEP] t… [SEP] (+ padding): 5 and 3 text tokens, T = 10, span 6.
func rmtTestLayout() -> (layout: PositionLayout, mask: [Double], B: Int, T: Int) {
    let T = 10, M = 2
    var kinds: [UInt8] = [], tix: [Int32] = [], mask: [Double] = []
    for n in [5, 3] {
        kinds += [PositionKind.cls.rawValue] + Array(repeating: PositionKind.memory.rawValue, count: M)
            + [PositionKind.separator.rawValue] + Array(repeating: PositionKind.text.rawValue, count: n)
            + [PositionKind.end.rawValue]
        tix += Array(repeating: -1, count: M + 2) + (0..<n).map { Int32($0) } + [-1]
        let pad = T - (M + 3 + n)
        kinds += Array(repeating: PositionKind.end.rawValue, count: pad)
        tix += Array(repeating: -1, count: pad)
        mask += Array(repeating: 0, count: T - pad) + Array(repeating: -1e30, count: pad)
    }
    return (PositionLayout(kinds: kinds, textIndex: tix, span: 6), mask, 2, T)
}

/// Seeded parameters for a scheme, away from the clamps.
func schemeParameters(_ scheme: DistanceBias, heads H: Int, seed: UInt64) -> [[Double]] {
    scheme.parameterShapes(heads: H).enumerated().map { i, e in
        let n = e.shape.reduce(1, *)
        let v = randomDoubles(n, seed: seed + UInt64(i), std: 0.5)
        switch (scheme, e.name) {
        case (.kerpleLog, _), (.kerplePower, "kerple_a"): return v.map { 0.3 + abs($0) }
        case (.kerplePower, "kerple_p"): return v.map { 0.5 + 0.5 * abs($0).truncatingRemainder(dividingBy: 2) }
        case (.fire, "fire_c"): return [0.4]
        case (.fire, "fire_l_multiplier"): return [1.5]  // N = 1.5·L₀ = 6 > W − 1: the L branch is live
        case (.fire, "fire_b1"): return v.map { $0 + 0.1 }
        default: return v
        }
    }
}

let positionSchemes: [DistanceBias] = [.alibi(leftOffset: 0.5), .kerpleLog, .kerplePower,
                                       .t5(buckets: 8, maxDistance: 8), .fire(width: 5, initL: 4)]

@Test(arguments: positionSchemes)
func positionSchemeGradientCheck(_ scheme: DistanceBias) {
    let (layout, mask, B, T) = rmtTestLayout()
    let (C, NH) = (8, 2), W = layout.span, K = PositionKind.count
    let qkv = randomDoubles(B * T * 3 * C, seed: 11, std: 0.7)
    let r = randomDoubles(B * T * C, seed: 12)
    let params = schemeParameters(scheme, heads: NH, seed: 13)
    let beta = randomDoubles(NH * K * K, seed: 14, std: 0.5)
    let scale = randomDoubles(B * NH, seed: 15, std: 0.3).map { 1 + $0 }

    func terms(_ p: [[Double]], _ beta: [Double], _ scale: [Double]) -> ReferenceDouble.PositionTerms {
        ReferenceDouble.PositionTerms(layout: layout, textBias: scheme.table(parameters: p, heads: NH, span: W),
                                      typeBias: beta, scale: scale)
    }
    func loss(_ qkv: [Double], _ p: [[Double]], _ beta: [Double], _ scale: [Double]) -> Double {
        dot(r, ReferenceDouble.attentionForward(qkv: qkv, additiveMask: mask, position: terms(p, beta, scale),
                                                batch: B, seqLen: T, channels: C, heads: NH).out)
    }
    let pt = terms(params, beta, scale)
    let fwd = ReferenceDouble.attentionForward(qkv: qkv, additiveMask: mask, position: pt,
                                               batch: B, seqLen: T, channels: C, heads: NH)
    var dqkv = zeros(qkv.count), dTable = zeros(NH * (2 * W - 1)), dBeta = zeros(beta.count), dScale = zeros(scale.count)
    ReferenceDouble.attentionBackward(dqkv: &dqkv, dTextBias: &dTable, dTypeBias: &dBeta, dScale: &dScale, dout: r,
                                      qkv: qkv, probs: fwd.probs, position: pt, batch: B, seqLen: T, channels: C, heads: NH)
    let dParams = scheme.parameterGradients(parameters: params, dTable: dTable, heads: NH, span: W)

    // 1. Double backward against central differences.
    expectClose(dqkv, numericalGradient(at: qkv) { loss($0, params, beta, scale) }, relative: doubleTolerance, "dqkv")
    expectClose(dBeta, numericalGradient(at: beta) { loss(qkv, params, $0, scale) }, relative: doubleTolerance, "dTypeBias")
    expectClose(dScale, numericalGradient(at: scale) { loss(qkv, params, beta, $0) }, relative: doubleTolerance, "dScale")
    #expect(dParams.count == params.count)
    for (i, p) in params.enumerated() {
        let numeric = numericalGradient(at: p) { v in
            var q = params
            q[i] = v
            return loss(qkv, q, beta, scale)
        }
        // abs 1e-8: single-element tensors (FIRE's c) have no larger entry to be relative to, and
        // central differences carry O(1e-9) absolute rounding noise.
        expectClose(dParams[i], numeric, abs: 1e-8, relative: doubleTolerance, "\(scheme) parameter \(i)")
        #expect(dParams[i].contains { $0 != 0 }, "\(scheme) parameter \(i) got no gradient")
    }

    // 2. Fast Float kernel against the Double twin, at every vector level this CPU runs.
    let qkvF = FloatBuffer(doubles: qkv), maskF = FloatBuffer(doubles: mask)
    let tableF = FloatBuffer(doubles: pt.textBias!), betaF = FloatBuffer(doubles: beta), scaleF = FloatBuffer(doubles: scale)
    for level in VectorUnit.available {
        let compute = ComputeOptions(vector: level)
        let out = FloatBuffer(count: B * T * C), probs = FloatBuffer(count: B * NH * T * T)
        layout.kinds.withUnsafeBufferPointer { kinds in
            layout.textIndex.withUnsafeBufferPointer { tix in
                let terms = AttentionPositionTerms(kinds: kinds.baseAddress!, textIndex: tix.baseAddress!, span: W,
                                                   textBias: tableF.pointer, typeBias: betaF.pointer, scale: scaleF.pointer)
                attentionForward(out: out.pointer, probs: probs.pointer, qkv: qkvF.pointer, additiveMask: maskF.pointer,
                                 batch: B, seqLen: T, channels: C, heads: NH, position: terms, compute: compute)
                expectClose(out.doubles, fwd.out, relative: floatTolerance, "fast forward, \(level)")
                let dqkvF = FloatBuffer(count: qkv.count), scratch = FloatBuffer(count: T * T), rF = FloatBuffer(doubles: r)
                let dTableF = FloatBuffer(count: dTable.count), dBetaF = FloatBuffer(count: dBeta.count)
                let dScaleF = FloatBuffer(count: dScale.count)
                attentionBackward(dqkv: dqkvF.pointer, dprobs: scratch.pointer, dout: rF.pointer, qkv: qkvF.pointer,
                                  probs: probs.pointer, batch: B, seqLen: T, channels: C, heads: NH, position: terms,
                                  positionGradients: AttentionPositionGradients(dTextBias: dTableF.pointer,
                                                                                dTypeBias: dBetaF.pointer,
                                                                                dScale: dScaleF.pointer),
                                  compute: compute)
                expectClose(dqkvF.doubles, dqkv, relative: floatTolerance, "fast dqkv, \(level)")
                expectClose(dTableF.doubles, dTable, relative: floatTolerance, "fast dTextBias, \(level)")
                expectClose(dBetaF.doubles, dBeta, relative: floatTolerance, "fast dTypeBias, \(level)")
                expectClose(dScaleF.doubles, dScale, relative: floatTolerance, "fast dScale, \(level)")
            }
        }
    }
}

/// The general path (text positions not one run, e.g. a caller's own layout) matches the Double twin too.
@Test func positionTermsGeneralLayout() {
    let (B, T, C, NH, W) = (1, 6, 4, 2, 4)
    let kinds: [UInt8] = [3, 0, 3, 1, 3, 3], tix: [Int32] = [2, -1, 0, -1, 3, 1]
    let layout = PositionLayout(kinds: kinds, textIndex: tix, span: W)
    let qkv = randomDoubles(B * T * 3 * C, seed: 21), r = randomDoubles(B * T * C, seed: 22)
    let table = randomDoubles(NH * (2 * W - 1), seed: 23), beta = randomDoubles(NH * 25, seed: 24)
    let pt = ReferenceDouble.PositionTerms(layout: layout, textBias: table, typeBias: beta, scale: nil)
    let fwd = ReferenceDouble.attentionForward(qkv: qkv, additiveMask: nil, position: pt, batch: B, seqLen: T,
                                               channels: C, heads: NH)
    var dqkv = zeros(qkv.count), dTable = zeros(table.count), dBeta = zeros(beta.count), dScale = zeros(B * NH)
    ReferenceDouble.attentionBackward(dqkv: &dqkv, dTextBias: &dTable, dTypeBias: &dBeta, dScale: &dScale, dout: r,
                                      qkv: qkv, probs: fwd.probs, position: pt, batch: B, seqLen: T, channels: C, heads: NH)
    let qkvF = FloatBuffer(doubles: qkv), tableF = FloatBuffer(doubles: table), betaF = FloatBuffer(doubles: beta)
    let out = FloatBuffer(count: B * T * C), probs = FloatBuffer(count: B * NH * T * T)
    kinds.withUnsafeBufferPointer { k in
        tix.withUnsafeBufferPointer { t in
            let terms = AttentionPositionTerms(kinds: k.baseAddress!, textIndex: t.baseAddress!, span: W,
                                               textBias: tableF.pointer, typeBias: betaF.pointer, scale: nil)
            attentionForward(out: out.pointer, probs: probs.pointer, qkv: qkvF.pointer, additiveMask: nil,
                             batch: B, seqLen: T, channels: C, heads: NH, position: terms)
            expectClose(out.doubles, fwd.out, relative: floatTolerance, "forward")
            let dq = FloatBuffer(count: qkv.count), scratch = FloatBuffer(count: T * T), rF = FloatBuffer(doubles: r)
            let dT = FloatBuffer(count: table.count), dB = FloatBuffer(count: beta.count)
            attentionBackward(dqkv: dq.pointer, dprobs: scratch.pointer, dout: rF.pointer, qkv: qkvF.pointer,
                              probs: probs.pointer, batch: B, seqLen: T, channels: C, heads: NH, position: terms,
                              positionGradients: AttentionPositionGradients(dTextBias: dT.pointer, dTypeBias: dB.pointer,
                                                                            dScale: nil))
            expectClose(dq.doubles, dqkv, relative: floatTolerance, "dqkv")
            expectClose(dT.doubles, dTable, relative: floatTolerance, "dTextBias")
            expectClose(dB.doubles, dBeta, relative: floatTolerance, "dTypeBias")
        }
    }
}

/// The `none` scheme (type-pair bias, no distance table) on an RMT layout, whose text is one run,
/// matches the Double twin: the run path adds the type-pair bias to the special keys only.
@Test func typeBiasWithoutDistanceTableOnTheRunLayout() {
    let (layout, mask, B, T) = rmtTestLayout()
    let (C, NH) = (8, 2), K = PositionKind.count
    let qkv = randomDoubles(B * T * 3 * C, seed: 41, std: 0.7), r = randomDoubles(B * T * C, seed: 42)
    let beta = randomDoubles(NH * K * K, seed: 43, std: 0.5)
    let pt = ReferenceDouble.PositionTerms(layout: layout, textBias: nil, typeBias: beta, scale: nil)
    let fwd = ReferenceDouble.attentionForward(qkv: qkv, additiveMask: mask, position: pt, batch: B, seqLen: T,
                                               channels: C, heads: NH)
    var dqkv = zeros(qkv.count), dTable = zeros(0), dBeta = zeros(beta.count), dScale = zeros(B * NH)
    ReferenceDouble.attentionBackward(dqkv: &dqkv, dTextBias: &dTable, dTypeBias: &dBeta, dScale: &dScale, dout: r,
                                      qkv: qkv, probs: fwd.probs, position: pt, batch: B, seqLen: T, channels: C, heads: NH)
    let qkvF = FloatBuffer(doubles: qkv), betaF = FloatBuffer(doubles: beta), maskF = FloatBuffer(doubles: mask)
    let out = FloatBuffer(count: B * T * C), probs = FloatBuffer(count: B * NH * T * T)
    layout.kinds.withUnsafeBufferPointer { k in
        layout.textIndex.withUnsafeBufferPointer { t in
            let terms = AttentionPositionTerms(kinds: k.baseAddress!, textIndex: t.baseAddress!, span: layout.span,
                                               textBias: nil, typeBias: betaF.pointer, scale: nil)
            attentionForward(out: out.pointer, probs: probs.pointer, qkv: qkvF.pointer, additiveMask: maskF.pointer,
                             batch: B, seqLen: T, channels: C, heads: NH, position: terms)
            expectClose(out.doubles, fwd.out, relative: floatTolerance, "forward")
            let dq = FloatBuffer(count: qkv.count), scratch = FloatBuffer(count: T * T), rF = FloatBuffer(doubles: r)
            let dB = FloatBuffer(count: beta.count)
            attentionBackward(dqkv: dq.pointer, dprobs: scratch.pointer, dout: rF.pointer, qkv: qkvF.pointer,
                              probs: probs.pointer, batch: B, seqLen: T, channels: C, heads: NH, position: terms,
                              positionGradients: AttentionPositionGradients(dTextBias: nil, dTypeBias: dB.pointer,
                                                                            dScale: nil))
            expectClose(dq.doubles, dqkv, relative: floatTolerance, "dqkv")
            expectClose(dB.doubles, dBeta, relative: floatTolerance, "dTypeBias")
        }
    }
}

/// Text–text logits depend on text offsets only: moving the text block (more memory slots) leaves
/// a text query's weights over the text keys unchanged when the special keys are masked out.
@Test func textBiasIgnoresWhereTheTextStarts() {
    let (C, NH, n) = (4, 2, 4), W = 6
    let table = DistanceBias.kerpleLog.table(parameters: schemeParameters(.kerpleLog, heads: NH, seed: 31),
                                             heads: NH, span: W)
    let textQKV = randomDoubles(n * 3 * C, seed: 32)
    var rows: [[Double]] = []
    for M in [1, 3] {
        let T = M + 3 + n
        var kinds: [UInt8] = [0] + Array(repeating: 1, count: M) + [2] + Array(repeating: 3, count: n) + [4]
        var tix: [Int32] = Array(repeating: -1, count: M + 2) + (0..<n).map { Int32($0) } + [-1]
        kinds = Array(kinds.prefix(T)); tix = Array(tix.prefix(T))
        var qkv = randomDoubles(T * 3 * C, seed: 33)
        for t in 0..<n { for c in 0..<(3 * C) { qkv[(M + 2 + t) * 3 * C + c] = textQKV[t * 3 * C + c] } }
        let mask = (0..<T).map { kinds[$0] == 3 ? 0.0 : -1e30 }
        let pt = ReferenceDouble.PositionTerms(layout: PositionLayout(kinds: kinds, textIndex: tix, span: W),
                                               textBias: table, typeBias: randomDoubles(NH * 25, seed: 34), scale: nil)
        let out = ReferenceDouble.attentionForward(qkv: qkv, additiveMask: mask, position: pt, batch: 1, seqLen: T,
                                                   channels: C, heads: NH).out
        rows.append(Array(out[((M + 2) * C)..<((M + 2 + n) * C)]))
    }
    expectClose(rows[1], rows[0], abs: 1e-12, "text outputs after moving the text block")
}

/// T5 buckets match the values read off Hugging Face's `_relative_position_bucket` (32 buckets,
/// max distance 128, bidirectional): 1–7 exact, 8–11 → 24, 12–15 → 25, 16–22 → 26, 23–31 → 27,
/// 32–45 → 28, 46–63 → 29, 64–90 → 30, ≥ 91 → 31 to the right; the same minus 16 to the left.
@Test func t5BucketsMatchHuggingFace() {
    let right: [(ClosedRange<Int>, Int)] = [(8...11, 24), (12...15, 25), (16...22, 26), (23...31, 27),
                                            (32...45, 28), (46...63, 29), (64...90, 30), (91...600, 31)]
    #expect(DistanceBias.t5Bucket(0, buckets: 32, maxDistance: 128) == 0)
    for d in 1...7 {
        #expect(DistanceBias.t5Bucket(d, buckets: 32, maxDistance: 128) == 16 + d)
        #expect(DistanceBias.t5Bucket(-d, buckets: 32, maxDistance: 128) == d)
    }
    for (range, bucket) in right {
        for d in range {
            #expect(DistanceBias.t5Bucket(d, buckets: 32, maxDistance: 128) == bucket, "distance \(d)")
            #expect(DistanceBias.t5Bucket(-d, buckets: 32, maxDistance: 128) == bucket - 16, "distance −\(d)")
        }
    }
}

@Test func alibiSlopesMatchPress() {
    expectClose(DistanceBias.alibiSlopes(heads: 4), [0.25, 0.0625, 0.015625, 0.00390625], relative: 1e-15, "H = 4")
    let h12 = DistanceBias.alibiSlopes(heads: 12)
    expectClose(h12, (1...8).map { pow(2.0, -Double($0)) } + [0.7071067811865476, 0.3535533905932738,
                                                               0.1767766952966369, 0.08838834764831845],
                relative: 1e-15, "H = 12")
}
