// SegmentProcessor: one recurrent step of the RMT for a batch of sequences.
//
//   ids    = [CLS] m1..mM [SEP] t1..tn [SEP] (+ [PAD]s to the batch's longest segment)
//   emb    = word_embeddings(ids) with rows 1...M replaced by the memory   (B, T, C)
//   h      = BERT(emb + position + token type → LayerNorm → layers)        (B, T, C)
//   memory ← h[:, 1...M, :]                                               (B, M, C)
//            (a model with `rmt.memory_gate`: Z ⊙ h[:, 1...M, :] + (1 − Z) ⊙ memory, MemoryGate.swift)
//   logits = classifier(tanh(pooler(h[:, 0, :])))  — on demand             (B, L)
//
// What a step reads and overwrites per sequence is the carried buffer (B, model.carriedCount):
// the memory (M, C), then — for a model with `rmt_associative` — the associative memory's state,
// which the encoder reads before each layer and the memory rows write after it.
// This is the official RMT encoder recipe (memory injected at the word-embedding stage,
// position/type embeddings and LayerNorm on top). Buffers are allocated once.
// For a relative position scheme the step also passes the segment's PositionLayout: [CLS], memory,
// the two [SEP]s and the text, with text indices 0..<n and span S (Docs/position-encodings.md).
// Only h[:, 0...M, :] is ever read, so inference computes the last layer for those M + 1 rows
// alone (keys and values still cover every position): the same numbers, ~1/L less work.
import Foundation
import RMTKernels
import RMTModel

public final class SegmentProcessor: @unchecked Sendable {
    public let model: RecurrentMemoryModel
    /// Forward buffers, capacity (batchCapacity, M + S + 3).
    public let activations: BertActivations
    /// (B, T) ids, mask and the batch shape of the last step.
    public private(set) var ids: [Int32] = [], mask: [Int32] = []
    /// (B, T) position kinds and text indices of the last step (relative schemes only).
    public private(set) var positionLayout: PositionLayout?
    public private(set) var batch = 0, seqLen = 0

    public let cls: Int32, sep: Int32, pad: Int32
    /// The activations of the last step (for `classify`).
    public private(set) var lastActivations: BertActivations
    /// The answer head on the model's weights, with the model's compute options as they are now.
    public var answerHead: AnswerHead { model.answerHead }

    /// Compute the last layer only at [CLS] and the memory positions (the rows a step reads)
    /// when the activations are not kept for a backward pass. Default: on unless the model's
    /// `compute.fullLastLayer` (RMT_FULL_LAST_LAYER=1 in the CLIs, for A/B timing) is set.
    public var prunesLastLayer: Bool
    /// The associative memory's writing rows of the last step, one range per sequence (reused).
    private var writeRows: [Range<Int>] = []
    /// The memory gate on the model's weights, and its (M, C) gate and scratch rows (one
    /// sequence's at a time); nil / empty for a model without one.
    private let gate: MemoryGate?
    private let gateRows: FloatBuffer, gateScratch: FloatBuffer
    /// (B) the mean of Z over each sequence's (M, C) gate in the last step — how much of its new
    /// memory each sequence handed on (0: kept the memory that entered, 1: replaced it); empty for
    /// a model without a gate.
    public private(set) var gateShares: [Float] = []

    public init(model: RecurrentMemoryModel, batchCapacity: Int = 1, keepAllLayers: Bool = false) {
        self.model = model
        activations = BertActivations(config: model.config, batchCapacity: batchCapacity,
                                      seqCapacity: model.settings.positionsPerSegment, keepAllLayers: keepAllLayers)
        lastActivations = activations
        prunesLastLayer = !model.compute.fullLastLayer
        (cls, sep, pad) = (model.clsID, model.sepID, model.padID)  // checked when the model was made
        gate = model.memoryGate
        let gateCount = gate == nil ? 0 : model.settings.memoryTokens * model.config.hiddenSize
        (gateRows, gateScratch) = (FloatBuffer(count: gateCount), FloatBuffer(count: gateCount))
    }

    /// Builds the (B, T) ids and mask for `contents` (each ≤ S document tokens), in the arrays
    /// of the last step (no allocation once they have grown).
    func layout(_ contents: some Collection<[Int32]>) throws {
        let M = model.settings.memoryTokens, S = model.settings.segmentLength
        guard !contents.isEmpty, contents.count <= activations.batchCapacity else {
            throw ModelError("segment", "batch of \(contents.count) exceeds capacity \(activations.batchCapacity)")
        }
        if let long = contents.first(where: { $0.count > S }) {
            throw ModelError("segment", "\(long.count) tokens exceed the segment length \(S)")
        }
        let T = M + 3 + contents.reduce(0) { max($0, $1.count) }
        ids.removeAll(keepingCapacity: true)  // reused: no allocation per segment
        mask.removeAll(keepingCapacity: true)
        ids.reserveCapacity(contents.count * T)
        for c in contents {
            ids.append(cls)
            ids.append(contentsOf: repeatElement(pad, count: M))  // placeholders: rows replaced by memory
            ids.append(sep)
            ids.append(contentsOf: c)
            ids.append(sep)
            let real = M + 3 + c.count
            ids.append(contentsOf: repeatElement(pad, count: T - real))
            mask.append(contentsOf: repeatElement(1, count: real))
            mask.append(contentsOf: repeatElement(0, count: T - real))
        }
        batch = contents.count
        seqLen = T
        if model.config.position?.hasAttentionTerms == true {
            if positionLayout == nil { positionLayout = PositionLayout(kinds: [], textIndex: [], span: 1) }
            Self.writePositionLayout(contents, memoryTokens: M, seqLen: T, span: S, into: &positionLayout!)
        } else {
            positionLayout = nil
        }
    }

    /// [CLS] m1..mM [SEP] t0..t(n−1) [SEP] [PAD]…: kinds cls, memory, separator, text, end (padding
    /// rows are marked end; their keys are masked); text indices 0..<n; span S.
    public static func positionLayout(_ contents: [[Int32]], memoryTokens M: Int, seqLen T: Int, span S: Int) -> PositionLayout {
        var layout = PositionLayout(kinds: [], textIndex: [], span: 1)
        writePositionLayout(contents, memoryTokens: M, seqLen: T, span: S, into: &layout)
        return layout
    }

    /// `positionLayout` written into `layout`'s arrays (no allocation once they have grown: the
    /// step's layout is rebuilt in place every segment).
    static func writePositionLayout(_ contents: some Collection<[Int32]>, memoryTokens M: Int, seqLen T: Int, span S: Int,
                                    into layout: inout PositionLayout) {
        layout.kinds.removeAll(keepingCapacity: true)
        layout.textIndex.removeAll(keepingCapacity: true)
        layout.kinds.reserveCapacity(contents.count * T)
        layout.textIndex.reserveCapacity(contents.count * T)
        for c in contents {
            layout.kinds.append(PositionKind.cls.rawValue)
            layout.kinds.append(contentsOf: repeatElement(PositionKind.memory.rawValue, count: M))
            layout.kinds.append(PositionKind.separator.rawValue)
            layout.kinds.append(contentsOf: repeatElement(PositionKind.text.rawValue, count: c.count))
            layout.kinds.append(contentsOf: repeatElement(PositionKind.end.rawValue, count: T - M - 2 - c.count))
            layout.textIndex.append(contentsOf: repeatElement(-1, count: M + 2))
            for t in 0..<c.count { layout.textIndex.append(Int32(t)) }
            layout.textIndex.append(contentsOf: repeatElement(-1, count: T - M - 2 - c.count))
        }
        layout.span = max(S, 1)
    }

    /// Reads one segment per sequence: `memory` (B, model.carriedCount) — the memory (M, C) and any
    /// associative state per sequence — is the input and is overwritten with the next.
    public func step(contents: [[Int32]], memory: UnsafeMutablePointer<Float>) throws {
        try step(contents: contents, memory: memory, activations: activations)
    }

    /// The same step recorded in caller-owned `activations` (training keeps one set per
    /// segment for the backward pass). `classify` then reads from the last activations used.
    public func step(contents: [[Int32]], memory: UnsafeMutablePointer<Float>, activations: BertActivations) throws {
        try step(segments: contents, memory: memory, activations: activations)
    }

    /// One sequence's step (batch 1) without wrapping its tokens in an array: DocumentSession's
    /// step, which allocates nothing once the buffers have grown (AllocationTests).
    func step(single content: [Int32], memory: UnsafeMutablePointer<Float>) throws {
        try step(segments: CollectionOfOne(content), memory: memory, activations: activations)
    }

    func step(segments contents: some Collection<[Int32]>, memory: UnsafeMutablePointer<Float>,
              activations: BertActivations) throws {
        try layout(contents)
        lastActivations = activations
        let M = model.settings.memoryTokens, C = model.config.hiddenSize, T = seqLen, stride = model.carriedCount
        try model.encoder.gatherWordEmbeddings(activations, ids: ids, batch: batch, seqLen: T)
        for b in 0..<batch {
            (activations.wordEmbeddings.pointer + (b * T + 1) * C).update(from: memory + b * stride, count: M * C)
        }
        let padded = mask.contains(0)
        var associative: AssociativeStep? = nil
        if let settings = model.config.associative {
            writeRows.removeAll(keepingCapacity: true)  // one range per sequence, reused
            for c in contents { writeRows.append(settings.writeRows(memoryTokens: M, textCount: c.count)) }
            associative = AssociativeStep(state: memory + M * C, stride: stride, writeRows: writeRows)
        }
        let hidden = try model.encoder.forward(activations, attentionMask: padded ? mask : nil,
                                               outputRows: prunesLastLayer ? M + 1 : nil, positionLayout: positionLayout,
                                               associative: associative)
        if gate != nil { gateShares.removeAll(keepingCapacity: true) }
        for b in 0..<batch {
            if let gate {
                gate.forward(hidden: hidden + (b * T + 1) * C, previous: memory + b * stride, rows: M, gate: gateRows.pointer,
                             scratch: gateScratch.pointer)
                var sum = 0.0
                for i in 0..<(M * C) { sum += Double(gateRows.pointer[i]) }
                gateShares.append(Float(sum / Double(M * C)))
            } else {
                (memory + b * stride).update(from: hidden + (b * T + 1) * C, count: M * C)
            }
        }
    }

    /// The answer head's activations on the last step's [CLS] (AnswerHead.swift).
    public func answer() -> AnswerHead.Activations { answerHead.forward(lastActivations) }

    /// Logits (B, L) from the [CLS] of the last step.
    public func classify() -> [Float] { answer().logits }

    /// A fresh (B, model.carriedCount) carried buffer: per sequence the memory embeddings, then a
    /// zero associative state (if the model has one).
    public func initialMemory(batch B: Int) -> [Float] {
        let n = model.memoryCount, stride = model.carriedCount
        var out = [Float](repeating: 0, count: B * stride)
        for b in 0..<B { for i in 0..<n { out[b * stride + i] = model.memoryEmbeddings[i] } }
        return out
    }
}
