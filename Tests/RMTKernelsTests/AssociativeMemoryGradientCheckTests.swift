// The associative-memory kernels (AssociativeMemory.swift) in the two steps of GradientCheckTests:
// the Double backward (ReferenceAssociative) against central differences, then the Float kernels
// against the Double ones — for the DPFP feature map, the read, the delta-rule write (γ held
// constant, as backward treats it), and two segments chained through the state (A, z) with the
// query, key, value and β projections, as the encoder will compose them.
import Foundation
import RMTKernels
import RMTReference
import RMTTestSupport
import Testing

private let eps = 1e-5

/// Non-negative seeded values (features and normalisers are ≥ 0 by construction).
private func positives(_ n: Int, seed: UInt64, offset: Double = 0.1) -> [Double] {
    randomDoubles(n, seed: seed).map { abs($0) + offset }
}

@Test func dpfpGradientCheck() {
    let (rows, D, nu) = (3, 4, 3), K = 2 * nu * D
    let x = randomDoubles(rows * D, seed: 11), r = randomDoubles(rows * K, seed: 12)
    func loss(_ x: [Double]) -> Double { dot(r, ReferenceAssociative.dpfpForward(inp: x, rows: rows, dim: D, nu: nu)) }
    var dx = zeros(x.count)
    ReferenceAssociative.dpfpBackward(dinp: &dx, dout: r, inp: x, rows: rows, dim: D, nu: nu)
    expectClose(dx, numericalGradient(at: x, loss), relative: doubleTolerance, "dinp")

    let xF = FloatBuffer(doubles: x), yF = FloatBuffer(count: rows * K), dxF = FloatBuffer(count: x.count)
    dpfpForward(out: yF.pointer, inp: xF.pointer, rows: rows, dim: D, nu: nu)
    expectClose(yF.doubles, ReferenceAssociative.dpfpForward(inp: x, rows: rows, dim: D, nu: nu),
                relative: floatTolerance, "fast forward")
    let rF = FloatBuffer(doubles: r)  // every buffer a named constant: a temporary's pointer would dangle
    dpfpBackward(dinp: dxF.pointer, dout: rF.pointer, inp: xF.pointer, rows: rows, dim: D, nu: nu)
    expectClose(dxF.doubles, dx, relative: floatTolerance, "fast dinp")
    withExtendedLifetime(rF) {}
}

@Test func dpfpMatchesARMTsFeatureMapOnAWorkedExample() {
    // x = (1, −2): p = [relu(x), relu(−x)] = (1, 0, 0, 2); ν = 1 multiplies p by p rolled by one,
    // (2, 1, 0, 0): φ = (2, 0, 0, 0). ν = 2 appends p times p rolled by two, (0, 2, 1, 0): (0, 0, 0, 0).
    #expect(ReferenceAssociative.dpfpForward(inp: [1, -2], rows: 1, dim: 2, nu: 1) == [2, 0, 0, 0])
    #expect(ReferenceAssociative.dpfpForward(inp: [1, -2], rows: 1, dim: 2, nu: 2) == [2, 0, 0, 0, 0, 0, 0, 0])
    // x = (3, 0.5): p = (3, 0.5, 0, 0); roll 1 → (0, 3, 0.5, 0): φ = (0, 1.5, 0, 0).
    #expect(ReferenceAssociative.dpfpForward(inp: [3, 0.5], rows: 1, dim: 2, nu: 1) == [0, 1.5, 0, 0])
}

@Test func associativeReadGradientCheck() {
    let (T, K, C) = (4, 6, 5)
    let phiQ = positives(T * K, seed: 21), a = randomDoubles(K * C, seed: 22), z = positives(K, seed: 23)
    let r = randomDoubles(T * C, seed: 24)
    func loss(_ q: [Double], _ a: [Double], _ z: [Double]) -> Double {
        dot(r, ReferenceAssociative.readForward(phiQ: q, a: a, z: z, rows: T, features: K, channels: C, eps: eps).read)
    }
    var dq = zeros(phiQ.count), da = zeros(a.count), dz = zeros(z.count)
    ReferenceAssociative.readBackward(dPhiQ: &dq, dA: &da, dz: &dz, dRead: r, phiQ: phiQ, a: a, z: z,
                                      rows: T, features: K, channels: C, eps: eps)
    expectClose(dq, numericalGradient(at: phiQ) { loss($0, a, z) }, relative: doubleTolerance, "dPhiQ")
    expectClose(da, numericalGradient(at: a) { loss(phiQ, $0, z) }, relative: doubleTolerance, "dA")
    expectClose(dz, numericalGradient(at: z) { loss(phiQ, a, $0) }, relative: doubleTolerance, "dz")

    let qF = FloatBuffer(doubles: phiQ), aF = FloatBuffer(doubles: a), zF = FloatBuffer(doubles: z)
    let read = FloatBuffer(count: T * C), den = FloatBuffer(count: T)
    associativeReadForward(read: read.pointer, den: den.pointer, phiQ: qF.pointer, a: aF.pointer, z: zF.pointer,
                           rows: T, features: K, channels: C, eps: Float(eps))
    let expected = ReferenceAssociative.readForward(phiQ: phiQ, a: a, z: z, rows: T, features: K, channels: C, eps: eps)
    expectClose(read.doubles, expected.read, relative: floatTolerance, "fast read")
    expectClose(den.doubles, expected.den, relative: floatTolerance, "fast den")
    let dqF = FloatBuffer(count: T * K), daF = FloatBuffer(count: K * C), dzF = FloatBuffer(count: K)
    let rF = FloatBuffer(doubles: r), dNum = FloatBuffer(count: T * C)
    associativeReadBackward(dPhiQ: dqF.pointer, dA: daF.pointer, dz: dzF.pointer, dRead: rF.pointer,
                            read: read.pointer, den: den.pointer, phiQ: qF.pointer, a: aF.pointer, z: zF.pointer,
                            dNum: dNum.pointer, rows: T, features: K, channels: C)
    expectClose(dqF.doubles, dq, relative: floatTolerance, "fast dPhiQ")
    expectClose(daF.doubles, da, relative: floatTolerance, "fast dA")
    expectClose(dzF.doubles, dz, relative: floatTolerance, "fast dz")
    withExtendedLifetime((qF, aF, zF, rF, dNum)) {}
}

@Test func associativeWriteGradientCheck() {
    let (M, K, C) = (3, 6, 5)
    let a = randomDoubles(K * C, seed: 31), z = positives(K, seed: 32), phiK = positives(M * K, seed: 33)
    let v = randomDoubles(M * C, seed: 34), beta = positives(M, seed: 35, offset: 0).map { 1 / (1 + $0) }
    let rA = randomDoubles(K * C, seed: 36), rz = randomDoubles(K, seed: 37)
    let gamma = ReferenceAssociative.writeForward(aIn: a, zIn: z, phiK: phiK, v: v, beta: beta, memoryRows: M,
                                                  features: K, channels: C, eps: eps).gamma
    func loss(_ a: [Double], _ z: [Double], _ k: [Double], _ v: [Double], _ b: [Double]) -> Double {
        let w = ReferenceAssociative.writeForward(aIn: a, zIn: z, phiK: k, v: v, beta: b, memoryRows: M,
                                                  features: K, channels: C, eps: eps, fixedGamma: gamma)
        return dot(rA, w.a) + dot(rz, w.z)
    }
    var da = zeros(a.count), dz = zeros(z.count), dk = zeros(phiK.count), dv = zeros(v.count), db = zeros(M)
    ReferenceAssociative.writeBackward(dAIn: &da, dzIn: &dz, dPhiK: &dk, dV: &dv, dBeta: &db, dAOut: rA, dzOut: rz,
                                       aIn: a, zIn: z, phiK: phiK, v: v, beta: beta, memoryRows: M, features: K,
                                       channels: C, eps: eps)
    expectClose(da, numericalGradient(at: a) { loss($0, z, phiK, v, beta) }, relative: doubleTolerance, "dA")
    expectClose(dz, numericalGradient(at: z) { loss(a, $0, phiK, v, beta) }, relative: doubleTolerance, "dz")
    expectClose(dk, numericalGradient(at: phiK) { loss(a, z, $0, v, beta) }, relative: doubleTolerance, "dPhiK")
    expectClose(dv, numericalGradient(at: v) { loss(a, z, phiK, $0, beta) }, relative: doubleTolerance, "dV")
    expectClose(db, numericalGradient(at: beta) { loss(a, z, phiK, v, $0) }, relative: doubleTolerance, "dBeta")

    // Float, out of place and in place (aOut = aIn, zOut = zIn).
    let expected = ReferenceAssociative.writeForward(aIn: a, zIn: z, phiK: phiK, v: v, beta: beta, memoryRows: M,
                                                     features: K, channels: C, eps: eps)
    let aF = FloatBuffer(doubles: a), zF = FloatBuffer(doubles: z), kF = FloatBuffer(doubles: phiK)
    let vF = FloatBuffer(doubles: v), bF = FloatBuffer(doubles: beta)
    let prev = FloatBuffer(count: M * C), den = FloatBuffer(count: M), gammaF = FloatBuffer(count: M)
    let scratch = FloatBuffer(count: M * (K + C))
    let aOut = FloatBuffer(count: K * C), zOut = FloatBuffer(count: K)
    associativeWriteForward(aOut: aOut.pointer, zOut: zOut.pointer, prev: prev.pointer, den: den.pointer,
                            gamma: gammaF.pointer, aIn: aF.pointer, zIn: zF.pointer, phiK: kF.pointer, v: vF.pointer,
                            beta: bF.pointer, scratch: scratch.pointer, memoryRows: M, features: K, channels: C,
                            eps: Float(eps))
    expectClose(aOut.doubles, expected.a, relative: floatTolerance, "fast A'")
    expectClose(zOut.doubles, expected.z, relative: floatTolerance, "fast z'")
    expectClose(prev.doubles, expected.prev, relative: floatTolerance, "fast prev")
    expectClose(gammaF.doubles, expected.gamma, relative: floatTolerance, "fast gamma")
    let aInPlace = FloatBuffer(doubles: a), zInPlace = FloatBuffer(doubles: z)
    associativeWriteForward(aOut: aInPlace.pointer, zOut: zInPlace.pointer, prev: prev.pointer, den: den.pointer,
                            gamma: gammaF.pointer, aIn: aInPlace.pointer, zIn: zInPlace.pointer, phiK: kF.pointer,
                            v: vF.pointer, beta: bF.pointer, scratch: scratch.pointer, memoryRows: M, features: K,
                            channels: C, eps: Float(eps))
    #expect(aInPlace.array == aOut.array && zInPlace.array == zOut.array, "in place = out of place")

    let daF = FloatBuffer(count: K * C), dzF = FloatBuffer(count: K), dkF = FloatBuffer(count: M * K)
    let dvF = FloatBuffer(count: M * C), dbF = FloatBuffer(count: M)
    let rAF = FloatBuffer(doubles: rA), rzF = FloatBuffer(doubles: rz)
    let scratch1 = FloatBuffer(count: M * C), scratch2 = FloatBuffer(count: M * C)
    associativeWriteBackward(dAIn: daF.pointer, dzIn: dzF.pointer, dPhiK: dkF.pointer, dV: dvF.pointer, dBeta: dbF.pointer,
                             dAOut: rAF.pointer, dzOut: rzF.pointer,
                             aIn: aF.pointer, zIn: zF.pointer, phiK: kF.pointer, v: vF.pointer, beta: bF.pointer,
                             prev: prev.pointer, den: den.pointer, gamma: gammaF.pointer,
                             scratch1: scratch1.pointer, scratch2: scratch2.pointer,
                             memoryRows: M, features: K, channels: C)
    expectClose(daF.doubles, da, relative: floatTolerance, "fast dA")
    expectClose(dzF.doubles, dz, relative: floatTolerance, "fast dz")
    expectClose(dkF.doubles, dk, relative: floatTolerance, "fast dPhiK")
    expectClose(dvF.doubles, dv, relative: floatTolerance, "fast dV")
    expectClose(dbF.doubles, db, relative: floatTolerance, "fast dBeta")
    withExtendedLifetime((aF, zF, kF, vF, bF, den, scratch, rAF, rzF, scratch1, scratch2)) {}
}

@Test func associativeWriteOnAnEmptyStateStoresTheValues() {
    // A = 0, z = 0: prev = 0, so A' = Σ β_j φk_jᵀ v_j; reading A' back with a key's own features
    // and z' = Σ γ_j φk_j returns that key's value when the keys' features are orthogonal.
    let (K, C) = (4, 2)
    let phiK: [Double] = [1, 0, 0, 0,  0, 2, 0, 0], v: [Double] = [3, -1,  5, 7], beta: [Double] = [1, 1]
    let w = ReferenceAssociative.writeForward(aIn: zeros(K * C), zIn: zeros(K), phiK: phiK, v: v, beta: beta,
                                              memoryRows: 2, features: K, channels: C, eps: 1e-12)
    expectClose(w.gamma, [1, 1], abs: 1e-11, "γ on an empty state")
    #expect(w.prev.allSatisfy { $0 == 0 })
    let read = ReferenceAssociative.readForward(phiQ: phiK, a: w.a, z: w.z, rows: 2, features: K, channels: C, eps: 1e-12).read
    expectClose(read, v, abs: 1e-9, "each key reads its own value back")
}

/// Two segments of one layer, chained through the state as the encoder will run them (the layer
/// itself the identity here): h' = h + read(φ(h·W_qᵀ)); the first M rows of h' write with
/// φ(y·W_kᵀ), y·W_vᵀ and σ(y·w_β + b_β). The loss reads both segments' h' and the final state.
private struct Chain {
    let T = 4, M = 2, C = 5, D = 3, nu = 2
    var K: Int { 2 * nu * D }
    var h1: [Double], h2: [Double], wq: [Double], wk: [Double], wv: [Double], wb: [Double], bb: [Double]
    var a0: [Double], z0: [Double]
    let r1: [Double], r2: [Double], rA: [Double], rz: [Double]

    init() {
        h1 = randomDoubles(T * C, seed: 41); h2 = randomDoubles(T * C, seed: 42)
        wq = randomDoubles(D * C, seed: 43, std: 0.7); wk = randomDoubles(D * C, seed: 44, std: 0.7)
        wv = randomDoubles(C * C, seed: 45, std: 0.5); wb = randomDoubles(C, seed: 46, std: 0.5); bb = [0.2]
        a0 = randomDoubles(2 * nu * D * C, seed: 47, std: 0.3); z0 = positives(2 * nu * D, seed: 48)
        r1 = randomDoubles(T * C, seed: 49); r2 = randomDoubles(T * C, seed: 50)
        rA = randomDoubles(2 * nu * D * C, seed: 51); rz = randomDoubles(2 * nu * D, seed: 52)
    }

    struct Step { var q, phiQ, hOut, y, k, phiK, v, beta: [Double]; var aOut, zOut, gamma: [Double] }

    func step(_ h: [Double], _ a: [Double], _ z: [Double], gamma: [Double]?) -> Step {
        let q = ReferenceDouble.linearForward(inp: h, weight: wq, bias: nil, rows: T, inDim: C, outDim: D)
        let phiQ = ReferenceAssociative.dpfpForward(inp: q, rows: T, dim: D, nu: nu)
        let read = ReferenceAssociative.readForward(phiQ: phiQ, a: a, z: z, rows: T, features: K, channels: C, eps: eps).read
        let hOut = zip(h, read).map { $0 + $1 }
        let y = Array(hOut[0..<(M * C)])
        let k = ReferenceDouble.linearForward(inp: y, weight: wk, bias: nil, rows: M, inDim: C, outDim: D)
        let phiK = ReferenceAssociative.dpfpForward(inp: k, rows: M, dim: D, nu: nu)
        let v = ReferenceDouble.linearForward(inp: y, weight: wv, bias: nil, rows: M, inDim: C, outDim: C)
        let beta = ReferenceDouble.linearForward(inp: y, weight: wb, bias: bb, rows: M, inDim: C, outDim: 1)
            .map { 1 / (1 + exp(-$0)) }
        let w = ReferenceAssociative.writeForward(aIn: a, zIn: z, phiK: phiK, v: v, beta: beta, memoryRows: M,
                                                  features: K, channels: C, eps: eps, fixedGamma: gamma)
        return Step(q: q, phiQ: phiQ, hOut: hOut, y: y, k: k, phiK: phiK, v: v, beta: beta,
                    aOut: w.a, zOut: w.z, gamma: w.gamma)
    }

    func loss(gammas: [[Double]]? = nil) -> Double {
        let s1 = step(h1, a0, z0, gamma: gammas?[0]), s2 = step(h2, s1.aOut, s1.zOut, gamma: gammas?[1])
        return dot(r1, s1.hOut) + dot(r2, s2.hOut) + dot(rA, s2.aOut) + dot(rz, s2.zOut)
    }

    /// Hand-composed backward: segment 2, then segment 1 with the state gradient it returns.
    func gradients() -> (h1: [Double], h2: [Double], wq: [Double], wk: [Double], wv: [Double], wb: [Double],
                         bb: [Double], a0: [Double], z0: [Double]) {
        let s1 = step(h1, a0, z0, gamma: nil), s2 = step(h2, s1.aOut, s1.zOut, gamma: nil)
        var dwq = zeros(wq.count), dwk = zeros(wk.count), dwv = zeros(wv.count), dwb = zeros(C), dbb = zeros(1)
        func back(_ s: Step, h: [Double], a: [Double], z: [Double], dhOut: [Double], dAOut: [Double], dzOut: [Double])
            -> (dh: [Double], dA: [Double], dz: [Double]) {
            var dA = zeros(a.count), dz = zeros(z.count), dPhiK = zeros(s.phiK.count), dv = zeros(s.v.count)
            var dBeta = zeros(M)
            ReferenceAssociative.writeBackward(dAIn: &dA, dzIn: &dz, dPhiK: &dPhiK, dV: &dv, dBeta: &dBeta,
                                               dAOut: dAOut, dzOut: dzOut, aIn: a, zIn: z, phiK: s.phiK, v: s.v,
                                               beta: s.beta, memoryRows: M, features: K, channels: C, eps: eps)
            var dy = zeros(M * C), dk = zeros(s.k.count)
            let dLogit = (0..<M).map { dBeta[$0] * s.beta[$0] * (1 - s.beta[$0]) }
            ReferenceDouble.linearBackward(dinp: &dy, dweight: &dwb, dbias: &dbb, dout: dLogit, inp: s.y, weight: wb,
                                           rows: M, inDim: C, outDim: 1)
            var unusedBias = zeros(C)
            ReferenceDouble.linearBackward(dinp: &dy, dweight: &dwv, dbias: &unusedBias, dout: dv, inp: s.y,
                                           weight: wv, rows: M, inDim: C, outDim: C)
            ReferenceAssociative.dpfpBackward(dinp: &dk, dout: dPhiK, inp: s.k, rows: M, dim: D, nu: nu)
            var unusedKeyBias = zeros(D)
            ReferenceDouble.linearBackward(dinp: &dy, dweight: &dwk, dbias: &unusedKeyBias, dout: dk, inp: s.y,
                                           weight: wk, rows: M, inDim: C, outDim: D)
            var dh = dhOut
            for i in 0..<(M * C) { dh[i] += dy[i] }
            // h' = h + read: the read's gradient is dh' itself; h gets dh' plus the query path.
            var dPhiQ = zeros(s.phiQ.count), dq = zeros(s.q.count)
            ReferenceAssociative.readBackward(dPhiQ: &dPhiQ, dA: &dA, dz: &dz, dRead: dh, phiQ: s.phiQ, a: a, z: z,
                                              rows: T, features: K, channels: C, eps: eps)
            ReferenceAssociative.dpfpBackward(dinp: &dq, dout: dPhiQ, inp: s.q, rows: T, dim: D, nu: nu)
            var dhIn = dh, unusedQueryBias = zeros(D)
            ReferenceDouble.linearBackward(dinp: &dhIn, dweight: &dwq, dbias: &unusedQueryBias, dout: dq, inp: h,
                                           weight: wq, rows: T, inDim: C, outDim: D)
            return (dhIn, dA, dz)
        }
        let g2 = back(s2, h: h2, a: s1.aOut, z: s1.zOut, dhOut: r2, dAOut: rA, dzOut: rz)
        let g1 = back(s1, h: h1, a: a0, z: z0, dhOut: r1, dAOut: g2.dA, dzOut: g2.dz)
        return (g1.dh, g2.dh, dwq, dwk, dwv, dwb, dbb, g1.dA, g1.dz)
    }
}

@Test func associativeMemoryTwoSegmentChainGradientCheck() {
    let chain = Chain()
    let s1 = chain.step(chain.h1, chain.a0, chain.z0, gamma: nil)
    let gammas = [s1.gamma, chain.step(chain.h2, s1.aOut, s1.zOut, gamma: nil).gamma]
    let g = chain.gradients()
    func check(_ analytic: [Double], _ at: [Double], _ name: String, _ set: @escaping (inout Chain, [Double]) -> Void) {
        let numeric = numericalGradient(at: at) { x in
            var c = chain
            set(&c, x)
            return c.loss(gammas: gammas)
        }
        expectClose(analytic, numeric, relative: doubleTolerance, name)
    }
    check(g.h1, chain.h1, "h1") { $0.h1 = $1 }
    check(g.h2, chain.h2, "h2") { $0.h2 = $1 }
    check(g.wq, chain.wq, "W_q") { $0.wq = $1 }
    check(g.wk, chain.wk, "W_k") { $0.wk = $1 }
    check(g.wv, chain.wv, "W_v") { $0.wv = $1 }
    check(g.wb, chain.wb, "w_β") { $0.wb = $1 }
    check(g.bb, chain.bb, "b_β") { $0.bb = $1 }
    check(g.a0, chain.a0, "A₀") { $0.a0 = $1 }
    check(g.z0, chain.z0, "z₀") { $0.z0 = $1 }
    #expect(g.wq.contains { $0 != 0 } && g.wk.contains { $0 != 0 }, "the query and key projections get gradients")
}
