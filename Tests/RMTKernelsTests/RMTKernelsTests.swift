// Fast kernels held against their plain-loop twins (Reference.*) on seeded random inputs,
// and the SIMD exp/erf against libm in double precision.
import Foundation
import RMTBase
import RMTKernels
import RMTReference
import RMTTestSupport
import Testing

func randomBuffer(_ n: Int, seed: UInt64, std: Float = 1) -> FloatBuffer {
    var rng = SplitMix64(seed: seed)
    return FloatBuffer(rng.normals(n, std: std))
}

@Test(arguments: [(1, 7, 5), (37, 64, 96), (130, 256, 1024)])
func linearMatchesReference(rows: Int, inDim: Int, outDim: Int) {
    let x = randomBuffer(rows * inDim, seed: 1)
    let w = randomBuffer(outDim * inDim, seed: 2, std: 0.05)
    let b = randomBuffer(outDim, seed: 3)
    let fast = FloatBuffer(count: rows * outDim), ref = FloatBuffer(count: rows * outDim)
    linearForward(out: fast.pointer, inp: x.pointer, weight: w.pointer, bias: b.pointer, rows: rows, inDim: inDim, outDim: outDim)
    Reference.linearForward(out: ref.pointer, inp: x.pointer, weight: w.pointer, bias: b.pointer, rows: rows, inDim: inDim, outDim: outDim)
    expectClose(fast.array, ref.array, abs: 1e-4)
    linearForward(out: fast.pointer, inp: x.pointer, weight: w.pointer, bias: nil, rows: rows, inDim: inDim, outDim: outDim)
    Reference.linearForward(out: ref.pointer, inp: x.pointer, weight: w.pointer, bias: nil, rows: rows, inDim: inDim, outDim: outDim)
    expectClose(fast.array, ref.array, abs: 1e-4)
}

@Test(arguments: [(3, 5), (64, 32), (512, 384), (600, 1001)])
func layerNormMatchesReference(rows: Int, channels: Int) {
    let x = randomBuffer(rows * channels, seed: 4, std: 3)
    for i in 0..<channels { x[i] += 100 }  // an offset row: the two-pass variance must cope
    let w = randomBuffer(channels, seed: 5), b = randomBuffer(channels, seed: 6)
    let fast = FloatBuffer(count: rows * channels), ref = FloatBuffer(count: rows * channels)
    let m1 = FloatBuffer(count: rows), r1 = FloatBuffer(count: rows)
    let m2 = FloatBuffer(count: rows), r2 = FloatBuffer(count: rows)
    layerNormForward(out: fast.pointer, mean: m1.pointer, rstd: r1.pointer, inp: x.pointer, weight: w.pointer, bias: b.pointer, rows: rows, channels: channels, eps: 1e-12)
    Reference.layerNormForward(out: ref.pointer, mean: m2.pointer, rstd: r2.pointer, inp: x.pointer, weight: w.pointer, bias: b.pointer, rows: rows, channels: channels, eps: 1e-12)
    expectClose(fast.array, ref.array, abs: 2e-5)
    expectClose(m1.array, m2.array, abs: 1e-4)
    expectClose(r1.array, r2.array, abs: 1e-5)
}

@Test(arguments: [1, 7, 8, 1000, 70_001])
func geluMatchesReference(count: Int) {
    let x = randomBuffer(count, seed: 7, std: 3)
    let ref = FloatBuffer(count: count)
    Reference.geluForward(out: ref.pointer, inp: x.pointer, count: count)
    for level in VectorUnit.available {  // the Swift kernel and every C build this CPU runs
        let fast = FloatBuffer(count: count)
        geluForward(out: fast.pointer, inp: x.pointer, count: count, compute: ComputeOptions(vector: level))
        expectClose(fast.array, ref.array, abs: 2e-6, "level \(level)")
    }
}

@Test(arguments: [(1, 1), (5, 13), (64, 512), (300, 77)])
func softmaxMatchesReference(rows: Int, cols: Int) {
    let x = randomBuffer(rows * cols, seed: 8, std: 4)
    let mask = FloatBuffer(count: cols)
    for j in stride(from: 1, to: cols, by: 3) { mask[j] = -Float.greatestFiniteMagnitude }
    for useMask in [false, true] {
        let ref = FloatBuffer(x.array)
        Reference.softmaxForward(ref.pointer, additiveMask: useMask ? UnsafePointer(mask.pointer) : nil, rows: rows, cols: cols)
        for level in VectorUnit.available {
            let fast = FloatBuffer(x.array)
            softmaxForward(fast.pointer, additiveMask: useMask ? UnsafePointer(mask.pointer) : nil, rows: rows, cols: cols,
                           compute: ComputeOptions(vector: level))
            expectClose(fast.array, ref.array, abs: 1e-6, "level \(level)")
            if useMask && cols > 1 { #expect(fast[1] == 0, "level \(level)") }  // a masked key gets exactly zero weight
        }
    }
}

@Test(arguments: [(1, 5, 8, 2), (2, 33, 32, 4), (2, 64, 96, 3)])
func attentionMatchesReference(batch: Int, seqLen: Int, channels: Int, heads: Int) {
    let qkv = randomBuffer(batch * seqLen * 3 * channels, seed: 9)
    let mask = FloatBuffer(count: batch * seqLen)
    for t in (seqLen - 2)..<seqLen { mask[(batch - 1) * seqLen + t] = -Float.greatestFiniteMagnitude }
    let o1 = FloatBuffer(count: batch * seqLen * channels), o2 = FloatBuffer(count: batch * seqLen * channels)
    let p1 = FloatBuffer(count: batch * heads * seqLen * seqLen), p2 = FloatBuffer(count: batch * heads * seqLen * seqLen)
    attentionForward(out: o1.pointer, probs: p1.pointer, qkv: qkv.pointer, additiveMask: mask.pointer, batch: batch, seqLen: seqLen, channels: channels, heads: heads)
    Reference.attentionForward(out: o2.pointer, probs: p2.pointer, qkv: qkv.pointer, additiveMask: mask.pointer, batch: batch, seqLen: seqLen, channels: channels, heads: heads)
    expectClose(o1.array, o2.array, abs: 2e-5)
    expectClose(p1.array, p2.array, abs: 2e-6)
}

@Test func embeddingMatchesReference() {
    let table = randomBuffer(50 * 16, seed: 10)
    let ids: [Int32] = [0, 49, 3, 3, 17]
    let fast = FloatBuffer(count: ids.count * 16), ref = FloatBuffer(count: ids.count * 16)
    ids.withUnsafeBufferPointer { idp in
        embeddingForward(out: fast.pointer, table: table.pointer, ids: idp.baseAddress!, count: ids.count, channels: 16)
        Reference.embeddingForward(out: ref.pointer, table: table.pointer, ids: idp.baseAddress!, count: ids.count, channels: 16)
    }
    expectClose(fast.array, ref.array, abs: 0)
}

@Test func fastExpAndErfMatchLibm() {
    // exp: the ratio to libm must be 1 within 3e-7 (relative error); erf: absolute error 6e-7.
    let xs = stride(from: Float(-87), to: 88, by: 0.0137).map { $0 }
    expectClose(xs.map { Double(fastExp($0)) / Foundation.exp(Double($0)) }, [Double](repeating: 1, count: xs.count),
                abs: 3e-7, "exp relative error")
    let zs = stride(from: Float(-6), to: 6, by: 0.00071).map { $0 }
    expectClose(zs.map { Double(fastErf($0)) }, zs.map { Foundation.erf(Double($0)) }, abs: 6e-7, "erf abs error")
    #expect(fastExp(-1e30) == 0 && fastExp(-.greatestFiniteMagnitude) == 0 && fastExp(0) == 1)
    #expect(fastErf(0) == 0 && fastErf(-3) < 0)
}
