// FuzzSafetensors: libFuzzer entry point for the safetensors reader and writer.
// Compiled together with Sources/RMTSafetensors/*.swift into one module by
// Scripts/fuzz-safetensors.sh, so it uses only what a client could (the public API).
// Not part of the Swift package.
//
// Input format: the first byte picks a mode.
//   even: the remaining bytes are a safetensors file, as is.
//   odd:  the remaining bytes are `header JSON`, a 0x00 byte, then the data section; the
//         harness writes the correct 8-byte length in front. (A raw NUL cannot occur in
//         valid JSON, so this lets the fuzzer mutate the JSON without breaking the length.)
//
// For every input: parsing must either succeed or throw a one-line SafetensorsError.
// For inputs that parse, every tensor is read back and invariants are checked; any
// violation calls `fatalError`, which libFuzzer reports as a crash.

import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: start, count: count)
    let file = fileBytes(from: input)
    let parsed: SafetensorsFile
    do {
        parsed = try SafetensorsFile(data: file, path: "<fuzz>")
    } catch let error as SafetensorsError {
        require(!error.description.contains(where: \.isNewline), "multi-line error: \(error)")
        require(error.description.hasPrefix("<fuzz>: "), "error without path: \(error)")
        return 0
    } catch {
        fatalError("non-SafetensorsError thrown: \(error)")
    }
    checkInvariants(of: parsed, contents: file)
    return 0
}

private func fileBytes(from input: UnsafeBufferPointer<UInt8>) -> Data {
    let body = input[1...]
    guard input[0] & 1 == 1 else { return Data(body) }
    let split = body.firstIndex(of: 0) ?? body.endIndex
    let header = body[..<split]
    let dataSection = split < body.endIndex ? body[(split + 1)...] : body[body.endIndex...]
    var file = Data()
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
    file.append(contentsOf: header)
    file.append(contentsOf: dataSection)
    return file
}

private func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

private let floatDTypes: Set<SafetensorsDType> = [.f32, .f16, .bf16, .f64]
private let int64DTypes: Set<SafetensorsDType> = [.i64, .i32, .i16, .i8, .u32, .u16, .u8]

private func checkInvariants(of file: SafetensorsFile, contents: Data) {
    // The tensors tile the data section exactly, in order.
    var covered = 0
    for info in file.tensors {
        require(info.dataOffsets.lowerBound == covered, "tensors do not tile the data section")
        covered = info.dataOffsets.upperBound
        require(info.byteCount == info.elementCount * info.dtype.byteSize, "byte count != elements × size")
        require(file.info(info.name) == info, "info(name) disagrees with tensors")
    }
    let headerLength = contents.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
    require(covered == contents.count - 8 - headerLength, "tensors do not cover the data section exactly")

    for info in file.tensors {
        checkTypedReads(of: info, in: file)
    }
    checkWriterRoundTrip(of: file)
}

private func checkTypedReads(of info: SafetensorsTensorInfo, in file: SafetensorsFile) {
    guard let raw = try? file.rawBytes(info.name) else { fatalError("rawBytes failed for a listed tensor") }
    require(raw.count == info.byteCount, "rawBytes has the wrong length")
    let rawBytes = [UInt8](raw)

    if floatDTypes.contains(info.dtype) {
        guard let values = try? file.floats(info.name) else { fatalError("floats failed for \(info.dtype)") }
        require(values.count == info.elementCount, "floats count")
        var copy = [Float](repeating: 0, count: info.elementCount)
        do {
            try copy.withUnsafeMutableBufferPointer { try file.copyFloats(info.name, into: $0) }
        } catch { fatalError("copyFloats failed: \(error)") }
        require(copy.map(\.bitPattern) == values.map(\.bitPattern), "copyFloats != floats")
        checkWidening(info.dtype, raw: rawBytes, widened: values)
        var wrongSize = [Float](repeating: 0, count: info.elementCount + 1)
        let rejected = (try? wrongSize.withUnsafeMutableBufferPointer { try file.copyFloats(info.name, into: $0) }) == nil
        require(rejected, "copyFloats accepted a wrong-sized destination")
    } else {
        require((try? file.floats(info.name)) == nil, "floats accepted \(info.dtype)")
    }

    if int64DTypes.contains(info.dtype) {
        guard let values = try? file.int64s(info.name) else { fatalError("int64s failed for \(info.dtype)") }
        require(values.count == info.elementCount, "int64s count")
        if info.dtype == .u8 { require(values == rawBytes.map { Int64($0) }, "U8 widening") }
        if info.dtype == .i8 { require(values == rawBytes.map { Int64(Int8(bitPattern: $0)) }, "I8 widening") }
    } else {
        require((try? file.int64s(info.name)) == nil, "int64s accepted \(info.dtype)")
    }
}

/// Narrow dtypes must widen exactly: BF16 is the top half of the Float; F16 narrows back
/// to the same bits (NaNs excepted, which are made quiet).
private func checkWidening(_ dtype: SafetensorsDType, raw: [UInt8], widened: [Float]) {
    switch dtype {
    case .bf16:
        for (i, value) in widened.enumerated() {
            let bits = UInt32(raw[2 * i]) | UInt32(raw[2 * i + 1]) << 8
            require(value.bitPattern == bits << 16, "BF16 widening")
        }
    case .f16:
        var writer = SafetensorsWriter()
        do {
            try writer.addFloat16("x", shape: [widened.count], floats: widened)
            let narrowed = [UInt8](try SafetensorsFile(data: try writer.serialized()).rawBytes("x"))
            for i in 0..<widened.count where !widened[i].isNaN {
                require(narrowed[2 * i] == raw[2 * i] && narrowed[2 * i + 1] == raw[2 * i + 1], "F16 round trip")
            }
        } catch {
            fatalError("F16 re-encoding failed: \(error)")
        }
    case .f32:
        for (i, value) in widened.enumerated() {
            let bits = UInt32(raw[4 * i]) | UInt32(raw[4 * i + 1]) << 8 | UInt32(raw[4 * i + 2]) << 16 | UInt32(raw[4 * i + 3]) << 24
            require(value.bitPattern == bits, "F32 copy")
        }
    default:
        break
    }
}

/// Rewriting every tensor with the writer gives a file that reads back equal, and the
/// writer is canonical: writing the re-read file again gives identical bytes.
private func checkWriterRoundTrip(of file: SafetensorsFile) {
    do {
        let first = try rewrite(file).serialized()
        let reread = try SafetensorsFile(data: first, path: "<rewritten>")
        require(reread.metadata == file.metadata, "metadata changed in the round trip")
        require(reread.tensors.count == file.tensors.count, "tensor count changed")
        for info in file.tensors {
            guard let other = reread.info(info.name) else { fatalError("tensor lost in the round trip") }
            require(other.dtype == info.dtype && other.shape == info.shape, "info changed in the round trip")
            require(try reread.rawBytes(info.name) == file.rawBytes(info.name), "bytes changed in the round trip")
        }
        let second = try rewrite(reread).serialized()
        require(first == second, "writer output is not canonical")
    } catch {
        fatalError("round trip failed: \(error)")
    }
}

private func rewrite(_ file: SafetensorsFile) throws -> SafetensorsWriter {
    var writer = SafetensorsWriter(metadata: file.metadata)
    for info in file.tensors {
        try writer.add(info.name, dtype: info.dtype, shape: info.shape, rawBytes: try file.rawBytes(info.name))
    }
    return writer
}
