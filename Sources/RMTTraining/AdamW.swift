// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter), one flat loop over
// the parameter buffer — moments share the parameters' layout (llm.c); the loop and the
// gradient norm's sum are the vector kernels of RMTKernels/OptimizerKernels.swift. Weight decay
// applies to matrices and embeddings only (ParameterEntry.decays): never to biases or
// LayerNorm. An entry may learn at a multiple of the step's rate (`entryScales`: a new module
// beside a pretrained backbone, rmt-train --associative-lr), 0 freezing it (--backbone-lr 0).
// State (moments and step count) is saved for exact resumption.
import Foundation
import RMTKernels
import RMTModel
import RMTSafetensors

public struct AdamWSettings: Sendable, Equatable, Codable {
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    public var weightDecay: Float = 0.01
    public init(weightDecay: Float = 0.01) { self.weightDecay = weightDecay }
}

public final class AdamW: @unchecked Sendable {
    public let settings: AdamWSettings
    /// First and second moments, same layout as the parameters.
    public let m: ParameterSet, v: ParameterSet
    /// Updates taken so far (for bias correction).
    public private(set) var step = 0
    /// Per layout entry: the multiple of the step's learning rate that entry learns at.
    public let entryScales: [Float]

    /// - Parameter entryScales: one factor per entry of `layout` (nil = 1 for every entry).
    /// - Precondition: `entryScales` has one finite factor ≥ 0 per entry (0: the entry never moves).
    public init(layout: ParameterLayout, settings: AdamWSettings, entryScales: [Float]? = nil) {
        self.settings = settings
        m = ParameterSet(layout: layout)
        v = ParameterSet(layout: layout)
        self.entryScales = entryScales ?? Array(repeating: 1, count: layout.entries.count)
        precondition(self.entryScales.count == layout.entries.count && self.entryScales.allSatisfy { $0 >= 0 && $0.isFinite },
                     "one learning-rate factor ≥ 0 per parameter entry")
    }

    /// params ← params − lr·s·(m̂/(√v̂ + ε) + wd·params) for decaying entries, s the entry's factor;
    /// over `compute`'s threads at its vector level (the same result at every level and split).
    public func update(parameters: ParameterSet, gradients: ParameterSet, learningRate baseRate: Float,
                       compute: ComputeOptions = .default) {
        step += 1
        let b1 = settings.beta1, b2 = settings.beta2, eps = settings.epsilon
        let c1 = 1 - powf(b1, Float(step)), c2 = 1 - powf(b2, Float(step))
        let p = parameters.storage.pointer, g = gradients.storage.pointer
        let mp = m.storage.pointer, vp = v.storage.pointer
        for (entry, scale) in zip(parameters.layout.entries, entryScales) {
            let wd = entry.decays ? settings.weightDecay : 0, lr = baseRate * scale, o = entry.offset
            adamWUpdate(p: p + o, g: g + o, m: mp + o, v: vp + o, count: entry.count, b1: b1, b2: b2, c1: c1, c2: c2,
                        eps: eps, lr: lr, wd: wd, compute: compute)
        }
    }

    /// Saves moments and step atomically.
    public func save(to url: URL) throws {
        var w = SafetensorsWriter(metadata: ["format": "rmt-adamw", "step": String(step)])
        try w.add("m", shape: [m.layout.count], floats: UnsafeBufferPointer(m.storage.buffer))
        try w.add("v", shape: [v.layout.count], floats: UnsafeBufferPointer(v.storage.buffer))
        try w.write(to: url)
    }

    /// Restores moments and step saved by `save`.
    public func load(from url: URL) throws {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(contentsOf: url) } catch let e as SafetensorsError { throw ModelError(e.path, e.problem) }
        guard file.metadata["format"] == "rmt-adamw", let s = file.metadata["step"].flatMap(Int.init), s >= 0 else {
            throw ModelError(url.path, "not an optimizer state")
        }
        do {
            try file.copyFloats("m", into: m.storage.buffer)
            try file.copyFloats("v", into: v.storage.buffer)
        } catch let e as SafetensorsError { throw ModelError(e.path, e.problem) }
        step = s
    }
}

/// Learning rate at `step` (0-based): linear warmup from 0 to `peak` over `warmup` steps,
/// then linear decay to 0 at `total` steps. A pure function.
public func learningRate(step: Int, peak: Float, warmup: Int, total: Int) -> Float {
    if warmup > 0 && step < warmup { return peak * Float(step + 1) / Float(warmup) }
    guard total > warmup else { return peak }
    let progress = Float(step - warmup) / Float(total - warmup)
    return peak * max(0, 1 - progress)
}

/// Global L2 norm of a gradient buffer (Double accumulation, at `compute`'s vector level).
public func gradientNorm(_ g: ParameterSet, compute: ComputeOptions = .default) -> Float {
    Float(sumOfSquares(g.storage.pointer, count: g.layout.count, level: compute.rows).squareRoot())
}

/// Clips gradients: each value to [−maxValue, maxValue] (if given), then the whole
/// buffer to L2 norm ≤ maxNorm (if given). Returns the norm before norm-clipping.
@discardableResult
public func clipGradients(_ g: ParameterSet, maxNorm: Float?, maxValue: Float?, compute: ComputeOptions = .default) -> Float {
    let p = g.storage.pointer, n = g.layout.count
    if let maxValue {
        for i in 0..<n { p[i] = min(max(p[i], -maxValue), maxValue) }
    }
    let norm = gradientNorm(g, compute: compute)
    if let maxNorm, norm > maxNorm, norm.isFinite {
        let scale = maxNorm / norm
        for i in 0..<n { p[i] *= scale }
    }
    return norm
}
