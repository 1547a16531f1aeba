// AssociativeSettings: the `rmt_associative` object of config.json — ARMT's associative memory
// beside the memory tokens (Docs/associative-memory.md): a key–value state (A, z) per layer and
// sequence, read by every row before the layer and written after it by the memory rows (ARMT's
// choice, `"write": "memory"`, the default) or by every row of the segment's content (`"all"`:
// the memory rows, [SEP] and the text — each fact writes as it is read, so the memory need not
// know which facts the question will need). Absent = no associative memory (every model before
// it), bit for bit.
//
// Tensors per layer l, under `encoder.layer.{l}.rmt_associative.`: query.weight (D, C),
// key.weight (D, C), value.weight (C, C), beta.weight (1, C), beta.bias (1). The value projection
// starts at zero, so a model given the memory answers exactly as before until it trains.
import Foundation

public struct AssociativeSettings: Codable, Sendable, Equatable {
    /// D: the size of a query or key before the feature map (ARMT's `d_mem`; its default 64).
    public var keySize: Int
    /// ν of the DPFP feature map (ARMT: 3): K = 2·ν·D features.
    public var nu: Int
    /// ε of the read's and write's denominators (ARMT: 1e-5).
    public var eps: Float
    /// Which rows write after each layer.
    public var write: WriteRows

    /// The rows of a segment `[CLS] m1..mM [SEP] t1..tn [SEP] [PAD]…` that write into the state.
    public enum WriteRows: String, Codable, Sendable, CaseIterable {
        /// m1..mM: the memory rows (ARMT).
        case memory
        /// m1..mM, [SEP] and t1..tn: every row but [CLS], the closing [SEP] and padding.
        case all
    }

    enum CodingKeys: String, CodingKey { case keySize = "key_size", nu, eps, write }

    public init(keySize: Int = 64, nu: Int = 3, eps: Float = 1e-5, write: WriteRows = .memory) {
        (self.keySize, self.nu, self.eps, self.write) = (keySize, nu, eps, write)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AssociativeSettings()
        keySize = try c.decode(Int.self, forKey: .keySize)
        nu = try c.decodeIfPresent(Int.self, forKey: .nu) ?? d.nu
        eps = try c.decodeIfPresent(Float.self, forKey: .eps) ?? d.eps
        write = try c.decodeIfPresent(WriteRows.self, forKey: .write) ?? d.write
    }

    /// `write` only when it is not the default, so a config saved before it round-trips unchanged.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(keySize, forKey: .keySize)
        try c.encode(nu, forKey: .nu)
        try c.encode(eps, forKey: .eps)
        if write != .memory { try c.encode(write, forKey: .write) }
    }

    /// The rows of one sequence that write: M memory rows after [CLS], then (`all`) [SEP] and the
    /// sequence's `textCount` text rows.
    public func writeRows(memoryTokens M: Int, textCount: Int) -> Range<Int> {
        switch write {
        case .memory: return 1..<(M + 1)
        case .all: return 1..<(M + 2 + textCount)
        }
    }

    /// K = 2·ν·D: the feature size of a query or key, the rows of A.
    public var features: Int { 2 * nu * keySize }

    /// Floats of one sequence's state for one layer: A (K, C) and z (K).
    public func stateCount(channels C: Int) -> Int { features * C + features }

    public func validate(source: String) throws {
        func fail(_ p: String) -> ModelError { ModelError(source, "rmt_associative: \(p)") }
        guard (1...1024).contains(keySize) else { throw fail("key_size must be in 1...1024, got \(keySize)") }
        guard (1...8).contains(nu), nu < 2 * keySize else { throw fail("nu must be in 1...8 and below 2·key_size, got \(nu)") }
        guard eps > 0 && eps <= 0.1 else { throw fail("eps must be in (0, 0.1], got \(eps)") }
    }

    /// The infix of every associative tensor's name, after `encoder.layer.{l}`.
    public static let tensorInfix = ".rmt_associative."

    /// Whether the tensor called `name` belongs to an associative memory.
    public static func isTensor(named name: String) -> Bool { name.contains(tensorInfix) }

    /// `encoder.layer.{l}.rmt_associative.{name}`.
    public static func tensorName(layer l: Int, _ name: String) -> String {
        "encoder.layer.\(l)" + tensorInfix + name
    }

    /// The per-layer tensors and their shapes, for hidden size C.
    public func tensorShapes(channels C: Int) -> [(String, [Int])] {
        [("query.weight", [keySize, C]), ("key.weight", [keySize, C]), ("value.weight", [C, C]),
         ("beta.weight", [1, C]), ("beta.bias", [1])]
    }
}

extension ParameterLayout {
    /// Appends the per-layer associative tensors (none when `associative` is nil).
    public mutating func appendAssociativeTensors(_ associative: AssociativeSettings?, layers L: Int, channels C: Int) {
        guard let associative else { return }
        for l in 0..<L {
            for (name, shape) in associative.tensorShapes(channels: C) {
                append(AssociativeSettings.tensorName(layer: l, name), shape)
            }
        }
    }
}

/// Pointers to one layer's associative tensors.
public struct AssociativeLayerWeights {
    /// (D, C), (D, C), (C, C), (1, C), (1)
    public let query, key, value, betaWeight, betaBias: UnsafeMutablePointer<Float>

    /// The layer's tensors in a buffer laid out by `layout`.
    init(layout: ParameterLayout, base: UnsafeMutablePointer<Float>, layer l: Int) {
        func p(_ n: String) -> UnsafeMutablePointer<Float> { base + layout.offset(AssociativeSettings.tensorName(layer: l, n)) }
        (query, key, value, betaWeight, betaBias) = (p("query.weight"), p("key.weight"), p("value.weight"),
                                                     p("beta.weight"), p("beta.bias"))
    }

    /// The same tensors moved from `base` to `other` (a gradient set with the model's layout).
    func moved(from base: UnsafeMutablePointer<Float>, to other: UnsafeMutablePointer<Float>) -> AssociativeLayerWeights {
        func m(_ p: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> { other + (p - base) }
        return AssociativeLayerWeights(query: m(query), key: m(key), value: m(value), betaWeight: m(betaWeight),
                                       betaBias: m(betaBias))
    }

    private init(query: UnsafeMutablePointer<Float>, key: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>,
                 betaWeight: UnsafeMutablePointer<Float>, betaBias: UnsafeMutablePointer<Float>) {
        (self.query, self.key, self.value, self.betaWeight, self.betaBias) = (query, key, value, betaWeight, betaBias)
    }
}
