// The bf16 GEMM (rmt_bf16.h, BF16.swift): the rounding against hand-computed cases; the plain-loop
// twin against the Double sum of the same bf16 values (every CPU); the AVX512-BF16 kernel against
// the twin (only where the CPU has AVX512-BF16 — elsewhere those tests are reported as skipped,
// not passed) on shapes that cross every block and tile edge: m, n, k not multiples of the tile,
// odd k, all four transpositions, strided views, alpha / beta cases, B as fp32 or bf16 bits.
import RMTKernels
import RMTReference
import RMTTestSupport
import Testing

// MARK: rounding

@Test func bf16RoundingMatchesHandComputedCases() {
    let cases: [(UInt32, UInt16, String)] = [
        (0x3F80_0000, 0x3F80, "1.0 exact"),
        (0x3F80_7FFF, 0x3F80, "below the half: down"),
        (0x3F80_8000, 0x3F80, "tie, even below: down"),
        (0x3F80_8001, 0x3F81, "above the half: up"),
        (0x3F81_8000, 0x3F82, "tie, odd below: up to even"),
        (0xBF81_8000, 0xBF82, "negative tie: up in magnitude to even"),
        (0x3F7F_FFFF, 0x3F80, "carry into the exponent"),
        (0x7F7F_7FFF, 0x7F7F, "largest bf16"),
        (0x7F7F_FFFF, 0x7F80, "fp32 max rounds to +inf"),
        (0xFF7F_FFFF, 0xFF80, "-fp32 max rounds to -inf"),
        (0x7F80_0000, 0x7F80, "+inf"),
        (0xFF80_0000, 0xFF80, "-inf"),
        (0x7FC0_0000, 0x7FC0, "quiet NaN"),
        (0x7F80_0001, 0x7FC0, "signalling NaN, payload in the low bits only: stays NaN (quieted)"),
        (0xFFA0_1234, 0xFFE0, "negative NaN keeps sign and top payload, quieted"),
        (0x0000_0000, 0x0000, "+0"),
        (0x8000_0000, 0x8000, "-0"),
        (0x0000_0001, 0x0000, "smallest denormal: zero (as VCVTNE2PS2BF16)"),
        (0x807F_FFFF, 0x8000, "largest negative denormal: -0"),
        (0x0080_0000, 0x0080, "smallest normal"),
        (0x0080_8000, 0x0080, "smallest normal, tie: even"),
        (0x4049_0FDB, 0x4049, "pi"),
    ]
    for (bits, want, what) in cases {
        #expect(bf16Bits(Float(bitPattern: bits)) == want, "\(what): 0x\(String(bits, radix: 16)) → 0x\(String(bf16Bits(Float(bitPattern: bits)), radix: 16)), want 0x\(String(want, radix: 16))")
    }
    // Widening is exact, and every bf16 that is neither NaN nor denormal rounds back to itself.
    var roundTrips = 0
    for h in UInt16.min...UInt16.max {
        let x = floatFromBF16(h)
        #expect(x.bitPattern == UInt32(h) << 16)
        if x.isNaN {
            #expect(bf16Bits(x) == h | 0x0040)
        } else if !x.isSubnormal {
            #expect(bf16Bits(x) == h)
            roundTrips += 1
        }
    }
    #expect(roundTrips == 65536 - 2 * 127 - 2 * 127)  // minus the NaNs (±, 127 payloads each) and the denormals (±, 127 each)
}

// MARK: products

/// One shape of the bf16 GEMM test set: C (m × n, row stride n + pad) = alpha·op(A)·op(B) + beta·C.
struct BF16Case: CustomStringConvertible {
    var transA: Bool
    var transB: Bool
    var m: Int
    var n: Int
    var k: Int
    var alpha: Float
    var beta: Float
    var pad: Int
    var weightsAsBF16: Bool
    var description: String {
        "tA \(transA) tB \(transB) m \(m) n \(n) k \(k) α \(alpha) β \(beta) pad \(pad) B \(weightsAsBF16 ? "bf16" : "fp32")"
    }
}

/// The shapes: tile edges (12 × 32), the pack blocks (k slices of 512, 192 rows, 768 columns),
/// odd k, k = 1 and 2, each transposition, strides, alpha and beta cases, B as bf16 bits, and
/// products large enough for `gemmBF16` to split them over threads.
let bf16Cases: [BF16Case] = {
    var cases: [BF16Case] = []
    let shapes = [(1, 1, 1), (1, 1, 2), (3, 5, 1), (5, 7, 2), (12, 32, 64), (13, 33, 65), (11, 31, 7), (25, 70, 129),
                  (24, 64, 16), (37, 64, 512), (40, 50, 513), (7, 100, 1031), (200, 40, 96), (30, 800, 40),
                  (300, 97, 260), (50, 700, 300)]  // the last two are split over threads: by rows, by columns
    for (s, (m, n, k)) in shapes.enumerated() {
        for (t, (ta, tb)) in [(false, true), (false, false), (true, true), (true, false)].enumerated() {
            let (alpha, beta): (Float, Float) = [(1, 0), (1, 1), (0.5, -0.75), (-2, 0)][(s + t) % 4]
            cases.append(BF16Case(transA: ta, transB: tb, m: m, n: n, k: k, alpha: alpha, beta: beta,
                                  pad: (s + t) % 3 == 0 ? 0 : 3, weightsAsBF16: (s + t) % 2 == 1))
        }
    }
    return cases
}()

/// Inputs of a case (fixed seeds): A, B, B as bf16 bits, and C (with NaN where beta = 0, which
/// must not read it).
struct BF16Inputs {
    let lda: Int, ldb: Int, ldc: Int
    let a: FloatBuffer, b: FloatBuffer, c: FloatBuffer
    let b16: [UInt16]

    init(_ t: BF16Case, seed: UInt64 = 5) {
        lda = (t.transA ? t.m : t.k) + t.pad
        ldb = (t.transB ? t.k : t.n) + t.pad
        ldc = t.n + t.pad
        a = randomBuffer(max(1, (t.transA ? t.k : t.m) * lda), seed: seed)
        let b = randomBuffer(max(1, (t.transB ? t.n : t.k) * ldb), seed: seed + 1)
        self.b = b
        c = randomBuffer(t.m * ldc, seed: seed + 2)
        if t.beta == 0 { c.pointer.update(repeating: .nan, count: c.count) }
        b16 = (0..<b.count).map { bf16Bits(b[$0]) }
    }

    /// C after the product on `kernel`: one call (parallel: false), or split over 4 threads.
    func run(_ t: BF16Case, _ kernel: BF16Kernel, threaded: Bool = false) -> [Float] {
        let out = FloatBuffer(Array(c.buffer))
        b16.withUnsafeBufferPointer { h in
            let operand: BF16Operand = t.weightsAsBF16 ? .bf16(h.baseAddress!) : .float(UnsafePointer(b.pointer))
            #expect(gemmBF16(transA: t.transA, transB: t.transB, m: t.m, n: t.n, k: t.k, alpha: t.alpha, a: a.pointer,
                             lda: lda, b: operand, ldb: ldb, beta: t.beta, c: out.pointer, ldc: ldc, kernel: kernel,
                             parallel: threaded, compute: ComputeOptions(threads: 4)))
        }
        return out.array
    }

    /// The Double reference of the case.
    func reference(_ t: BF16Case) -> (value: [Double], magnitude: [Double]) {
        b16.withUnsafeBufferPointer { h in
            Reference.gemmBF16(transA: t.transA, transB: t.transB, m: t.m, n: t.n, k: t.k, alpha: t.alpha, a: a.pointer,
                               lda: lda, b: t.weightsAsBF16 ? nil : b.pointer, b16: t.weightsAsBF16 ? h.baseAddress : nil,
                               ldb: ldb, beta: t.beta, c: c.pointer, ldc: ldc)
        }
    }
}

/// Checks C's m × n block against `want` within `tolerance(i, j)`, and that the stride padding
/// of C is untouched. Returns the number of elements compared.
@discardableResult
func expectBF16Close(_ got: [Float], _ inputs: BF16Inputs, _ t: BF16Case, _ what: String,
                     want: (Int, Int) -> Double, tolerance: (Int, Int) -> Double) -> Int {
    var bad = 0, worst = ""
    for i in 0..<t.m {
        for j in 0..<inputs.ldc {
            let g = got[i * inputs.ldc + j]
            if j >= t.n {  // padding
                let before = inputs.c[i * inputs.ldc + j]
                if !(g.bitPattern == before.bitPattern) { bad += 1; worst = "padding (\(i), \(j)) changed" }
                continue
            }
            let e = abs(Double(g) - want(i, j))
            if !(e <= tolerance(i, j)) {
                bad += 1
                worst = "(\(i), \(j)): got \(g), want \(want(i, j)), error \(e) > \(tolerance(i, j))"
            }
        }
    }
    #expect(bad == 0, "\(what) \(t): \(bad) elements off; e.g. \(worst)")
    return t.m * t.n
}

@Test func bf16TwinMatchesTheDoubleSumOfTheRoundedInputs() {
    var compared = 0
    for t in bf16Cases {
        let inputs = BF16Inputs(t)
        let got = inputs.run(t, .twin)
        // Split over threads (by rows or columns of C), each element is computed the same way.
        #expect(inputs.run(t, .twin, threaded: true).map(\.bitPattern) == got.map(\.bitPattern), "threaded twin \(t)")
        let (value, magnitude) = inputs.reference(t)
        // An fp32 sum of k exact products, then × alpha (+ beta·c): at most (k + 3) roundings of 2⁻²⁴.
        compared += expectBF16Close(got, inputs, t, "twin vs Double", want: { value[$0 * t.n + $1] },
                                    tolerance: { Double(t.k + 3) * 0x1p-24 * magnitude[$0 * t.n + $1] + 1e-30 })
    }
    #expect(compared > 200_000)
}

/// c = a·b (1 × k times k × 1) on `kernel`, one call.
private func bf16Dot(_ a: [Float], _ b: [Float], _ kernel: BF16Kernel = .twin) -> Float {
    var c: [Float] = [0]
    let ran = b.withUnsafeBufferPointer { bp in
        gemmBF16(transA: false, transB: false, m: 1, n: 1, k: a.count, alpha: 1, a: a, lda: a.count,
                 b: .float(bp.baseAddress!), ldb: 1, beta: 0, c: &c, ldc: 1, kernel: kernel, parallel: false)
    }
    #expect(ran)
    return c[0]
}

@Test func bf16TwinRoundsItsInputsAndSumsPairsOddFirst() {
    // 1 + 2⁻⁹ is a tie between 1 and 1 + 2⁻⁷: rounds to 1. So 1·(1 + 2⁻⁹) is 1 in bf16 (1.00195 in fp32).
    let rounded = bf16Dot([1], [1 + 0x1p-9])
    #expect(rounded == 1)
    // k = 4: pairs (2²⁴, 0) and (1, −2²⁴). Odd product first: 2²⁴ + (−2²⁴) = 0, then + 1 = 1 (the
    // order of VDPBF16PS, and the exact sum); even first would give 2²⁴ + 1 = 2²⁴ (tie to even), then 0.
    let odd = bf16Dot([0x1p24, 0, 1, -0x1p24], [1, 1, 1, 1])
    #expect(odd == 1, "odd-first order gives 1, even-first would give 0; got \(odd)")
}

@Test func bf16WeightsGiveTheSameProductAsRoundingEachCall() {
    // A weight converted once (bf16 bits) and the same weight rounded while packed: the same words
    // reach the kernel, so the products are identical, on the twin and on every SIMD kernel here.
    for kernel in BF16Kernel.allCases where kernel.isAvailable {
        for var t in bf16Cases.prefix(24) {
            t.weightsAsBF16 = false
            let inputs = BF16Inputs(t)
            let fromFloat = inputs.run(t, kernel)
            t.weightsAsBF16 = true
            let fromBits = inputs.run(t, kernel)
            #expect(fromFloat.map(\.bitPattern) == fromBits.map(\.bitPattern), "\(kernel) \(t)")
        }
    }
}

/// A SIMD kernel against the twin on every case, one call and split over threads.
private func expectKernelMatchesTheTwin(_ kernel: BF16Kernel) {
    #expect(kernel.isAvailable)
    var compared = 0
    for t in bf16Cases {
        let inputs = BF16Inputs(t)
        let twin = inputs.run(t, .twin)
        let (_, magnitude) = inputs.reference(t)
        for threaded in [false, true] {
            let got = inputs.run(t, kernel, threaded: threaded)
            if t.k <= 2 && t.beta == 0 {
                // One rounding of an exact sum (k ≤ 2, exact bf16 products), then × alpha: bit for bit.
                compared += expectBF16Close(got, inputs, t, "\(kernel) vs twin (exact)", want: { Double(twin[$0 * inputs.ldc + $1]) },
                                            tolerance: { _, _ in 0 })
            } else {
                // Another summation order (k slices, the tile epilogue's FMA): each of the two lies within
                // (k + 3) roundings of the exact sum. An operand rounded otherwise would be off by ~2⁻⁹ of
                // its products: caught by the small-k shapes (and bit for bit by k ≤ 2).
                compared += expectBF16Close(got, inputs, t, "\(kernel) vs twin", want: { Double(twin[$0 * inputs.ldc + $1]) },
                                            tolerance: { 2 * Double(t.k + 3) * 0x1p-24 * magnitude[$0 * t.n + $1] + 1e-30 })
            }
        }
    }
    #expect(compared > 400_000)
}

// Runs only on a CPU with AVX512-BF16 (and the OS enabling its state); skipped — reported as
// skipped, not passed — elsewhere, e.g. on an AVX2-only machine.
@Test(.enabled(if: CPUInfo.features.contains(.avx512BF16), "needs AVX512-BF16"))
func bf16AVX512KernelMatchesTheTwin() {
    expectKernelMatchesTheTwin(.avx512)
}

// Runs only on a CPU with AMX-BF16 (and AVX512-BF16, which its packing uses); skipped elsewhere.
// A refusal of the OS to grant the tile data (arch_prctl) fails it: the kernel would not run.
@Test(.enabled(if: CPUInfo.features.contains(.amxBF16) && CPUInfo.features.contains(.avx512BF16), "needs AMX-BF16"))
func bf16AMXKernelMatchesTheTwin() {
    #expect(CPUInfo.requestAMX(), "Linux refused the AMX tile data (arch_prctl ARCH_REQ_XCOMP_PERM)")
    #expect(BF16Kernel.best == .amx)
    expectKernelMatchesTheTwin(.amx)
}

@Test func bf16KernelReportsAndAvailability() {
    #expect(BF16Kernel.twin.isAvailable && BF16Kernel.twin.description == "bf16-twin")
    let has = CPUInfo.features.contains(.avx512BF16)
    #expect(BF16Kernel.avx512.isAvailable == has)
    #expect(BF16Kernel.amx.isAvailable == (has && CPUInfo.features.contains(.amxBF16) && CPUInfo.requestAMX()))
    #expect((BF16Kernel.best == nil) == !has && (BF16Kernel.unavailableReason == nil) == has)
    #expect(BF16Kernel.best != .twin)
    // The precision setting: bf16 runs a kernel only where one is available; auto is fp32 for now.
    var options = ComputeOptions(precision: .bf16, bf16Kernel: .twin)
    #expect(options.linearBF16 == .twin && options.kernels.description.hasSuffix(",precision=bf16-twin"))
    options.precision = .auto
    #expect(options.linearBF16 == nil && options.kernels.description.hasSuffix(",precision=fp32"))
    #expect(ComputeOptions(precision: .bf16).linearBF16 == BF16Kernel.best)
    // Without the feature the SIMD kernel refuses: false returned, C untouched.
    if !has {
        var c: [Float] = [7]
        let one: [Float] = [1]
        let ran = one.withUnsafeBufferPointer { p in
            gemmBF16(transA: false, transB: false, m: 1, n: 1, k: 1, alpha: 1, a: p.baseAddress!, lda: 1, b: .float(p.baseAddress!),
                     ldb: 1, beta: 0, c: &c, ldc: 1, kernel: .avx512)
        }
        #expect(!ran && c[0] == 7)
    }
}
