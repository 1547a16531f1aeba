// TemperatureFit: the one temperature T that makes a model's answer probabilities honest on a set
// of answered documents — T minimises the mean negative log-likelihood of softmax(logits / T) at
// the true answers (temperature scaling, Guo et al. 2017). With β = 1/T the NLL is convex in β
// (its second derivative is the mean variance of the logits under softmax(β·logits)), so a
// safeguarded Newton search on β finds it. Also the numbers that say how honest: NLL, mean
// confidence and the expected calibration error (ECE, equal-width confidence bins) before and after.
import Foundation

public struct TemperatureFit: Sendable, Equatable {
    /// The fitted temperature (answers are softmax(logits / temperature)).
    public var temperature: Double
    /// Whether the fit stopped at a bound of β = 1/T (`betaRange`): every answer right with room
    /// to spare sends T towards 0, a head that knows nothing towards infinity.
    public var atBound: Bool
    /// Mean −log p(true answer), at T = 1 and at the fitted T.
    public var nllBefore: Double, nllAfter: Double
    /// Expected calibration error (15 bins) at T = 1 and at the fitted T.
    public var eceBefore: Double, eceAfter: Double
    /// Mean probability of the answer given, at T = 1 and at the fitted T; and the share right.
    public var confidenceBefore: Double, confidenceAfter: Double, accuracy: Double

    /// β = 1/T is searched in this range.
    public static let betaRange = 1e-3...1e3

    /// Fits T to `logits` (N documents, each L logits) whose true answers are `labels` (N indices).
    /// - Precondition: N ≥ 1, every row of one length ≥ 2, every logit finite, labels in range.
    public init(logits: [[Double]], labels: [Int]) {
        precondition(!logits.isEmpty && logits.count == labels.count, "TemperatureFit: one label per row of logits")
        let L = logits[0].count
        precondition(L >= 2 && logits.allSatisfy { $0.count == L && $0.allSatisfy(\.isFinite) }, "TemperatureFit: rows of L ≥ 2 finite logits")
        precondition(labels.allSatisfy { (0..<L).contains($0) }, "TemperatureFit: a label outside the logits")
        // d/dβ mean NLL = mean(E_p[z] − z_y), d²/dβ² = mean(Var_p[z]), p = softmax(β z).
        func slopes(_ beta: Double) -> (first: Double, second: Double) {
            var first = 0.0, second = 0.0
            for (z, y) in zip(logits, labels) {
                let p = TemperatureFit.softmax(z, beta: beta)
                let mean = zip(p, z).reduce(0) { $0 + $1.0 * $1.1 }
                let meanSquare = zip(p, z).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
                first += mean - z[y]
                second += max(meanSquare - mean * mean, 0)
            }
            return (first / Double(logits.count), second / Double(logits.count))
        }
        // Bracket the root of the (non-decreasing) slope in β, then Newton steps kept inside it.
        var low = Self.betaRange.lowerBound, high = Self.betaRange.upperBound
        var beta = 1.0, bound = false
        if slopes(high).first <= 0 { beta = high; bound = true }
        else if slopes(low).first >= 0 { beta = low; bound = true }
        else {
            for _ in 0..<200 {
                let (g, h) = slopes(beta)
                if g > 0 { high = beta } else { low = beta }
                if abs(g) < 1e-12 || high - low < 1e-12 * high { break }
                let newton = h > 0 ? beta - g / h : .nan
                beta = newton.isFinite && newton > low && newton < high ? newton : (low + high) / 2
            }
        }
        temperature = 1 / beta
        atBound = bound
        let before = Self.measures(logits: logits, labels: labels, beta: 1)
        let after = Self.measures(logits: logits, labels: labels, beta: beta)
        nllBefore = before.nll; nllAfter = after.nll
        eceBefore = before.ece; eceAfter = after.ece
        confidenceBefore = before.confidence; confidenceAfter = after.confidence
        accuracy = before.accuracy
    }

    /// softmax(β·z), max-shifted.
    static func softmax(_ z: [Double], beta: Double) -> [Double] {
        let top = z.max()!
        let e = z.map { exp(beta * ($0 - top)) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// Mean NLL, ECE (`bins` equal-width bins of the top probability), mean top probability and
    /// accuracy of softmax(β·logits) against `labels`.
    public static func measures(logits: [[Double]], labels: [Int], beta: Double, bins: Int = 15)
        -> (nll: Double, ece: Double, confidence: Double, accuracy: Double) {
        var nll = 0.0, confidence = 0.0, right = 0
        var binConfidence = [Double](repeating: 0, count: bins), binRight = [Int](repeating: 0, count: bins)
        for (z, y) in zip(logits, labels) {
            let p = softmax(z, beta: beta)
            let top = p.indices.max { p[$0] < p[$1] }!
            nll -= log(max(p[y], .leastNormalMagnitude))
            confidence += p[top]
            let bin = min(Int(p[top] * Double(bins)), bins - 1)
            binConfidence[bin] += p[top]
            if top == y { right += 1; binRight[bin] += 1 }
        }
        let n = Double(logits.count)
        let ece = (0..<bins).reduce(0.0) { $0 + abs(binConfidence[$1] - Double(binRight[$1])) } / n
        return (nll / n, ece, confidence / n, Double(right) / n)
    }
}
