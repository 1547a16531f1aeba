// ByteChunkReader: reads a file or standard input in fixed-size chunks (POSIX read, one reusable
// buffer), so callers never hold a whole document. Every path is opened once and read once as a
// stream — regular files, pipes, FIFOs, /dev/fd/N, stdin alike — so `peek` lets a caller look at
// the first bytes (e.g. a binary check) without losing them: they are handed out again by
// `nextChunk`. Opening and reading errors are TextSourceError (one line naming the file).
// It knows nothing of text or tokens.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a text source could not be opened or read. `description` is one line: `file: reason`.
public struct TextSourceError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The path (or `<stdin>`).
    public let file: String
    /// What went wrong, in words (e.g. "no such file", "is a directory", "permission denied").
    public let reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}

/// Reads bytes from a file or a file handle in chunks of at most `chunkSize` bytes.
public final class ByteChunkReader {
    /// Default chunk size: 64 KiB.
    public static let defaultChunkSize = 64 * 1024

    /// The path, or the name given for a file handle (`<stdin>`).
    public let name: String
    /// The most bytes one chunk holds.
    public let chunkSize: Int
    /// Bytes handed out by `nextChunk` so far (peeked bytes count once handed out).
    public private(set) var bytesRead = 0
    /// Whether the end of the input was reached and every byte was handed out.
    public private(set) var reachedEnd = false
    /// The size of a regular file (also stdin redirected from one) when opened; nil for a pipe,
    /// FIFO, terminal or socket, whose length is unknown until read.
    public let fileSize: Int?

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8]
    /// Bytes read by `peek` and not yet handed out: peeked[peekedHead...].
    private var peeked: [UInt8] = []
    private var peekedHead = 0
    /// Whether read(2) returned 0 (possibly during `peek`, with peeked bytes still to hand out).
    private var sourceEnded = false

    /// Opens the file at `path` for reading.
    /// - Throws: `TextSourceError` if it is missing, a directory or unreadable.
    public init(path: String, chunkSize: Int = ByteChunkReader.defaultChunkSize) throws {
        precondition(chunkSize > 0, "chunkSize must be positive")
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw TextSourceError(file: path, reason: Self.reason(errno))
        }
        var info = stat()
        if fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw TextSourceError(file: path, reason: "is a directory")
        }
        self.fileSize = Self.regularFileSize(descriptor)
        self.name = path
        self.chunkSize = chunkSize
        self.descriptor = descriptor
        self.ownsDescriptor = true
        self.buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    /// Reads from an open file handle (not closed by the reader), e.g. `FileHandle.standardInput`.
    public init(fileHandle: FileHandle, name: String = "<stdin>", chunkSize: Int = ByteChunkReader.defaultChunkSize) {
        precondition(chunkSize > 0, "chunkSize must be positive")
        self.name = name
        self.chunkSize = chunkSize
        self.descriptor = fileHandle.fileDescriptor
        self.fileSize = Self.regularFileSize(fileHandle.fileDescriptor)
        self.ownsDescriptor = false
        self.buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Reads ahead until `count` bytes are buffered or the input ends, and returns them (fewer
    /// only at the end of the input). Nothing is consumed: `nextChunk` hands the same bytes out
    /// first. Blocks like `read(2)` on a pipe until the bytes arrive or the writer closes.
    /// - Throws: `TextSourceError` when reading fails.
    public func peek(upTo count: Int) throws -> ArraySlice<UInt8> {
        while peeked.count - peekedHead < count, !sourceEnded {
            guard let chunk = try readChunk() else { break }
            if peekedHead > 0 { peeked.removeFirst(peekedHead); peekedHead = 0 }
            peeked.append(contentsOf: chunk)
        }
        return peeked[peekedHead..<min(peeked.count, peekedHead + count)]
    }

    /// The next chunk (1 ... chunkSize bytes), or nil at the end of the input.
    /// The slice shares the reader's buffer until the next call (copy-on-write keeps it valid).
    /// - Throws: `TextSourceError` when reading fails.
    public func nextChunk() throws -> ArraySlice<UInt8>? {
        if reachedEnd { return nil }
        if peekedHead < peeked.count {
            let end = min(peeked.count, peekedHead + chunkSize)
            let chunk = peeked[peekedHead..<end]
            peekedHead = end
            if peekedHead == peeked.count { peeked = []; peekedHead = 0 }
            bytesRead += chunk.count
            return chunk
        }
        guard !sourceEnded, let chunk = try readChunk() else {
            reachedEnd = true
            return nil
        }
        bytesRead += chunk.count
        return chunk
    }

    /// One read(2) into the buffer (retried on EINTR); nil at the end of the input.
    private func readChunk() throws -> ArraySlice<UInt8>? {
        let size = chunkSize
        let descriptor = self.descriptor
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, size) }
            if count > 0 { return buffer[0..<count] }
            if count == 0 {
                sourceEnded = true
                return nil
            }
            let code = errno
            if code == EINTR { continue }
            throw TextSourceError(file: name, reason: Self.reason(code))
        }
    }

    /// The bytes left in a regular file (st_size less the current offset, which is not 0 for a
    /// stdin that a shell has partly read), else nil.
    private static func regularFileSize(_ descriptor: Int32) -> Int? {
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let offset = lseek(descriptor, 0, SEEK_CUR)
        return max(0, Int(info.st_size) - max(0, Int(offset)))
    }

    private static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EACCES: return "permission denied"
        case EISDIR: return "is a directory"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}
