// BLAS: what OpenBLAS reports about itself (core, build, threads) and its thread setting.
// OpenBLAS is `gemm`'s fallback backend (GEMM.swift) and the tests' reference.
import COpenBLAS
import Foundation

/// What OpenBLAS reports about itself.
public enum BLAS {
    /// The CPU kernel family OpenBLAS selected (e.g. "SkylakeX", "Haswell", "Zen").
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build configuration (version, DYNAMIC_ARCH, MAX_THREADS, …).
    public static var config: String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text)
    }

    /// Number of threads OpenBLAS uses for one call.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads OpenBLAS uses for one call.
    public static func setThreadCount(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }

    /// OpenBLAS's own thread count before the project first touched it (OPENBLAS_NUM_THREADS or
    /// the cores), restored for calls whose options leave threading to OpenBLAS.
    public static let initialThreadCount: Int = Int(openblas_get_num_threads())

    private static let configured: Bool = {
        _ = initialThreadCount
        openblas_set_num_threads(1)
        return true
    }()

    /// Records OpenBLAS's own count and makes it single-threaded (the project threads GEMMs
    /// itself unless ComputeOptions.gemmThreading says otherwise), once, before the first GEMM.
    @inline(__always) public static func configureOnce() { _ = configured }

    /// Runs `body` with OpenBLAS limited to `n` threads per call, then restores the count —
    /// for code that parallelises over independent GEMMs itself.
    public static func withThreadCount<R>(_ n: Int, _ body: () throws -> R) rethrows -> R {
        let previous = threadCount
        if previous == n { return try body() }  // the common case with our own GEMM threading
        setThreadCount(n)
        defer { setThreadCount(previous) }
        return try body()
    }
}
