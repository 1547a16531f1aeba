// ReferenceBackward: plain-loop twins of every backward kernel (and of the tanh and
// cross-entropy forwards), accumulating in Double.
//
// Same names, argument order, shapes and accumulate-into-gradients convention as the fast
// kernels, so a test can run both on one set of Float buffers and compare. Textbook loops:
// no BLAS, no SIMD, no threads. Not for production use; the Double-precision layer that
// the finite-difference checks use is ReferenceDouble (ReferenceDouble.swift).
import Foundation
import RMTKernels

extension Reference {
    /// dinp += dout·W, dweight += doutᵀ·inp, dbias += Σ_rows dout.
    public static func linearBackward(dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
                                      dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>,
                                      inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                      rows: Int, inDim: Int, outDim: Int) {
        if let dinp {
            for r in 0..<rows {
                for i in 0..<inDim {
                    var s = 0.0
                    for o in 0..<outDim { s += Double(dout[r * outDim + o]) * Double(weight[o * inDim + i]) }
                    dinp[r * inDim + i] = Float(Double(dinp[r * inDim + i]) + s)
                }
            }
        }
        for o in 0..<outDim {
            for i in 0..<inDim {
                var s = 0.0
                for r in 0..<rows { s += Double(dout[r * outDim + o]) * Double(inp[r * inDim + i]) }
                dweight[o * inDim + i] = Float(Double(dweight[o * inDim + i]) + s)
            }
            if let dbias {
                var s = 0.0
                for r in 0..<rows { s += Double(dout[r * outDim + o]) }
                dbias[o] = Float(Double(dbias[o]) + s)
            }
        }
    }

    /// LayerNorm backward from the saved mean/rstd (see `layerNormBackward`).
    public static func layerNormBackward(dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
                                         dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                                         inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                         mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                         rows: Int, channels C: Int) {
        var dw = [Double](repeating: 0, count: C), db = [Double](repeating: 0, count: C)
        for r in 0..<rows {
            let m = Double(mean[r]), s = Double(rstd[r])
            let n = (0..<C).map { (Double(inp[r * C + $0]) - m) * s }
            let g = (0..<C).map { Double(dout[r * C + $0]) * Double(weight[$0]) }
            var gMean = 0.0, gnMean = 0.0
            for i in 0..<C { gMean += g[i]; gnMean += g[i] * n[i] }
            gMean /= Double(C)
            gnMean /= Double(C)
            for i in 0..<C {
                dinp[r * C + i] = Float(Double(dinp[r * C + i]) + s * (g[i] - gMean - n[i] * gnMean))
                dw[i] += Double(dout[r * C + i]) * n[i]
                db[i] += Double(dout[r * C + i])
            }
        }
        for i in 0..<C {
            dweight[i] = Float(Double(dweight[i]) + dw[i])
            dbias[i] = Float(Double(dbias[i]) + db[i])
        }
    }

    /// dinp += dout·(Φ(x) + x·φ(x)) with libm's double erf and exp.
    public static func geluBackward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                                    inp: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let x = Double(inp[i])
            let derivative = 0.5 * (1 + erf(x / 2.0.squareRoot())) + x * exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
            dinp[i] = Float(Double(dinp[i]) + Double(dout[i]) * derivative)
        }
    }

    /// g[r, :] ← P[r, :] ⊙ (g[r, :] − Σ_j g[r, j]·P[r, j]), in place.
    public static func softmaxBackwardInPlace(_ g: UnsafeMutablePointer<Float>, probs: UnsafePointer<Float>,
                                              rows: Int, cols: Int) {
        for r in 0..<rows {
            var dot = 0.0
            for j in 0..<cols { dot += Double(g[r * cols + j]) * Double(probs[r * cols + j]) }
            for j in 0..<cols {
                g[r * cols + j] = Float(Double(probs[r * cols + j]) * (Double(g[r * cols + j]) - dot))
            }
        }
    }

    /// Attention backward from the saved probabilities; `dprobs` (T, T) is scratch, as in the fast kernel.
    public static func attentionBackward(dqkv: UnsafeMutablePointer<Float>, dprobs: UnsafeMutablePointer<Float>,
                                         dout: UnsafePointer<Float>, qkv: UnsafePointer<Float>,
                                         probs: UnsafePointer<Float>,
                                         batch B: Int, seqLen T: Int, channels C: Int, heads NH: Int) {
        let d = C / NH
        let scale = 1 / Double(d).squareRoot()
        func at(_ p: UnsafePointer<Float>, _ b: Int, _ t: Int, _ col: Int) -> Double { Double(p[(b * T + t) * 3 * C + col]) }
        func add(_ b: Int, _ t: Int, _ col: Int, _ v: Double) {
            let i = (b * T + t) * 3 * C + col
            dqkv[i] = Float(Double(dqkv[i]) + v)
        }
        for b in 0..<B {
            for h in 0..<NH {
                let p = probs + (b * NH + h) * T * T
                let dO = { (t: Int, i: Int) in Double(dout[(b * T + t) * C + h * d + i]) }
                var dS = [Double](repeating: 0, count: T * T)
                for t in 0..<T {
                    var dot = 0.0
                    for s in 0..<T {
                        var dP = 0.0
                        for i in 0..<d { dP += dO(t, i) * at(qkv, b, s, 2 * C + h * d + i) }
                        dS[t * T + s] = dP
                        dot += dP * Double(p[t * T + s])
                    }
                    for s in 0..<T { dS[t * T + s] = Double(p[t * T + s]) * (dS[t * T + s] - dot) }
                }
                for s in 0..<T {
                    for i in 0..<d {
                        var dv = 0.0, dk = 0.0, dq = 0.0
                        for t in 0..<T {
                            dv += Double(p[t * T + s]) * dO(t, i)
                            dk += dS[t * T + s] * at(qkv, b, t, h * d + i)
                            dq += dS[s * T + t] * at(qkv, b, t, C + h * d + i)
                        }
                        add(b, s, 2 * C + h * d + i, dv)
                        add(b, s, C + h * d + i, scale * dk)
                        add(b, s, h * d + i, scale * dq)
                    }
                }
                for i in 0..<(T * T) { dprobs[i] = Float(dS[i]) }
            }
        }
    }

    /// dtable[ids[n], :] += dout[n, :].
    public static func embeddingBackward(dtable: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                                         ids: UnsafePointer<Int32>, count: Int, channels C: Int) {
        for n in 0..<count {
            for c in 0..<C { dtable[Int(ids[n]) * C + c] += dout[n * C + c] }
        }
    }

    /// da += dout, db += dout.
    public static func addBackward(da: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?,
                                   dout: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            da?[i] += dout[i]
            db?[i] += dout[i]
        }
    }

    /// out[i] = tanh(inp[i]) in double.
    public static func tanhForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { out[i] = Float(tanh(Double(inp[i]))) }
    }

    /// dinp += dout·(1 − out²).
    public static func tanhBackward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                                    out: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let y = Double(out[i])
            dinp[i] = Float(Double(dinp[i]) + Double(dout[i]) * (1 - y * y))
        }
    }

    /// Softmax cross-entropy per row via a max-shifted log-sum-exp in double (a negative target:
    /// loss 0, no gradient).
    public static func crossEntropyForward(losses: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                                           logits: UnsafePointer<Float>, targets: UnsafePointer<Int32>,
                                           rows: Int, classes K: Int) {
        for r in 0..<rows {
            let z = (0..<K).map { Double(logits[r * K + $0]) }
            let m = z.max() ?? 0
            let lse = m + log(z.reduce(0) { $0 + exp($1 - m) })
            for c in 0..<K { probs[r * K + c] = Float(exp(z[c] - lse)) }
            losses[r] = targets[r] < 0 ? 0 : Float(lse - z[Int(targets[r])])  // negative: no loss
        }
    }

    /// dlogits += scale·(probs − onehot(targets)).
    public static func crossEntropyBackward(dlogits: UnsafeMutablePointer<Float>, probs: UnsafePointer<Float>,
                                            targets: UnsafePointer<Int32>, rows: Int, classes K: Int, scale: Float) {
        for r in 0..<rows where targets[r] >= 0 {
            for c in 0..<K {
                let indicator: Double = c == Int(targets[r]) ? 1 : 0
                let i = r * K + c
                dlogits[i] = Float(Double(dlogits[i]) + Double(scale) * (Double(probs[i]) - indicator))
            }
        }
    }
}
