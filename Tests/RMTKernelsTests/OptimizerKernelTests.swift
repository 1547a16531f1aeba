// The optimizer's element loops at every vector level this CPU has against their plain loops
// (the `.swift` level): AdamW bit for bit — the C kernels use no fused multiply-add, so every
// lane rounds as the loop does — over lengths that exercise the vector body and the scalar
// tail, in one thread and split over several; the Double sum of squares to Double rounding.
import Foundation
import RMTKernels
import Testing

@Test(arguments: [1, 15, 16, 17, 1000, 4096 * 3 + 5])
func adamWIsBitIdenticalToItsPlainLoopAtEveryLevel(count: Int) {
    let p0 = randomBuffer(count, seed: 11, std: 0.5), g0 = randomBuffer(count, seed: 12, std: 2)
    g0[0] = 0  // a row the step did not touch: m and v only decay
    if count > 3 { g0[3] = 1e-30; p0[2] = -0 }  // a tiny gradient and a signed zero
    func run(_ level: VectorUnit.Level, threads: Int) -> (FloatBuffer, FloatBuffer, FloatBuffer) {
        let p = FloatBuffer(Array(p0.buffer)), m = FloatBuffer(count: count), v = FloatBuffer(count: count)
        for step in 1...3 {  // moments that already hold something from the second step on
            let g = FloatBuffer((0..<count).map { g0[$0] * Float(step) })
            let c1 = 1 - powf(0.9, Float(step)), c2 = 1 - powf(0.999, Float(step))
            adamWUpdate(p: p.pointer, g: g.pointer, m: m.pointer, v: v.pointer, count: count, b1: 0.9, b2: 0.999,
                        c1: c1, c2: c2, eps: 1e-8, lr: 1e-3, wd: step == 2 ? 0 : 0.01,
                        compute: ComputeOptions(vector: level, threads: threads))
        }
        return (p, m, v)
    }
    let (pWant, mWant, vWant) = run(.swift, threads: 1)
    for level in VectorUnit.available {
        for threads in [1, 3] {
            let (p, m, v) = run(level, threads: threads)
            for i in 0..<count {
                #expect(p[i].bitPattern == pWant[i].bitPattern && m[i].bitPattern == mWant[i].bitPattern
                        && v[i].bitPattern == vWant[i].bitPattern,
                        "level \(level), \(threads) threads, element \(i): p \(p[i]) vs \(pWant[i])")
            }
        }
    }
    #expect((0..<count).contains { pWant[$0] != p0[$0] })  // the step moved the parameters
}

@Test func adamWPropagatesNaNAtEveryLevel() {
    for level in VectorUnit.available {
        let p = FloatBuffer(count: 40), g = FloatBuffer(count: 40), m = FloatBuffer(count: 40), v = FloatBuffer(count: 40)
        g[5] = .nan; g[37] = .nan  // one in the vector body, one in the tail
        adamWUpdate(p: p.pointer, g: g.pointer, m: m.pointer, v: v.pointer, count: 40, b1: 0.9, b2: 0.999, c1: 0.1, c2: 0.001,
                    eps: 1e-8, lr: 1e-3, wd: 0.01, compute: ComputeOptions(vector: level, threads: 1))
        #expect(p[5].isNaN && p[37].isNaN && p[4] == 0, "level \(level)")
    }
}

@Test(arguments: [0, 7, 16, 33, 100_003])
func sumOfSquaresMatchesItsPlainLoopAtEveryLevel(count: Int) {
    let x = randomBuffer(max(count, 1), seed: 5, std: 3)
    if count > 20 { x[20] = 3e19; x[1] = 1e-20 }  // squares beyond Float's range stay finite in Double
    let want = sumOfSquares(x.pointer, count: count, level: .swift)
    for level in VectorUnit.available {
        let got = sumOfSquares(x.pointer, count: count, level: level)
        #expect(abs(got - want) <= 1e-13 * want, "level \(level): \(got) vs \(want)")
    }
    if count > 20 { #expect(want.isFinite && want > 8e38) }
    if count == 0 { #expect(want == 0) }
}
