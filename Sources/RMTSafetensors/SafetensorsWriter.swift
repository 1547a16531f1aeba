// SafetensorsWriter: builds a safetensors file from tensors held in memory.
// Output matches the reference implementation's layout (header style, 8-byte padding,
// tensors ordered by descending alignment then name), and is always readable by
// SafetensorsFile. It does not stream: added tensors are kept until written.

import Foundation

/// Collects tensors and writes them as a safetensors file.
///
/// ```swift
/// var writer = SafetensorsWriter(metadata: ["format": "pt"])
/// try writer.add("dense.weight", shape: [2, 3], floats: [1, 2, 3, 4, 5, 6])       // F32
/// try writer.addFloat16("dense.bias", shape: [2], floats: [0.5, -1])             // F16
/// try writer.add("position_ids", shape: [1, 4], int64s: [0, 1, 2, 3])            // I64
/// try writer.write(to: URL(fileURLWithPath: "out.safetensors"))                  // atomic
/// ```
///
/// Errors (``SafetensorsError`` with path `"<writer>"`): a name used twice or equal to
/// `"__metadata__"`, a negative dimension, a shape whose element count overflows, or a
/// value count that differs from the shape's element count.
public struct SafetensorsWriter: Sendable {
    /// What `add` stores for each tensor.
    private struct PendingTensor: Sendable {
        var name: String
        var dtype: SafetensorsDType
        var shape: [Int]
        var bytes: Data
    }

    /// The `"__metadata__"` map written to the header (omitted when empty).
    public let metadata: [String: String]
    private var pending: [PendingTensor] = []
    private var names: Set<String> = []

    private static let errorPath = "<writer>"

    /// Starts an empty file with the given `"__metadata__"` map.
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Number of tensors added so far.
    public var count: Int { pending.count }

    // MARK: Adding tensors

    /// Adds a tensor stored as F32.
    ///
    /// ```swift
    /// try writer.add("scale", shape: [], floats: [0.125])   // a scalar
    /// ```
    public mutating func add(_ name: String, shape: [Int], floats: [Float]) throws {
        try floats.withUnsafeBufferPointer { try add(name, shape: shape, floats: $0) }
    }

    /// Adds a tensor stored as F32, copying from memory you own.
    public mutating func add(_ name: String, shape: [Int], floats: UnsafeBufferPointer<Float>) throws {
        try checkNewTensor(name, shape: shape, valueCount: floats.count)
        var bytes = Data(count: floats.count * 4)
        bytes.withUnsafeMutableBytes { destination in
            for (i, value) in floats.enumerated() {
                destination.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self)
            }
        }
        pending.append(PendingTensor(name: name, dtype: .f32, shape: shape, bytes: bytes))
    }

    /// Adds a tensor stored as F16 (IEEE half precision), rounding to nearest, ties to even.
    ///
    /// Infinities and NaN are stored as such. A finite value too large for half precision
    /// (magnitude ≥ 65520, which would round to infinity) is an error naming the tensor
    /// and the element, rather than silently becoming infinity.
    ///
    /// ```swift
    /// try writer.addFloat16("mask", shape: [3], floats: [0, 1, -0.333])
    /// ```
    public mutating func addFloat16(_ name: String, shape: [Int], floats: [Float]) throws {
        try checkNewTensor(name, shape: shape, valueCount: floats.count)
        var bytes = Data(count: floats.count * 2)
        var overflowIndex: Int?
        bytes.withUnsafeMutableBytes { destination in
            for (i, value) in floats.enumerated() {
                guard let half = ElementConversion.float16Bits(from: value) else {
                    overflowIndex = i
                    return
                }
                destination.storeBytes(of: half.littleEndian, toByteOffset: i * 2, as: UInt16.self)
            }
        }
        if let i = overflowIndex {
            throw SafetensorsError(path: Self.errorPath, problem: "tensor \(quotedForMessage(name)): value "
                + "\(floats[i]) at index \(i) is out of range for F16 (largest finite is 65504)")
        }
        pending.append(PendingTensor(name: name, dtype: .f16, shape: shape, bytes: bytes))
    }

    /// Adds a tensor stored as I64.
    ///
    /// ```swift
    /// try writer.add("token_type_ids", shape: [1, 3], int64s: [0, 0, 1])
    /// ```
    public mutating func add(_ name: String, shape: [Int], int64s: [Int64]) throws {
        try checkNewTensor(name, shape: shape, valueCount: int64s.count)
        var bytes = Data(count: int64s.count * 8)
        bytes.withUnsafeMutableBytes { destination in
            for (i, value) in int64s.enumerated() {
                destination.storeBytes(of: value.littleEndian, toByteOffset: i * 8, as: Int64.self)
            }
        }
        pending.append(PendingTensor(name: name, dtype: .i64, shape: shape, bytes: bytes))
    }

    /// Adds a tensor of any dtype from its stored bytes (little-endian, row-major), e.g. a
    /// tensor copied from another file with ``SafetensorsFile/rawBytes(_:)``.
    ///
    /// ```swift
    /// let info = source.info("x")!
    /// try writer.add(info.name, dtype: info.dtype, shape: info.shape, rawBytes: try source.rawBytes("x"))
    /// ```
    ///
    /// - Throws: if `rawBytes.count` is not element count × `dtype.byteSize`.
    public mutating func add(_ name: String, dtype: SafetensorsDType, shape: [Int], rawBytes: Data) throws {
        try checkName(name)
        let needed = try checkedShapeByteCount(name, shape: shape, dtype: dtype)
        guard rawBytes.count == needed else {
            throw SafetensorsError(path: Self.errorPath, problem: "tensor \(quotedForMessage(name)): shape "
                + "\(TensorLayoutValidation.describe(shape)) of \(dtype.rawValue) needs \(needed) bytes "
                + "but \(rawBytes.count) were given")
        }
        names.insert(name)
        pending.append(PendingTensor(name: name, dtype: dtype, shape: shape, bytes: Data(rawBytes)))
    }

    /// Checks name and shape for a typed add, and records the name.
    private mutating func checkNewTensor(_ name: String, shape: [Int], valueCount: Int) throws {
        try checkName(name)
        let elements = try checkedShapeByteCount(name, shape: shape, dtype: .u8)
        guard elements == valueCount else {
            throw SafetensorsError(path: Self.errorPath, problem: "tensor \(quotedForMessage(name)): shape "
                + "\(TensorLayoutValidation.describe(shape)) has \(elements) elements but \(valueCount) values were given")
        }
        // Largest byte size used by typed adds is 8; the data must fit in memory anyway,
        // but keep the multiplication checked.
        guard !valueCount.multipliedReportingOverflow(by: 8).overflow else {
            throw SafetensorsError(path: Self.errorPath, problem: "tensor \(quotedForMessage(name)) is too large")
        }
        names.insert(name)
    }

    private func checkName(_ name: String) throws {
        guard name != SafetensorsFileFormat.metadataKey else {
            throw SafetensorsError(path: Self.errorPath, problem: "'__metadata__' cannot be a tensor name")
        }
        guard !names.contains(name) else {
            throw SafetensorsError(path: Self.errorPath, problem: "duplicate tensor name \(quotedForMessage(name))")
        }
    }

    private func checkedShapeByteCount(_ name: String, shape: [Int], dtype: SafetensorsDType) throws -> Int {
        if let negative = shape.first(where: { $0 < 0 }) {
            throw SafetensorsError(path: Self.errorPath, problem: "tensor \(quotedForMessage(name)): negative "
                + "dimension \(negative) in shape \(TensorLayoutValidation.describe(shape))")
        }
        guard let bytes = checkedByteCount(of: shape, dtype: dtype) else {
            throw SafetensorsError(path: Self.errorPath, problem: "tensor \(quotedForMessage(name)): shape "
                + "\(TensorLayoutValidation.describe(shape)) overflows the element count")
        }
        return bytes
    }

    // MARK: Output

    /// Tensors in file order (descending alignment, then name by UTF-8 bytes) with offsets,
    /// and the padded header.
    private func layout() throws -> (header: [UInt8], ordered: [PendingTensor]) {
        let ordered = pending.sorted { a, b in
            if a.dtype.layoutRank != b.dtype.layoutRank { return a.dtype.layoutRank > b.dtype.layoutRank }
            return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
        var offset = 0
        var entries: [HeaderTensorEntry] = []
        entries.reserveCapacity(ordered.count)
        for tensor in ordered {
            let (end, overflow) = offset.addingReportingOverflow(tensor.bytes.count)
            guard !overflow else {
                throw SafetensorsError(path: Self.errorPath, problem: "total data size overflows")
            }
            entries.append(HeaderTensorEntry(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape,
                                             begin: offset, end: end))
            offset = end
        }
        let header = HeaderEncoder.encode(metadata: metadata, entries: entries)
        guard header.count <= SafetensorsFile.maximumHeaderSize else {
            throw SafetensorsError(path: Self.errorPath, problem: "header would be \(header.count) bytes, "
                + "over the limit of \(SafetensorsFile.maximumHeaderSize)")
        }
        return (header, ordered)
    }

    /// The complete file contents.
    ///
    /// ```swift
    /// let reread = try SafetensorsFile(data: try writer.serialized())
    /// ```
    public func serialized() throws -> Data {
        let (header, ordered) = try layout()
        var output = Data()
        output.reserveCapacity(8 + header.count + ordered.reduce(0) { $0 + $1.bytes.count })
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { output.append(contentsOf: $0) }
        output.append(contentsOf: header)
        for tensor in ordered { output.append(tensor.bytes) }
        return output
    }

    /// Writes the file atomically: a temporary file in the same folder is written,
    /// fsync'ed and renamed over `url`, so `url` holds either its old content or the
    /// complete new file, never a partial one, and no temporary file is left behind.
    ///
    /// - Throws: ``SafetensorsError`` naming `url` if any step fails (the old file, if
    ///   any, is then untouched).
    public func write(to url: URL) throws {
        let header: [UInt8]
        let ordered: [PendingTensor]
        do {
            (header, ordered) = try layout()
        } catch let error as SafetensorsError {
            throw SafetensorsError(path: url.path, problem: error.problem)
        }
        try AtomicFileWrite.write(to: url) { sink in
            try withUnsafeBytes(of: UInt64(header.count).littleEndian) { try sink($0) }
            try header.withUnsafeBytes { try sink($0) }
            for tensor in ordered {
                try tensor.bytes.withUnsafeBytes { try sink($0) }
            }
        }
    }
}
