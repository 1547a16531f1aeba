// VectorUnit: which build of the exp-heavy row kernels (softmax, GELU) runs — the AVX-512 or
// AVX2+FMA C kernels of CRMTVector, or the portable Swift ones. The row kernels that dispatch
// on it are with their ops: softmaxRows (Softmax.swift), geluRange/geluBackwardRange (GELU.swift).
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
