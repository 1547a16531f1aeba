// ByteChunkReader: reads a file or standard input in fixed-size chunks (POSIX read, one reusable
// buffer), so callers never hold a whole document. Opening and reading errors are TextSourceError
// (one line naming the file). It knows nothing of text or tokens.
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
    /// Bytes read so far.
    public private(set) var bytesRead = 0
    /// Whether the end of the input was reached.
    public private(set) var reachedEnd = false

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8]

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
        self.ownsDescriptor = false
        self.buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// The next chunk (1 ... chunkSize bytes), or nil at the end of the input.
    /// The slice shares the reader's buffer until the next call (copy-on-write keeps it valid).
    /// - Throws: `TextSourceError` when reading fails.
    public func nextChunk() throws -> ArraySlice<UInt8>? {
        if reachedEnd { return nil }
        let size = chunkSize
        let descriptor = self.descriptor
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, size) }
            if count > 0 {
                bytesRead += count
                return buffer[0..<count]
            }
            if count == 0 {
                reachedEnd = true
                return nil
            }
            let code = errno
            if code == EINTR { continue }
            throw TextSourceError(file: name, reason: Self.reason(code))
        }
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
