// The GEMM backends — the own AVX2 / AVX-512 micro-kernels at every level this CPU runs, and
// OpenBLAS — held against the plain loop (Reference.gemm) and against each other on the
// shapes where blocking goes wrong: 1×1×1, primes, k = 0, partial micro-tiles, beta 0/1/other,
// alpha ≠ 1, all four transpose combinations, leading dimensions larger than the rows, and
// products large enough to cross the pack blocks (KC, MC) and to be split over threads.
import RMTKernels
import RMTReference
import RMTTestSupport
import Testing

/// One product on `backend` from fixed inputs; returns C (m, ldc) after the call.
private func product(_ backend: GEMMBackend, transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                     alpha: Float, beta: Float, pad: Int, parallel: Bool = true, seed: UInt64 = 11,
                     reference: Bool = false) -> [Float] {
    let lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad
    let a = randomBuffer(max(1, (transA ? k : m) * lda), seed: seed)
    let b = randomBuffer(max(1, (transB ? n : k) * ldb), seed: seed + 1)
    let c = randomBuffer(max(1, m * ldc), seed: seed + 2)
    if reference {
        Reference.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a.pointer, lda: lda,
                       b: b.pointer, ldb: ldb, beta: beta, c: c.pointer, ldc: ldc)
    } else {
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a.pointer, lda: lda,
             b: b.pointer, ldb: ldb, beta: beta, c: c.pointer, ldc: ldc, parallel: parallel, compute: ComputeOptions.default.with(backend: backend))
    }
    return (0..<c.count).map { c[$0] }
}

@Test func everyGEMMBackendMatchesThePlainLoopOnOddShapes() {
    let dims = [1, 2, 5, 7, 13, 17, 31, 33]
    var checked = 0
    for backend in GEMMBackend.available {
        for transA in [false, true] {
            for transB in [false, true] {
                for (mi, m) in dims.enumerated() {
                    let n = dims[(mi + 3) % dims.count], k = [0, 1, 7, 31, 37][mi % 5]
                    for (alpha, beta, pad) in [(Float(1), Float(0), 0), (1, 1, 3), (-0.5, 0.75, 1)] {
                        let got = product(backend, transA: transA, transB: transB, m: m, n: n, k: k,
                                          alpha: alpha, beta: beta, pad: pad)
                        let want = product(backend, transA: transA, transB: transB, m: m, n: n, k: k,
                                           alpha: alpha, beta: beta, pad: pad, reference: true)
                        // The padding columns of C are compared too: they must be untouched.
                        expectClose(got, want, abs: 2e-5 * Double(max(k, 1)).squareRoot(),
                                    "\(backend) tA \(transA) tB \(transB) m \(m) n \(n) k \(k) α \(alpha) β \(beta) pad \(pad)")
                        checked += 1
                    }
                }
            }
        }
    }
    #expect(checked == GEMMBackend.available.count * 4 * dims.count * 3)
}

@Test func ownGEMMMatchesOpenBLASAcrossBlocksAndThreadSplits() {
    let own = GEMMBackend.available.filter { $0 != .openblas }
    // Tall (split by rows), wide (split by columns), deeper than KC, taller than MC.
    let shapes = [(300, 97, 260), (50, 700, 300), (200, 530, 600), (512, 64, 512), (1, 1, 1)]
    for backend in own {
        for transA in [false, true] {
            for transB in [false, true] {
                for (m, n, k) in shapes {
                    for parallel in [true, false] {
                        let got = product(backend, transA: transA, transB: transB, m: m, n: n, k: k,
                                          alpha: 0.5, beta: 1, pad: 2, parallel: parallel)
                        let blas = product(.openblas, transA: transA, transB: transB, m: m, n: n, k: k,
                                           alpha: 0.5, beta: 1, pad: 2, parallel: parallel)
                        expectClose(got, blas, abs: 1e-5 * Double(k).squareRoot() * 4,
                                    "\(backend) tA \(transA) tB \(transB) \(m)×\(n)×\(k) parallel \(parallel)")
                    }
                }
            }
        }
    }
}

@Test func gemmWithBetaZeroOverwritesNaN() {
    for backend in GEMMBackend.available {
        let m = 9, n = 19, k = 5
        let a = randomBuffer(m * k, seed: 1), b = randomBuffer(k * n, seed: 2)
        for depth in [k, 0] {
            let c = FloatBuffer(Array(repeating: Float.nan, count: m * n))
            gemm(transA: false, transB: false, m: m, n: n, k: depth, alpha: 1, a: a.pointer, lda: k,
                 b: b.pointer, ldb: n, beta: 0, c: c.pointer, ldc: n, compute: ComputeOptions.default.with(backend: backend))
            #expect((0..<c.count).allSatisfy { c[$0].isFinite }, "\(backend) k \(depth)")
            if depth == 0 { #expect((0..<c.count).allSatisfy { c[$0] == 0 }, "\(backend)") }
        }
    }
}

@Test func kernelChoiceFollowsTheCPUAndTheOptions() {
    let f = CPUInfo.features
    #expect(f.contains(.avx512) == (VectorUnit.supported == .avx512))
    #expect(f.contains(.avx2FMA) == (VectorUnit.supported != .swift))
    // Own kernels wherever the CPU has AVX2+FMA: never OpenBLAS's generic path by default.
    #expect(GEMMBackend.available.contains(.own(.avx2)) == f.contains(.avx2FMA))
    #expect(GEMMBackend.available.contains(.own(.avx512)) == f.contains(.avx512))
    #expect(!GEMMBackend.own(.swift).isAvailable)
    #expect(!CPUInfo.model.isEmpty && !CPUInfo.vendor.isEmpty)
    var options = ComputeOptions.default
    options.gemm = .openblas
    #expect(options.gemmBackend == .openblas)
    #expect(options.kernels.description.hasPrefix("gemm=openblas,rows="))
    options.gemm = .own
    #expect(options.rows == VectorUnit.supported)  // the default: the best level this CPU runs
    if f.contains(.avx2FMA) {
        #expect(options.gemmBackend == .own(options.rows))
        #expect(options.kernels.description == "gemm=\(GEMMBackend.own(options.rows)),rows=\(options.rows),precision=fp32")
    } else {
        #expect(options.gemmBackend == .openblas)
    }
    options.vector = .swift  // the portable level: no own kernels
    #expect(options.gemmBackend == .openblas && options.rows == .swift)
    for backend in GEMMBackend.available {  // a backend chosen by value is the one that runs
        #expect(ComputeOptions.default.with(backend: backend).gemmBackend == backend)
    }
}
