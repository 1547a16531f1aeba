// ParameterLayout: every trainable tensor of a model as a named slice of ONE flat
// Float32 buffer (the llm.c design). Parameters, gradients and the AdamW moments all
// share a layout, so the optimizer and gradient clipping are flat loops, and a
// checkpoint is a walk over the entries.
//
// Tensor names are the Hugging Face names (`encoder.layer.0.attention.self.query.weight`)
// so checkpoints map one-to-one. This file knows nothing about what the tensors do.
import RMTKernels

/// One named tensor inside a flat buffer.
public struct ParameterEntry: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    /// Offset in floats from the start of the flat buffer.
    public let offset: Int
    public var count: Int { shape.reduce(1, *) }
    /// Whether weight decay applies (matrices and embeddings yes; biases and LayerNorm no).
    public let decays: Bool
}

/// An ordered list of named tensors laid out back to back.
public struct ParameterLayout: Sendable, Equatable {
    public private(set) var entries: [ParameterEntry] = []
    private var index: [String: Int] = [:]
    /// Total number of floats.
    public private(set) var count: Int = 0

    public init() {}

    /// Appends a tensor. Names must be unique.
    public mutating func append(_ name: String, _ shape: [Int], decays: Bool? = nil) {
        precondition(index[name] == nil, "duplicate parameter \(name)")
        let isMatrix = shape.count >= 2 && !name.contains("LayerNorm")
        entries.append(ParameterEntry(name: name, shape: shape, offset: count, decays: decays ?? isMatrix))
        index[name] = entries.count - 1
        count += shape.reduce(1, *)
    }

    /// The entry called `name`, if any.
    public func entry(_ name: String) -> ParameterEntry? { index[name].map { entries[$0] } }

    /// Offset of `name`; traps if the name is unknown (a programming error, not user input).
    public func offset(_ name: String) -> Int {
        guard let e = entry(name) else { preconditionFailure("unknown parameter \(name)") }
        return e.offset
    }

    public static func == (a: ParameterLayout, b: ParameterLayout) -> Bool { a.entries == b.entries }
}

/// A layout together with storage: the model's parameters (or its gradients, or a moment).
public final class ParameterSet: @unchecked Sendable {
    public let layout: ParameterLayout
    /// (layout.count) floats.
    public let storage: FloatBuffer

    public init(layout: ParameterLayout) {
        self.layout = layout
        storage = FloatBuffer(count: layout.count)
    }

    /// Pointer to the first float of tensor `name`.
    public func pointer(_ name: String) -> UnsafeMutablePointer<Float> { storage.pointer + layout.offset(name) }

    /// A copy of tensor `name`.
    public func values(_ name: String) -> [Float] {
        let e = layout.entry(name)!
        return Array(UnsafeBufferPointer(start: storage.pointer + e.offset, count: e.count))
    }

    /// A new set with the same layout and a copy of the values.
    public func copy() -> ParameterSet {
        let c = ParameterSet(layout: layout)
        c.storage.pointer.update(from: storage.pointer, count: layout.count)
        return c
    }
}
