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
                             rows: Int, channels C: Int, eps: Float, compute: ComputeOptions = .default) {
    Parallel.forEachRange(rows, costPerItem: 3 * C, threads: compute.threads) { range in
        for r in range {
            let (m, s) = layerNormRow(out: out + r * C, inp: inp + r * C, weight: weight, bias: bias, channels: C, eps: eps)
            mean?[r] = m
            rstd?[r] = s
        }
    }
}

/// One row of `layerNormForward`: y (C) = LN(x (C)); returns the row's mean and 1/std.
@inline(__always)
func layerNormRow(out y: UnsafeMutablePointer<Float>, inp x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                  bias: UnsafePointer<Float>, channels C: Int, eps: Float) -> (mean: Float, rstd: Float) {
    let vecEnd = C & ~7
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
    return (m, s)
}

/// Backward of `layerNormForward`, from the saved per-row mean and rstd.
///
/// With n = (x − mean)·rstd and g = dout ⊙ weight (Docs/backward.md has the derivation):
///   dinp    += rstd · (g − mean(g) − n · mean(g ⊙ n))
///   dweight += Σ_rows dout ⊙ n,   dbias += Σ_rows dout
/// One pass over the rows, split over cores in fixed chunks; the parameter gradients go
/// through per-chunk partial sums (`sumOverRowChunks`), so the result is race-free and
/// independent of the thread count.
/// - Parameters:
///   - dinp: (rows, channels), accumulated; must not alias `dout`.
///   - dweight, dbias: (channels), accumulated.
///   - dout: (rows, channels) — gradient with respect to the forward output.
///   - inp: (rows, channels) — the forward input.
///   - weight: (channels).
///   - mean, rstd: (rows) — as saved by `layerNormForward`.
public func layerNormBackward(dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
                              dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                              inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                              mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                              rows: Int, channels C: Int, compute: ComputeOptions = .default) {
    sumOverRowChunks(rows: rows, width: 2 * C, costPerRow: 6 * C, threads: compute.threads) { rowRange, partial in
        for r in rowRange {
            layerNormBackwardRow(dx: dinp + r * C, dweight: partial, dbias: partial + C, dy: dout + r * C,
                                 x: inp + r * C, weight: weight, mean: mean[r], rstd: rstd[r], channels: C)
        }
    } total: { sums in
        addForward(out: dweight, a: dweight, b: sums, count: C)
        addForward(out: dbias, a: dbias, b: sums + C, count: C)
    }
}

/// One row of `layerNormBackward`: dx += …, dweight += dy ⊙ n, dbias += dy.
@inline(__always)
func layerNormBackwardRow(dx: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
                          dbias: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>, x: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, mean m: Float, rstd s: Float, channels C: Int) {
    let vecEnd = C & ~7
    var gAcc = Float8(), gnAcc = Float8()
    var i = 0
    while i < vecEnd {
        let g = load8(dy + i) * load8(weight + i)
        gAcc += g
        gnAcc += g * ((load8(x + i) - m) * s)
        i += 8
    }
    var gSum = gAcc.sum(), gnSum = gnAcc.sum()
    while i < C { let g = dy[i] * weight[i]; gSum += g; gnSum += g * ((x[i] - m) * s); i += 1 }
    let gMean = gSum / Float(C), gnMean = gnSum / Float(C)
    i = 0
    while i < vecEnd {
        let n = (load8(x + i) - m) * s
        let d = load8(dy + i)
        store8(load8(dx + i) + s * (d * load8(weight + i) - gMean - n * gnMean), dx + i)
        store8(load8(dweight + i) + d * n, dweight + i)
        store8(load8(dbias + i) + d, dbias + i)
        i += 8
    }
    while i < C {
        let n = (x[i] - m) * s
        dx[i] += s * (dy[i] * weight[i] - gMean - n * gnMean)
        dweight[i] += dy[i] * n
        dbias[i] += dy[i]
        i += 1
    }
}
