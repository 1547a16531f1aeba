// KernelSet: which kernels this process runs, decided by the project from the CPU — the
// features CRMTVector's rmt_cpu reads (the one CPUID/XGETBV detection), the GEMM backend
// (own AVX-512 / AVX2 micro-kernels, or OpenBLAS) and the softmax/GELU row-kernel level.
//
// Which set runs is a value, not a global: ComputeOptions (its `vector` level caps both the row
// kernels and the own GEMM; its `gemm` picks the backend) — `options.kernels`.
import CRMTVector
import Foundation

/// Instruction-set features the CPU has and the OS has enabled (XCR0).
public struct CPUFeatures: OptionSet, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let avx2FMA = CPUFeatures(rawValue: UInt32(RMT_CPU_AVX2_FMA))
    public static let avx512 = CPUFeatures(rawValue: UInt32(RMT_CPU_AVX512))  // F + BW + VL
    public static let avx512BF16 = CPUFeatures(rawValue: UInt32(RMT_CPU_AVX512_BF16))
    public static let amxBF16 = CPUFeatures(rawValue: UInt32(RMT_CPU_AMX_BF16))

    /// Names of the set features, e.g. "avx2+fma avx512f/bw/vl"; "none" when empty.
    public var description: String {
        let names = [(CPUFeatures.avx2FMA, "avx2+fma"), (.avx512, "avx512f/bw/vl"),
                     (.avx512BF16, "avx512-bf16"), (.amxBF16, "amx-bf16")]
            .filter { contains($0.0) }.map { $0.1 }
        return names.isEmpty ? "none" : names.joined(separator: " ")
    }
}

/// What this machine's CPU is and can run.
public enum CPUInfo {
    /// The brand string, e.g. "AMD EPYC" or "Intel(R) Xeon(R) Platinum 8488C".
    public static let model = String(cString: rmt_cpu_model())
    /// "GenuineIntel", "AuthenticAMD", … ("unknown" off x86-64).
    public static let vendor = String(cString: rmt_cpu_vendor())
    /// Features usable by this process.
    public static let features = CPUFeatures(rawValue: rmt_cpu_features())

    /// Asks Linux (once) for the AMX tile-data state; true when granted — what the AMX-BF16
    /// kernel (BF16Kernel.amx) needs; `rmt-tool sysinfo` reports the answer.
    public static func requestAMX() -> Bool { rmt_cpu_request_amx() != 0 }
}

/// Where `gemm` computes a product.
public enum GEMMBackend: Sendable, Equatable, CustomStringConvertible {
    /// The project's packed micro-kernels at a level (.avx2 or .avx512).
    case own(VectorUnit.Level)
    /// OpenBLAS cblas_sgemm (the portable fallback and the tests' reference).
    case openblas

    /// "own-avx2-6x16", "own-avx512-12x32" or "openblas".
    public var description: String {
        switch self {
        case .own(let level): "own-\(level)-\(rmt_gemm_tile_rows(level.rawValue))x\(rmt_gemm_tile_cols(level.rawValue))"
        case .openblas: "openblas"
        }
    }

    /// True for a backend this CPU can run.
    public var isAvailable: Bool {
        switch self {
        case .own(let level): rmt_gemm_tile_rows(level.rawValue) > 0
        case .openblas: true
        }
    }

    /// Every backend this CPU runs: OpenBLAS, then the own kernels from the lowest level up.
    public static var available: [GEMMBackend] {
        [.openblas] + VectorUnit.available.map { GEMMBackend.own($0) }.filter(\.isAvailable)
    }
}

/// The kernels a ComputeOptions runs: GEMM backend, row-kernel level, and the bf16 kernel of the
/// encoder's linear layers in inference and in training (nil: fp32).
public struct KernelSet: Sendable, Equatable, CustomStringConvertible {
    public let gemm: GEMMBackend
    public let rows: VectorUnit.Level
    public let linearBF16: BF16Kernel?
    public let trainingBF16: BF16Kernel?

    public init(gemm: GEMMBackend, rows: VectorUnit.Level, linearBF16: BF16Kernel? = nil, trainingBF16: BF16Kernel? = nil) {
        self.gemm = gemm
        self.rows = rows
        self.linearBF16 = linearBF16
        self.trainingBF16 = trainingBF16
    }

    /// "fp32", or the bf16 kernel, e.g. "bf16-avx512-12x32".
    public var precision: String { linearBF16.map(\.description) ?? "fp32" }

    /// One token, for logs and JSON: "gemm=own-avx2-6x16,rows=avx2,precision=fp32", with
    /// ",training=bf16-avx512-12x32" appended for mixed-precision training.
    public var description: String {
        "gemm=\(gemm),rows=\(rows),precision=\(precision)" + (trainingBF16.map { ",training=\($0)" } ?? "")
    }
}
