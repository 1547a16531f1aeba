// GEMM: every matrix product of the project — C = alpha·op(A)·op(B) + beta·C, row-major,
// strided — on the backend KernelSet chose: the own packed micro-kernels of CRMTVector
// (AVX-512 12×32 or AVX2 6×16, rmt_gemm.h) when the CPU has AVX2+FMA, else OpenBLAS.
// Plain-loop twin: Reference.gemm; the tests hold every backend the CPU runs against both.
//
// Threading: a large product is split over the cores with `Parallel` — by rows of C when it
// is at least as tall as wide, else by columns — in slices that are whole micro-tiles; each
// slice is one single-threaded kernel call that packs its own panels into per-thread
// buffers. Workers (the Parallel pool) park between calls (no spinning). OpenBLAS runs single-threaded under
// the same split; ComputeOptions.gemmThreading = .openblas leaves an OpenBLAS product to its
// own threads.
import COpenBLAS
import CRMTVector

/// General row-major sgemm: C[m,n] = alpha·op(A)·op(B) + beta·C with explicit leading dimensions.
/// - Parameters:
///   - a: op(A) is (m, k); stored (k, m) when transA, else (m, k); row stride lda.
///   - b: op(B) is (k, n); stored (n, k) when transB, else (k, n); row stride ldb.
///   - c: (m, n), row stride ldc; beta = 0 overwrites without reading it.
///   - parallel: false keeps the call on the current thread (callers already running in
///     parallel, e.g. attention heads).
///   - compute: the backend (`compute.gemmBackend`), the worker count and who threads OpenBLAS.
@inline(__always)
public func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                 alpha: Float, a: UnsafePointer<Float>, lda: Int,
                 b: UnsafePointer<Float>, ldb: Int,
                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, parallel: Bool = true,
                 compute: ComputeOptions = .default) {
    guard m > 0 && n > 0 else { return }
    let backend = compute.gemmBackend
    let openblasThreads = compute.gemmThreading == .openblas && parallel ? BLAS.initialThreadCount : 1
    // The own kernels' level and micro-tile, or 0 and 16 × 16 for OpenBLAS (constants, so the
    // closures below capture them by value: nothing is boxed on the heap per call).
    let (level, tileRows, tileCols): (Int32, Int, Int) = {
        if case .own(let l) = backend, rmt_gemm_tile_rows(l.rawValue) > 0 {
            return (l.rawValue, Int(rmt_gemm_tile_rows(l.rawValue)), Int(rmt_gemm_tile_cols(l.rawValue)))
        }
        return (0, 16, 16)
    }()
    // One single-threaded product over a block of C's rows and columns.
    func call(_ rows: Range<Int>, _ cols: Range<Int>) {
        let aStart = transA ? a + rows.lowerBound : a + rows.lowerBound * lda
        let bStart = transB ? b + cols.lowerBound * ldb : b + cols.lowerBound
        let cStart = c + rows.lowerBound * ldc + cols.lowerBound
        if level != 0, rmt_sgemm(level, transA ? 1 : 0, transB ? 1 : 0, rows.count, cols.count, k, alpha,
                                 aStart, lda, bStart, ldb, beta, cStart, ldc) != 0 { return }
        // OpenBLAS: the chosen backend, or the fallback if the own kernel could not get its
        // pack buffers.
        BLAS.configureOnce()
        BLAS.withThreadCount(openblasThreads) {
            cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                        Int32(rows.count), Int32(cols.count), Int32(k), alpha, aStart, Int32(lda), bStart, Int32(ldb),
                        beta, cStart, Int32(ldc))
        }
    }
    let workers = level != 0 || compute.gemmThreading == .own ? compute.threads : 1
    splitProduct(m: m, n: n, k: k, tileRows: tileRows, tileCols: tileCols, workers: parallel ? workers : 1, call)
}

/// Runs `call` over C (m × n, depth k): one call for all of C, or — when `workers` > 1 and the
/// product is large — disjoint slices of whole micro-tiles (tileRows × tileCols), by rows of C
/// when it is at least as tall as wide, else by columns, one slice per worker on `Parallel`.
/// Shared by `gemm` and `gemmBF16` (BF16.swift).
@inline(__always)
func splitProduct(m: Int, n: Int, k: Int, tileRows: Int, tileCols: Int, workers: Int,
                  _ call: (Range<Int>, Range<Int>) -> Void) {
    if workers > 1 && m * n * k >= 1 << 21 {
        let byRows = m >= n
        let extent = byRows ? m : n, tile = byRows ? tileRows : tileCols
        if extent >= 2 * tile * workers {
            // Slices of whole micro-tiles, as even as that allows.
            let per = ((extent + workers - 1) / workers + tile - 1) / tile * tile
            Parallel.forEachRange(workers, costPerItem: .max / workers, threads: workers) { range in
                for s in range {
                    let lo = s * per, hi = min(extent, lo + per)
                    guard lo < hi else { continue }
                    if byRows { call(lo..<hi, 0..<n) } else { call(0..<m, lo..<hi) }
                }
            }
            return
        }
    }
    call(0..<m, 0..<n)
}
