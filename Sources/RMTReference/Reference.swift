// Reference: plain-loop twins of every fast kernel, accumulating in Double.
//
// They are slow on purpose: each is the textbook formula with no BLAS, no SIMD and no
// threads, so a test can hold the fast kernel against it. Same argument order and
// shapes as the fast versions. Not for production use: the RMTReference module is in no
// product; only the test targets depend on it.
import Foundation
import RMTKernels

public enum Reference {
    /// out[r, o] = Σ_i inp[r, i]·weight[o, i] + bias[o].
    public static func linearForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                                     weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                     rows: Int, inDim: Int, outDim: Int) {
        for r in 0..<rows {
            for o in 0..<outDim {
                var s = Double(bias?[o] ?? 0)
                for i in 0..<inDim { s += Double(inp[r * inDim + i]) * Double(weight[o * inDim + i]) }
                out[r * outDim + o] = Float(s)
            }
        }
    }

    /// LayerNorm over the last dimension with biased variance.
    public static func layerNormForward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>?,
                                        rstd: UnsafeMutablePointer<Float>?, inp: UnsafePointer<Float>,
                                        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                                        rows: Int, channels C: Int, eps: Float) {
        for r in 0..<rows {
            var m = 0.0
            for i in 0..<C { m += Double(inp[r * C + i]) }
            m /= Double(C)
            var v = 0.0
            for i in 0..<C { let d = Double(inp[r * C + i]) - m; v += d * d }
            v /= Double(C)
            let s = 1 / (v + Double(eps)).squareRoot()
            for i in 0..<C {
                out[r * C + i] = Float((Double(inp[r * C + i]) - m) * s * Double(weight[i]) + Double(bias[i]))
            }
            mean?[r] = Float(m)
            rstd?[r] = Float(s)
        }
    }

    /// gelu(x) = 0.5·x·(1 + erf(x/√2)) with libm's double erf.
    public static func geluForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let x = Double(inp[i])
            out[i] = Float(0.5 * x * (1 + erf(x / 2.0.squareRoot())))
        }
    }

    /// Row-wise softmax of x + mask, in place.
    public static func softmaxForward(_ x: UnsafeMutablePointer<Float>, additiveMask: UnsafePointer<Float>?,
                                      rows: Int, cols: Int) {
        for r in 0..<rows {
            let row = x + r * cols
            var vals = (0..<cols).map { Double(row[$0]) + Double(additiveMask?[$0] ?? 0) }
            let m = vals.max() ?? 0
            vals = vals.map { exp($0 - m) }
            let s = vals.reduce(0, +)
            for j in 0..<cols { row[j] = Float(vals[j] / s) }
        }
    }

    /// Multi-head attention from packed qkv (B, T, 3C) into out (B, T, C) and probs (B, NH, T, T).
    public static func attentionForward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                                        qkv: UnsafePointer<Float>, additiveMask: UnsafePointer<Float>?,
                                        batch B: Int, seqLen T: Int, channels C: Int, heads NH: Int) {
        let d = C / NH
        let scale = 1 / Double(d).squareRoot()
        for b in 0..<B {
            for h in 0..<NH {
                let p = probs + (b * NH + h) * T * T
                for t in 0..<T {
                    let q = qkv + (b * T + t) * 3 * C + h * d
                    for s in 0..<T {
                        let k = qkv + (b * T + s) * 3 * C + C + h * d
                        var dot = 0.0
                        for i in 0..<d { dot += Double(q[i]) * Double(k[i]) }
                        p[t * T + s] = Float(dot * scale)
                    }
                }
                softmaxForward(p, additiveMask: additiveMask.map { $0 + b * T }, rows: T, cols: T)
                for t in 0..<T {
                    for i in 0..<d {
                        var acc = 0.0
                        for s in 0..<T {
                            acc += Double(p[t * T + s]) * Double(qkv[(b * T + s) * 3 * C + 2 * C + h * d + i])
                        }
                        out[(b * T + t) * C + h * d + i] = Float(acc)
                    }
                }
            }
        }
    }

    /// out[n, :] = table[ids[n], :].
    public static func embeddingForward(out: UnsafeMutablePointer<Float>, table: UnsafePointer<Float>,
                                        ids: UnsafePointer<Int32>, count: Int, channels C: Int) {
        for n in 0..<count {
            for c in 0..<C { out[n * C + c] = table[Int(ids[n]) * C + c] }
        }
    }
}
