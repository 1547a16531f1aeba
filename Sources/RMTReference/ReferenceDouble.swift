// ReferenceDouble: every forward and backward op of the encoder and the classification
// head in Double precision, on plain [Double] arrays with textbook loops.
//
// It exists for gradient checking: central differences of these forwards are accurate to
// ~1e-9, so they can prove these backwards right to ~1e-7, and these backwards then serve
// as the yardstick for the fast Float kernels. Same math, argument order and shapes as the
// fast kernels; forwards return their outputs (and what backward needs) instead of writing
// into buffers, backwards ADD into `inout` gradient arrays. Slow by design; not for training.
// The composed BERT layer and head are in ReferenceDoubleBert.swift.
import Foundation
import RMTKernels

public enum ReferenceDouble {
    // MARK: Linear

    /// out (rows, outDim) = inp (rows, inDim) · weight (outDim, inDim)ᵀ + bias (outDim).
    public static func linearForward(inp: [Double], weight: [Double], bias: [Double]?,
                                     rows: Int, inDim: Int, outDim: Int) -> [Double] {
        var out = [Double](repeating: 0, count: rows * outDim)
        for r in 0..<rows {
            for o in 0..<outDim {
                var s = bias?[o] ?? 0
                for i in 0..<inDim { s += inp[r * inDim + i] * weight[o * inDim + i] }
                out[r * outDim + o] = s
            }
        }
        return out
    }

    /// dinp (rows, inDim) += dout·W; dweight (outDim, inDim) += doutᵀ·inp; dbias (outDim) += Σ_rows dout.
    public static func linearBackward(dinp: inout [Double], dweight: inout [Double], dbias: inout [Double],
                                      dout: [Double], inp: [Double], weight: [Double],
                                      rows: Int, inDim: Int, outDim: Int) {
        for r in 0..<rows {
            for o in 0..<outDim {
                let g = dout[r * outDim + o]
                dbias[o] += g
                for i in 0..<inDim {
                    dinp[r * inDim + i] += g * weight[o * inDim + i]
                    dweight[o * inDim + i] += g * inp[r * inDim + i]
                }
            }
        }
    }

    // MARK: LayerNorm

    /// Row-wise LayerNorm with biased variance; returns the output (rows, C) and the per-row
    /// mean and rstd = 1/sqrt(var + eps) (rows) that backward needs.
    public static func layerNormForward(inp: [Double], weight: [Double], bias: [Double],
                                        rows: Int, channels C: Int, eps: Double)
        -> (out: [Double], mean: [Double], rstd: [Double]) {
        var out = [Double](repeating: 0, count: rows * C)
        var mean = [Double](repeating: 0, count: rows), rstd = mean
        for r in 0..<rows {
            var m = 0.0
            for i in 0..<C { m += inp[r * C + i] }
            m /= Double(C)
            var v = 0.0
            for i in 0..<C { v += (inp[r * C + i] - m) * (inp[r * C + i] - m) }
            let s = 1 / (v / Double(C) + eps).squareRoot()
            for i in 0..<C { out[r * C + i] = (inp[r * C + i] - m) * s * weight[i] + bias[i] }
            mean[r] = m
            rstd[r] = s
        }
        return (out, mean, rstd)
    }

    /// dinp += rstd·(g − mean(g) − n·mean(g⊙n)) with n = (x − mean)·rstd, g = dout⊙weight;
    /// dweight += Σ_rows dout⊙n; dbias += Σ_rows dout.
    public static func layerNormBackward(dinp: inout [Double], dweight: inout [Double], dbias: inout [Double],
                                         dout: [Double], inp: [Double], weight: [Double],
                                         mean: [Double], rstd: [Double], rows: Int, channels C: Int) {
        for r in 0..<rows {
            let n = (0..<C).map { (inp[r * C + $0] - mean[r]) * rstd[r] }
            let g = (0..<C).map { dout[r * C + $0] * weight[$0] }
            var gMean = 0.0, gnMean = 0.0
            for i in 0..<C { gMean += g[i]; gnMean += g[i] * n[i] }
            gMean /= Double(C)
            gnMean /= Double(C)
            for i in 0..<C {
                dinp[r * C + i] += rstd[r] * (g[i] - gMean - n[i] * gnMean)
                dweight[i] += dout[r * C + i] * n[i]
                dbias[i] += dout[r * C + i]
            }
        }
    }

    // MARK: Element-wise

    /// gelu(x) = x·Φ(x) = 0.5·x·(1 + erf(x/√2)), element-wise.
    public static func geluForward(inp: [Double]) -> [Double] {
        inp.map { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot())) }
    }

    /// dinp += dout·(Φ(x) + x·φ(x)).
    public static func geluBackward(dinp: inout [Double], dout: [Double], inp: [Double]) {
        for i in inp.indices {
            let x = inp[i]
            dinp[i] += dout[i] * (0.5 * (1 + erf(x / 2.0.squareRoot())) + x * exp(-0.5 * x * x) / (2 * Double.pi).squareRoot())
        }
    }

    /// tanh, element-wise.
    public static func tanhForward(inp: [Double]) -> [Double] { inp.map { tanh($0) } }

    /// dinp += dout·(1 − out²), from the forward output.
    public static func tanhBackward(dinp: inout [Double], dout: [Double], out: [Double]) {
        for i in out.indices { dinp[i] += dout[i] * (1 - out[i] * out[i]) }
    }

    /// a + b, element-wise.
    public static func addForward(a: [Double], b: [Double]) -> [Double] { zip(a, b).map { $0 + $1 } }

    /// da += dout, db += dout.
    public static func addBackward(da: inout [Double], db: inout [Double], dout: [Double]) {
        for i in dout.indices { da[i] += dout[i]; db[i] += dout[i] }
    }

    /// out (count, C): out[n, :] = table[ids[n], :].
    public static func embeddingForward(table: [Double], ids: [Int32], channels C: Int) -> [Double] {
        ids.flatMap { table[Int($0) * C..<(Int($0) + 1) * C] }
    }

    /// dtable[ids[n], :] += dout[n, :].
    public static func embeddingBackward(dtable: inout [Double], dout: [Double], ids: [Int32], channels C: Int) {
        for (n, id) in ids.enumerated() {
            for c in 0..<C { dtable[Int(id) * C + c] += dout[n * C + c] }
        }
    }
}

extension ReferenceDouble {
    // MARK: Attention

    /// One query row of head h: P[row] = softmax(logits) into probs (B, NH, T, T), then
    /// O[row] = P[row]·V into out (B, T, C), V read from qkv (B, T, 3C).
    static func softmaxThenValues(_ logits: [Double], row t: Int, b: Int, h: Int, qkv: [Double],
                                  probs: inout [Double], out: inout [Double], seqLen T: Int, channels C: Int, heads NH: Int) {
        let d = C / NH, pBase = (b * NH + h) * T * T
        let m = logits.max()!
        let e = logits.map { exp($0 - m) }
        let sum = e.reduce(0, +)
        for s in 0..<T { probs[pBase + t * T + s] = e[s] / sum }
        for i in 0..<d {
            var acc = 0.0
            for s in 0..<T { acc += probs[pBase + t * T + s] * qkv[(b * T + s) * 3 * C + 2 * C + h * d + i] }
            out[(b * T + t) * C + h * d + i] = acc
        }
    }

    /// Multi-head self-attention from packed qkv (B, T, 3C); returns the context (B, T, C)
    /// and the probabilities (B, NH, T, T). additiveMask: (B, T), 0 or very negative, or nil.
    public static func attentionForward(qkv: [Double], additiveMask: [Double]?,
                                        batch B: Int, seqLen T: Int, channels C: Int, heads NH: Int)
        -> (out: [Double], probs: [Double]) {
        let d = C / NH
        let scale = 1 / Double(d).squareRoot()
        var out = [Double](repeating: 0, count: B * T * C)
        var probs = [Double](repeating: 0, count: B * NH * T * T)
        for b in 0..<B {
            for h in 0..<NH {
                for t in 0..<T {
                    let scores = (0..<T).map { s in
                        var dot = 0.0
                        for i in 0..<d { dot += qkv[(b * T + t) * 3 * C + h * d + i] * qkv[(b * T + s) * 3 * C + C + h * d + i] }
                        return dot * scale + (additiveMask?[b * T + s] ?? 0)
                    }
                    softmaxThenValues(scores, row: t, b: b, h: h, qkv: qkv, probs: &probs, out: &out,
                                      seqLen: T, channels: C, heads: NH)
                }
            }
        }
        return (out, probs)
    }

    /// dqkv (B, T, 3C) += gradient of attention, from dout (B, T, C) and the saved probs (B, NH, T, T):
    /// dV += Pᵀ·dO, dS = P⊙(dP − rowsum(dP⊙P)) with dP = dO·Vᵀ, dQ += dS·K/√d, dK += dSᵀ·Q/√d.
    public static func attentionBackward(dqkv: inout [Double], dout: [Double], qkv: [Double], probs: [Double],
                                         batch B: Int, seqLen T: Int, channels C: Int, heads NH: Int) {
        let d = C / NH
        let scale = 1 / Double(d).squareRoot()
        for b in 0..<B {
            for h in 0..<NH {
                let pBase = (b * NH + h) * T * T
                func row(_ t: Int) -> Int { (b * T + t) * 3 * C + h * d }  // q of token t; k at +C, v at +2C
                for t in 0..<T {
                    let dO = (0..<d).map { dout[(b * T + t) * C + h * d + $0] }
                    var dP = [Double](repeating: 0, count: T)
                    for s in 0..<T {
                        for i in 0..<d {
                            dP[s] += dO[i] * qkv[row(s) + 2 * C + i]
                            dqkv[row(s) + 2 * C + i] += probs[pBase + t * T + s] * dO[i]
                        }
                    }
                    var dot = 0.0
                    for s in 0..<T { dot += dP[s] * probs[pBase + t * T + s] }
                    for s in 0..<T {
                        let dS = probs[pBase + t * T + s] * (dP[s] - dot) * scale
                        for i in 0..<d {
                            dqkv[row(t) + i] += dS * qkv[row(s) + C + i]
                            dqkv[row(s) + C + i] += dS * qkv[row(t) + i]
                        }
                    }
                }
            }
        }
    }

    // MARK: Cross-entropy

    /// Per-row softmax cross-entropy: losses (rows) = logsumexp(z) − z[target] (0 for a negative
    /// target: no loss), probs (rows, K).
    public static func crossEntropyForward(logits: [Double], targets: [Int32], rows: Int, classes K: Int)
        -> (losses: [Double], probs: [Double]) {
        var losses = [Double](repeating: 0, count: rows), probs = [Double](repeating: 0, count: rows * K)
        for r in 0..<rows {
            let z = logits[r * K..<(r + 1) * K]
            let m = z.max()!
            let lse = m + log(z.reduce(0) { $0 + exp($1 - m) })
            for c in 0..<K { probs[r * K + c] = exp(logits[r * K + c] - lse) }
            losses[r] = targets[r] < 0 ? 0 : lse - logits[r * K + Int(targets[r])]  // negative: no loss
        }
        return (losses, probs)
    }

    /// Gradient of scale·Σ_r losses[r]: dlogits (rows, K) += scale·(probs − onehot(targets)).
    public static func crossEntropyBackward(dlogits: inout [Double], probs: [Double], targets: [Int32],
                                            rows: Int, classes K: Int, scale: Double) {
        for r in 0..<rows where targets[r] >= 0 {
            for c in 0..<K { dlogits[r * K + c] += scale * (probs[r * K + c] - (c == Int(targets[r]) ? 1 : 0)) }
        }
    }
}
