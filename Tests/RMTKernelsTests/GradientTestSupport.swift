// Helpers shared by the backward tests: seeded inputs, Float⇄Double conversion,
// relative error measures (the central-difference gradient is in Tests/Support).
import RMTBase
import RMTKernels

/// `n` seeded normal Floats (exactly representable in Double, so the Float and Double
/// paths see identical inputs).
func randomFloats(_ n: Int, seed: UInt64, std: Float = 1) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return rng.normals(n, std: std)
}

func randomDoubles(_ n: Int, seed: UInt64, std: Float = 1) -> [Double] {
    randomFloats(n, seed: seed, std: std).map(Double.init)
}

func zeros(_ n: Int) -> [Double] { [Double](repeating: 0, count: n) }

func dot(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
}

extension FloatBuffer {
    /// The contents promoted to Double.
    var doubles: [Double] { array.map(Double.init) }
    /// A buffer holding `values` rounded to Float.
    convenience init(doubles values: [Double]) { self.init(values.map { Float($0) }) }
}
