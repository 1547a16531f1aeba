// PositionBiasMath: the distance-bias schemes as functions from their parameters to one per-head
// table over the key−query text offset r = t_j − t_i ∈ (−W, W), and back from the table's gradient
// to the parameters' gradients. Bidirectional forms (Docs/position-encodings.md):
//
//   ALiBi          b_h(r) = −m_h·|r| + o·m_h·[r < 0]       fixed slopes m_h = 2^(−8k/H), left offset o
//   Kerple log     b_h(r) = −r1[s,h]·log(1 + r2[s,h]·|r|)   s = 0 for keys left of the query, 1 right
//   Kerple power   b_h(r) = −a[s,h]·|r|^p[s,h]
//   T5             b_h(r) = weight[bucket(r), h]            Hugging Face `_relative_position_bucket`, bidirectional
//   FIRE           b_h(r) = mlp(u)[s·H + h],  u = ψ(|r|)/(ψ(N) + 1e-6),  ψ(x) = log(|c|·x + 1),
//                  N = max(|L_mult|·L₀, W − 1),  mlp = Linear(1→w) → ReLU → Linear(w→2H)
//
// Kerple parameters are clamped as in the official code (r1, r2, a ≥ 0.01; 0.01 ≤ p ≤ 2); a clamped
// parameter gets zero gradient. The tables are O(H·W), so everything here is plain Double loops —
// the same code serves the Float model and the Double gradient checks.
import Foundation

/// One distance-bias scheme and its hyper-parameters.
public enum DistanceBias: Sendable, Equatable {
    /// Fixed slopes; `leftOffset` o adds o·m_h to keys left of the query (DeepMind's encoder ALiBi
    /// uses 0.5; 0 is the symmetric MosaicBERT form).
    case alibi(leftOffset: Double)
    case kerpleLog
    case kerplePower
    case t5(buckets: Int, maxDistance: Int)
    case fire(width: Int, initL: Double)

    /// Lower clamp of the Kerple parameters (official code: 1e-2), and the power's upper clamp.
    public static let kerpleMin = 0.01, kerplePowerMax = 2.0
    /// FIRE's ε in the normaliser (official code: 1e-6).
    public static let fireEps = 1e-6

    /// Parameter tensors (names are suffixes under the layer's `attention.self.position.`).
    public func parameterShapes(heads H: Int) -> [(name: String, shape: [Int])] {
        switch self {
        case .alibi: []
        case .kerpleLog: [("kerple_r1", [2, H]), ("kerple_r2", [2, H])]
        case .kerplePower: [("kerple_a", [2, H]), ("kerple_p", [2, H])]
        case .t5(let n, _): [("t5_bias", [n, H])]
        case .fire(let w, _): [("fire_w1", [w]), ("fire_b1", [w]), ("fire_w2", [2 * H, w]), ("fire_b2", [2 * H]),
                               ("fire_c", [1]), ("fire_l_multiplier", [1])]
        }
    }

    /// ALiBi slopes for H heads (Press et al.'s `get_slopes`, including the non-power-of-two rule).
    public static func alibiSlopes(heads H: Int) -> [Double] {
        func powerOfTwo(_ n: Int) -> [Double] {
            let start = pow(2.0, -pow(2.0, -(log2(Double(n)) - 3)))
            return (0..<n).map { pow(start, Double($0 + 1)) }
        }
        let p = log2(Double(H))
        if p == p.rounded() { return powerOfTwo(H) }
        let closest = 1 << Int(p.rounded(.down))
        let extra = powerOfTwo(2 * closest).enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        return powerOfTwo(closest) + extra.prefix(H - closest)
    }

    /// T5's bidirectional bucket of the key−query offset r (Hugging Face, computed in Float32 as there).
    public static func t5Bucket(_ r: Int, buckets: Int, maxDistance: Int) -> Int {
        let nb = buckets / 2
        var bucket = r > 0 ? nb : 0
        let n = abs(r), maxExact = nb / 2
        if n < maxExact { return bucket + n }
        let ratio = log(Float(n) / Float(maxExact)) / Float(log(Double(maxDistance) / Double(maxExact)))
        let large = maxExact + Int(ratio * Float(nb - maxExact))
        bucket += min(large, nb - 1)
        return bucket
    }

    /// The (H, 2W − 1) table: entry [h, r + W − 1] is head h's bias at key−query offset r.
    public func table(parameters p: [[Double]], heads H: Int, span W: Int) -> [Double] {
        let n = 2 * W - 1
        var out = [Double](repeating: 0, count: H * n)
        switch self {
        case .alibi(let o):
            let m = Self.alibiSlopes(heads: H)
            for h in 0..<H {
                for r in -(W - 1)...(W - 1) { out[h * n + r + W - 1] = -m[h] * Double(abs(r)) + (r < 0 ? o * m[h] : 0) }
            }
        case .kerpleLog:
            for h in 0..<H {
                for r in -(W - 1)...(W - 1) where r != 0 {
                    let s = r < 0 ? 0 : 1
                    let r1 = max(p[0][s * H + h], Self.kerpleMin), r2 = max(p[1][s * H + h], Self.kerpleMin)
                    out[h * n + r + W - 1] = -r1 * log(1 + r2 * Double(abs(r)))
                }
            }
        case .kerplePower:
            for h in 0..<H {
                for r in -(W - 1)...(W - 1) where r != 0 {
                    let s = r < 0 ? 0 : 1
                    let a = max(p[0][s * H + h], Self.kerpleMin)
                    let e = min(max(p[1][s * H + h], Self.kerpleMin), Self.kerplePowerMax)
                    out[h * n + r + W - 1] = -a * pow(Double(abs(r)), e)
                }
            }
        case .t5(let nb, let maxD):
            for r in -(W - 1)...(W - 1) {
                let k = Self.t5Bucket(r, buckets: nb, maxDistance: maxD)
                for h in 0..<H { out[h * n + r + W - 1] = p[0][k * H + h] }
            }
        case .fire(let w, let initL):
            let f = FireForm(p, width: w, heads: H, span: W, initL: initL)
            for r in -(W - 1)...(W - 1) {
                let y = f.mlp(f.u(abs(r))).out
                let s = r < 0 ? 0 : 1
                for h in 0..<H { out[h * n + r + W - 1] = y[s * H + h] }
            }
        }
        return out
    }

    /// Gradients of the parameters from the table's gradient dTable (H, 2W − 1).
    public func parameterGradients(parameters p: [[Double]], dTable g: [Double], heads H: Int, span W: Int) -> [[Double]] {
        let n = 2 * W - 1
        switch self {
        case .alibi:
            return []
        case .kerpleLog:
            var d1 = [Double](repeating: 0, count: 2 * H), d2 = d1
            for h in 0..<H {
                for r in -(W - 1)...(W - 1) where r != 0 {
                    let s = r < 0 ? 0 : 1, i = s * H + h, x = Double(abs(r)), gr = g[h * n + r + W - 1]
                    let r1 = max(p[0][i], Self.kerpleMin), r2 = max(p[1][i], Self.kerpleMin)
                    if p[0][i] > Self.kerpleMin { d1[i] -= gr * log(1 + r2 * x) }
                    if p[1][i] > Self.kerpleMin { d2[i] -= gr * r1 * x / (1 + r2 * x) }
                }
            }
            return [d1, d2]
        case .kerplePower:
            var da = [Double](repeating: 0, count: 2 * H), dp = da
            for h in 0..<H {
                for r in -(W - 1)...(W - 1) where r != 0 {
                    let s = r < 0 ? 0 : 1, i = s * H + h, x = Double(abs(r)), gr = g[h * n + r + W - 1]
                    let a = max(p[0][i], Self.kerpleMin)
                    let e = min(max(p[1][i], Self.kerpleMin), Self.kerplePowerMax)
                    let xe = pow(x, e)
                    if p[0][i] > Self.kerpleMin { da[i] -= gr * xe }
                    if p[1][i] > Self.kerpleMin && p[1][i] < Self.kerplePowerMax { dp[i] -= gr * a * xe * log(x) }
                }
            }
            return [da, dp]
        case .t5(let nb, let maxD):
            var dw = [Double](repeating: 0, count: nb * H)
            for r in -(W - 1)...(W - 1) {
                let k = Self.t5Bucket(r, buckets: nb, maxDistance: maxD)
                for h in 0..<H { dw[k * H + h] += g[h * n + r + W - 1] }
            }
            return [dw]
        case .fire(let w, let initL):
            return FireForm(p, width: w, heads: H, span: W, initL: initL).gradients(dTable: g)
        }
    }
}

/// FIRE with a global normaliser: the forward of one offset and the chain rule to every parameter.
struct FireForm {
    let w1, b1, w2, b2: [Double]
    let c, lMult, initL: Double
    let width, H, W: Int

    init(_ p: [[Double]], width: Int, heads: Int, span: Int, initL: Double) {
        (w1, b1, w2, b2) = (p[0], p[1], p[2], p[3])
        (c, lMult) = (p[4][0], p[5][0])
        (self.width, H, W, self.initL) = (width, heads, span, initL)
    }

    /// The normaliser's argument N = max(|L_mult|·L₀, W − 1) and whether L_mult is the active branch.
    var norm: (value: Double, fromL: Bool) {
        let l = abs(lMult) * initL
        return l >= Double(W - 1) ? (l, true) : (Double(W - 1), false)
    }

    func u(_ x: Int) -> Double {
        let a = abs(c)
        return log(a * Double(x) + 1) / (log(a * norm.value + 1) + DistanceBias.fireEps)
    }

    /// Hidden pre-activations (width) and outputs (2H) of the MLP at input u.
    func mlp(_ u: Double) -> (pre: [Double], out: [Double]) {
        let pre = (0..<width).map { w1[$0] * u + b1[$0] }
        var out = b2
        for o in 0..<(2 * H) {
            for k in 0..<width where pre[k] > 0 { out[o] += w2[o * width + k] * pre[k] }
        }
        return (pre, out)
    }

    func gradients(dTable g: [Double]) -> [[Double]] {
        let n = 2 * W - 1, a = abs(c), (N, fromL) = norm
        let D = log(a * N + 1) + DistanceBias.fireEps
        var dw1 = [Double](repeating: 0, count: width), db1 = dw1
        var dw2 = [Double](repeating: 0, count: 2 * H * width), db2 = [Double](repeating: 0, count: 2 * H)
        var dc = 0.0, dl = 0.0
        for r in -(W - 1)...(W - 1) {
            let x = Double(abs(r)), s = r < 0 ? 0 : 1
            let uv = u(abs(r)), (pre, _) = mlp(uv)
            var dOut = [Double](repeating: 0, count: 2 * H)
            for h in 0..<H { dOut[s * H + h] = g[h * n + r + W - 1] }
            var du = 0.0
            for o in 0..<(2 * H) where dOut[o] != 0 {
                db2[o] += dOut[o]
                for k in 0..<width where pre[k] > 0 { dw2[o * width + k] += dOut[o] * pre[k] }
            }
            for k in 0..<width where pre[k] > 0 {
                var dh = 0.0
                for o in 0..<(2 * H) { dh += dOut[o] * w2[o * width + k] }
                dw1[k] += dh * uv
                db1[k] += dh
                du += dh * w1[k]
            }
            // u = log(a·x + 1) / D with D = log(a·N + 1) + ε.
            let num = log(a * x + 1)
            let dudA = (x / (a * x + 1)) / D - num * (N / (a * N + 1)) / (D * D)
            dc += du * dudA * (c >= 0 ? 1 : -1)
            if fromL { dl += du * (-num / (D * D)) * (a / (a * N + 1)) * initL * (lMult >= 0 ? 1 : -1) }
        }
        return [dw1, db1, dw2, db2, [dc], [dl]]
    }
}
