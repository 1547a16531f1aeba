// The strict comparison helper itself: NaN, ±Inf and length mismatches never pass, and the
// report names the errors and the first mismatching elements.
import Testing
import RMTTestSupport

@Test func closenessFailsOnNaNThatAMaxReductionWouldSkip() {
    let nan = Float.nan
    let c = closeness([nan, nan, nan], [Float(1), 2, 3], abs: 1)
    #expect(!c.passes)
    #expect(c.nonFinite == 3 && c.mismatchCount == 3)
    #expect(!closeness([Float(1), 2, 3], [Float(1), nan, 3], abs: 1).passes)   // NaN in the reference too
    #expect(closeness([Float(1), 2, 3], [Float(1), 2, 3]).passes)                // finite-only check passes
    #expect(!closeness([Float(1), .nan], [Float(1), 2]).passes)                  // finite-only check fails on NaN
}

@Test func closenessFailsOnInfinityAndOnLengthMismatch() {
    #expect(!closeness([Float.infinity], [Float.infinity], abs: 1).passes)
    #expect(!closeness([-Float.infinity, 0], [Float(0), 0], relative: 1).passes)
    let short = closeness([Float(1), 2], [Float(1), 2, 3], abs: 10)
    #expect(!short.passes)
    #expect(short.description.contains("length 2 vs expected 3"))
}

@Test func closenessJudgesAbsoluteAndRelativeTolerances() {
    let a: [Double] = [1.0, 2.0, 100.05], b: [Double] = [1.0, 2.0, 100.0]
    #expect(closeness(a, b, abs: 0.06).passes)
    #expect(!closeness(a, b, abs: 0.04).passes)
    #expect(closeness(a, b, relative: 6e-4).passes)        // 0.05 / 100
    #expect(!closeness(a, b, relative: 4e-4).passes)
    #expect(closeness(a, b, abs: 0.01, relative: 6e-4).passes)  // either tolerance suffices
    // The floor keeps a zero reference from turning float noise into an infinite relative error.
    #expect(closeness([1e-9], [0.0], relative: 1e-5, scaleFloor: 1e-3).passes)
    #expect(!closeness([1e-9], [0.0], relative: 1e-5).passes)
    #expect(closeness([Float(3)], [Float(3)], abs: 0).passes)
}

@Test func closenessReportsErrorsAndTheFirstMismatches() {
    let expected = (0..<10).map(Double.init)
    var actual = expected
    actual[2] += 0.5; actual[7] = .nan; actual[9] -= 2
    let c = closeness(actual, expected, abs: 0.1)
    #expect(c.mismatchCount == 3 && c.nonFinite == 1)
    #expect(c.maxAbsError == 2 && abs(c.maxRelativeError - 2.0 / 9.0) < 1e-12)
    #expect(c.mismatches.map(\.index) == [2, 7, 9])
    let text = c.description
    #expect(text.contains("max abs error 2.0") && text.contains("[2] 2.5 vs 2.0") && text.contains("1 non-finite"))
}
