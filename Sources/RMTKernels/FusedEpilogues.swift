// FusedEpilogues: what follows a projection's GEMM, in one pass over its output instead of
// three (bias copy before the GEMM, the element-wise op, then a second op):
//
//   biasGELUForward            pre += bias; act = gelu(pre)                  (FFN in)
//   residualLayerNormForward   res += bias + skip; out = LN(res)             (attention out, FFN out)
//
// Rows split over cores; each range runs the AVX-512/AVX2 C kernel of CRMTVector
// (rmt_bias_gelu, rmt_residual_layernorm) or, at the Swift level, the same steps in plain
// loops. The buffers hold exactly what the unfused sequence leaves (pre with its bias, res as
// the LayerNorm input), so the backward pass is unchanged. Plain-loop twins: the composition
// of Reference's add, geluForward and layerNormForward (the tests hold them to it).
import CRMTVector

/// pre[r, c] += bias[c]; act[r, c] = gelu(pre[r, c]).
/// - Parameters:
///   - act: (rows, cols), overwritten; must not alias `pre`.
///   - pre: (rows, cols) — the GEMM output without bias; on return the GELU input with bias.
///   - bias: (cols).
public func biasGELUForward(act: UnsafeMutablePointer<Float>, pre: UnsafeMutablePointer<Float>,
                            bias: UnsafePointer<Float>, rows: Int, cols: Int, compute: ComputeOptions = .default) {
    let level = compute.rows
    Parallel.forEachRange(rows, costPerItem: 8 * cols, threads: compute.threads) { range in
        let p = pre + range.lowerBound * cols, a = act + range.lowerBound * cols
        if level != .swift, rmt_bias_gelu(level.rawValue, a, p, bias, range.count, cols) != 0 { return }
        for r in 0..<range.count {
            addForward(out: p + r * cols, a: p + r * cols, b: bias, count: cols)
            geluRange(out: a + r * cols, inp: p + r * cols, count: cols, level: .swift)
        }
    }
}

/// res[r, :] += bias + skip[r, :]; out[r, :] = (res[r, :] − mean)·rstd·weight + lnBias.
/// - Parameters:
///   - out: (rows, channels), overwritten; must not alias `res` or `skip`.
///   - mean, rstd: (rows) or nil — saved for the backward pass, as `layerNormForward` does.
///   - res: (rows, channels) — the projection's GEMM output without bias; on return the
///     LayerNorm input (the residual sum).
///   - bias: (channels) — the projection's bias.
///   - skip: (rows, channels) — the residual branch.
///   - weight, lnBias: (channels) — the LayerNorm's parameters.
public func residualLayerNormForward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>?,
                                     rstd: UnsafeMutablePointer<Float>?, res: UnsafeMutablePointer<Float>,
                                     bias: UnsafePointer<Float>, skip: UnsafePointer<Float>,
                                     weight: UnsafePointer<Float>, lnBias: UnsafePointer<Float>,
                                     rows: Int, channels C: Int, eps: Float, compute: ComputeOptions = .default) {
    let level = compute.rows
    Parallel.forEachRange(rows, costPerItem: 4 * C, threads: compute.threads) { range in
        let lo = range.lowerBound
        if level != .swift, rmt_residual_layernorm(level.rawValue, out + lo * C, mean.map { $0 + lo }, rstd.map { $0 + lo },
                                                   res + lo * C, bias, skip + lo * C, weight, lnBias,
                                                   range.count, C, eps) != 0 { return }
        for r in range {
            let x = res + r * C
            addForward(out: x, a: x, b: bias, count: C)
            addForward(out: x, a: x, b: skip + r * C, count: C)
            let (m, s) = layerNormRow(out: out + r * C, inp: x, weight: weight, bias: lnBias, channels: C, eps: eps)
            mean?[r] = m
            rstd?[r] = s
        }
    }
}
