// Mixed-precision training's linear layer (Linear.swift, `training:` / `bf16:`): the forward and
// both backward products with bf16-rounded inputs and fp32 sums, accumulated into what the
// gradients held — held against the Double sum of the same rounded values on the plain-loop twin
// (every CPU) and on each SIMD bf16 kernel this CPU runs (elsewhere: the twin only; the kernel
// tests in BF16Tests are reported as skipped there), and with `bf16: nil` the fp32 path unchanged.
import RMTBase
import RMTKernels
import RMTReference
import RMTTestSupport
import Testing

private struct LinearCase {
    let rows: Int, inDim: Int, outDim: Int
    let inp: [Float], weight: [Float], bias: [Float], dout: [Float], dinp0: [Float], dweight0: [Float]

    init(rows: Int, inDim: Int, outDim: Int, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        func draw(_ n: Int, _ scale: Float) -> [Float] { (0..<n).map { _ in rng.nextNormal() * scale } }
        (self.rows, self.inDim, self.outDim) = (rows, inDim, outDim)
        inp = draw(rows * inDim, 1); weight = draw(outDim * inDim, 0.3); bias = draw(outDim, 0.1)
        dout = draw(rows * outDim, 0.5); dinp0 = draw(rows * inDim, 0.1); dweight0 = draw(outDim * inDim, 0.1)
    }
}

/// x rounded to bf16 and back, in Double.
private func r(_ x: Float) -> Double { Double(floatFromBF16(bf16Bits(x))) }

/// `got` against Σ terms (+ start) in Double, within 2·(k + 3) roundings of Σ|terms| + |start|.
private func expectSums(_ got: [Float], count: Int, k: Int, _ what: String,
                        _ start: (Int) -> Double, _ term: (Int, Int) -> Double) {
    var worst = 0.0
    for i in 0..<count {
        var sum = start(i), magnitude = abs(start(i))
        for j in 0..<k { let t = term(i, j); sum += t; magnitude += abs(t) }
        let error = abs(Double(got[i]) - sum), bound = 2 * Double(k + 3) * 0x1p-24 * magnitude + 1e-30
        worst = max(worst, error / bound)
    }
    #expect(worst <= 1, "\(what): worst error \(worst) of the bound")
}

@Test(arguments: [(1, 3, 5), (7, 16, 12), (37, 40, 33), (130, 65, 96)])
func trainingLinearInBF16SumsTheRoundedInputs(shape: (Int, Int, Int)) {
    let (rows, inDim, outDim) = shape
    let t = LinearCase(rows: rows, inDim: inDim, outDim: outDim, seed: UInt64(rows * 1000 + inDim))
    for kernel in BF16Kernel.allCases where kernel.isAvailable {
        let compute = ComputeOptions(threads: 2)
        // Forward: out = inp · Wᵀ + bias.
        var out = [Float](repeating: .nan, count: rows * outDim)
        linearForward(out: &out, inp: t.inp, weight: t.weight, bias: t.bias, rows: rows, inDim: inDim, outDim: outDim,
                      training: kernel, compute: compute)
        expectSums(out, count: rows * outDim, k: inDim, "\(kernel) forward \(shape)", { Double(t.bias[$0 % outDim]) }) { i, j in
            r(t.inp[(i / outDim) * inDim + j]) * r(t.weight[(i % outDim) * inDim + j])
        }
        // Backward: dinp += dout · W, dW += doutᵀ · inp, dbias += Σ dout (fp32).
        var dinp = t.dinp0, dweight = t.dweight0, dbias = [Float](repeating: 0, count: outDim)
        linearBackward(dinp: &dinp, dweight: &dweight, dbias: &dbias, dout: t.dout, inp: t.inp, weight: t.weight,
                       rows: rows, inDim: inDim, outDim: outDim, bf16: kernel, compute: compute)
        expectSums(dinp, count: rows * inDim, k: outDim, "\(kernel) dinp \(shape)", { Double(t.dinp0[$0]) }) { i, o in
            r(t.dout[(i / inDim) * outDim + o]) * r(t.weight[o * inDim + i % inDim])
        }
        expectSums(dweight, count: outDim * inDim, k: rows, "\(kernel) dweight \(shape)", { Double(t.dweight0[$0]) }) { i, row in
            r(t.dout[row * outDim + i / inDim]) * r(t.inp[row * inDim + i % inDim])
        }
        for o in 0..<outDim {
            let sum = (0..<rows).reduce(0.0) { $0 + Double(t.dout[$1 * outDim + o]) }
            #expect(abs(Double(dbias[o]) - sum) <= 1e-5 * (1 + abs(sum)), "bias gradient stays fp32")
        }
    }
}

@Test func trainingLinearWithoutAKernelIsTheFP32Product() {
    let t = LinearCase(rows: 9, inDim: 20, outDim: 11, seed: 5)
    var a = t.dinp0, wa = t.dweight0, b = t.dinp0, wb = t.dweight0
    linearBackward(dinp: &a, dweight: &wa, dbias: nil, dout: t.dout, inp: t.inp, weight: t.weight,
                   rows: 9, inDim: 20, outDim: 11)
    linearBackward(dinp: &b, dweight: &wb, dbias: nil, dout: t.dout, inp: t.inp, weight: t.weight,
                   rows: 9, inDim: 20, outDim: 11, bf16: nil)
    #expect(a == b && wa == wb)
    // And fp32 differs from bf16 (the rounding is real): the fp32 sums of unrounded inputs.
    var c = t.dinp0, wc = t.dweight0
    linearBackward(dinp: &c, dweight: &wc, dbias: nil, dout: t.dout, inp: t.inp, weight: t.weight,
                   rows: 9, inDim: 20, outDim: 11, bf16: .twin)
    #expect(c != a && wc != wa)
    expectClose(c, a, relative: 2e-2, scaleFloor: 1, "bf16 within its rounding of fp32")
}
