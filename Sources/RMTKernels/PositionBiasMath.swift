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
        (0..<H).map { alibiSlope(head: $0, heads: H) }
    }

    /// Head h's ALiBi slope, without building the list: the first 2^⌊log₂H⌋ heads take the
    /// power-of-two slopes of that size, the rest every other slope of twice the size.
    public static func alibiSlope(head h: Int, heads H: Int) -> Double {
        func powerOfTwo(_ n: Int, _ i: Int) -> Double {  // element i of get_slopes_power_of_2(n)
            let start = pow(2.0, -pow(2.0, -(log2(Double(n)) - 3)))
            return pow(start, Double(i + 1))
        }
        let p = log2(Double(H))
        if p == p.rounded() { return powerOfTwo(H, h) }
        let closest = 1 << Int(p.rounded(.down))
        return h < closest ? powerOfTwo(closest, h) : powerOfTwo(2 * closest, 2 * (h - closest))
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

    /// Number of parameters (all tensors of `parameterShapes`, concatenated in that order).
    public func parameterCount(heads H: Int) -> Int {
        switch self {
        case .alibi: 0
        case .kerpleLog, .kerplePower: 4 * H
        case .t5(let n, _): n * H
        case .fire(let w, _): 2 * w + 2 * H * w + 2 * H + 2
        }
    }

    /// The (H, 2W − 1) table: entry [h, r + W − 1] is head h's bias at key−query offset r.
    public func table(parameters p: [[Double]], heads H: Int, span W: Int) -> [Double] {
        var out = [Double](repeating: 0, count: H * (2 * W - 1))
        writeTable(p, heads: H, span: W) { out[$0] = $1 }
        return out
    }

    /// The same table in Float, written into `out` (H, 2W − 1) from a layer's Float tensors —
    /// no allocation (the encoder's per-forward path); equal to `table(parameters:)` rounded to Float.
    public func table(tensors p: DistanceBiasTensors, heads H: Int, span W: Int, into out: UnsafeMutablePointer<Float>) {
        out.update(repeating: 0, count: H * (2 * W - 1))
        writeTable(p, heads: H, span: W) { out[$0] = Float($1) }
    }

    /// Calls `set(index, value)` for every entry of the table that is not 0 by construction.
    private func writeTable<P: DistanceBiasParameters>(_ p: P, heads H: Int, span W: Int, _ set: (Int, Double) -> Void) {
        let n = 2 * W - 1
        switch self {
        case .alibi(let o):
            for h in 0..<H {
                let m = Self.alibiSlope(head: h, heads: H)
                for r in -(W - 1)...(W - 1) { set(h * n + r + W - 1, -m * Double(abs(r)) + (r < 0 ? o * m : 0)) }
            }
        case .kerpleLog:
            for h in 0..<H {
                for r in -(W - 1)...(W - 1) where r != 0 {
                    let s = r < 0 ? 0 : 1
                    let r1 = max(p.value(0, s * H + h), Self.kerpleMin), r2 = max(p.value(1, s * H + h), Self.kerpleMin)
                    set(h * n + r + W - 1, -r1 * log(1 + r2 * Double(abs(r))))
                }
            }
        case .kerplePower:
            for h in 0..<H {
                for r in -(W - 1)...(W - 1) where r != 0 {
                    let s = r < 0 ? 0 : 1
                    let a = max(p.value(0, s * H + h), Self.kerpleMin)
                    let e = min(max(p.value(1, s * H + h), Self.kerpleMin), Self.kerplePowerMax)
                    set(h * n + r + W - 1, -a * pow(Double(abs(r)), e))
                }
            }
        case .t5(let nb, let maxD):
            for r in -(W - 1)...(W - 1) {
                let k = Self.t5Bucket(r, buckets: nb, maxDistance: maxD)
                for h in 0..<H { set(h * n + r + W - 1, p.value(0, k * H + h)) }
            }
        case .fire(let w, let initL):
            let f = FireForm(p, width: w, heads: H, span: W, initL: initL)
            for r in -(W - 1)...(W - 1) {
                let u = f.u(abs(r)), s = r < 0 ? 0 : 1
                for h in 0..<H { set(h * n + r + W - 1, f.output(s * H + h, at: u)) }
            }
        }
    }

    /// Gradients of the parameters from the table's gradient dTable (H, 2W − 1).
    public func parameterGradients(parameters p: [[Double]], dTable g: [Double], heads H: Int, span W: Int) -> [[Double]] {
        var flat = [Double](repeating: 0, count: parameterCount(heads: H))
        flat.withUnsafeMutableBufferPointer { d in
            guard let d = d.baseAddress else { return }
            writeGradients(p, dTable: { g[$0] }, heads: H, span: W, into: d)
        }
        var out: [[Double]] = [], at = 0
        for (_, shape) in parameterShapes(heads: H) {
            let count = shape.reduce(1, *)
            out.append(Array(flat[at..<(at + count)]))
            at += count
        }
        return out
    }

    /// The same gradients from a Float dTable, added (rounded to Float, as `+= Float(d)`) into a
    /// layer's gradient tensors. `scratch`: `parameterCount(heads:)` Doubles, overwritten. No allocation.
    public func accumulateParameterGradients(tensors p: DistanceBiasTensors, dTable g: UnsafePointer<Float>, heads H: Int,
                                             span W: Int, into grads: DistanceBiasTensors,
                                             scratch: UnsafeMutablePointer<Double>) {
        let count = parameterCount(heads: H)
        scratch.update(repeating: 0, count: count)
        writeGradients(p, dTable: { Double(g[$0]) }, heads: H, span: W, into: scratch)
        var at = 0
        for t in grads.offsets.indices {
            let dst = UnsafeMutablePointer(mutating: grads.base) + grads.offsets[t]
            for i in 0..<grads.counts[t] { dst[i] += Float(scratch[at + i]) }
            at += grads.counts[t]
        }
    }

    /// Accumulates the gradients into `d` (zeroed by the caller), every tensor of
    /// `parameterShapes` back to back in that order.
    private func writeGradients<P: DistanceBiasParameters>(_ p: P, dTable g: (Int) -> Double, heads H: Int, span W: Int,
                                                           into d: UnsafeMutablePointer<Double>) {
        let n = 2 * W - 1
        switch self {
        case .alibi:
            return
        case .kerpleLog:
            let d1 = d, d2 = d + 2 * H
            for h in 0..<H {
                for r in -(W - 1)...(W - 1) where r != 0 {
                    let s = r < 0 ? 0 : 1, i = s * H + h, x = Double(abs(r)), gr = g(h * n + r + W - 1)
                    let r1 = max(p.value(0, i), Self.kerpleMin), r2 = max(p.value(1, i), Self.kerpleMin)
                    if p.value(0, i) > Self.kerpleMin { d1[i] -= gr * log(1 + r2 * x) }
                    if p.value(1, i) > Self.kerpleMin { d2[i] -= gr * r1 * x / (1 + r2 * x) }
                }
            }
        case .kerplePower:
            let da = d, dp = d + 2 * H
            for h in 0..<H {
                for r in -(W - 1)...(W - 1) where r != 0 {
                    let s = r < 0 ? 0 : 1, i = s * H + h, x = Double(abs(r)), gr = g(h * n + r + W - 1)
                    let a = max(p.value(0, i), Self.kerpleMin)
                    let e = min(max(p.value(1, i), Self.kerpleMin), Self.kerplePowerMax)
                    let xe = pow(x, e)
                    if p.value(0, i) > Self.kerpleMin { da[i] -= gr * xe }
                    if p.value(1, i) > Self.kerpleMin && p.value(1, i) < Self.kerplePowerMax { dp[i] -= gr * a * xe * log(x) }
                }
            }
        case .t5(let nb, let maxD):
            for r in -(W - 1)...(W - 1) {
                let k = Self.t5Bucket(r, buckets: nb, maxDistance: maxD)
                for h in 0..<H { d[k * H + h] += g(h * n + r + W - 1) }
            }
        case .fire(let w, let initL):
            FireForm(p, width: w, heads: H, span: W, initL: initL).gradients(dTable: g, into: d)
        }
    }
}

/// Read access to a distance scheme's parameter tensors (`parameterShapes` order), as Double.
public protocol DistanceBiasParameters {
    /// Element `index` of tensor `tensor`.
    func value(_ tensor: Int, _ index: Int) -> Double
}

extension Array: DistanceBiasParameters where Element == [Double] {
    public func value(_ tensor: Int, _ index: Int) -> Double { self[tensor][index] }
}

/// A layer's scheme tensors as Float storage: tensor t is `counts[t]` floats at `base + offsets[t]`
/// (the encoder builds the offsets once; making one of these per forward allocates nothing).
public struct DistanceBiasTensors: DistanceBiasParameters, @unchecked Sendable {
    public var base: UnsafePointer<Float>
    public var offsets: [Int], counts: [Int]

    public init(base: UnsafePointer<Float>, offsets: [Int], counts: [Int]) {
        (self.base, self.offsets, self.counts) = (base, offsets, counts)
    }

    @inline(__always)
    public func value(_ tensor: Int, _ index: Int) -> Double { Double(base[offsets[tensor] + index]) }
}

/// FIRE with a global normaliser: the forward of one offset and the chain rule to every parameter.
/// Tensors (in `p`): 0 w1 (w), 1 b1 (w), 2 w2 (2H, w), 3 b2 (2H), 4 c, 5 L_mult. The hidden layer
/// w1·u + b1 is recomputed where it is used instead of kept in arrays (the same expression, so the
/// same values): nothing here allocates.
struct FireForm<P: DistanceBiasParameters> {
    let p: P
    let c, lMult, initL: Double
    let width, H, W: Int

    init(_ p: P, width: Int, heads: Int, span: Int, initL: Double) {
        self.p = p
        (c, lMult) = (p.value(4, 0), p.value(5, 0))
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

    /// Hidden pre-activation k at input u: w1[k]·u + b1[k].
    @inline(__always)
    func pre(_ k: Int, _ u: Double) -> Double { p.value(0, k) * u + p.value(1, k) }

    /// MLP output o (of 2H) at input u: b2[o] + Σ_{k: pre_k > 0} w2[o, k]·pre_k, summed in k order.
    func output(_ o: Int, at u: Double) -> Double {
        var out = p.value(3, o)
        for k in 0..<width {
            let h = pre(k, u)
            if h > 0 { out += p.value(2, o * width + k) * h }
        }
        return out
    }

    /// Accumulates the gradients into d: dw1 (w), db1 (w), dw2 (2H·w), db2 (2H), dc, dL_mult.
    func gradients(dTable g: (Int) -> Double, into d: UnsafeMutablePointer<Double>) {
        let n = 2 * W - 1, a = abs(c), (N, fromL) = norm
        let D = log(a * N + 1) + DistanceBias.fireEps
        let dw1 = d, db1 = d + width, dw2 = d + 2 * width, db2 = dw2 + 2 * H * width
        let dcl = db2 + 2 * H  // dc, dL_mult
        var dc = 0.0, dl = 0.0
        for r in -(W - 1)...(W - 1) {
            let x = Double(abs(r)), s = r < 0 ? 0 : 1
            let uv = u(abs(r))
            // dOut (2H): the table's gradient on side s's H outputs, 0 on the other side's.
            func dOut(_ o: Int) -> Double { o / H == s ? g((o - s * H) * n + r + W - 1) : 0 }
            var du = 0.0
            for o in 0..<(2 * H) where dOut(o) != 0 {
                let dOutO = dOut(o)
                db2[o] += dOutO
                for k in 0..<width where pre(k, uv) > 0 { dw2[o * width + k] += dOutO * pre(k, uv) }
            }
            for k in 0..<width where pre(k, uv) > 0 {
                var dh = 0.0
                for o in 0..<(2 * H) { dh += dOut(o) * p.value(2, o * width + k) }
                dw1[k] += dh * uv
                db1[k] += dh
                du += dh * p.value(0, k)
            }
            // u = log(a·x + 1) / D with D = log(a·N + 1) + ε.
            let num = log(a * x + 1)
            let dudA = (x / (a * x + 1)) / D - num * (N / (a * N + 1)) / (D * D)
            dc += du * dudA * (c >= 0 ? 1 : -1)
            if fromL { dl += du * (-num / (D * D)) * (a / (a * N + 1)) * initL * (lMult >= 0 ? 1 : -1) }
        }
        dcl[0] += dc
        dcl[1] += dl
    }
}
