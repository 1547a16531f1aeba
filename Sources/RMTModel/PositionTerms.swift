// PositionTerms: the encoder's side of the attention position seam. Before the layers run it
// turns each layer's scheme tensors into the kernel's terms — the (NH, 2W − 1) text-offset table,
// the type-pair bias and the (B, NH) logit scale λ_h·log(n_b)/log(n₀) — and keeps them in the
// activations, and hands CoPE's embeddings and DAPE's MLP to the kernel as they are; in backward it
// chains the kernel's table and scale gradients to the tensors (CoPE and DAPE accumulate directly).
import Foundation
import RMTKernels

/// Pointers to one layer's position tensors inside a parameter (or gradient) set.
struct PositionLayerTensors {
    /// (NH, K, K), (NH), and the scheme's tensors in `DistanceBias.parameterShapes` order.
    var typeBias, temperature: UnsafeMutablePointer<Float>?
    var scheme: [(pointer: UnsafeMutablePointer<Float>, count: Int)]
    /// CoPE (2, npos, d); DAPE w1 (w, 2NH), b1 (w), w2 (NH, w), b2 (NH).
    var cope, dapeW1, dapeB1, dapeW2, dapeB2: UnsafeMutablePointer<Float>?

    init(_ set: ParameterSet, layer l: Int, position p: PositionSettings, heads H: Int) {
        func ptr(_ s: String) -> UnsafeMutablePointer<Float>? {
            set.layout.entry(PositionSettings.tensorName(layer: l, s)).map { set.storage.pointer + $0.offset }
        }
        typeBias = ptr("type_bias")
        temperature = ptr("temperature")
        scheme = (p.distanceBias?.parameterShapes(heads: H) ?? []).map { (ptr($0.name)!, $0.shape.reduce(1, *)) }
        cope = ptr("cope_embeddings")
        (dapeW1, dapeB1, dapeW2, dapeB2) = (ptr("dape_w1"), ptr("dape_b1"), ptr("dape_w2"), ptr("dape_b2"))
    }

    /// The kernel's CoPE and DAPE terms (nil when the scheme has none).
    func contentTerms(_ p: PositionSettings) -> (cope: CoPETerms?, dape: DAPETerms?) {
        let cope = self.cope.map { CoPETerms(embeddings: $0, npos: p.copeNpos) }
        guard let w1 = dapeW1, let b1 = dapeB1, let w2 = dapeW2, let b2 = dapeB2 else { return (cope, nil) }
        return (cope, DAPETerms(w1: w1, b1: b1, w2: w2, b2: b2, width: p.dapeWidth))
    }

    /// Gradient pointers of DAPE's MLP (nil without DAPE).
    var dapeGradients: DAPEGradients? {
        guard let w1 = dapeW1, let b1 = dapeB1, let w2 = dapeW2, let b2 = dapeB2 else { return nil }
        return DAPEGradients(w1: w1, b1: b1, w2: w2, b2: b2)
    }

    /// The scheme's tensors in Double.
    var schemeValues: [[Double]] {
        scheme.map { t in (0..<t.count).map { Double(t.pointer[$0]) } }
    }
}

/// The position terms of one forward call, kept for the backward pass.
public final class PositionForwardState: @unchecked Sendable {
    public let layout: PositionLayout
    /// Per layer: (NH, 2W − 1) text-offset table, empty when the scheme has none.
    public internal(set) var tables: [[Float]]
    /// Per layer: (B, NH) logit scale, empty when there is no temperature.
    public internal(set) var scales: [[Float]]
    /// (B) log(n_b)/log(n₀), or 1 without log-n scaling.
    public let logNFactors: [Double]

    init(layout: PositionLayout, layers L: Int, logNFactors: [Double]) {
        self.layout = layout
        tables = Array(repeating: [], count: L)
        scales = Array(repeating: [], count: L)
        self.logNFactors = logNFactors
    }
}

extension BertEncoder {
    /// Builds every layer's terms for a batch of B sequences of T positions.
    func preparePositionTerms(_ acts: BertActivations, layout: PositionLayout?, attentionMask: [Int32]?,
                              batch B: Int, seqLen T: Int) throws {
        guard let p = config.position, p.hasAttentionTerms else { acts.positionState = nil; return }
        let layout = layout ?? .allText(batch: B, seqLen: T)
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
        let H = config.numAttentionHeads, L = config.numHiddenLayers
        var factors = [Double](repeating: 1, count: B)
        if p.scalesByLogN, let n0 = p.logNBase {
            for b in 0..<B {
                let n = attentionMask.map { m in (0..<T).reduce(0) { $0 + Int(m[b * T + $1]) } } ?? T
                factors[b] = log(Double(max(n, 1))) / log(Double(n0))
            }
        }
        let state = PositionForwardState(layout: layout, layers: L, logNFactors: factors)
        for l in 0..<L {
            let t = PositionLayerTensors(parameters, layer: l, position: p, heads: H)
            if let bias = p.distanceBias {
                state.tables[l] = bias.table(parameters: t.schemeValues, heads: H, span: layout.span).map { Float($0) }
            }
            if p.temperature != .none {
                state.scales[l] = (0..<(B * H)).map { bh in
                    Float(Double(t.temperature?[bh % H] ?? 1) * factors[bh / H])
                }
            }
        }
        acts.positionState = state
    }

    /// Calls `body` with layer l's kernel terms (nil when the model has none).
    func withPositionTerms<R>(_ acts: BertActivations, layer l: Int, _ body: (AttentionPositionTerms?) -> R) -> R {
        guard let s = acts.positionState, let p = config.position else { return body(nil) }
        let t = PositionLayerTensors(parameters, layer: l, position: p, heads: config.numAttentionHeads)
        let content = t.contentTerms(p)
        return s.layout.kinds.withUnsafeBufferPointer { kinds in
            s.layout.textIndex.withUnsafeBufferPointer { tix in
                s.tables[l].withUnsafeBufferPointer { table in
                    s.scales[l].withUnsafeBufferPointer { scale in
                        body(AttentionPositionTerms(kinds: kinds.baseAddress!, textIndex: tix.baseAddress!,
                                                    span: s.layout.span,
                                                    textBias: table.isEmpty ? nil : table.baseAddress,
                                                    typeBias: t.typeBias.map { UnsafePointer($0) },
                                                    scale: scale.isEmpty ? nil : scale.baseAddress,
                                                    cope: content.cope, dape: content.dape))
                    }
                }
            }
        }
    }

    /// Runs `body` (the attention backward of layer l) with gradient buffers for the terms, then
    /// adds the scheme and temperature gradients into `grads`.
    func withPositionGradients(_ acts: BertActivations, layer l: Int, grads: ParameterSet,
                               _ body: (AttentionPositionTerms?, AttentionPositionGradients?) -> Void) {
        guard let s = acts.positionState, let p = config.position else { return body(nil, nil) }
        let H = config.numAttentionHeads, B = acts.batch
        let g = PositionLayerTensors(grads, layer: l, position: p, heads: H)
        var dTable = [Float](repeating: 0, count: s.tables[l].count)
        var dScale = [Float](repeating: 0, count: p.learnsTemperature ? B * H : 0)
        withPositionTerms(acts, layer: l) { terms in
            dTable.withUnsafeMutableBufferPointer { dt in
                dScale.withUnsafeMutableBufferPointer { ds in
                    body(terms, AttentionPositionGradients(dTextBias: dt.isEmpty ? nil : dt.baseAddress,
                                                           dTypeBias: g.typeBias,
                                                           dScale: ds.isEmpty ? nil : ds.baseAddress,
                                                           dCoPE: g.cope, dDAPE: g.dapeGradients))
                }
            }
        }
        if let bias = p.distanceBias {
            let values = PositionLayerTensors(parameters, layer: l, position: p, heads: H).schemeValues
            let d = bias.parameterGradients(parameters: values, dTable: dTable.map(Double.init), heads: H,
                                            span: s.layout.span)
            for (tensor, grad) in zip(g.scheme, d) {
                for i in 0..<tensor.count { tensor.pointer[i] += Float(grad[i]) }
            }
        }
        if let dT = g.temperature {
            for bh in 0..<(B * H) { dT[bh % H] += Float(Double(dScale[bh]) * s.logNFactors[bh / H]) }
        }
    }
}
