// GELU: the exact (erf) Gaussian error linear unit used by BERT, gelu(x) = x·Φ(x)
// = 0.5·x·(1 + erf(x/√2)) — not the tanh approximation.
// Branch-free scalar erf (fastErf, VectorMath.swift) in a plain loop that auto-vectorises,
// elements split over cores.
// Plain-loop twin: Reference.geluForward.

/// out[i] = gelu(inp[i]) for i in 0..<count. `out` may alias `inp`.
public func geluForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
    let blocks = (count + 1023) / 1024
    Parallel.forEachRange(blocks, costPerItem: 1024 * 8) { range in
        let lo = range.lowerBound * 1024
        let hi = min(count, range.upperBound * 1024)
        for i in lo..<hi {
            let x = inp[i]
            out[i] = 0.5 * x * (1 + fastErf(x * 0.707_106_781_186_547_5))
        }
    }
}

/// Backward of `geluForward`: dinp[i] += dout[i] · gelu′(inp[i]), with the exact derivative
/// gelu′(x) = Φ(x) + x·φ(x) = 0.5·(1 + erf(x/√2)) + x·exp(−x²/2)/√(2π).
/// - Parameters:
///   - dinp: (count), accumulated; must not alias `dout`.
///   - dout: (count) — gradient with respect to the forward output.
///   - inp: (count) — the forward input (pre-activation).
public func geluBackward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                         inp: UnsafePointer<Float>, count: Int) {
    let blocks = (count + 1023) / 1024
    Parallel.forEachRange(blocks, costPerItem: 1024 * 12) { range in
        let lo = range.lowerBound * 1024
        let hi = min(count, range.upperBound * 1024)
        var i = lo
        while i + 8 <= hi {
            store8(load8(dinp + i) + load8(dout + i) * geluDerivative(load8(inp + i)), dinp + i)
            i += 8
        }
        if i < hi {
            var x = Float8()
            for j in 0..<(hi - i) { x[j] = inp[i + j] }
            let g = geluDerivative(x)
            for j in 0..<(hi - i) { dinp[i + j] += dout[i + j] * g[j] }
        }
    }
}

/// gelu′(x) = Φ(x) + x·φ(x) for 8 lanes. Φ uses `simdErf`'s formula (A&S 7.1.26) inlined,
/// so that its exp(−x²/2) also gives φ: one SIMD exp instead of two.
@inline(__always)
func geluDerivative(_ x: Float8) -> Float8 {
    let a = abs(x * 0.707_106_781_186_547_5)
    let t = 1 / (1 + 0.327_591_1 * a)
    var p = Float8(repeating: 1.061_405_429)
    p = p * t - 1.453_152_027
    p = p * t + 1.421_413_741
    p = p * t - 0.284_496_736
    p = p * t + 0.254_829_592
    p = p * t
    let gauss = simdExp(-(a * a))  // exp(−x²/2)
    var erf = 1 - p * gauss
    erf.replace(with: -erf, where: x .< 0)
    return 0.5 * (1 + erf) + x * gauss * 0.398_942_280_401_432_7  // 1/√(2π)
}
