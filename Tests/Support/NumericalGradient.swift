// Central-difference gradients for the Double gradient checks of every test target.

/// Central differences (f(x + ε·e_i) − f(x − ε·e_i)) / 2ε for every coordinate i.
/// Truncation error O(ε²·f‴), rounding error O(δ·|f|/ε) with δ ≈ 1e-16: with ε = 1e-6 and
/// |f| ≈ 1–10 both stay below ~1e-9.
public func numericalGradient(at x: [Double], eps: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
    var x = x
    var grad = [Double](repeating: 0, count: x.count)
    for i in x.indices {
        let saved = x[i]
        x[i] = saved + eps
        let plus = f(x)
        x[i] = saved - eps
        let minus = f(x)
        x[i] = saved
        grad[i] = (plus - minus) / (2 * eps)
    }
    return grad
}
