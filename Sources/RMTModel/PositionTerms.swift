// PositionTerms: the encoder's side of the attention position seam. Before the layers run it
// turns each layer's scheme tensors into the kernel's terms — the (NH, 2W − 1) text-offset table,
// the type-pair bias and the (B, NH) logit scale λ_h·log(n_b)/log(n₀) — and keeps them in the
// activations, and hands CoPE's embeddings and DAPE's MLP to the kernel as they are; in backward it
// chains the kernel's table and scale gradients to the tensors (CoPE and DAPE accumulate directly).
// Nothing here allocates per forward or backward once the buffers have grown: the tensors' offsets
// are looked up by name once (when the encoder is made), the forward state and the kernels'
// scratch (PositionWorkspace) are reused from call to call.
import Foundation
import RMTKernels

/// Offsets of one layer's position tensors in a parameter layout (a gradient set of the same
/// layout has its tensors at the same offsets).
struct PositionLayerOffsets {
    /// (NH, K, K), (NH); CoPE (2, npos, d); DAPE w1 (w, 2NH), b1 (w), w2 (NH, w), b2 (NH).
    var typeBias, temperature, cope, dapeW1, dapeB1, dapeW2, dapeB2: Int?
    /// The distance scheme's tensors in `DistanceBias.parameterShapes` order: offsets and counts.
    var scheme: (offsets: [Int], counts: [Int])

    init(_ layout: ParameterLayout, layer l: Int, position p: PositionSettings, heads H: Int) {
        func offset(_ s: String) -> Int? { layout.entry(PositionSettings.tensorName(layer: l, s))?.offset }
        typeBias = offset("type_bias")
        temperature = offset("temperature")
        let shapes = p.distanceBias?.parameterShapes(heads: H) ?? []
        scheme = (shapes.map { offset($0.name)! }, shapes.map { $0.shape.reduce(1, *) })
        cope = offset("cope_embeddings")
        (dapeW1, dapeB1, dapeW2, dapeB2) = (offset("dape_w1"), offset("dape_b1"), offset("dape_w2"), offset("dape_b2"))
    }

    /// Every layer's offsets (empty for a model without position tensors).
    static func all(_ layout: ParameterLayout, config: BertConfig) -> [PositionLayerOffsets] {
        guard let p = config.position else { return [] }
        return (0..<config.numHiddenLayers).map { PositionLayerOffsets(layout, layer: $0, position: p, heads: config.numAttentionHeads) }
    }
}

/// Pointers to one layer's position tensors inside a parameter (or gradient) set.
struct PositionLayerTensors {
    let base: UnsafeMutablePointer<Float>
    let offsets: PositionLayerOffsets

    var typeBias: UnsafeMutablePointer<Float>? { offsets.typeBias.map { base + $0 } }
    var temperature: UnsafeMutablePointer<Float>? { offsets.temperature.map { base + $0 } }
    var cope: UnsafeMutablePointer<Float>? { offsets.cope.map { base + $0 } }
    /// The distance scheme's tensors.
    var scheme: DistanceBiasTensors {
        DistanceBiasTensors(base: base, offsets: offsets.scheme.offsets, counts: offsets.scheme.counts)
    }

    /// The kernel's CoPE and DAPE terms (nil when the scheme has none).
    func contentTerms(_ p: PositionSettings) -> (cope: CoPETerms?, dape: DAPETerms?) {
        let cope = self.cope.map { CoPETerms(embeddings: $0, npos: p.copeNpos) }
        guard let w1 = offsets.dapeW1, let b1 = offsets.dapeB1, let w2 = offsets.dapeW2, let b2 = offsets.dapeB2 else {
            return (cope, nil)
        }
        return (cope, DAPETerms(w1: base + w1, b1: base + b1, w2: base + w2, b2: base + b2, width: p.dapeWidth))
    }

    /// Gradient pointers of DAPE's MLP (nil without DAPE).
    var dapeGradients: DAPEGradients? {
        guard let w1 = offsets.dapeW1, let b1 = offsets.dapeB1, let w2 = offsets.dapeW2, let b2 = offsets.dapeB2 else {
            return nil
        }
        return DAPEGradients(w1: base + w1, b1: base + b1, w2: base + w2, b2: base + b2)
    }
}

/// The position terms of one forward call, kept for the backward pass. One per BertActivations,
/// refilled by every forward call (its arrays and buffers keep their capacity).
public final class PositionForwardState: @unchecked Sendable {
    /// (B, T) position kinds and text indices of the last call (copies of the caller's layout).
    public private(set) var kinds: [UInt8] = [], textIndex: [Int32] = []
    /// Text-offset span W of the last call.
    public private(set) var span = 1
    /// (B) log(n_b)/log(n₀), or 1 without log-n scaling.
    public private(set) var logNFactors: [Double] = []
    /// Per layer: (NH, 2W − 1) text-offset table in the first `tableCount` floats (none when the
    /// scheme has no distance bias: `tableCount` 0).
    private var tableBuffers: [FloatBuffer]
    public private(set) var tableCount = 0
    /// Per layer: (B, NH) logit scale in the first `scaleCount` floats (0 without temperature).
    private var scaleBuffers: [FloatBuffer]
    public private(set) var scaleCount = 0
    /// The position kernels' scratch for this activation set's forward calls.
    public let workspace = PositionWorkspace()

    init(layers L: Int) {
        tableBuffers = (0..<L).map { _ in FloatBuffer(count: 0) }
        scaleBuffers = (0..<L).map { _ in FloatBuffer(count: 0) }
    }

    /// The layout of the last call.
    public var layout: PositionLayout { PositionLayout(kinds: kinds, textIndex: textIndex, span: span) }
    /// Layer l's text-offset table (a copy; empty without a distance bias).
    public func table(layer l: Int) -> [Float] { Array(UnsafeBufferPointer(start: tableBuffers[l].pointer, count: tableCount)) }
    /// Layer l's logit scale (a copy; empty without temperature).
    public func scale(layer l: Int) -> [Float] { Array(UnsafeBufferPointer(start: scaleBuffers[l].pointer, count: scaleCount)) }

    /// Copies `layout` (or, when nil, B plain sequences of T text positions) into the reused arrays.
    func setLayout(_ layout: PositionLayout?, batch B: Int, seqLen T: Int) {
        kinds.removeAll(keepingCapacity: true)
        textIndex.removeAll(keepingCapacity: true)
        if let layout {
            kinds.append(contentsOf: layout.kinds)
            textIndex.append(contentsOf: layout.textIndex)
            span = layout.span
        } else {
            kinds.append(contentsOf: repeatElement(PositionKind.text.rawValue, count: B * T))
            for i in 0..<(B * T) { textIndex.append(Int32(i % T)) }
            span = T
        }
    }

    /// Sizes the per-layer tables (H, 2W − 1) and scales (B, H) for this call (0 = none).
    fileprivate func setCounts(table: Int, scale: Int) {
        for l in tableBuffers.indices where tableBuffers[l].count < table { tableBuffers[l] = FloatBuffer(count: table) }
        for l in scaleBuffers.indices where scaleBuffers[l].count < scale { scaleBuffers[l] = FloatBuffer(count: scale) }
        (tableCount, scaleCount) = (table, scale)
    }

    fileprivate func setLogNFactors(_ body: (inout [Double]) -> Void) { body(&logNFactors) }
    fileprivate func tablePointer(_ l: Int) -> UnsafeMutablePointer<Float>? { tableCount == 0 ? nil : tableBuffers[l].pointer }
    fileprivate func scalePointer(_ l: Int) -> UnsafeMutablePointer<Float>? { scaleCount == 0 ? nil : scaleBuffers[l].pointer }
}

extension BertEncoder {
    /// Layer l's position tensors inside `set` (the encoder's offsets when `set` has the model's
    /// layout — no lookup, nothing allocated — else looked up by name).
    func positionTensors(_ set: ParameterSet, layer l: Int) -> PositionLayerTensors {
        let offsets = set === parameters || set.layout == parameters.layout ? positionOffsets[l]
            : PositionLayerOffsets(set.layout, layer: l, position: config.position!, heads: config.numAttentionHeads)
        return PositionLayerTensors(base: set.storage.pointer, offsets: offsets)
    }

    /// Builds every layer's terms for a batch of B sequences of T positions.
    func preparePositionTerms(_ acts: BertActivations, layout: PositionLayout?, attentionMask: [Int32]?,
                              batch B: Int, seqLen T: Int) throws {
        guard let p = config.position, p.hasAttentionTerms else { acts.positionState = nil; return }
        if let layout {
            guard layout.kinds.count == B * T, layout.textIndex.count == B * T, layout.span >= 1 else {
                throw ModelError("forward", "position layout has \(layout.kinds.count) kinds for \(B * T) positions")
            }
            for i in 0..<(B * T) {
                guard let kind = PositionKind(rawValue: layout.kinds[i]) else {
                    throw ModelError("forward", "position kind \(layout.kinds[i]) is not one of 0..<\(PositionKind.count)")
                }
                if kind == .text && !(0..<layout.span).contains(Int(layout.textIndex[i])) {
                    throw ModelError("forward", "text index \(layout.textIndex[i]) is outside the span 0..<\(layout.span)")
                }
            }
        }
        let H = config.numAttentionHeads, L = config.numHiddenLayers
        let state = acts.positionState ?? PositionForwardState(layers: L)
        state.setLayout(layout, batch: B, seqLen: T)
        let W = state.span
        state.setLogNFactors { factors in
            factors.removeAll(keepingCapacity: true)
            factors.append(contentsOf: repeatElement(1, count: B))
            if p.scalesByLogN, let n0 = p.logNBase {
                for b in 0..<B {
                    let n = attentionMask.map { m in (0..<T).reduce(0) { $0 + Int(m[b * T + $1]) } } ?? T
                    factors[b] = log(Double(max(n, 1))) / log(Double(n0))
                }
            }
        }
        let bias = p.distanceBias
        state.setCounts(table: bias == nil ? 0 : H * (2 * W - 1), scale: p.temperature == .none ? 0 : B * H)
        for l in 0..<L {
            let t = positionTensors(parameters, layer: l)
            if let bias, let table = state.tablePointer(l) {
                bias.table(tensors: t.scheme, heads: H, span: W, into: table)
            }
            if let scale = state.scalePointer(l) {
                for bh in 0..<(B * H) {
                    scale[bh] = Float(Double(t.temperature?[bh % H] ?? 1) * state.logNFactors[bh / H])
                }
            }
        }
        acts.positionState = state
    }

    /// Calls `body` with layer l's kernel terms (nil when the model has none); their scratch is
    /// `workspace`, or the forward state's.
    func withPositionTerms<R>(_ acts: BertActivations, layer l: Int, workspace: PositionWorkspace? = nil,
                              _ body: (AttentionPositionTerms?) -> R) -> R {
        guard let s = acts.positionState, let p = config.position else { return body(nil) }
        let t = positionTensors(parameters, layer: l)
        let content = t.contentTerms(p)
        return s.kinds.withUnsafeBufferPointer { kinds in
            s.textIndex.withUnsafeBufferPointer { tix in
                body(AttentionPositionTerms(kinds: kinds.baseAddress!, textIndex: tix.baseAddress!, span: s.span,
                                            textBias: s.tablePointer(l).map { UnsafePointer($0) },
                                            typeBias: t.typeBias.map { UnsafePointer($0) },
                                            scale: s.scalePointer(l).map { UnsafePointer($0) },
                                            cope: content.cope, dape: content.dape, workspace: workspace ?? s.workspace))
            }
        }
    }

    /// Runs `body` (the attention backward of layer l) with gradient buffers for the terms, then
    /// adds the scheme and temperature gradients into `grads`. Scratch (the kernels' and the table
    /// and scale gradients) comes from `workspace`.
    func withPositionGradients(_ acts: BertActivations, layer l: Int, grads: ParameterSet, workspace: PositionWorkspace,
                               _ body: (AttentionPositionTerms?, AttentionPositionGradients?) -> Void) {
        guard let s = acts.positionState, let p = config.position else { return body(nil, nil) }
        let H = config.numAttentionHeads, B = acts.batch
        let g = positionTensors(grads, layer: l)
        // (NH, 2W − 1) and (B, NH), accumulated from zero by the kernel.
        let dTable = s.tableCount == 0 ? nil : workspace.zeroedTextBiasGradient(count: s.tableCount)
        let dScale = p.learnsTemperature ? workspace.zeroedLogitScaleGradient(count: B * H) : nil
        withPositionTerms(acts, layer: l, workspace: workspace) { terms in
            body(terms, AttentionPositionGradients(dTextBias: dTable, dTypeBias: g.typeBias, dScale: dScale,
                                                   dCoPE: g.cope, dDAPE: g.dapeGradients))
        }
        if let bias = p.distanceBias, let dTable {
            bias.accumulateParameterGradients(tensors: positionTensors(parameters, layer: l).scheme, dTable: dTable,
                                              heads: H, span: s.span, into: g.scheme,
                                              scratch: workspace.doubles(bias.parameterCount(heads: H)))
        }
        if let dT = g.temperature, let dScale {
            for bh in 0..<(B * H) { dT[bh % H] += Float(Double(dScale[bh]) * s.logNFactors[bh / H]) }
        }
    }
}
