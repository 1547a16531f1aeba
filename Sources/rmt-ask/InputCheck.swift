// InputCheck: opens the input once, as a stream — a regular file, a pipe, a named FIFO,
// /dev/fd/N (process substitution) or stdin ("-") alike — and refuses what is not text before
// any model work: a missing or unreadable path, a directory, a binary start. The binary check
// (TextSniff: the first 8 KiB) looks at bytes peeked from that same stream, which the reader then
// hands out again, so nothing is re-opened or lost and one input gets one verdict whatever kind
// of path it comes by. Odd but valid text (a few NULs, invalid UTF-8, one enormous line) is
// accepted: the reader copes.
import Foundation
import RMT

enum InputCheck {
    /// The opened input, its first bytes already checked.
    static func open(_ path: String) throws -> ByteChunkReader {
        let source = path == "-"
            ? ByteChunkReader(fileHandle: .standardInput, name: "<stdin>")
            : try ByteChunkReader(path: path)
        let head = try source.peek(upTo: TextSniff.sampleSize)
        if TextSniff.looksBinary(head) {
            throw TextSourceError(file: source.name, reason: "looks like a binary file, not text (checked: its first \(head.count) bytes)")
        }
        return source
    }
}
