// BF16: bf16 inference for the encoder's linear layers — the precision setting, the bf16 GEMM
// kernels of CRMTVector (rmt_bf16.h: AMX-BF16 tiles, the AVX512-BF16 micro-kernel, and their
// plain-loop twin), a
// weight matrix converted to bf16 once, and `gemmBF16`, which splits a product over the cores as
// `gemm` does. Inputs are rounded to bf16 (round to nearest even), products summed in fp32.
//
// Design: the weight of a linear layer is converted once (BF16Matrix, made by BertEncoder when
// its ComputeOptions choose bf16) and given to the kernel as bf16 in its stored [out, in] layout;
// packing copies it, so it is never re-rounded. The activations are rounded while packed. Only
// inference uses it: training, softmax, LayerNorm, attention's score and P·V products, the memory
// and the answer head stay fp32 (Docs/Architecture.md, "bf16 inference").
import CRMTVector

/// The arithmetic of the encoder's linear layers in inference (`--precision`).
public enum Precision: String, Sendable, CaseIterable, CustomStringConvertible {
    /// fp32 everywhere.
    case fp32
    /// bf16 inputs and fp32 sums for Q/K/V, attention output and the FFN (needs AVX512-BF16).
    case bf16
    /// fp32, except where `ComputeOptions.forAnswers()` resolves it for reading documents (rmt-ask,
    /// rmt-train eval): bf16 on the AMX kernel, or the AVX512-BF16 kernel where it outruns fp32 on
    /// this CPU (`BF16Kernel.readsDocuments`; Docs/Architecture.md, "bf16 inference").
    case auto

    public var description: String { rawValue }
}

/// A bf16 GEMM kernel (rmt_bf16.h).
public enum BF16Kernel: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// The plain-loop twin: every CPU, slow; the tests' reference.
    case twin = 0
    /// AVX512-BF16 (vdpbf16ps), 12 × 32 tile.
    case avx512 = 1
    /// AMX-BF16 tiles (tdpbf16ps), 32 × 32 micro-tile; needs AVX512-BF16 too and the OS's
    /// permission for the tile data (asked once, on first use).
    case amx = 2

    /// True when this CPU runs it.
    public var isAvailable: Bool { rmt_bf16_kernel_available(rawValue) != 0 }

    /// "bf16-amx-32x32", "bf16-avx512-12x32" or "bf16-twin".
    public var description: String {
        switch self {
        case .twin: "bf16-twin"
        case .avx512: "bf16-avx512-12x32"
        case .amx: "bf16-amx-32x32"
        }
    }

    /// The fastest SIMD kernel this CPU runs — AMX, else AVX512-BF16; nil where it has neither.
    public static var best: BF16Kernel? { BF16Kernel.amx.isAvailable ? .amx : BF16Kernel.avx512.isAvailable ? .avx512 : nil }

    /// The kernel `auto` reads documents on (`ComputeOptions.forAnswers`) on this CPU: the rule
    /// `readsDocuments(amx:avx512:vendor:)` applied to what it runs.
    public static var readsDocuments: BF16Kernel? {
        readsDocuments(amx: amx.isAvailable, avx512: avx512.isAvailable, vendor: CPUInfo.vendor)
    }

    /// The rule: the AMX kernel where it runs (AMX-BF16 and Linux granted the tile data) — a tile
    /// multiply does 16 × 32 × 16 bf16 multiply-adds; measured on an Intel Xeon with AMX (the
    /// borrowed machine, session 38) at 1.7× (small) and 2.1× (base) the fp32 speed, after it
    /// matched its plain-loop twin there (`bf16AMXKernelMatchesTheTwin`); else AVX512-BF16 where
    /// its pairs outrun fp32 FMAs (`outrunsFP32(vendor:)`); else nil (fp32).
    public static func readsDocuments(amx: Bool, avx512: Bool, vendor: String) -> BF16Kernel? {
        if amx { return .amx }
        return avx512 && outrunsFP32(vendor: vendor) ? .avx512 : nil
    }

    /// Whether the AVX512-BF16 kernel outruns the fp32 GEMM on a CPU of this vendor (CPUID 0). AMD
    /// (Zen 4, Zen 5 — its only cores with AVX512-BF16): measured on a Zen 5, where it ran 1.04×
    /// (small) to 1.63× (base) the fp32 speed, and on a Zen 4 at 1.24× to 1.68× (session 38) — each
    /// `vdpbf16ps` does two multiply-adds per lane. Intel (Cooper Lake, Sapphire/Emerald/Granite Rapids): `vdpbf16ps`
    /// on 512-bit registers issues on one port where fp32 FMAs issue on two, so the pairs gain
    /// nothing and rounding the activations costs — 0.71–0.78× fp32 (small, MiniLM, base) on an Intel
    /// Xeon with AVX512-BF16 (Docs/benchmarks.md). Other vendors: false until measured.
    public static func outrunsFP32(vendor: String) -> Bool { vendor == "AuthenticAMD" }

    /// Why bf16 cannot run here ("Intel … lacks AVX512-BF16 (has avx2+fma)"), or nil when it can.
    public static var unavailableReason: String? {
        best != nil ? nil : "this CPU (\(CPUInfo.model)) lacks AVX512-BF16 (it has: \(CPUInfo.features))"
    }
}

/// A row-major matrix held as bf16 bits, converted once from fp32 (a linear layer's weight).
public final class BF16Matrix: @unchecked Sendable {
    public let rows: Int
    public let cols: Int
    /// (rows, cols) bf16 bits, row stride cols.
    public let pointer: UnsafeMutablePointer<UInt16>

    /// Rounds `source` (rows, cols; row stride cols) to bf16.
    public init(converting source: UnsafePointer<Float>, rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        pointer = .allocate(capacity: max(1, rows * cols))
        rmt_bf16_convert(pointer, source, rows * cols)
    }

    deinit { pointer.deallocate() }
}

/// fp32 → bf16 bits: round to nearest even, NaN stays NaN, denormals to ±0 (rmt_bf16_from_float).
@inline(__always) public func bf16Bits(_ x: Float) -> UInt16 { rmt_bf16_from_float(x) }

/// bf16 bits → fp32 (exact).
@inline(__always) public func floatFromBF16(_ h: UInt16) -> Float { rmt_bf16_to_float(h) }

/// op(B) of a bf16 GEMM: fp32 (rounded while packed, every call) or bf16 bits (used as they are).
public enum BF16Operand {
    case float(UnsafePointer<Float>)
    case bf16(UnsafePointer<UInt16>)
}

/// C[m,n] = alpha·op(A)·op(B) + beta·C with A and B rounded to bf16 and fp32 sums, on `kernel`,
/// split over `compute.threads` cores as `gemm` splits an fp32 product (GEMM.swift). Same
/// operand conventions as `gemm`. Returns false (C untouched) when the kernel does not run on
/// this CPU. A slice whose kernel cannot get its pack buffers (out of memory) runs on the twin.
@discardableResult
public func gemmBF16(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: BF16Operand, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, kernel: BF16Kernel,
                     parallel: Bool = true, compute: ComputeOptions = .default) -> Bool {
    guard kernel.isAvailable else { return false }
    guard m > 0 && n > 0 else { return true }
    let id = kernel.rawValue
    func call(_ rows: Range<Int>, _ cols: Range<Int>) {
        let aStart = transA ? a + rows.lowerBound : a + rows.lowerBound * lda
        let bOffset = transB ? cols.lowerBound * ldb : cols.lowerBound
        let cStart = c + rows.lowerBound * ldc + cols.lowerBound
        let (bf, bh): (UnsafePointer<Float>?, UnsafePointer<UInt16>?) = switch b {
        case .float(let p): (p + bOffset, nil)
        case .bf16(let p): (nil, p + bOffset)
        }
        func run(_ kernel: Int32) -> Bool {
            rmt_gemm_bf16(kernel, transA ? 1 : 0, transB ? 1 : 0, rows.count, cols.count, k, alpha, aStart, lda,
                          bf, bh, ldb, beta, cStart, ldc) != 0
        }
        if !run(id) { _ = run(BF16Kernel.twin.rawValue) }  // the twin needs no buffers: it always computes
    }
    splitProduct(m: m, n: n, k: k, tileRows: Int(rmt_bf16_tile_rows(id)), tileCols: Int(rmt_bf16_tile_cols(id)),
                 workers: parallel ? compute.threads : 1, call)
    return true
}
