// Closeness: the one strict comparison every numeric test uses. A comparison fails on a
// length mismatch and on any NaN or ±Inf in either array (a reduction such as
// `max(m, |a − b|)` silently skips NaN, which let a kernel returning NaN pass), and its
// description reports the max absolute error, the max error relative to the reference's
// largest entry, and the first mismatching elements.
import Testing

/// The result of comparing `actual` against `expected` under a tolerance.
public struct Closeness: CustomStringConvertible, Sendable {
    /// One element that failed: its index and both values.
    public struct Mismatch: Sendable { public let index: Int; public let actual: Double; public let expected: Double }

    public let actualCount: Int
    public let expectedCount: Int
    /// Positions where either side is NaN or ±Inf.
    public let nonFinite: Int
    /// max_i |a_i − b_i| over the finite pairs.
    public let maxAbsError: Double
    /// max_i |a_i − b_i| / max(max_i |b_i|, scaleFloor): error relative to the reference's size.
    public let maxRelativeError: Double
    /// The first (up to 5) elements outside the tolerance, or non-finite.
    public let mismatches: [Mismatch]
    /// Number of elements outside the tolerance (non-finite ones included).
    public let mismatchCount: Int
    /// The tolerance it was judged by, in words.
    public let tolerance: String

    /// True when the lengths agree, everything is finite and every element is within tolerance.
    public var passes: Bool { actualCount == expectedCount && mismatchCount == 0 }

    public var description: String {
        if actualCount != expectedCount { return "length \(actualCount) vs expected \(expectedCount)" }
        var s = "max abs error \(maxAbsError), max relative error \(maxRelativeError) (\(tolerance))"
        if nonFinite > 0 { s += ", \(nonFinite) non-finite" }
        if mismatchCount > 0 {
            s += ", \(mismatchCount) of \(expectedCount) outside: "
            s += mismatches.map { "[\($0.index)] \($0.actual) vs \($0.expected)" }.joined(separator: ", ")
            if mismatchCount > mismatches.count { s += ", …" }
        }
        return s
    }
}

/// Compares element by element. Give `abs` (|a − b| ≤ abs for every element), `relative`
/// (|a − b| ≤ relative · max(max|b|, scaleFloor)), or both (an element passes when within either).
/// With neither, only lengths and finiteness are judged.
public func closeness<A: Collection, B: Collection>(
    _ actual: A, _ expected: B, abs absTolerance: Double? = nil, relative: Double? = nil,
    scaleFloor: Double = 1e-30
) -> Closeness where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
    let a = actual.map { Double($0) }, b = expected.map { Double($0) }
    var words: [String] = []
    if let absTolerance { words.append("abs ≤ \(absTolerance)") }
    if let relative { words.append("relative ≤ \(relative)") }
    let tolerance = words.isEmpty ? "finite only" : words.joined(separator: " or ")
    guard a.count == b.count else {
        return Closeness(actualCount: a.count, expectedCount: b.count, nonFinite: 0, maxAbsError: .infinity,
                         maxRelativeError: .infinity, mismatches: [], mismatchCount: Swift.max(a.count, b.count),
                         tolerance: tolerance)
    }
    var scale = scaleFloor
    for v in b where v.isFinite { scale = Swift.max(scale, Swift.abs(v)) }
    var maxAbs = 0.0, nonFinite = 0, count = 0
    var first: [Closeness.Mismatch] = []
    for i in a.indices {
        let diff = Swift.abs(a[i] - b[i])
        var bad: Bool
        if !a[i].isFinite || !b[i].isFinite {
            nonFinite += 1
            bad = true
        } else {
            maxAbs = Swift.max(maxAbs, diff)
            bad = absTolerance != nil || relative != nil
            if let absTolerance, diff <= absTolerance { bad = false }
            if let relative, diff <= relative * scale { bad = false }
        }
        if bad {
            count += 1
            if first.count < 5 { first.append(.init(index: i, actual: a[i], expected: b[i])) }
        }
    }
    return Closeness(actualCount: a.count, expectedCount: b.count, nonFinite: nonFinite, maxAbsError: maxAbs,
                     maxRelativeError: maxAbs / scale, mismatches: first, mismatchCount: count, tolerance: tolerance)
}

/// `closeness` over `count` elements at a pointer.
public func closeness<B: Collection>(
    _ actual: UnsafePointer<Float>, count: Int, _ expected: B, abs absTolerance: Double? = nil,
    relative: Double? = nil, scaleFloor: Double = 1e-30
) -> Closeness where B.Element: BinaryFloatingPoint {
    closeness(UnsafeBufferPointer(start: actual, count: count), expected, abs: absTolerance,
              relative: relative, scaleFloor: scaleFloor)
}

/// Records a test failure (with the full report) unless `actual` is close to `expected`.
public func expectClose<A: Collection, B: Collection>(
    _ actual: A, _ expected: B, abs absTolerance: Double? = nil, relative: Double? = nil,
    scaleFloor: Double = 1e-30, _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation
) where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
    let c = closeness(actual, expected, abs: absTolerance, relative: relative, scaleFloor: scaleFloor)
    #expect(c.passes, "\(what.isEmpty ? "" : what + ": ")\(c)", sourceLocation: sourceLocation)
}
