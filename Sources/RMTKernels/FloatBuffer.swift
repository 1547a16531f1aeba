// FloatBuffer: an owned, zero-initialised, 64-byte-aligned block of Float32.
//
// Every activation, parameter, gradient and optimizer buffer in the project is one of
// these (or a slice of one). Kernels take raw pointers into them, llm.c style; the buffer
// only owns memory. It is a class so that large blocks are never copied by accident.
// Not thread-safe by itself: callers partition the index range when writing in parallel.

/// An owned, zero-initialised block of `count` Float32 values.
public final class FloatBuffer: @unchecked Sendable {
    /// Number of Float32 elements.
    public let count: Int
    /// Start of the storage (64-byte aligned, valid for `count` elements).
    public let pointer: UnsafeMutablePointer<Float>

    /// Allocates `count` zeros.
    public init(count: Int) {
        precondition(count >= 0, "FloatBuffer: negative count")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride,
                                                   alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    /// Copies `values` into a new buffer.
    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { pointer.update(from: base, count: values.count) }
        }
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    /// The contents as an array (a copy).
    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// A buffer pointer over the whole storage.
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// Sets every element to zero.
    public func zero() { pointer.update(repeating: 0, count: count) }

    public subscript(i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
}
