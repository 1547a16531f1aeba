// Plain-loop Double twin of attention with position terms (AttentionPosition.swift): every logit
// written out as λ·q·k/√d + bias(i, j), and the backward element by element. The gradient checks
// hold the fast Float kernel against this and this against finite differences.
import Foundation
import RMTKernels

extension ReferenceDouble {
    /// Position terms in Double (shapes as in `AttentionPositionTerms`).
    public struct PositionTerms {
        public var layout: PositionLayout
        /// (NH, 2W − 1) or nil
        public var textBias: [Double]?
        /// (NH, K, K) or nil
        public var typeBias: [Double]?
        /// (B, NH) or nil
        public var scale: [Double]?
        public init(layout: PositionLayout, textBias: [Double]?, typeBias: [Double]?, scale: [Double]?) {
            self.layout = layout
            self.textBias = textBias
            self.typeBias = typeBias
            self.scale = scale
        }

        /// bias(i, j) of sequence b, head h, by the rule in AttentionPosition.swift.
        func bias(b: Int, h: Int, i: Int, j: Int, seqLen T: Int) -> Double {
            let ki = Int(layout.kinds[b * T + i]), kj = Int(layout.kinds[b * T + j])
            let text = Int(PositionKind.text.rawValue), K = PositionKind.count, W = layout.span
            if ki == text && kj == text {
                let r = Int(layout.textIndex[b * T + j]) - Int(layout.textIndex[b * T + i])
                return textBias?[h * (2 * W - 1) + r + W - 1] ?? 0
            }
            return typeBias?[(h * K + ki) * K + kj] ?? 0
        }
    }

    /// Attention with position terms: Z = λ[b,h]·q·k/√d + bias, P = softmax(Z + mask), O = P·V.
    public static func attentionForward(qkv: [Double], additiveMask: [Double]?, position pt: PositionTerms,
                                        batch B: Int, seqLen T: Int, channels C: Int, heads NH: Int)
        -> (out: [Double], probs: [Double]) {
        let d = C / NH, scale = 1 / Double(d).squareRoot()
        var out = [Double](repeating: 0, count: B * T * C)
        var probs = [Double](repeating: 0, count: B * NH * T * T)
        for b in 0..<B {
            for h in 0..<NH {
                let lambda = pt.scale?[b * NH + h] ?? 1, pBase = (b * NH + h) * T * T
                for i in 0..<T {
                    var z = (0..<T).map { j in
                        var dot = 0.0
                        for c in 0..<d { dot += qkv[(b * T + i) * 3 * C + h * d + c] * qkv[(b * T + j) * 3 * C + C + h * d + c] }
                        return lambda * dot * scale + pt.bias(b: b, h: h, i: i, j: j, seqLen: T) + (additiveMask?[b * T + j] ?? 0)
                    }
                    let m = z.max()!
                    z = z.map { exp($0 - m) }
                    let sum = z.reduce(0, +)
                    for j in 0..<T { probs[pBase + i * T + j] = z[j] / sum }
                    for c in 0..<d {
                        var acc = 0.0
                        for j in 0..<T { acc += probs[pBase + i * T + j] * qkv[(b * T + j) * 3 * C + 2 * C + h * d + c] }
                        out[(b * T + i) * C + h * d + c] = acc
                    }
                }
            }
        }
        return (out, probs)
    }

    /// Gradients of `attentionForward(…position…)`: dqkv (B, T, 3C), dTextBias (NH, 2W − 1),
    /// dTypeBias (NH, K, K), dScale (B, NH), all accumulated.
    public static func attentionBackward(dqkv: inout [Double], dTextBias: inout [Double], dTypeBias: inout [Double],
                                         dScale: inout [Double], dout: [Double], qkv: [Double], probs: [Double],
                                         position pt: PositionTerms, batch B: Int, seqLen T: Int, channels C: Int,
                                         heads NH: Int) {
        let d = C / NH, scale = 1 / Double(d).squareRoot(), K = PositionKind.count
        let W = pt.layout.span, text = PositionKind.text.rawValue
        for b in 0..<B {
            for h in 0..<NH {
                let lambda = pt.scale?[b * NH + h] ?? 1, pBase = (b * NH + h) * T * T
                func row(_ t: Int) -> Int { (b * T + t) * 3 * C + h * d }
                for i in 0..<T {
                    var dP = [Double](repeating: 0, count: T)
                    for j in 0..<T {
                        for c in 0..<d {
                            let dO = dout[(b * T + i) * C + h * d + c]
                            dP[j] += dO * qkv[row(j) + 2 * C + c]
                            dqkv[row(j) + 2 * C + c] += probs[pBase + i * T + j] * dO
                        }
                    }
                    var dot = 0.0
                    for j in 0..<T { dot += dP[j] * probs[pBase + i * T + j] }
                    for j in 0..<T {
                        let dZ = probs[pBase + i * T + j] * (dP[j] - dot)
                        var qk = 0.0
                        for c in 0..<d { qk += qkv[row(i) + c] * qkv[row(j) + C + c] }
                        dScale[b * NH + h] += dZ * qk * scale
                        let ki = pt.layout.kinds[b * T + i], kj = pt.layout.kinds[b * T + j]
                        if ki == text && kj == text {
                            let r = Int(pt.layout.textIndex[b * T + j]) - Int(pt.layout.textIndex[b * T + i])
                            dTextBias[h * (2 * W - 1) + r + W - 1] += dZ
                        } else {
                            dTypeBias[(h * K + Int(ki)) * K + Int(kj)] += dZ
                        }
                        for c in 0..<d {
                            dqkv[row(i) + c] += lambda * scale * dZ * qkv[row(j) + C + c]
                            dqkv[row(j) + C + c] += lambda * scale * dZ * qkv[row(i) + c]
                        }
                    }
                }
            }
        }
    }
}
