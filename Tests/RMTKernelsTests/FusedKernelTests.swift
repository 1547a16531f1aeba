// The fused forward kernels against their plain-loop twins, at every row-kernel level this CPU
// runs: bias + GELU and residual + LayerNorm (FusedEpilogues.swift) against Reference's add,
// geluForward and layerNormForward composed; the fused attention head (rmt_attention_head)
// against Reference.attentionForward and against the unfused GEMM + softmax + GEMM sequence,
// on shapes with partial micro-tiles, several row blocks, padding and pruned query rows.
import Testing
import RMTKernels
import RMTReference
import RMTTestSupport

@Test(arguments: [(1, 5), (7, 37), (96, 1024), (130, 64)])
func biasGELUMatchesItsTwin(rows: Int, cols: Int) {
    let pre = randomBuffer(rows * cols, seed: 21, std: 2), bias = randomBuffer(cols, seed: 22)
    let refPre = FloatBuffer(count: rows * cols), refAct = FloatBuffer(count: rows * cols)
    for r in 0..<rows {
        for c in 0..<cols { refPre[r * cols + c] = pre[r * cols + c] + bias[c] }
    }
    Reference.geluForward(out: refAct.pointer, inp: refPre.pointer, count: rows * cols)
    for level in VectorUnit.available {
        let p = FloatBuffer(pre.array), act = FloatBuffer(count: rows * cols)
        biasGELUForward(act: act.pointer, pre: p.pointer, bias: bias.pointer, rows: rows, cols: cols,
                        compute: ComputeOptions(vector: level))
        expectClose(p.array, refPre.array, abs: 0, "pre, level \(level)")
        expectClose(act.array, refAct.array, abs: 2e-6, "act, level \(level)")
    }
}

@Test(arguments: [(1, 8), (3, 13), (130, 256), (17, 768)])
func residualLayerNormMatchesItsTwin(rows: Int, channels C: Int) {
    let res = randomBuffer(rows * C, seed: 31, std: 3), bias = randomBuffer(C, seed: 32)
    let skip = randomBuffer(rows * C, seed: 33), weight = randomBuffer(C, seed: 34), lnBias = randomBuffer(C, seed: 35)
    let refRes = FloatBuffer(count: rows * C), refOut = FloatBuffer(count: rows * C)
    let refMean = FloatBuffer(count: rows), refRstd = FloatBuffer(count: rows)
    for i in 0..<(rows * C) { refRes[i] = res[i] + bias[i % C] + skip[i] }
    Reference.layerNormForward(out: refOut.pointer, mean: refMean.pointer, rstd: refRstd.pointer, inp: refRes.pointer,
                               weight: weight.pointer, bias: lnBias.pointer, rows: rows, channels: C, eps: 1e-12)
    for level in VectorUnit.available {
        let r = FloatBuffer(res.array), out = FloatBuffer(count: rows * C)
        let mean = FloatBuffer(count: rows), rstd = FloatBuffer(count: rows)
        residualLayerNormForward(out: out.pointer, mean: mean.pointer, rstd: rstd.pointer, res: r.pointer, bias: bias.pointer,
                                 skip: skip.pointer, weight: weight.pointer, lnBias: lnBias.pointer,
                                 rows: rows, channels: C, eps: 1e-12, compute: ComputeOptions(vector: level))
        expectClose(r.array, refRes.array, abs: 0, "residual, level \(level)")
        expectClose(out.array, refOut.array, abs: 1e-5, "out, level \(level)")
        expectClose(mean.array, refMean.array, abs: 1e-6, "mean, level \(level)")
        expectClose(rstd.array, refRstd.array, relative: 1e-5, "rstd, level \(level)")
        // Without saved statistics (inference) the output is the same.
        let r2 = FloatBuffer(res.array), out2 = FloatBuffer(count: rows * C)
        residualLayerNormForward(out: out2.pointer, mean: nil, rstd: nil, res: r2.pointer, bias: bias.pointer,
                                 skip: skip.pointer, weight: weight.pointer, lnBias: lnBias.pointer,
                                 rows: rows, channels: C, eps: 1e-12, compute: ComputeOptions(vector: level))
        #expect(out2.array == out.array, "level \(level)")
    }
}

/// (batch, seqLen, channels, heads, queryRows): one row block and several (ATTENTION_BLOCK = 96),
/// T and d not multiples of the micro-tile, pruned query rows, MiniLM's 12 heads of 32 (P·V reads
/// the probability rows in place, rows past a partial tile included).
@Test(arguments: [(1, 7, 12, 2, 7), (2, 200, 64, 2, 200), (1, 512, 256, 4, 512), (2, 131, 48, 3, 11), (1, 97, 96, 1, 97),
                  (1, 512, 384, 12, 512)])
func fusedAttentionMatchesItsTwins(batch B: Int, seqLen T: Int, channels C: Int, heads NH: Int, queryRows R: Int) {
    let qkv = randomBuffer(B * T * 3 * C, seed: 41)
    let mask = FloatBuffer(count: B * T)
    for t in (T - min(3, T - 1))..<T { mask[(B - 1) * T + t] = -Float.greatestFiniteMagnitude }  // padded keys
    let refOut = FloatBuffer(count: B * T * C), refProbs = FloatBuffer(count: B * NH * T * T)
    Reference.attentionForward(out: refOut.pointer, probs: refProbs.pointer, qkv: qkv.pointer, additiveMask: mask.pointer,
                               batch: B, seqLen: T, channels: C, heads: NH)
    func leadingRows(_ x: FloatBuffer, width: Int, blocks: Int) -> [Float] {  // the first R rows of each (T, width) block
        (0..<blocks).flatMap { blk in (0..<(R * width)).map { x[blk * T * width + $0] } }
    }
    let own = GEMMBackend.available.filter { $0 != .openblas }
    for backend in own {
        for threads in [1, 2] {
            var results: [[Float]] = []
            for fused in [true, false] {
                var options = ComputeOptions.default.with(backend: backend)
                options.threads = threads
                options.fused = fused
                let out = FloatBuffer(count: B * T * C), probs = FloatBuffer(count: B * NH * T * T)
                attentionForward(out: out.pointer, probs: probs.pointer, qkv: qkv.pointer, additiveMask: mask.pointer,
                                 batch: B, seqLen: T, channels: C, heads: NH, queryRows: R, compute: options)
                let o = leadingRows(out, width: C, blocks: B), p = leadingRows(probs, width: T, blocks: B * NH)
                expectClose(o, leadingRows(refOut, width: C, blocks: B), abs: 2e-5, "out, \(options)")
                expectClose(p, leadingRows(refProbs, width: T, blocks: B * NH), abs: 2e-6, "probs, \(options)")
                // A padded key gets exactly zero weight.
                #expect((0..<R).allSatisfy { probs[((B - 1) * NH) * T * T + $0 * T + T - 1] == 0 }, "\(options)")
                results.append(o + p)
            }
            expectClose(results[0], results[1], abs: 2e-6, "fused vs unfused, \(backend) threads \(threads)")
        }
    }
}
