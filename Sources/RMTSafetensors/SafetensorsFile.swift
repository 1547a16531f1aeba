// SafetensorsFile: a validated, read-only view of a safetensors file.
// Everything is checked when the file is opened (see Docs/safetensors.md); after that,
// reading a tensor cannot fail except for asking the wrong name or the wrong type.
// It does not write files (SafetensorsWriter does) nor know what the tensors mean.
//
// Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the data
// section, which the tensors' data_offsets tile exactly.

import Foundation

/// A safetensors file whose header has been validated.
///
/// ```swift
/// let file = try SafetensorsFile(contentsOf: URL(fileURLWithPath: "model.safetensors"))
/// for info in file.tensors { print(info.name, info.dtype, info.shape) }
/// let weights = try file.floats("encoder.layer.0.attention.self.query.weight")  // F32/F16/BF16/F64
/// let ids = try file.int64s("embeddings.position_ids")                          // I64/I32/...
/// ```
///
/// The instance is immutable and safe to share between threads.
public final class SafetensorsFile: Sendable {
    /// The largest header accepted, in bytes (the reference implementation's limit).
    public static let maximumHeaderSize = 100_000_000

    /// The file's path, or the name given to ``init(data:path:)``; used in errors.
    public let path: String
    /// The string→string map stored under `"__metadata__"` (empty if absent).
    public let metadata: [String: String]
    /// Every tensor, in data-offset order.
    public let tensors: [SafetensorsTensorInfo]

    private let storage: Data
    /// Offset of the data section from `storage`'s first byte.
    private let dataSectionStart: Int
    private let indexByName: [String: Int]

    /// Opens and validates a file. The file is memory-mapped, so opening a large file is
    /// cheap; the file must not be truncated or rewritten in place while the instance is
    /// alive (replacing it by rename, as ``SafetensorsWriter/write(to:)`` does, is safe).
    ///
    /// - Throws: ``SafetensorsError`` if the file cannot be read or is not a valid
    ///   safetensors file.
    public convenience init(contentsOf url: URL) throws {
        try Self.requireRegularFile(url)
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            let readable = FileManager.default.isReadableFile(atPath: url.path)
            throw SafetensorsError(path: url.path, problem: readable ? "cannot read the file" : "cannot read the file: permission denied")
        }
        try self.init(data: bytes, path: url.path)
    }

    /// Refuses, in words, what cannot be memory-mapped as a file: a missing path, a folder, or
    /// a device, pipe or socket (a model.safetensors linked to /dev/zero).
    static func requireRegularFile(_ url: URL) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path) else {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw SafetensorsError(path: url.path, problem: exists ? "cannot read the file" : "cannot read the file: no such file")
        }
        switch attributes[.type] as? FileAttributeType {
        case .typeRegular?: return
        case .typeDirectory?: throw SafetensorsError(path: url.path, problem: "is a folder, not a safetensors file")
        case .typeCharacterSpecial?, .typeBlockSpecial?:
            throw SafetensorsError(path: url.path, problem: "is a device, not a regular file")
        default: throw SafetensorsError(path: url.path, problem: "is not a regular file (a pipe or socket cannot be memory-mapped)")
        }
    }

    /// Validates in-memory file contents.
    ///
    /// ```swift
    /// let file = try SafetensorsFile(data: try writer.serialized())
    /// ```
    ///
    /// - Parameter path: a name for the data, used in error messages.
    /// - Throws: ``SafetensorsError`` if `data` is not a valid safetensors file.
    public init(data: Data, path: String = "<memory>") throws {
        self.path = path
        // Work with indices relative to the first byte, whatever `data.startIndex` is.
        let contents = data.startIndex == 0 ? data : Data(data)
        storage = contents
        do {
            let (headerBytes, dataStart) = try Self.splitHeader(contents)
            let header = try HeaderParser.parse(headerBytes)
            tensors = try TensorLayoutValidation.validate(header.entries, dataSectionSize: contents.count - dataStart)
            metadata = header.metadata
            dataSectionStart = dataStart
        } catch {
            throw SafetensorsError(path: path, problem: error.message)
        }
        var index: [String: Int] = [:]
        index.reserveCapacity(tensors.count)
        for (position, info) in tensors.enumerated() { index[info.name] = position }
        indexByName = index
    }

    /// Reads the length prefix and returns the header bytes and where the data section starts.
    private static func splitHeader(_ contents: Data) throws(HeaderProblem) -> ([UInt8], Int) {
        guard contents.count >= 8 else {
            throw HeaderProblem("file is \(contents.count) bytes, too short for the 8-byte header length (truncated file?)")
        }
        var announced: UInt64 = 0
        for (shift, byte) in contents.prefix(8).enumerated() { announced |= UInt64(byte) << (8 * UInt64(shift)) }
        guard announced <= UInt64(maximumHeaderSize) else {
            throw HeaderProblem("header size \(announced) exceeds the limit of \(maximumHeaderSize) bytes")
        }
        let headerSize = Int(announced)
        guard headerSize <= contents.count - 8 else {
            throw HeaderProblem("header length \(headerSize) exceeds the file size \(contents.count) (truncated file?)")
        }
        return ([UInt8](contents[8..<(8 + headerSize)]), 8 + headerSize)
    }

    // MARK: Lookup

    /// The header entry for `name`, or nil if the file has no such tensor.
    public func info(_ name: String) -> SafetensorsTensorInfo? {
        indexByName[name].map { tensors[$0] }
    }

    private func requireInfo(_ name: String) throws -> SafetensorsTensorInfo {
        guard let info = info(name) else {
            throw SafetensorsError(path: path, problem: "no tensor named \(quotedForMessage(name))")
        }
        return info
    }

    /// Calls `body` with the tensor's stored bytes (little-endian, row-major), without copying.
    /// The buffer is only valid inside `body`.
    public func withRawBytes<Result>(
        _ name: String, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result {
        let info = try requireInfo(name)
        return try withBytes(of: info, body)
    }

    /// A copy of the tensor's stored bytes (little-endian, row-major), whatever its dtype.
    public func rawBytes(_ name: String) throws -> Data {
        try withRawBytes(name) { Data($0) }
    }

    private func withBytes<Result>(
        of info: SafetensorsTensorInfo, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        try storage.withUnsafeBytes { whole in
            let start = dataSectionStart + info.dataOffsets.lowerBound
            return try body(UnsafeRawBufferPointer(rebasing: whole[start..<(start + info.byteCount)]))
        }
    }

    // MARK: Typed reads

    /// The tensor's values as Floats, row-major.
    ///
    /// F32 is copied; F16 and BF16 are widened exactly; F64 is rounded to nearest.
    ///
    /// ```swift
    /// let bias = try file.floats("pooler.dense.bias")   // [Float], count == info.elementCount
    /// ```
    ///
    /// - Throws: ``SafetensorsError`` for an unknown name or a non-floating-point dtype.
    public func floats(_ name: String) throws -> [Float] {
        let info = try requireFloatInfo(name)
        return [Float](unsafeUninitializedCapacity: info.elementCount) { buffer, initialized in
            withBytes(of: info) { ElementConversion.decodeFloats(info.dtype, from: $0, into: buffer) }
            initialized = buffer.count
        }
    }

    /// Like ``floats(_:)`` but writes into memory you own, e.g. a preallocated weight matrix.
    ///
    /// ```swift
    /// var weights = [Float](repeating: 0, count: info.elementCount)
    /// try weights.withUnsafeMutableBufferPointer { try file.copyFloats(info.name, into: $0) }
    /// ```
    ///
    /// - Throws: ``SafetensorsError`` for an unknown name, a non-floating-point dtype, or
    ///   a destination whose count is not the tensor's element count.
    public func copyFloats(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws {
        let info = try requireFloatInfo(name)
        guard destination.count == info.elementCount else {
            throw SafetensorsError(path: path, problem: "tensor \(quotedForMessage(name)) has \(info.elementCount) "
                + "elements but the destination holds \(destination.count) floats")
        }
        withBytes(of: info) { ElementConversion.decodeFloats(info.dtype, from: $0, into: destination) }
    }

    /// The tensor's values as Int64s, row-major. I64 is copied; I32, I16, I8, U32, U16
    /// and U8 are widened (losslessly).
    ///
    /// ```swift
    /// let positions = try file.int64s("embeddings.position_ids")   // [0, 1, 2, ...]
    /// ```
    ///
    /// - Throws: ``SafetensorsError`` for an unknown name or another dtype (U64, floats, BOOL, ...).
    public func int64s(_ name: String) throws -> [Int64] {
        let info = try requireInfo(name)
        guard ElementConversion.integerDTypes.contains(info.dtype) else {
            throw SafetensorsError(path: path, problem: "tensor \(quotedForMessage(name)) has dtype "
                + "\(info.dtype.rawValue), which cannot be read as Int64 (need I64, I32, I16, I8, U32, U16 or U8)")
        }
        return [Int64](unsafeUninitializedCapacity: info.elementCount) { buffer, initialized in
            withBytes(of: info) { ElementConversion.decodeInt64s(info.dtype, from: $0, into: buffer) }
            initialized = buffer.count
        }
    }

    private func requireFloatInfo(_ name: String) throws -> SafetensorsTensorInfo {
        let info = try requireInfo(name)
        guard ElementConversion.floatDTypes.contains(info.dtype) else {
            throw SafetensorsError(path: path, problem: "tensor \(quotedForMessage(name)) has dtype "
                + "\(info.dtype.rawValue), which cannot be read as Float (need F32, F16, BF16 or F64)")
        }
        return info
    }
}
