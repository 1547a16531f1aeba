// PositionSettings: the `rmt_position` object of config.json — which in-segment position scheme
// the encoder uses (BERT's learned absolute positions by default, or a relative scheme added to
// the attention logits), its hyper-parameters and the temperature — plus the names, shapes and
// initial values of its per-layer tensors. See Docs/position-encodings.md.
import Foundation
import RMTBase
import RMTKernels

/// How an encoder knows where its tokens are.
public struct PositionSettings: Codable, Sendable, Equatable {
    public enum Scheme: String, Codable, Sendable, CaseIterable {
        /// BERT's learned absolute position embeddings (the default; no attention terms).
        case absolute
        /// No text positions at all (a control: a bidirectional encoder is then order-blind).
        case none
        case alibi
        case kerpleLog = "kerple_log"
        case kerplePower = "kerple_power"
        case t5
        case fire
        /// Contextual Position Encoding: gated two-sided counts with interpolated position embeddings.
        case cope
        /// Data-adaptive PE: an MLP over every head's logits and the base scheme's biases.
        case dape
    }

    /// Multiplier of the content logits QKᵀ/√d.
    public enum Temperature: String, Codable, Sendable, CaseIterable {
        case none
        /// A learned λ_h per layer and head, initialised to 1.
        case perHead = "per_head"
        /// log(n)/log(n₀) with n the sequence's unpadded positions (Su's entropy-invariant scaling).
        case logN = "log_n"
        /// Both: λ_h · log(n)/log(n₀).
        case perHeadLogN = "per_head_log_n"
    }

    public var scheme: Scheme
    public var temperature: Temperature
    /// ALiBi: o·m_h is added to keys left of the query (0.5: DeepMind's encoder ALiBi; 0: symmetric).
    public var alibiLeftOffset: Double
    /// T5: buckets (half per direction) and the distance where the last bucket starts growing no more.
    public var t5Buckets: Int
    public var t5MaxDistance: Int
    /// FIRE: MLP width and L₀, the text length below which the normaliser is constant.
    public var fireWidth: Int
    public var fireInitL: Double?
    /// log-n: n₀, the number of positions at which the multiplier is 1 (the training segment's).
    public var logNBase: Int?
    /// CoPE: rows of each side's position-embedding table (counts are clamped at npos − 1).
    public var copeNpos: Int
    /// DAPE: the additive scheme under the MLP (absolute, cope and dape are not allowed) and the MLP width.
    public var dapeBase: Scheme
    public var dapeWidth: Int

    enum CodingKeys: String, CodingKey {
        case scheme, temperature, alibiLeftOffset = "alibi_left_offset", t5Buckets = "t5_buckets"
        case t5MaxDistance = "t5_max_distance", fireWidth = "fire_width", fireInitL = "fire_init_l"
        case logNBase = "log_n_base", copeNpos = "cope_npos", dapeBase = "dape_base", dapeWidth = "dape_width"
    }

    public init(scheme: Scheme, temperature: Temperature = .none, alibiLeftOffset: Double = 0.5,
                t5Buckets: Int = 32, t5MaxDistance: Int = 128, fireWidth: Int = 32, fireInitL: Double? = nil,
                logNBase: Int? = nil, copeNpos: Int = 64, dapeBase: Scheme = .kerpleLog, dapeWidth: Int = 32) {
        self.scheme = scheme
        self.temperature = temperature
        self.alibiLeftOffset = alibiLeftOffset
        self.t5Buckets = t5Buckets
        self.t5MaxDistance = t5MaxDistance
        self.fireWidth = fireWidth
        self.fireInitL = fireInitL
        self.logNBase = logNBase
        self.copeNpos = copeNpos
        self.dapeBase = dapeBase
        self.dapeWidth = dapeWidth
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = PositionSettings(scheme: .absolute)
        scheme = try c.decode(Scheme.self, forKey: .scheme)
        temperature = try c.decodeIfPresent(Temperature.self, forKey: .temperature) ?? d.temperature
        alibiLeftOffset = try c.decodeIfPresent(Double.self, forKey: .alibiLeftOffset) ?? d.alibiLeftOffset
        t5Buckets = try c.decodeIfPresent(Int.self, forKey: .t5Buckets) ?? d.t5Buckets
        t5MaxDistance = try c.decodeIfPresent(Int.self, forKey: .t5MaxDistance) ?? d.t5MaxDistance
        fireWidth = try c.decodeIfPresent(Int.self, forKey: .fireWidth) ?? d.fireWidth
        fireInitL = try c.decodeIfPresent(Double.self, forKey: .fireInitL)
        logNBase = try c.decodeIfPresent(Int.self, forKey: .logNBase)
        copeNpos = try c.decodeIfPresent(Int.self, forKey: .copeNpos) ?? d.copeNpos
        dapeBase = try c.decodeIfPresent(Scheme.self, forKey: .dapeBase) ?? d.dapeBase
        dapeWidth = try c.decodeIfPresent(Int.self, forKey: .dapeWidth) ?? d.dapeWidth
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scheme, forKey: .scheme)
        try c.encode(temperature, forKey: .temperature)
        try c.encode(alibiLeftOffset, forKey: .alibiLeftOffset)
        try c.encode(t5Buckets, forKey: .t5Buckets)
        try c.encode(t5MaxDistance, forKey: .t5MaxDistance)
        try c.encode(fireWidth, forKey: .fireWidth)
        try c.encodeIfPresent(fireInitL, forKey: .fireInitL)
        try c.encodeIfPresent(logNBase, forKey: .logNBase)
        if scheme == .cope { try c.encode(copeNpos, forKey: .copeNpos) }
        if scheme == .dape {
            try c.encode(dapeBase, forKey: .dapeBase)
            try c.encode(dapeWidth, forKey: .dapeWidth)
        }
    }

    /// The additive scheme whose table and parameters the model uses: DAPE's base, or the scheme itself.
    public var additiveScheme: Scheme { scheme == .dape ? dapeBase : scheme }

    /// The name on a command line: the scheme, or `dape:<base>`.
    public var commandLineName: String { scheme == .dape ? "dape:\(dapeBase.rawValue)" : scheme.rawValue }

    /// A scheme with the defaults that depend on the training segment filled in: FIRE's L₀ = S
    /// text tokens, log-n's n₀ = the segment's positions.
    public static func forTraining(_ scheme: Scheme, temperature: Temperature = .none, textTokens S: Int,
                                   positions: Int, dapeBase: Scheme? = nil) -> PositionSettings {
        var p = PositionSettings(scheme: scheme, temperature: temperature)
        if scheme == .fire || dapeBase == .fire { p.fireInitL = Double(S) }
        if let dapeBase { p.dapeBase = dapeBase }
        if temperature == .logN || temperature == .perHeadLogN { p.logNBase = positions }
        return p
    }

    /// True for BERT's absolute embeddings; false when text positions come from attention terms.
    public var usesAbsolutePositions: Bool { scheme == .absolute }
    /// Relative schemes give pairs with a special token a learned per-head type-pair bias.
    public var hasTypeBias: Bool { scheme != .absolute }
    public var learnsTemperature: Bool { temperature == .perHead || temperature == .perHeadLogN }
    public var scalesByLogN: Bool { temperature == .logN || temperature == .perHeadLogN }
    /// True when attention needs position terms at all.
    public var hasAttentionTerms: Bool { hasTypeBias || temperature != .none }

    /// The distance-bias math of the scheme; nil for absolute and none.
    public var distanceBias: DistanceBias? {
        switch additiveScheme {
        case .absolute, .none, .cope, .dape: nil
        case .alibi: .alibi(leftOffset: alibiLeftOffset)
        case .kerpleLog: .kerpleLog
        case .kerplePower: .kerplePower
        case .t5: .t5(buckets: t5Buckets, maxDistance: t5MaxDistance)
        case .fire: .fire(width: fireWidth, initL: fireInitL ?? 1)
        }
    }

    /// The per-layer tensors, as name suffixes under `encoder.layer.{l}.attention.self.position.`;
    /// d is the head width (CoPE's embeddings are (2, npos, d)).
    public func tensorShapes(heads H: Int, headDim d: Int) -> [(name: String, shape: [Int])] {
        var out: [(String, [Int])] = []
        if hasTypeBias { out.append(("type_bias", [H, PositionKind.count, PositionKind.count])) }
        if learnsTemperature { out.append(("temperature", [H])) }
        if let bias = distanceBias { out += bias.parameterShapes(heads: H) }
        if scheme == .cope { out.append(("cope_embeddings", [2, copeNpos, d])) }
        if scheme == .dape {
            out += [("dape_w1", [dapeWidth, 2 * H]), ("dape_b1", [dapeWidth]), ("dape_w2", [H, dapeWidth]), ("dape_b2", [H])]
        }
        return out
    }

    /// The full name of a per-layer tensor.
    public static func tensorName(layer l: Int, _ suffix: String) -> String {
        "encoder.layer.\(l)\(tensorInfix)\(suffix)"
    }

    /// What comes between a position tensor's layer and its suffix in `tensorName`.
    static let tensorInfix = ".attention.self.position."

    /// Whether the tensor called `name` belongs to a relative scheme's position terms.
    public static func isTensor(named name: String) -> Bool { name.contains(tensorInfix) }

    /// Checks the values; errors name `source`.
    public func validate(source: String) throws {
        func fail(_ p: String) -> ModelError { ModelError(source, "rmt_position: \(p)") }
        if !alibiLeftOffset.isFinite || abs(alibiLeftOffset) > 100 { throw fail("alibi_left_offset must be finite and small, got \(alibiLeftOffset)") }
        if scheme == .t5 {
            guard t5Buckets >= 4, t5Buckets % 4 == 0, t5Buckets <= 4096 else {
                throw fail("t5_buckets must be a multiple of 4 in 4…4096, got \(t5Buckets)")
            }
            guard t5MaxDistance > t5Buckets / 4, t5MaxDistance <= 1_048_576 else {
                throw fail("t5_max_distance must exceed t5_buckets/4 = \(t5Buckets / 4), got \(t5MaxDistance)")
            }
        }
        if scheme == .cope {
            guard (2...65_536).contains(copeNpos) else { throw fail("cope_npos must be in 2…65536, got \(copeNpos)") }
        }
        if scheme == .dape {
            guard ![.absolute, .cope, .dape].contains(dapeBase) else {
                throw fail("dape_base must be an additive scheme (none, alibi, kerple_log, kerple_power, t5, fire), got \(dapeBase.rawValue)")
            }
            guard (1...4096).contains(dapeWidth) else { throw fail("dape_width must be in 1…4096, got \(dapeWidth)") }
        }
        if additiveScheme == .t5 && scheme != .t5 {
            guard t5Buckets >= 4, t5Buckets % 4 == 0, t5Buckets <= 4096, t5MaxDistance > t5Buckets / 4, t5MaxDistance <= 1_048_576 else {
                throw fail("t5_buckets must be a multiple of 4 in 4…4096 and t5_max_distance above t5_buckets/4")
            }
        }
        if additiveScheme == .fire {
            guard (1...4096).contains(fireWidth) else { throw fail("fire_width must be in 1…4096, got \(fireWidth)") }
            guard let l = fireInitL, l.isFinite, l >= 1 else { throw fail("fire_init_l must be a number ≥ 1 for the fire scheme") }
        }
        if scalesByLogN {
            guard let n = logNBase, n >= 2 else { throw fail("log_n_base must be an integer ≥ 2 with temperature \(temperature.rawValue)") }
        }
    }
}

extension BertConfig {
    /// This configuration with position scheme `position` (nil = absolute), and the matching
    /// position_embedding_type.
    public func withPosition(_ position: PositionSettings?) -> BertConfig {
        var c = self
        c.position = position?.usesAbsolutePositions == true && position?.temperature == PositionSettings.Temperature.none
            ? nil : position
        c.positionEmbeddingType = c.usesAbsolutePositions ? "absolute" : "rmt_relative"
        return c
    }
}

extension ParameterLayout {
    /// Appends the per-layer position tensors of `position` (none for absolute positions without temperature).
    public mutating func appendPositionTensors(_ position: PositionSettings?, layers L: Int, heads H: Int, headDim d: Int) {
        guard let position else { return }
        for l in 0..<L {
            for (name, shape) in position.tensorShapes(heads: H, headDim: d) {
                append(PositionSettings.tensorName(layer: l, name), shape, decays: false)
            }
        }
    }
}

/// Initial values of a position tensor (by its name suffix); nil for a tensor that is not one.
/// Kerple starts as ALiBi (power: a = m_h, p = 1; log: r1 = 1, r2 = m_h, so −log(1 + m_h·δ) ≈ −m_h·δ
/// near the query); biases and T5 start at 0, temperatures at 1; FIRE as PyTorch's Linear (uniform
/// ±1/√fan_in; output bias 0), c = 0.1, L_mult = 1 as in the official code; CoPE's embeddings at 0
/// (official `zeros`); DAPE's MLP as PyTorch's Linear, weights and biases uniform ±1/√fan_in
/// (`biasFanIn`: the fan-in of the bias's weight).
func positionInitialValues(name: String, shape: [Int], biasFanIn: Int?, rng: inout SplitMix64) -> [Float]? {
    guard let range = name.range(of: ".attention.self.position.") else { return nil }
    let suffix = name[range.upperBound...], n = shape.reduce(1, *)
    func uniform(_ bound: Float) -> [Float] { (0..<n).map { _ in (rng.nextUniform() * 2 - 1) * bound } }
    switch suffix {
    case "temperature", "kerple_r1", "kerple_p", "fire_l_multiplier": return [Float](repeating: 1, count: n)
    case "kerple_r2", "kerple_a":
        let H = shape[1], m = DistanceBias.alibiSlopes(heads: H)
        return (0..<n).map { Float(m[$0 % H]) }
    case "fire_w1", "fire_b1": return uniform(1)
    case "fire_w2": return uniform(1 / Float(shape[1]).squareRoot())
    case "fire_c": return [0.1]
    case "dape_w1", "dape_w2": return uniform(1 / Float(shape[1]).squareRoot())
    case "dape_b1", "dape_b2": return uniform(1 / Float(max(biasFanIn ?? 1, 1)).squareRoot())
    default: return [Float](repeating: 0, count: n)
    }
}

extension PositionSettings {
    /// The settings named on a command line (`--position SCHEME [--position-temperature T]`) for a
    /// model trained on segments of S text tokens and `positions` positions; nil for plain absolute.
    /// Errors name the option and list the accepted values.
    public static func fromCommandLine(scheme: String, temperature: String?, textTokens S: Int,
                                       positions: Int) throws -> PositionSettings? {
        let parts = scheme.replacingOccurrences(of: "-", with: "_").split(separator: ":", maxSplits: 1).map(String.init)
        let names = Scheme.allCases.map { $0 == .dape ? "dape[:BASE]" : $0.rawValue }.joined(separator: ", ")
        guard let s = parts.first.flatMap(Scheme.init(rawValue:)), parts.count == 1 || s == .dape else {
            throw ModelError("--position", "unknown scheme \"\(scheme)\" (one of \(names))")
        }
        var base: Scheme? = nil
        if parts.count == 2 {
            guard let b = Scheme(rawValue: parts[1]), ![.absolute, .cope, .dape].contains(b) else {
                throw ModelError("--position", "unknown DAPE base \"\(parts[1])\" (one of none, alibi, kerple_log, kerple_power, t5, fire)")
            }
            base = b
        }
        let tName = (temperature ?? "none").replacingOccurrences(of: "-", with: "_")
        guard let t = Temperature(rawValue: tName) else {
            throw ModelError("--position-temperature", "unknown temperature \"\(tName)\" (one of \(Temperature.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if s == .absolute && t == .none { return nil }
        let p = forTraining(s, temperature: t, textTokens: S, positions: positions, dapeBase: base)
        try p.validate(source: "--position")
        return p
    }
}

extension ParameterSet {
    /// Projects the clamped position parameters back into range after an optimizer step, as the
    /// official Kerple code does (r1, r2, a ≥ 0.01; 0.01 ≤ p ≤ 2), so none sits in the forward's
    /// clamp where its gradient would be zero. A no-op for other schemes. Finds the tensors by
    /// their names' fixed endings, so a training step's call builds no name and allocates nothing.
    public func projectPositionParameters(_ config: BertConfig) {
        guard let p = config.position, p.additiveScheme == .kerpleLog || p.additiveScheme == .kerplePower else { return }
        let lo = Float(DistanceBias.kerpleMin)
        for e in layout.entries where e.name.hasPrefix("encoder.layer.") {
            for bound in Self.kerpleBounds where e.name.hasSuffix(bound.suffix) {
                let v = storage.pointer + e.offset
                for i in 0..<e.count { v[i] = min(max(v[i], lo), bound.upper) }
            }
        }
    }

    /// The Kerple tensors' name endings (`PositionSettings.tensorName` after the layer) and upper clamps.
    private static let kerpleBounds: [(suffix: String, upper: Float)] =
        [("kerple_r1", Float.infinity), ("kerple_r2", .infinity), ("kerple_a", .infinity), ("kerple_p", Float(DistanceBias.kerplePowerMax))]
            .map { (PositionSettings.tensorInfix + $0.0, $0.1) }
}
