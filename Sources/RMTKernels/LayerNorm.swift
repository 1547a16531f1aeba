// LayerNorm: y = (x − mean) / sqrt(var + eps) · weight + bias over the last dimension.
//
// Biased variance (as torch.nn.LayerNorm), two passes per row, SIMD8 accumulators,
// rows split over cores. Saves mean and 1/std per row for the backward pass.
// Plain-loop twin: Reference.layerNormForward.

/// - Parameters:
///   - out: (rows, channels); may alias `inp`.
///   - mean: (rows) or nil — per-row mean, saved for backward.
///   - rstd: (rows) or nil — per-row 1/sqrt(var + eps), saved for backward.
///   - inp: (rows, channels).
///   - weight, bias: (channels).
public func layerNormForward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>?,
                             rstd: UnsafeMutablePointer<Float>?, inp: UnsafePointer<Float>,
                             weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                             rows: Int, channels C: Int, eps: Float) {
    Parallel.forEachRange(rows, costPerItem: 3 * C) { range in
        let vecEnd = C & ~7
        for r in range {
            let x = inp + r * C
            let y = out + r * C
            var acc = Float8()
            var i = 0
            while i < vecEnd { acc += load8(x + i); i += 8 }
            var sum = acc.sum()
            while i < C { sum += x[i]; i += 1 }
            let m = sum / Float(C)
            var vacc = Float8()
            i = 0
            while i < vecEnd { let d = load8(x + i) - m; vacc += d * d; i += 8 }
            var v = vacc.sum()
            while i < C { let d = x[i] - m; v += d * d; i += 1 }
            let s = 1 / (v / Float(C) + eps).squareRoot()
            i = 0
            while i < vecEnd {
                store8((load8(x + i) - m) * s * load8(weight + i) + load8(bias + i), y + i)
                i += 8
            }
            while i < C { y[i] = (x[i] - m) * s * weight[i] + bias[i]; i += 1 }
            mean?[r] = m
            rstd?[r] = s
        }
    }
}
