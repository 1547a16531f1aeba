// Temperature scaling (TemperatureFit.swift): labels drawn from softmax(z / T₀) give back T₀; the
// fitted T is the NLL's minimum (no neighbour scores lower, the slope there is zero); answers that
// are all right with a margin run to the bound and say so; and NLL, ECE, confidence and accuracy
// agree with a hand computation on two documents.
import Foundation
import Testing
import RMTBase
import RMTTraining

/// N rows of L logits, N(0, scale²), and labels drawn from softmax(row / temperature).
private func sampled(_ n: Int, classes L: Int, scale: Float, temperature: Double, seed: UInt64) -> ([[Double]], [Int]) {
    var rng = SplitMix64(seed: seed)
    var rows: [[Double]] = [], labels: [Int] = []
    for _ in 0..<n {
        let z = rng.normals(L, std: scale).map(Double.init)
        let e = z.map { exp(($0 - z.max()!) / temperature) }
        var u = Double(rng.nextUniform()) * e.reduce(0, +), y = 0
        while y < L - 1 && u >= e[y] { u -= e[y]; y += 1 }
        rows.append(z); labels.append(y)
    }
    return (rows, labels)
}

@Test func temperatureFitRecoversTheTemperatureTheLabelsWereDrawnAt() {
    for (t0, seed) in [(0.5, UInt64(1)), (1.0, 2), (2.5, 3)] {
        let (z, y) = sampled(20_000, classes: 6, scale: 3, temperature: t0, seed: seed)
        let fit = TemperatureFit(logits: z, labels: y)
        #expect(!fit.atBound)
        #expect(abs(fit.temperature / t0 - 1) < 0.05, "drawn at \(t0), fitted \(fit.temperature)")
        #expect(fit.nllAfter <= fit.nllBefore + 1e-12)
        // The minimum: both neighbours score higher.
        for factor in [0.97, 1.03] {
            let other = TemperatureFit.measures(logits: z, labels: y, beta: 1 / (fit.temperature * factor)).nll
            #expect(other > fit.nllAfter, "T × \(factor): \(other) against \(fit.nllAfter)")
        }
        // Calibrated, the ECE is small (sampling noise only).
        #expect(fit.eceAfter < 0.02, "ECE \(fit.eceAfter)")
    }
    // Overconfident logits (labels drawn at T₀ = 2 but read at T = 1): the fit lowers the confidence.
    let (z, y) = sampled(5_000, classes: 4, scale: 4, temperature: 2, seed: 9)
    let fit = TemperatureFit(logits: z, labels: y)
    #expect(fit.temperature > 1.5 && fit.confidenceAfter < fit.confidenceBefore && fit.eceAfter < fit.eceBefore)
}

@Test func temperatureFitStopsAtTheBoundWhenEveryAnswerIsRightWithAMargin() {
    let z: [[Double]] = [[3, 0, 0], [0, 2, -1], [1, 1, 4]], y = [0, 1, 2]
    let sharp = TemperatureFit(logits: z, labels: y)
    #expect(sharp.atBound && sharp.temperature == 1 / TemperatureFit.betaRange.upperBound)
    #expect(sharp.nllAfter < 1e-9 && sharp.accuracy == 1)
    // Every answer wrong with a margin: as unsure as allowed.
    let wrong = TemperatureFit(logits: z, labels: [1, 2, 0])
    #expect(wrong.atBound && wrong.temperature == 1 / TemperatureFit.betaRange.lowerBound && wrong.accuracy == 0)
}

@Test func calibrationMeasuresAgreeWithAHandComputation() {
    // Two documents, two labels: p = softmax([ln 3, 0]) = (0.75, 0.25) and softmax([0, 0]) = (0.5, 0.5).
    let z: [[Double]] = [[log(3), 0], [0, 0]]
    let m = TemperatureFit.measures(logits: z, labels: [1, 0], beta: 1)
    #expect(abs(m.nll - (-(log(0.25) + log(0.5)) / 2)) < 1e-12)
    #expect(abs(m.confidence - 0.625) < 1e-12)
    #expect(m.accuracy == 0.5)  // the first answers label 0 (wrong), the second ties and answers label 0 (right)
    // ECE (15 bins): 0.75 in bin 11 with accuracy 0, 0.5 in bin 7 with accuracy 1 → (0.75 + 0.5) / 2.
    #expect(abs(m.ece - 0.625) < 1e-12)
    // β halves the logits' gaps: softmax([ln 3 / 2, 0]) = (√3 / (√3 + 1), 1 / (√3 + 1)).
    let half = TemperatureFit.measures(logits: z, labels: [1, 0], beta: 0.5)
    #expect(abs(half.nll - (-(log(1 / (3.squareRoot() + 1))) - log(0.5)) / 2) < 1e-12)
}
