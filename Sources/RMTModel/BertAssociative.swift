// BertAssociative: the associative memory's steps inside BertEncoder (Docs/associative-memory.md)
// — before layer l every row reads, x' = x + φ(x·W_qᵀ)·A_l / (φ(x·W_qᵀ)·z_l + ε); after it the
// writing rows of its output (the memory rows, or every content row: AssociativeSettings.write)
// write (k = φ(y·W_kᵀ), v = y·W_vᵀ, β = σ(y·w_β + b_β), delta rule) — and their backward, on the
// kernels of RMTKernels/AssociativeMemory.swift.
//
// State layout: sequence b's state starts `stride` floats after sequence b − 1's (L·S when the
// states are packed, more when each follows its memory tokens: the RMT's carried buffer); inside
// it, for each layer l, A (K, C) then z (K) — S = K·C + K floats.
// Size letters: B batch, T rows per sequence, M memory rows, D key size, K features, C hidden.
import Foundation
import RMTKernels

/// The associative memory's part of one forward call.
public struct AssociativeStep {
    /// Sequence b's state at `state + b·stride`, (L, K·C + K): read before each layer, updated in
    /// place after it.
    public var state: UnsafeMutablePointer<Float>
    /// Floats from one sequence's state to the next; nil = packed (L·(K·C + K)).
    public var stride: Int?
    /// The rows that write: one range for every sequence (the RMT's memory slots 1..<M + 1), or
    /// one per sequence (every content row, which ends where each sequence's text ends).
    public var writeRows: [Range<Int>]

    /// The same `memoryRows` write in every sequence.
    public init(state: UnsafeMutablePointer<Float>, stride: Int? = nil, memoryRows: Range<Int>) {
        self.init(state: state, stride: stride, writeRows: [memoryRows])
    }

    /// `writeRows[b]` write in sequence b (a single range: in every sequence).
    public init(state: UnsafeMutablePointer<Float>, stride: Int? = nil, writeRows: [Range<Int>]) {
        self.state = state
        self.stride = stride
        self.writeRows = writeRows
    }

    /// The rows of sequence b that write.
    public func rows(sequence b: Int) -> Range<Int> { Self.rows(writeRows, sequence: b) }

    /// Sequence b's range in `ranges` laid out as `writeRows` (one for all, or one each).
    static func rows(_ ranges: [Range<Int>], sequence b: Int) -> Range<Int> { ranges.count == 1 ? ranges[0] : ranges[b] }

    /// The end of the last row any sequence writes (the rows a pruned last layer must compute).
    public var rowsEnd: Int { writeRows.reduce(0) { max($0, $1.upperBound) } }
}

/// The associative memory's part of one backward call (the same layout as `AssociativeStep`).
public struct AssociativeGradientStep {
    /// The state the forward call started from (before its in-place updates).
    public var stateBefore: UnsafePointer<Float>
    /// In, the loss's gradient with respect to the state after the call (zero when nothing later
    /// reads it); out, with respect to `stateBefore`.
    public var stateGradient: UnsafeMutablePointer<Float>
    /// Floats from one sequence's state (and state gradient) to the next; nil = packed.
    public var stride: Int?

    public init(stateBefore: UnsafePointer<Float>, stateGradient: UnsafeMutablePointer<Float>, stride: Int? = nil) {
        self.stateBefore = stateBefore
        self.stateGradient = stateGradient
        self.stride = stride
    }
}

/// Scratch of the associative backward, allocated once for a capacity (B, T).
public final class AssociativeGradientScratch: @unchecked Sendable {
    /// (T, C): one sequence's dnum of the read.
    let dNum: FloatBuffer
    /// (B·T, K), (B·T, D): all sequences' dφq and dq (one linear backward for every row).
    let dPhiQAll, dQueryAll: FloatBuffer
    /// (K, C) and (K): one layer's state gradient being built.
    let dA, dz: FloatBuffer
    /// (T, K), (T, D), (T, C), (T): the write's dφk, dk, dv, dβ (M ≤ T rows).
    let dPhiK, dKey, dValue, dBeta: FloatBuffer
    /// (T, C) twice: associativeWriteBackward's scratch.
    let write1, write2: FloatBuffer

    init(batchCapacity B: Int, seqCapacity T: Int, channels C: Int, settings s: AssociativeSettings) {
        let D = s.keySize, K = s.features
        dNum = FloatBuffer(count: T * C)
        dPhiQAll = FloatBuffer(count: B * T * K); dQueryAll = FloatBuffer(count: B * T * D)
        dA = FloatBuffer(count: K * C); dz = FloatBuffer(count: K)
        dPhiK = FloatBuffer(count: T * K); dKey = FloatBuffer(count: T * D); dValue = FloatBuffer(count: T * C)
        dBeta = FloatBuffer(count: T)
        write1 = FloatBuffer(count: T * C); write2 = FloatBuffer(count: T * C)
    }
}

extension BertEncoder {
    /// Floats of one sequence's associative state: L × (K·C + K); 0 without `rmt_associative`.
    public var associativeStateCount: Int {
        config.associative.map { $0.stateCount(channels: config.hiddenSize) * config.numHiddenLayers } ?? 0
    }

    /// Where sequence b's layer-l state (A, then z) starts in a state buffer whose sequences are
    /// `stride` floats apart (nil: packed).
    func associativeStateOffset(sequence b: Int, layer l: Int, stride: Int?) -> Int {
        let S = config.associative!.stateCount(channels: config.hiddenSize)
        return b * (stride ?? config.numHiddenLayers * S) + l * S
    }

    /// A model with `rmt_associative` needs its state and writing rows inside the sequence; one
    /// without refuses them.
    func checkAssociative(_ step: AssociativeStep?, batch B: Int, seqLen T: Int) throws {
        switch (config.associative, step) {
        case (nil, nil): return
        case (nil, _?): throw ModelError("forward", "an associative-memory state was given, but this model has none (no rmt_associative)")
        case (_?, nil): throw ModelError("forward", "this model has an associative memory (rmt_associative): its state must be given")
        case (_?, let step?):
            guard step.writeRows.count == 1 || step.writeRows.count == B else {
                throw ModelError("forward", "associative writing rows: \(step.writeRows.count) ranges for a batch of \(B)")
            }
            for rows in step.writeRows {
                guard !rows.isEmpty, rows.lowerBound >= 0, rows.upperBound <= T else {
                    throw ModelError("forward", "associative writing rows \(rows) are outside a sequence of \(T)")
                }
            }
        }
    }

    /// Before layer l: x' = x + read(φ(x·W_qᵀ); A_l, z_l) for every row; returns x' (in `acts`).
    func associativeRead(_ step: AssociativeStep, layer l: Int, input x: UnsafePointer<Float>,
                         acts: BertActivations) -> UnsafePointer<Float> {
        let s = config.associative!, aa = acts.layer(l).associative!, w = associativeWeights[l]
        let B = acts.batch, T = acts.seqLen, C = config.hiddenSize, D = s.keySize, K = s.features
        linearForward(out: aa.query.pointer, inp: x, weight: w.query, bias: nil, rows: B * T, inDim: C, outDim: D,
                      compute: compute)
        dpfpForward(out: aa.phiQ.pointer, inp: aa.query.pointer, rows: B * T, dim: D, nu: s.nu)
        for b in 0..<B {
            let state = step.state + associativeStateOffset(sequence: b, layer: l, stride: step.stride)
            associativeReadForward(read: aa.read.pointer + b * T * C, den: aa.readDen.pointer + b * T,
                                   phiQ: aa.phiQ.pointer + b * T * K, a: state, z: state + K * C,
                                   rows: T, features: K, channels: C, eps: s.eps, compute: compute)
        }
        addForward(out: aa.input.pointer, a: x, b: aa.read.pointer, count: B * T * C)
        return UnsafePointer(aa.input.pointer)
    }

    /// After layer l: each sequence's writing rows of the layer's output write into (A_l, z_l).
    /// The per-sequence buffers (key, φk, value, β, prev, den, γ) keep M ≤ T rows from b·T.
    func associativeWrite(_ step: AssociativeStep, layer l: Int, acts: BertActivations) {
        let s = config.associative!, a = acts.layer(l), aa = a.associative!, w = associativeWeights[l]
        let B = acts.batch, T = acts.seqLen, C = config.hiddenSize
        let D = s.keySize, K = s.features
        for b in 0..<B {
            let rows = step.rows(sequence: b), M = rows.count
            let y = UnsafePointer(a.out.pointer + (b * T + rows.lowerBound) * C), o = b * T
            let key = aa.key.pointer + o * D, phiK = aa.phiK.pointer + o * K
            let value = aa.value.pointer + o * C, beta = aa.beta.pointer + o
            linearForward(out: key, inp: y, weight: w.key, bias: nil, rows: M, inDim: C, outDim: D, compute: compute)
            dpfpForward(out: phiK, inp: key, rows: M, dim: D, nu: s.nu)
            linearForward(out: value, inp: y, weight: w.value, bias: nil, rows: M, inDim: C, outDim: C, compute: compute)
            linearForward(out: beta, inp: y, weight: w.betaWeight, bias: w.betaBias, rows: M, inDim: C, outDim: 1,
                          compute: compute)
            for j in 0..<M { beta[j] = 1 / (1 + exp(-beta[j])) }
            let state = step.state + associativeStateOffset(sequence: b, layer: l, stride: step.stride)
            associativeWriteForward(aOut: state, zOut: state + K * C, prev: aa.prev.pointer + o * C,
                                    den: aa.writeDen.pointer + o, gamma: aa.gamma.pointer + o,
                                    aIn: state, zIn: state + K * C, phiK: phiK, v: value, beta: beta,
                                    scratch: aa.writeScratch.pointer, memoryRows: M, features: K, channels: C,
                                    eps: s.eps, compute: compute)
        }
    }

    /// Layer l's backward with its associative memory, in reverse order of the forward: the
    /// write's backward (into `dOut`, the gradient of the layer's output, at the memory rows; into
    /// the weights' gradients; the state gradient turned from after the write to before it), then
    /// `layerBackward` (the layer's own: `dOut` → `dInput`, the gradient of x' — the two may be one
    /// buffer), then the read's (the state gradient gains the read's part; `dInput` gains the
    /// query path and so becomes the gradient of x, the layer's input before the read).
    func associativeLayerBackward(_ g: AssociativeGradientStep, layer l: Int, acts: BertActivations,
                                  gradientWeights gw: AssociativeLayerWeights, scratch sc: AssociativeGradientScratch,
                                  dOut: UnsafeMutablePointer<Float>, layerBackward: () -> Void,
                                  dInput: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>) {
        let s = config.associative!, a = acts.layer(l), aa = a.associative!, w = associativeWeights[l]
        let B = acts.batch, T = acts.seqLen, C = config.hiddenSize, D = s.keySize, K = s.features
        let written = acts.associativeRows
        // The write, per sequence: dA, dz before the write are built in the scratch (they read the
        // after-write gradient in `stateGradient`), then replace it.
        for b in 0..<B {
            let rows = AssociativeStep.rows(written, sequence: b), M = rows.count
            let o = b * T, at = associativeStateOffset(sequence: b, layer: l, stride: g.stride)
            let before = g.stateBefore + at, grad = g.stateGradient + at
            let y = UnsafePointer(a.out.pointer + (o + rows.lowerBound) * C)
            let dy = dOut + (o + rows.lowerBound) * C
            sc.dA.zero(); sc.dz.zero(); sc.dPhiK.zero(); sc.dValue.zero(); sc.dBeta.zero(); sc.dKey.zero()
            associativeWriteBackward(dAIn: sc.dA.pointer, dzIn: sc.dz.pointer, dPhiK: sc.dPhiK.pointer,
                                     dV: sc.dValue.pointer, dBeta: sc.dBeta.pointer, dAOut: grad, dzOut: grad + K * C,
                                     aIn: before, zIn: before + K * C, phiK: aa.phiK.pointer + o * K,
                                     v: aa.value.pointer + o * C, beta: aa.beta.pointer + o, prev: aa.prev.pointer + o * C,
                                     den: aa.writeDen.pointer + o, gamma: aa.gamma.pointer + o,
                                     scratch1: sc.write1.pointer, scratch2: sc.write2.pointer,
                                     memoryRows: M, features: K, channels: C, compute: compute)
            grad.update(from: sc.dA.pointer, count: K * C)
            (grad + K * C).update(from: sc.dz.pointer, count: K)
            // β = σ(logit): dlogit = dβ·β(1 − β), in place
            for j in 0..<M { let bj = aa.beta.pointer[o + j]; sc.dBeta.pointer[j] *= bj * (1 - bj) }
            linearBackward(dinp: dy, dweight: gw.betaWeight, dbias: gw.betaBias, dout: sc.dBeta.pointer, inp: y,
                           weight: w.betaWeight, rows: M, inDim: C, outDim: 1, compute: compute)
            linearBackward(dinp: dy, dweight: gw.value, dbias: nil, dout: sc.dValue.pointer, inp: y, weight: w.value,
                           rows: M, inDim: C, outDim: C, compute: compute)
            dpfpBackward(dinp: sc.dKey.pointer, dout: sc.dPhiK.pointer, inp: aa.key.pointer + o * D, rows: M, dim: D, nu: s.nu)
            linearBackward(dinp: dy, dweight: gw.key, dbias: nil, dout: sc.dKey.pointer, inp: y, weight: w.key,
                           rows: M, inDim: C, outDim: D, compute: compute)
        }
        layerBackward()  // dOut → dInput, the gradient of x' = x + read
        // The read: dRead = dInput (x' = x + read); x's gradient is dInput plus the query path.
        sc.dPhiQAll.zero(); sc.dQueryAll.zero()
        for b in 0..<B {
            let o = b * T, at = associativeStateOffset(sequence: b, layer: l, stride: g.stride)
            let before = g.stateBefore + at, grad = g.stateGradient + at
            associativeReadBackward(dPhiQ: sc.dPhiQAll.pointer + o * K, dA: grad, dz: grad + K * C,
                                    dRead: dInput + o * C, read: aa.read.pointer + o * C, den: aa.readDen.pointer + o,
                                    phiQ: aa.phiQ.pointer + o * K, a: before, z: before + K * C, dNum: sc.dNum.pointer,
                                    rows: T, features: K, channels: C, compute: compute)
        }
        dpfpBackward(dinp: sc.dQueryAll.pointer, dout: sc.dPhiQAll.pointer, inp: aa.query.pointer, rows: B * T, dim: D, nu: s.nu)
        linearBackward(dinp: dInput, dweight: gw.query, dbias: nil, dout: sc.dQueryAll.pointer, inp: x, weight: w.query,
                       rows: B * T, inDim: C, outDim: D, compute: compute)
    }
}
