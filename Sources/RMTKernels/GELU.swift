// GELU: the exact (erf) Gaussian error linear unit used by BERT, gelu(x) = x·Φ(x)
// = 0.5·x·(1 + erf(x/√2)) — not the tanh approximation.
// Elements split over cores; each range runs the AVX-512/AVX2 C kernel (VectorUnit.swift) or,
// without one, the branch-free scalar erf (fastErf, VectorMath.swift) in a plain loop.
// Plain-loop twin: Reference.geluForward.
import CRMTVector

/// out[i] = gelu(inp[i]) for i in 0..<count. `out` may alias `inp`.
public func geluForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int,
                        compute: ComputeOptions = .default) {
    let blocks = (count + 1023) / 1024, level = compute.rows
    Parallel.forEachRange(blocks, costPerItem: 1024 * 8, threads: compute.threads) { range in
        let lo = range.lowerBound * 1024
        let hi = min(count, range.upperBound * 1024)
        geluRange(out: out + lo, inp: inp + lo, count: hi - lo, level: level)
    }
}

/// Backward of `geluForward`: dinp[i] += dout[i] · gelu′(inp[i]), with the exact derivative
/// gelu′(x) = Φ(x) + x·φ(x) = 0.5·(1 + erf(x/√2)) + x·exp(−x²/2)/√(2π).
/// - Parameters:
///   - dinp: (count), accumulated; must not alias `dout`.
///   - dout: (count) — gradient with respect to the forward output.
///   - inp: (count) — the forward input (pre-activation).
public func geluBackward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                         inp: UnsafePointer<Float>, count: Int, compute: ComputeOptions = .default) {
    let blocks = (count + 1023) / 1024, level = compute.rows
    Parallel.forEachRange(blocks, costPerItem: 1024 * 12, threads: compute.threads) { range in
        let lo = range.lowerBound * 1024
        let hi = min(count, range.upperBound * 1024)
        geluBackwardRange(dinp: dinp + lo, dout: dout + lo, inp: inp + lo, count: hi - lo, level: level)
    }
}

/// gelu over `count` elements on one thread, at `level`. out (count) may alias inp (count).
@inline(__always)
public func geluRange(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int,
                      level: VectorUnit.Level) {
    if level != .swift, rmt_gelu_forward(level.rawValue, out, inp, count) != 0 { return }
    for i in 0..<count {
        let x = inp[i]
        out[i] = 0.5 * x * (1 + fastErf(x * 0.707_106_781_186_547_5))
    }
}

/// dinp (count) += dout (count) · gelu′(inp (count)) on one thread, at `level`.
@inline(__always)
public func geluBackwardRange(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                              inp: UnsafePointer<Float>, count: Int, level: VectorUnit.Level) {
    if level != .swift, rmt_gelu_backward(level.rawValue, dinp, dout, inp, count) != 0 { return }
    for i in 0..<count { dinp[i] += dout[i] * geluDerivative(inp[i]) }
}

/// gelu′(x) = Φ(x) + x·φ(x); erf(x/√2) and exp(−x²/2) come from one shared exp.
@inline(__always)
func geluDerivative(_ x: Float) -> Float {
    let (magnitude, gauss) = fastErfMagnitudeAndGauss(x * 0.707_106_781_186_547_5)
    let erf = Float(bitPattern: magnitude.bitPattern | (x.bitPattern & 0x8000_0000))
    return 0.5 * (1 + erf) + x * gauss * 0.398_942_280_401_432_7  // 1/√(2π)
}
