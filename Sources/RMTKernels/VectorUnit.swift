// VectorUnit: which build of the exp-heavy row kernels (softmax, GELU) runs — the AVX-512 or
// AVX2+FMA C kernels of CRMTVector, or the portable Swift ones.
//
// The Swift package compiles for baseline x86-64 (SSE2), where the Swift kernels run 4 lanes
// wide; CRMTVector builds 16- and 8-lane versions with per-function target attributes and
// picks one from CPUID. ComputeOptions.vector chooses a level (capped at what the CPU has);
// the tests call every available level against the plain-loop twins.
import CRMTVector

public enum VectorUnit {
    /// A build of the row kernels.
    public enum Level: Int32, CaseIterable, Sendable, CustomStringConvertible {
        case swift = 0, avx2 = 1, avx512 = 2
        public var description: String {
            switch self {
            case .swift: "swift"
            case .avx2: "avx2"
            case .avx512: "avx512"
            }
        }
    }

    /// The best level this CPU and OS support.
    public static let supported: Level = Level(rawValue: rmt_vector_level()) ?? .swift

    /// Every level this CPU can run, lowest first.
    public static var available: [Level] { Level.allCases.filter { $0.rawValue <= supported.rawValue } }
}

/// Softmax of `rows` rows of `cols` (with an optional additive mask) on one thread, at `level`.
/// - Parameters: x: (rows, cols), in place; mask: (cols) or nil.
@inline(__always)
public func softmaxRows(_ x: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>?, rows: Int, cols: Int,
                        level: VectorUnit.Level) {
    if level != .swift, rmt_softmax_rows(level.rawValue, x, mask, rows, cols) != 0 { return }
    for r in 0..<rows { softmaxRow(x + r * cols, mask: mask, cols: cols) }
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
