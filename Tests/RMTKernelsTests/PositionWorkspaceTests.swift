// The allocation-free paths of the position seam compute exactly what the allocating ones do:
//  1. the distance tables written in place from Float tensors equal the Double tables rounded to
//     Float, and the in-place parameter gradients equal `+= Float(parameterGradients)`, bit for bit;
//  2. attention forward and backward with a reused PositionWorkspace — dirtied by a call of other
//     shapes and values first — equal the same calls with a fresh temporary workspace, bit for bit
//     (CoPE, DAPE, and a distance table with a learned scale).
import Foundation
import RMTKernels
import RMTTestSupport
import Testing

/// A layer's scheme tensors packed into one Float buffer, with an unrelated tensor in front (so
/// the offsets are not 0) and the Double values the Float ones round to.
private func packed(_ p: [[Double]]) -> (buffer: FloatBuffer, tensors: DistanceBiasTensors, values: [[Double]]) {
    var floats: [Float] = [1, 2, 3], offsets: [Int] = [], counts: [Int] = []
    for t in p {
        offsets.append(floats.count)
        counts.append(t.count)
        floats += t.map { Float($0) }
    }
    let buffer = FloatBuffer(floats)
    return (buffer, DistanceBiasTensors(base: buffer.pointer, offsets: offsets, counts: counts),
            p.map { $0.map { Double(Float($0)) } })
}

@Test(arguments: positionSchemes + [.alibi(leftOffset: 0), .fire(width: 7, initL: 100)])
func distanceTablesAndGradientsInPlaceEqualTheArrayForms(_ scheme: DistanceBias) {
    for (H, W) in [(3, 6), (4, 40), (6, 1)] {  // 6 heads: ALiBi's non-power-of-two rule
        let (buffer, tensors, values) = packed(schemeParameters(scheme, heads: H, seed: 61))
        _ = buffer
        let n = H * (2 * W - 1)
        let table = FloatBuffer([Float](repeating: .nan, count: n))  // every entry must be written
        scheme.table(tensors: tensors, heads: H, span: W, into: table.pointer)
        #expect(table.array == scheme.table(parameters: values, heads: H, span: W).map { Float($0) }, "\(scheme) H \(H) W \(W) table")

        let dTable = randomDoubles(n, seed: 62, std: 1).map { Float($0) }
        let start = randomDoubles(scheme.parameterCount(heads: H), seed: 63, std: 1).map { Float($0) }
        // Gradient tensors at the same offsets as the parameters', holding `start`.
        let gBuffer = FloatBuffer([Float](repeating: 7, count: buffer.count))
        var at = 0
        for t in tensors.offsets.indices {
            for i in 0..<tensors.counts[t] { gBuffer[tensors.offsets[t] + i] = start[at + i] }
            at += tensors.counts[t]
        }
        let g = DistanceBiasTensors(base: gBuffer.pointer, offsets: tensors.offsets, counts: tensors.counts)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: max(scheme.parameterCount(heads: H), 1))
        defer { scratch.deallocate() }
        scratch.update(repeating: .nan, count: max(scheme.parameterCount(heads: H), 1))  // must be zeroed by the call
        dTable.withUnsafeBufferPointer {
            scheme.accumulateParameterGradients(tensors: tensors, dTable: $0.baseAddress!, heads: H, span: W, into: g,
                                                scratch: scratch)
        }
        let expected = scheme.parameterGradients(parameters: values, dTable: dTable.map(Double.init), heads: H, span: W)
        at = 0
        for (t, d) in expected.enumerated() {
            let got = (0..<d.count).map { gBuffer[tensors.offsets[t] + $0] }
            #expect(got == (0..<d.count).map { start[at + $0] + Float(d[$0]) }, "\(scheme) H \(H) W \(W) gradient \(t)")
            at += d.count
        }
        #expect(gBuffer[0] == 7 && gBuffer[2] == 7, "the gradients stay inside their tensors")
    }
}

@Test func alibiSlopeByHeadEqualsTheSlopeList() {
    for H in 1...20 {
        #expect((0..<H).map { DistanceBias.alibiSlope(head: $0, heads: H) } == DistanceBias.alibiSlopes(heads: H))
    }
}

/// One attention call's outputs: forward output and probabilities, then qkv's and every term's gradient.
private func attentionResults(_ content: String, workspace: PositionWorkspace?, seed: UInt64, B: Int, T: Int,
                              layout: PositionLayout, mask: [Float]) -> [[Float]] {
    let (C, NH, npos, width) = (8, 2, 4, 5)
    func floats(_ n: Int, _ s: UInt64, _ std: Float = 0.8) -> FloatBuffer {
        FloatBuffer(randomDoubles(n, seed: seed &+ s, std: std).map { Float($0) })
    }
    let qkv = floats(B * T * 3 * C, 1), dout = floats(B * T * C, 2)
    let W = layout.span
    let table = floats(NH * (2 * W - 1), 3), beta = floats(NH * 25, 4)
    let scale = FloatBuffer(randomDoubles(B * NH, seed: seed &+ 5, std: 0.3).map { Float(1 + $0) })
    let emb = floats(2 * npos * (C / NH), 6), w1 = floats(width * 2 * NH, 7), b1 = floats(width, 8)
    let w2 = floats(NH * width, 9), b2 = floats(NH, 10)
    let out = FloatBuffer(count: B * T * C), probs = FloatBuffer(count: B * NH * T * T)
    let dqkv = FloatBuffer(count: B * T * 3 * C), scratch = FloatBuffer(count: T * T)
    let dTable = FloatBuffer(count: table.count), dBeta = FloatBuffer(count: beta.count), dScale = FloatBuffer(count: B * NH)
    let dEmb = FloatBuffer(count: emb.count), dw1 = FloatBuffer(count: w1.count), db1 = FloatBuffer(count: b1.count)
    let dw2 = FloatBuffer(count: w2.count), db2 = FloatBuffer(count: b2.count)
    let maskF = FloatBuffer(mask)
    layout.kinds.withUnsafeBufferPointer { kinds in
        layout.textIndex.withUnsafeBufferPointer { tix in
            let terms = AttentionPositionTerms(
                kinds: kinds.baseAddress!, textIndex: tix.baseAddress!, span: W,
                textBias: content == "cope" ? nil : table.pointer, typeBias: beta.pointer, scale: scale.pointer,
                cope: content == "cope" ? CoPETerms(embeddings: emb.pointer, npos: npos) : nil,
                dape: content == "dape" ? DAPETerms(w1: w1.pointer, b1: b1.pointer, w2: w2.pointer, b2: b2.pointer, width: width) : nil,
                workspace: workspace)
            let compute = ComputeOptions(threads: 2)
            attentionForward(out: out.pointer, probs: probs.pointer, qkv: qkv.pointer, additiveMask: maskF.pointer,
                             batch: B, seqLen: T, channels: C, heads: NH, position: terms, compute: compute)
            attentionBackward(dqkv: dqkv.pointer, dprobs: scratch.pointer, dout: dout.pointer, qkv: qkv.pointer,
                              probs: probs.pointer, batch: B, seqLen: T, channels: C, heads: NH, position: terms,
                              positionGradients: AttentionPositionGradients(
                                dTextBias: dTable.pointer, dTypeBias: dBeta.pointer, dScale: dScale.pointer, dCoPE: dEmb.pointer,
                                dDAPE: DAPEGradients(w1: dw1.pointer, b1: db1.pointer, w2: dw2.pointer, b2: db2.pointer)),
                              compute: compute)
        }
    }
    return [out, probs, dqkv, dTable, dBeta, dScale, dEmb, dw1, db1, dw2, db2].map(\.array)
}

@Test(arguments: ["cope", "dape", "table"])
func attentionWithAReusedWorkspaceEqualsAFreshOne(_ content: String) {
    let (layout, maskD, B, T) = rmtTestLayout()
    let mask = maskD.map { $0 == 0 ? Float(0) : -Float.greatestFiniteMagnitude }
    let workspace = PositionWorkspace()
    // Dirty the workspace with a larger call of other values (one plain sequence of 16).
    let big = PositionLayout.allText(batch: 1, seqLen: 16)
    _ = attentionResults(content, workspace: workspace, seed: 500, B: 1, T: 16, layout: big,
                         mask: [Float](repeating: 0, count: 16))
    let fresh = attentionResults(content, workspace: nil, seed: 70, B: B, T: T, layout: layout, mask: mask)
    let reused = attentionResults(content, workspace: workspace, seed: 70, B: B, T: T, layout: layout, mask: mask)
    let names = ["out", "probs", "dqkv", "dTable", "dBeta", "dScale", "dEmb", "dw1", "db1", "dw2", "db2"]
    for (name, (a, b)) in zip(names, zip(fresh, reused)) {
        #expect(a.elementsEqual(b) { $0.bitPattern == $1.bitPattern }, "\(content): \(name) differs with a reused workspace")
    }
    #expect(fresh[0].allSatisfy(\.isFinite) && fresh[2].contains { $0 != 0 })
}
