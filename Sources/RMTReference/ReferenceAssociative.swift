// ReferenceAssociative: the associative-memory kernels of RMTKernels/AssociativeMemory.swift in
// Double, with textbook loops — the yardstick of the gradient checks (central differences prove
// these backwards; these backwards then hold the Float kernels). Same math, names and shapes;
// forwards return what they compute, backwards ADD into `inout` arrays. Slow by design.
// Size letters: T rows read, M memory rows written, D key size, K = 2·ν·D features, C channels.
import Foundation

public enum ReferenceAssociative {
    /// DPFP's p (2D) of x (D): [relu(x), relu(−x)].
    static func halves(_ x: ArraySlice<Double>) -> [Double] {
        x.map { max($0, 0) } + x.map { max(-$0, 0) }
    }

    /// φ (rows, 2·ν·D) of inp (rows, D): φ[s·2D + i] = p[i]·p[(i − s − 1) mod 2D].
    public static func dpfpForward(inp: [Double], rows: Int, dim D: Int, nu: Int) -> [Double] {
        let P = 2 * D
        var out: [Double] = []
        for r in 0..<rows {
            let p = halves(inp[(r * D)..<((r + 1) * D)])
            for s in 0..<nu {
                for i in 0..<P { out.append(p[i] * p[((i - s - 1) % P + P) % P]) }
            }
        }
        return out
    }

    /// dinp (rows, D) += ∂L/∂x from dout (rows, 2·ν·D).
    public static func dpfpBackward(dinp: inout [Double], dout: [Double], inp: [Double], rows: Int, dim D: Int, nu: Int) {
        let P = 2 * D, K = nu * P
        for r in 0..<rows {
            let p = halves(inp[(r * D)..<((r + 1) * D)])
            var dp = [Double](repeating: 0, count: P)
            for s in 0..<nu {
                for i in 0..<P {
                    let q = ((i - s - 1) % P + P) % P
                    dp[i] += dout[r * K + s * P + i] * p[q]
                    dp[q] += dout[r * K + s * P + i] * p[i]
                }
            }
            for i in 0..<D {
                let x = inp[r * D + i]
                if x > 0 { dinp[r * D + i] += dp[i] } else if x < 0 { dinp[r * D + i] -= dp[D + i] }
            }
        }
    }

    /// read (T, C) = φq·A / den, den (T) = φq·z + ε.
    public static func readForward(phiQ: [Double], a: [Double], z: [Double], rows T: Int, features K: Int,
                                   channels C: Int, eps: Double) -> (read: [Double], den: [Double]) {
        var read = [Double](repeating: 0, count: T * C), den = [Double](repeating: 0, count: T)
        for t in 0..<T {
            var d = eps
            for f in 0..<K { d += phiQ[t * K + f] * z[f] }
            den[t] = d
            for c in 0..<C {
                var s = 0.0
                for f in 0..<K { s += phiQ[t * K + f] * a[f * C + c] }
                read[t * C + c] = s / d
            }
        }
        return (read, den)
    }

    /// Backward of `readForward`: dPhiQ (T, K), dA (K, C), dz (K) += from dRead (T, C).
    public static func readBackward(dPhiQ: inout [Double], dA: inout [Double], dz: inout [Double], dRead: [Double],
                                    phiQ: [Double], a: [Double], z: [Double], rows T: Int, features K: Int,
                                    channels C: Int, eps: Double) {
        let (read, den) = readForward(phiQ: phiQ, a: a, z: z, rows: T, features: K, channels: C, eps: eps)
        for t in 0..<T {
            var dden = 0.0
            for c in 0..<C { dden -= dRead[t * C + c] * read[t * C + c] / den[t] }
            for f in 0..<K {
                var s = dden * z[f]
                for c in 0..<C {
                    let dnum = dRead[t * C + c] / den[t]
                    s += dnum * a[f * C + c]
                    dA[f * C + c] += phiQ[t * K + f] * dnum
                }
                dPhiQ[t * K + f] += s
                dz[f] += dden * phiQ[t * K + f]
            }
        }
    }

    /// The write's state after and what backward needs. `fixedGamma` replaces γ (the gradient
    /// checks hold it at its value at the point of expansion, as backward treats it).
    public static func writeForward(aIn: [Double], zIn: [Double], phiK: [Double], v: [Double], beta: [Double],
                                    memoryRows M: Int, features K: Int, channels C: Int, eps: Double,
                                    fixedGamma: [Double]? = nil)
        -> (a: [Double], z: [Double], prev: [Double], den: [Double], gamma: [Double]) {
        var a = aIn, z = zIn
        var prev = [Double](repeating: 0, count: M * C), den = [Double](repeating: 0, count: M)
        var gamma = [Double](repeating: 0, count: M)
        for j in 0..<M {
            var d = eps, kk = eps
            for f in 0..<K { d += phiK[j * K + f] * zIn[f]; kk += phiK[j * K + f] * phiK[j * K + f] }
            den[j] = d
            gamma[j] = fixedGamma?[j] ?? min(max(1 - d / kk, 0), 1)
            for c in 0..<C {
                var s = 0.0
                for f in 0..<K { s += phiK[j * K + f] * aIn[f * C + c] }
                prev[j * C + c] = s / d
            }
        }
        for j in 0..<M {
            for f in 0..<K {
                for c in 0..<C { a[f * C + c] += beta[j] * phiK[j * K + f] * (v[j * C + c] - prev[j * C + c]) }
                z[f] += gamma[j] * phiK[j * K + f]
            }
        }
        return (a, z, prev, den, gamma)
    }

    /// Backward of `writeForward` (γ constant): dAIn, dzIn, dPhiK, dV, dBeta += from dAOut, dzOut.
    public static func writeBackward(dAIn: inout [Double], dzIn: inout [Double], dPhiK: inout [Double],
                                     dV: inout [Double], dBeta: inout [Double], dAOut: [Double], dzOut: [Double],
                                     aIn: [Double], zIn: [Double], phiK: [Double], v: [Double], beta: [Double],
                                     memoryRows M: Int, features K: Int, channels C: Int, eps: Double) {
        let w = writeForward(aIn: aIn, zIn: zIn, phiK: phiK, v: v, beta: beta, memoryRows: M, features: K,
                             channels: C, eps: eps)
        for j in 0..<M {
            // A' = A + β_j φk_j ⊗ u_j, u_j = v_j − prev_j
            var dprev = [Double](repeating: 0, count: C)
            for f in 0..<K {
                for c in 0..<C {
                    let u = v[j * C + c] - w.prev[j * C + c], g = dAOut[f * C + c]
                    dBeta[j] += g * phiK[j * K + f] * u
                    dPhiK[j * K + f] += g * beta[j] * u
                    dV[j * C + c] += g * beta[j] * phiK[j * K + f]
                    dprev[c] -= g * beta[j] * phiK[j * K + f]
                }
                dPhiK[j * K + f] += w.gamma[j] * dzOut[f]
            }
            // prev_j = φk_j·A / den_j, den_j = φk_j·z + ε
            var dden = 0.0
            for c in 0..<C { dden -= dprev[c] * w.prev[j * C + c] / w.den[j] }
            for f in 0..<K {
                dPhiK[j * K + f] += dden * zIn[f]
                dzIn[f] += dden * phiK[j * K + f]
                for c in 0..<C {
                    let dnum = dprev[c] / w.den[j]
                    dPhiK[j * K + f] += dnum * aIn[f * C + c]
                    dAIn[f * C + c] += phiK[j * K + f] * dnum
                }
            }
        }
        for i in dAOut.indices { dAIn[i] += dAOut[i] }
        for i in dzOut.indices { dzIn[i] += dzOut[i] }
    }
}
