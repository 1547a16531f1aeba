// VectorMath: fast exp and erf for the softmax, GELU and cross-entropy kernels (the Swift
// builds; CRMTVector has the same polynomials for AVX-512/AVX2), and 8-lane load/store helpers.
//
// expf and erff from libm are scalar calls (~4 ns each); a 512-token segment of the small
// config needs millions of them. These are built from +, *, selects and bit casts only —
// branch-free scalar functions that plain loops auto-vectorise:
//  - exp: Cody–Waite range reduction and the Cephes degree-6 polynomial (≈1 ulp),
//    flushing to exactly 0 below −87.3 so masked attention scores get zero weight.
//  - erf: Abramowitz & Stegun 7.1.26 (max abs error 1.5e-7, the formula PyTorch's
//    vectorised CPU erf uses).
// Tests hold both against Foundation's double-precision exp/erf.

public typealias Float8 = SIMD8<Float>

/// e^x for one float, branch-free (selects, + and *, bit casts) so that a plain loop over an
/// array auto-vectorises. Exact 0 below −87.33.
@inlinable @inline(__always)
public func fastExp(_ x: Float) -> Float {
    let lowest: Float = -87.336_544
    var v = x < lowest ? lowest : x
    v = v > 88 ? 88 : v
    let shifted = v * 1.442_695_040_888_963_4 + 12_582_912.0
    let n = shifted - 12_582_912.0
    var r = v - n * 0.693_359_375
    r = r + n * 2.121_944_400_546_905_8e-4
    let z = r * r
    var p: Float = 1.987_569_150_0e-4
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    p = p * z + r + 1
    let result = p * Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
    return x < lowest ? 0 : result
}

/// erf(|x|) and exp(−x²) for one float: Abramowitz & Stegun 7.1.26 shares the exp with
/// the Gaussian, so GELU's derivative gets both for one exp. Branch-free like `fastExp`.
@inlinable @inline(__always)
public func fastErfMagnitudeAndGauss(_ x: Float) -> (erf: Float, gauss: Float) {
    let a = Float(bitPattern: x.bitPattern & 0x7FFF_FFFF)
    let t = 1 / (1 + 0.327_591_1 * a)
    var p: Float = 1.061_405_429
    p = p * t - 1.453_152_027
    p = p * t + 1.421_413_741
    p = p * t - 0.284_496_736
    p = p * t + 0.254_829_592
    let gauss = fastExp(-(a * a))
    return (1 - p * t * gauss, gauss)
}

/// erf(x) for one float (Abramowitz & Stegun 7.1.26, |error| ≤ 1.5e-7), branch-free.
@inlinable @inline(__always)
public func fastErf(_ x: Float) -> Float {
    let y = fastErfMagnitudeAndGauss(x).erf
    return Float(bitPattern: y.bitPattern | (x.bitPattern & 0x8000_0000))
}

/// Loads 8 floats starting at `p` (no alignment required).
@inlinable @inline(__always)
public func load8(_ p: UnsafePointer<Float>) -> Float8 {
    UnsafeRawPointer(p).loadUnaligned(as: Float8.self)
}

/// Stores 8 floats starting at `p` (no alignment required).
@inlinable @inline(__always)
public func store8(_ v: Float8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float8.self)
}
