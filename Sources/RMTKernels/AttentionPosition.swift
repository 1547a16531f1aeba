// AttentionPosition: the position seam of attention — per-head terms that in-segment position
// schemes add to the attention logits, and their gradients.
//
//   Z[b,h,i,j] = λ[b,h]·QKᵀ[i,j]/√d + bias[b,h,i,j],   P = softmax(Z + padding mask)
//
//   bias = textBias[h, t_j − t_i + W − 1]    when i and j are both text positions (t = text index),
//          typeBias[h, kind_i, kind_j]       otherwise ([CLS], memory, [SEP] on either side).
//
// Every distance scheme (ALiBi, Kerple, T5 buckets, FIRE) reduces to one per-head table over the
// relative offset t_j − t_i ∈ (−W, W) (PositionBiasMath.swift builds it from the scheme's
// parameters); temperature and log-n scaling are the multiplier λ. The gradients all come from
// dZ, which the softmax backward already produces: dTextBias is a diagonal histogram of dZ,
// dTypeBias a block sum, dλ = Σ dZ ⊙ QKᵀ/√d. Absolute-position models pass no terms and run the
// original kernel unchanged. Content-dependent terms — CoPE's gated counts (AttentionCoPE.swift) and
// DAPE's MLP over every head's logits and biases (AttentionDAPE.swift) — ride on the same struct.
// Plain-loop twins: Reference(Double).attentionForward(…position…).

/// What a position of a segment is, for the type-pair bias.
public enum PositionKind: UInt8, Sendable, CaseIterable {
    case cls = 0, memory = 1, separator = 2, text = 3, end = 4
    /// Number of kinds K (the type-pair table is K × K per head).
    public static let count = 5
}

/// The per-position layout of a batch: kinds and text indices. Padding rows may have any kind
/// (their keys are masked and their rows are never read).
public struct PositionLayout: Sendable, Equatable {
    /// (B, T) `PositionKind` raw values.
    public var kinds: [UInt8]
    /// (B, T) index of a text position among its sequence's text positions (0-based); −1 elsewhere.
    public var textIndex: [Int32]
    /// Text-offset span W: every text index is < W; tables cover offsets −(W−1)…W−1.
    public var span: Int

    public init(kinds: [UInt8], textIndex: [Int32], span: Int) {
        self.kinds = kinds
        self.textIndex = textIndex
        self.span = span
    }

    /// Every position a text position at its own index (a plain encoder input), B sequences of T.
    public static func allText(batch B: Int, seqLen T: Int) -> PositionLayout {
        PositionLayout(kinds: [UInt8](repeating: PositionKind.text.rawValue, count: B * T),
                       textIndex: (0..<(B * T)).map { Int32($0 % T) }, span: T)
    }
}

/// Pointers to the position terms of one attention call. Any term may be absent.
public struct AttentionPositionTerms: @unchecked Sendable {
    /// (B, T) kinds and (B, T) text indices (see `PositionLayout`).
    public var kinds: UnsafePointer<UInt8>
    public var textIndex: UnsafePointer<Int32>
    /// Span W of `textBias`.
    public var span: Int
    /// (NH, 2W − 1): bias of a text–text pair by key−query offset, at index t_j − t_i + W − 1.
    public var textBias: UnsafePointer<Float>?
    /// (NH, K, K): bias of a pair with a non-text side, by (query kind, key kind).
    public var typeBias: UnsafePointer<Float>?
    /// (B, NH): multiplier of the content logits QKᵀ/√d; nil = 1.
    public var scale: UnsafePointer<Float>?
    /// CoPE: gated two-sided counts and interpolated position embeddings on text–text pairs.
    public var cope: CoPETerms?
    /// DAPE: an MLP over every head's logits and biases, added to the logits.
    public var dape: DAPETerms?
    /// Scratch for CoPE, DAPE and the logit-scale gradient, reused from call to call; nil = the
    /// kernel makes a temporary one (allocating).
    public var workspace: PositionWorkspace?

    public init(kinds: UnsafePointer<UInt8>, textIndex: UnsafePointer<Int32>, span: Int,
                textBias: UnsafePointer<Float>?, typeBias: UnsafePointer<Float>?, scale: UnsafePointer<Float>?,
                cope: CoPETerms? = nil, dape: DAPETerms? = nil, workspace: PositionWorkspace? = nil) {
        self.kinds = kinds
        self.textIndex = textIndex
        self.span = span
        self.textBias = textBias
        self.typeBias = typeBias
        self.scale = scale
        self.cope = cope
        self.dape = dape
        self.workspace = workspace
    }

    /// Adds the bias of sequence b, head h to rows 0..<R of the (R, T) logits z.
    func addBias(_ z: UnsafeMutablePointer<Float>, b: Int, h: Int, rows R: Int, seqLen T: Int) {
        let kinds = self.kinds + b * T, tix = textIndex + b * T, W = span
        let text = PositionKind.text.rawValue, K = PositionKind.count
        let table = textBias.map { $0 + h * (2 * W - 1) }
        let beta = typeBias.map { $0 + h * K * K }
        if textBias == nil && typeBias == nil { return }  // a logit scale only
        let run = textRun(kinds, tix, T)
        for i in 0..<R {
            let row = z + i * T, ki = Int(kinds[i])
            if kinds[i] == text {
                let ti = Int(tix[i])
                if let run {
                    if let table {
                        // Text keys j = a + t: contiguous table slice at offset W − 1 − ti.
                        let src = table + (W - 1 - ti), dst = row + run.start
                        for t in 0..<run.count { dst[t] += src[t] }
                    }
                    if let beta { addTypeBias(row, beta + ki * K, kinds, T, skipping: run) }
                } else {
                    for j in 0..<T {
                        if kinds[j] == text {
                            if let table { row[j] += table[Int(tix[j]) - ti + W - 1] }
                        } else if let beta {
                            row[j] += beta[ki * K + Int(kinds[j])]
                        }
                    }
                }
            } else if let beta {
                let bq = beta + ki * K
                for j in 0..<T { row[j] += bq[Int(kinds[j])] }
            }
        }
    }

    /// Accumulates the gradients of sequence b, head h from dZ (rows 0..<T of (T, T)).
    func accumulateBiasGradients(_ dz: UnsafePointer<Float>, b: Int, h: Int, seqLen T: Int,
                                 into g: AttentionPositionGradients) {
        let kinds = self.kinds + b * T, tix = textIndex + b * T, W = span
        let text = PositionKind.text.rawValue, K = PositionKind.count
        let dTable = textBias == nil ? nil : g.dTextBias.map { $0 + h * (2 * W - 1) }
        let dBeta = typeBias == nil ? nil : g.dTypeBias.map { $0 + h * K * K }
        if dTable == nil && dBeta == nil { return }
        let run = textRun(kinds, tix, T)
        for i in 0..<T {
            let row = dz + i * T, ki = Int(kinds[i])
            if kinds[i] == text {
                let ti = Int(tix[i])
                if let run {
                    if let dTable {
                        let dst = dTable + (W - 1 - ti), src = row + run.start
                        for t in 0..<run.count { dst[t] += src[t] }
                    }
                    if let dBeta {
                        let db = dBeta + ki * K
                        for j in 0..<run.start { db[Int(kinds[j])] += row[j] }
                        for j in (run.start + run.count)..<T { db[Int(kinds[j])] += row[j] }
                    }
                } else {
                    for j in 0..<T {
                        if kinds[j] == text {
                            dTable?[Int(tix[j]) - ti + W - 1] += row[j]
                        } else {
                            dBeta?[ki * K + Int(kinds[j])] += row[j]
                        }
                    }
                }
            } else if let dBeta {
                for j in 0..<T { dBeta[ki * K + Int(kinds[j])] += row[j] }
            }
        }
    }
}

/// Gradients of the position terms, accumulated (+=). Pointers may be nil to skip a term.
public struct AttentionPositionGradients: @unchecked Sendable {
    /// (NH, 2W − 1)
    public var dTextBias: UnsafeMutablePointer<Float>?
    /// (NH, K, K)
    public var dTypeBias: UnsafeMutablePointer<Float>?
    /// (B, NH)
    public var dScale: UnsafeMutablePointer<Float>?
    /// (2, npos, d): CoPE's position embeddings.
    public var dCoPE: UnsafeMutablePointer<Float>?
    /// DAPE's MLP: w1 (w, 2NH), b1 (w), w2 (NH, w), b2 (NH).
    public var dDAPE: DAPEGradients?

    public init(dTextBias: UnsafeMutablePointer<Float>?, dTypeBias: UnsafeMutablePointer<Float>?,
                dScale: UnsafeMutablePointer<Float>?, dCoPE: UnsafeMutablePointer<Float>? = nil,
                dDAPE: DAPEGradients? = nil) {
        self.dTextBias = dTextBias
        self.dTypeBias = dTypeBias
        self.dScale = dScale
        self.dCoPE = dCoPE
        self.dDAPE = dDAPE
    }
}

/// The text positions of one sequence when they form one run j = start + t, t = 0..<count
/// (the RMT segment layout always does); nil otherwise (the caller takes the general path).
func textRun(_ kinds: UnsafePointer<UInt8>, _ tix: UnsafePointer<Int32>, _ T: Int) -> (start: Int, count: Int)? {
    let text = PositionKind.text.rawValue
    var start = -1, count = 0
    for j in 0..<T where kinds[j] == text {
        if start < 0 { start = j }
        guard j == start + count, Int(tix[j]) == count else { return nil }
        count += 1
    }
    return start < 0 ? (0, 0) : (start, count)
}

/// row[j] += beta[kind_j] for the non-text keys outside `run`.
@inline(__always)
private func addTypeBias(_ row: UnsafeMutablePointer<Float>, _ beta: UnsafePointer<Float>,
                         _ kinds: UnsafePointer<UInt8>, _ T: Int, skipping run: (start: Int, count: Int)) {
    for j in 0..<run.start { row[j] += beta[Int(kinds[j])] }
    for j in (run.start + run.count)..<T { row[j] += beta[Int(kinds[j])] }
}
