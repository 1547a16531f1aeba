// Plain-loop Double twin of attention with position terms (AttentionPosition.swift,
// AttentionCoPE.swift, AttentionDAPE.swift): every logit written out as
//   Z[h,i,j] = X + B + CoPE term (+ DAPE's MLP(X[:,i,j], B[:,i,j])),  X = λ·q·k/√d,  B = bias(i, j),
// each CoPE count as an explicit sum over the gates its span covers, and the backward element by
// element. The gradient checks hold the fast Float kernel against this and this against finite
// differences.
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
        /// CoPE: embeddings (2, npos, d).
        public var cope: (embeddings: [Double], npos: Int)?
        /// DAPE: w1 (w, 2NH), b1 (w), w2 (NH, w), b2 (NH).
        public var dape: (w1: [Double], b1: [Double], w2: [Double], b2: [Double], width: Int)?

        public init(layout: PositionLayout, textBias: [Double]?, typeBias: [Double]?, scale: [Double]?,
                    cope: (embeddings: [Double], npos: Int)? = nil,
                    dape: (w1: [Double], b1: [Double], w2: [Double], b2: [Double], width: Int)? = nil) {
            self.layout = layout
            self.textBias = textBias
            self.typeBias = typeBias
            self.scale = scale
            self.cope = cope
            self.dape = dape
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

        func isText(_ b: Int, _ i: Int, _ T: Int) -> Bool { layout.kinds[b * T + i] == PositionKind.text.rawValue }

        /// The text keys k whose gates CoPE's count p[i, j] sums: t_j ≤ t_k ≤ t_i (key at or left of
        /// the query, side 0) or t_i ≤ t_k ≤ t_j (right, side 1).
        public func copeSpan(b: Int, i: Int, j: Int, seqLen T: Int) -> (side: Int, keys: [Int]) {
            let ti = layout.textIndex[b * T + i], tj = layout.textIndex[b * T + j]
            let (lo, hi) = tj <= ti ? (tj, ti) : (ti, tj)
            let keys = (0..<T).filter { isText(b, $0, T) && (lo...hi).contains(layout.textIndex[b * T + $0]) }
            return (tj <= ti ? 0 : 1, keys)
        }
    }

    /// Gradients of the position terms (accumulated; shapes as in `PositionTerms`).
    public struct PositionGradients {
        public var dTextBias, dTypeBias, dScale, dCoPE, dW1, dB1, dW2, dB2: [Double]

        public init(_ pt: PositionTerms, batch B: Int, heads NH: Int) {
            func z(_ n: Int) -> [Double] { [Double](repeating: 0, count: n) }
            dTextBias = z(NH * (2 * pt.layout.span - 1))
            dTypeBias = z(NH * PositionKind.count * PositionKind.count)
            dScale = z(B * NH)
            dCoPE = z(pt.cope?.embeddings.count ?? 0)
            (dW1, dB1, dW2, dB2) = (z(pt.dape?.w1.count ?? 0), z(pt.dape?.b1.count ?? 0),
                                    z(pt.dape?.w2.count ?? 0), z(pt.dape?.b2.count ?? 0))
        }
    }

    /// One query row of sequence b, every head: the pieces of the logits.
    private struct RowTerms {
        var S, X, Bv, Z: [[Double]]          // (NH, T): q·k/√d, λ·S, bias, final logits (before the mask)
        var gates: [[Double]]                 // (NH, T) σ(S) on text keys
        var copePieces: [[(f: Int, c: Int, w: Double, clamped: Bool, side: Int, keys: [Int])?]]  // (NH, T)
        var hidden: [[Double]]                // DAPE: (T, w) pre-activations
    }

    private static func rowTerms(qkv: [Double], pt: PositionTerms, b: Int, i: Int, seqLen T: Int,
                                 channels C: Int, heads NH: Int) -> RowTerms {
        let d = C / NH, rs = 1 / Double(d).squareRoot()
        func q(_ t: Int, _ h: Int, _ c: Int) -> Double { qkv[(b * T + t) * 3 * C + h * d + c] }
        func k(_ t: Int, _ h: Int, _ c: Int) -> Double { qkv[(b * T + t) * 3 * C + C + h * d + c] }
        let zero = [[Double]](repeating: [Double](repeating: 0, count: T), count: NH)
        var r = RowTerms(S: zero, X: zero, Bv: zero, Z: zero, gates: zero,
                         copePieces: Array(repeating: Array(repeating: nil, count: T), count: NH), hidden: [])
        for h in 0..<NH {
            let lambda = pt.scale?[b * NH + h] ?? 1
            for j in 0..<T {
                var dot = 0.0
                for c in 0..<d { dot += q(i, h, c) * k(j, h, c) }
                r.S[h][j] = dot * rs
                r.X[h][j] = lambda * r.S[h][j]
                r.Bv[h][j] = pt.bias(b: b, h: h, i: i, j: j, seqLen: T)
                r.gates[h][j] = 1 / (1 + exp(-r.S[h][j]))
                r.Z[h][j] = r.X[h][j] + r.Bv[h][j]
            }
            if let cope = pt.cope, pt.isText(b, i, T) {
                for j in 0..<T where pt.isText(b, j, T) {
                    let (side, keys) = pt.copeSpan(b: b, i: i, j: j, seqLen: T)
                    let count = keys.reduce(0.0) { $0 + r.gates[h][$1] }
                    let top = Double(cope.npos - 1), clamped = count >= top, p = min(count, top)
                    let f = Int(p.rounded(.down)), c = min(f + 1, cope.npos - 1), w = p - Double(f)
                    func e(_ n: Int) -> Double {  // q_i·e[side, n]/√d
                        (0..<d).reduce(0.0) { $0 + q(i, h, $1) * cope.embeddings[(side * cope.npos + n) * d + $1] } * rs
                    }
                    r.Z[h][j] += (1 - w) * e(f) + w * e(c)
                    r.copePieces[h][j] = (f, c, w, clamped, side, keys)
                }
            }
        }
        if let dape = pt.dape {
            for j in 0..<T {
                let input = (0..<NH).map { r.X[$0][j] } + (0..<NH).map { r.Bv[$0][j] }
                let pre = (0..<dape.width).map { u in
                    dape.b1[u] + (0..<(2 * NH)).reduce(0.0) { $0 + dape.w1[u * 2 * NH + $1] * input[$1] }
                }
                r.hidden.append(pre)
                for h in 0..<NH {
                    var o = dape.b2[h]
                    for u in 0..<dape.width { o += dape.w2[h * dape.width + u] * (pre[u] > 0 ? pre[u] : 0.01 * pre[u]) }
                    r.Z[h][j] += o
                }
            }
        }
        return r
    }

    /// Attention with position terms: Z as above, P = softmax(Z + mask), O = P·V.
    public static func attentionForward(qkv: [Double], additiveMask: [Double]?, position pt: PositionTerms,
                                        batch B: Int, seqLen T: Int, channels C: Int, heads NH: Int)
        -> (out: [Double], probs: [Double]) {
        var out = [Double](repeating: 0, count: B * T * C)
        var probs = [Double](repeating: 0, count: B * NH * T * T)
        for b in 0..<B {
            for i in 0..<T {
                let r = rowTerms(qkv: qkv, pt: pt, b: b, i: i, seqLen: T, channels: C, heads: NH)
                for h in 0..<NH {
                    let z = (0..<T).map { r.Z[h][$0] + (additiveMask?[b * T + $0] ?? 0) }
                    softmaxThenValues(z, row: i, b: b, h: h, qkv: qkv, probs: &probs, out: &out,
                                      seqLen: T, channels: C, heads: NH)
                }
            }
        }
        return (out, probs)
    }

    /// Gradients of `attentionForward(…position…)`: dqkv (B, T, 3C) and every position term, accumulated.
    public static func attentionBackward(dqkv: inout [Double], grads g: inout PositionGradients, dout: [Double],
                                         qkv: [Double], probs: [Double], position pt: PositionTerms,
                                         batch B: Int, seqLen T: Int, channels C: Int, heads NH: Int) {
        let d = C / NH, rs = 1 / Double(d).squareRoot(), K = PositionKind.count, W = pt.layout.span
        for b in 0..<B {
            func row(_ t: Int, _ h: Int) -> Int { (b * T + t) * 3 * C + h * d }
            for i in 0..<T {
                let r = rowTerms(qkv: qkv, pt: pt, b: b, i: i, seqLen: T, channels: C, heads: NH)
                // dZ per head from the softmax.
                var dZ = [[Double]](repeating: [Double](repeating: 0, count: T), count: NH)
                for h in 0..<NH {
                    let pBase = (b * NH + h) * T * T
                    var dP = [Double](repeating: 0, count: T)
                    for j in 0..<T {
                        for c in 0..<d {
                            let dO = dout[(b * T + i) * C + h * d + c]
                            dP[j] += dO * qkv[row(j, h) + 2 * C + c]
                            dqkv[row(j, h) + 2 * C + c] += probs[pBase + i * T + j] * dO
                        }
                    }
                    let dot = (0..<T).reduce(0.0) { $0 + dP[$1] * probs[pBase + i * T + $1] }
                    for j in 0..<T { dZ[h][j] = probs[pBase + i * T + j] * (dP[j] - dot) }
                }
                // Through DAPE's MLP: dX = dZ + (W1ᵀdh)[h], dB = dZ + (W1ᵀdh)[NH + h].
                var dX = dZ, dB = dZ
                if let dape = pt.dape {
                    for j in 0..<T {
                        let input = (0..<NH).map { r.X[$0][j] } + (0..<NH).map { r.Bv[$0][j] }
                        let pre = r.hidden[j]
                        for h in 0..<NH {
                            g.dB2[h] += dZ[h][j]
                            for u in 0..<dape.width { g.dW2[h * dape.width + u] += dZ[h][j] * (pre[u] > 0 ? pre[u] : 0.01 * pre[u]) }
                        }
                        for u in 0..<dape.width {
                            var dh = (0..<NH).reduce(0.0) { $0 + dape.w2[$1 * dape.width + u] * dZ[$1][j] }
                            if pre[u] <= 0 { dh *= 0.01 }
                            g.dB1[u] += dh
                            for m in 0..<(2 * NH) {
                                g.dW1[u * 2 * NH + m] += dh * input[m]
                                if m < NH { dX[m][j] += dape.w1[u * 2 * NH + m] * dh } else { dB[m - NH][j] += dape.w1[u * 2 * NH + m] * dh }
                            }
                        }
                    }
                }
                for h in 0..<NH {
                    let lambda = pt.scale?[b * NH + h] ?? 1
                    var dS = [Double](repeating: 0, count: T)  // dL/dS, S = q·k/√d
                    for j in 0..<T {
                        g.dScale[b * NH + h] += dX[h][j] * r.S[h][j]
                        dS[j] += lambda * dX[h][j]
                        let ki = pt.layout.kinds[b * T + i], kj = pt.layout.kinds[b * T + j]
                        if pt.isText(b, i, T) && pt.isText(b, j, T) {
                            let rel = Int(pt.layout.textIndex[b * T + j]) - Int(pt.layout.textIndex[b * T + i])
                            g.dTextBias[h * (2 * W - 1) + rel + W - 1] += dB[h][j]
                        } else {
                            g.dTypeBias[(h * K + Int(ki)) * K + Int(kj)] += dB[h][j]
                        }
                    }
                    if let cope = pt.cope {
                        // The term (1 − w)·q·e[f]/√d + w·q·e[c]/√d takes dZ directly.
                        var dGate = [Double](repeating: 0, count: T)
                        for j in 0..<T {
                            guard let piece = r.copePieces[h][j] else { continue }
                            let dz = dZ[h][j], base = piece.side * cope.npos
                            var ef = 0.0, ec = 0.0
                            for c in 0..<d {
                                let e1 = cope.embeddings[(base + piece.f) * d + c], e2 = cope.embeddings[(base + piece.c) * d + c]
                                ef += qkv[row(i, h) + c] * e1 * rs
                                ec += qkv[row(i, h) + c] * e2 * rs
                                dqkv[row(i, h) + c] += dz * rs * ((1 - piece.w) * e1 + piece.w * e2)
                                g.dCoPE[(base + piece.f) * d + c] += dz * (1 - piece.w) * qkv[row(i, h) + c] * rs
                                g.dCoPE[(base + piece.c) * d + c] += dz * piece.w * qkv[row(i, h) + c] * rs
                            }
                            let dp = piece.clamped ? 0 : dz * (ec - ef)
                            for k in piece.keys { dGate[k] += dp }
                        }
                        for k in 0..<T { dS[k] += dGate[k] * r.gates[h][k] * (1 - r.gates[h][k]) }
                    }
                    for j in 0..<T {
                        for c in 0..<d {
                            dqkv[row(i, h) + c] += rs * dS[j] * qkv[row(j, h) + C + c]
                            dqkv[row(j, h) + C + c] += rs * dS[j] * qkv[row(i, h) + c]
                        }
                    }
                }
            }
        }
    }

    /// The distance-scheme form of `attentionBackward` (no CoPE, no DAPE).
    public static func attentionBackward(dqkv: inout [Double], dTextBias: inout [Double], dTypeBias: inout [Double],
                                         dScale: inout [Double], dout: [Double], qkv: [Double], probs: [Double],
                                         position pt: PositionTerms, batch B: Int, seqLen T: Int, channels C: Int,
                                         heads NH: Int) {
        var g = PositionGradients(pt, batch: B, heads: NH)
        attentionBackward(dqkv: &dqkv, grads: &g, dout: dout, qkv: qkv, probs: probs, position: pt,
                          batch: B, seqLen: T, channels: C, heads: NH)
        for i in dTextBias.indices { dTextBias[i] += g.dTextBias[i] }
        for i in dTypeBias.indices { dTypeBias[i] += g.dTypeBias[i] }
        for i in dScale.indices { dScale[i] += g.dScale[i] }
    }
}
