// BLAS: the OpenBLAS entry points the kernels use, plus thread and core queries.
import COpenBLAS

/// What OpenBLAS reports about itself.
public enum BLAS {
    /// The CPU kernel family OpenBLAS selected (e.g. "SkylakeX", "Haswell", "Zen").
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Number of threads OpenBLAS uses for one call.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads OpenBLAS uses for one call.
    public static func setThreadCount(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }

    /// Runs `body` with OpenBLAS limited to `n` threads per call, then restores the count —
    /// for code that parallelises over independent GEMMs itself.
    public static func withThreadCount<R>(_ n: Int, _ body: () throws -> R) rethrows -> R {
        let previous = threadCount
        setThreadCount(n)
        defer { setThreadCount(previous) }
        return try body()
    }
}
