// The AVX-512 / AVX2 C row kernels (CRMTVector) against the Swift kernels on the values where
// fast math usually goes wrong: NaN must propagate (so a diverging run is caught), huge
// negative scores must give exactly zero, saturated GELU inputs must stay exact.
import RMTKernels
import RMTReference
import Testing

@Test func vectorLevelsAreConsistent() {
    #expect(VectorUnit.available.first == .swift)
    #expect(VectorUnit.available.last == VectorUnit.supported)
    #expect(ComputeOptions(vector: .avx512).rows.rawValue <= VectorUnit.supported.rawValue)  // capped at the CPU
}

@Test func wideSoftmaxPropagatesNaNAndZeroesMaskedKeys() {
    for level in VectorUnit.available {
        for cols in [5, 16, 37, 512] {
            // A row with a NaN becomes all NaN at every level (as in the plain-loop twin).
            let x = randomBuffer(2 * cols, seed: 77, std: 3)
            x[3] = .nan
            softmaxForward(x.pointer, additiveMask: nil, rows: 2, cols: cols, compute: ComputeOptions(vector: level))
            #expect((0..<cols).allSatisfy { x[$0].isNaN }, "level \(level) cols \(cols)")
            #expect((cols..<(2 * cols)).allSatisfy { x[$0].isFinite }, "level \(level) cols \(cols)")
            // −1e30 relative to the row max underflows to exactly 0.
            let y = FloatBuffer(count: cols)
            for j in 0..<cols { y[j] = j % 2 == 0 ? 0 : -1e30 }
            softmaxForward(y.pointer, additiveMask: nil, rows: 1, cols: cols, compute: ComputeOptions(vector: level))
            let visible = Float((cols + 1) / 2)
            #expect((0..<cols).allSatisfy { $0 % 2 == 1 ? y[$0] == 0 : abs(y[$0] - 1 / visible) < 1e-6 },
                    "level \(level) cols \(cols)")
        }
    }
}

@Test func wideGELUHandlesExtremes() {
    let inputs: [Float] = [0, -0.0, 1e-8, -1e-8, 10, -10, 50, -50, 1e30, -1e30, .nan]
    for level in VectorUnit.available {
        // 16 copies so the vector body (not only the scalar tail) sees every value.
        let x = FloatBuffer(Array(repeating: inputs, count: 16).flatMap { $0 })
        let out = FloatBuffer(count: x.count), ref = FloatBuffer(count: x.count)
        geluForward(out: out.pointer, inp: x.pointer, count: x.count, compute: ComputeOptions(vector: level))
        Reference.geluForward(out: ref.pointer, inp: x.pointer, count: x.count)
        for i in 0..<x.count {
            if x[i].isNaN { #expect(out[i].isNaN, "level \(level)"); continue }
            #expect(abs(out[i] - ref[i]) <= 1e-6 * max(1, abs(ref[i])), "level \(level) x \(x[i])")
        }
    }
}
