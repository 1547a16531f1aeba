// AtomicFileWrite: replace a file so that readers see either the old or the new content.
// Method: write a uniquely named temporary file in the destination's folder, fsync it,
// rename(2) it over the destination, then fsync the folder (best effort). On any
// failure the temporary file is removed and the destination is left untouched.
// It knows nothing about safetensors; it writes byte chunks it is given.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum AtomicFileWrite {
    /// Writes the concatenation of `chunks` to `url` atomically.
    /// `chunks` is called with a sink; every call to the sink appends bytes to the file.
    static func write(
        to url: URL,
        chunks: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws {
        let destination = url.path
        let folder = url.deletingLastPathComponent().path
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path

        func failure(_ what: String, errorNumber: Int32 = errno) -> SafetensorsError {
            SafetensorsError(path: destination, problem: "\(what): \(String(cString: strerror(errorNumber)))")
        }

        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create a temporary file in \(folder)") }
        var isOpen = true
        var isRenamed = false
        defer {
            if isOpen { close(descriptor) }
            if !isRenamed { unlink(temporary) }
        }

        try chunks { bytes in
            guard var next = bytes.baseAddress else { return }
            var remaining = bytes.count
            while remaining > 0 {
                let written = writeSome(descriptor, next, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("cannot write the temporary file")
                }
                remaining -= written
                next += written
            }
        }
        guard fsync(descriptor) == 0 else { throw failure("cannot flush the temporary file to disk") }
        isOpen = false
        guard close(descriptor) == 0 else { throw failure("cannot close the temporary file") }
        guard rename(temporary, destination) == 0 else { throw failure("cannot move the new file into place") }
        isRenamed = true
        syncFolder(folder)
    }

    /// Makes the rename durable; failures are ignored (some filesystems refuse this).
    private static func syncFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}

/// write(2), named so that it does not clash with `AtomicFileWrite.write`.
private func writeSome(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(descriptor, bytes, count)
    #elseif canImport(Musl)
    return Musl.write(descriptor, bytes, count)
    #else
    return Darwin.write(descriptor, bytes, count)
    #endif
}
