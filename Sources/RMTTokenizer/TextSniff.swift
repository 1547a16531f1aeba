// TextSniff: the one rule that tells text from binary input, applied to the first bytes of a
// stream (`sampleSize`, or all of it when shorter) — the same bytes whatever the input is (a
// regular file, a pipe, a FIFO, /dev/fd/N or stdin), so one input gets one verdict. Callers peek
// the sample with ByteChunkReader.peek and then read on from the same stream: nothing is re-read.
// `ByteChunkReader.openText` is that rule at the door, for rmt-ask and the library alike.
import Foundation

/// Decides whether the start of an input looks like binary data rather than text.
public enum TextSniff {
    /// Bytes examined: the first 8 KiB of the input.
    public static let sampleSize = 8192

    /// True when `sample` has more than 10% NUL bytes, or more than 30% of it is not text
    /// (bytes of ill-formed UTF-8 and C0 controls other than tab, newline, form feed and carriage
    /// return). A multi-byte sequence cut by the sample's end is not counted. Empty → false.
    public static func looksBinary<Bytes: Collection>(_ sample: Bytes) -> Bool where Bytes.Element == UInt8 {
        let bytes = [UInt8](sample)
        guard !bytes.isEmpty else { return false }
        var nuls = 0
        for b in bytes where b == 0 { nuls += 1 }
        if nuls * 10 > bytes.count { return true }
        var bad = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let need = b < 0x80 ? 0 : b >= 0xC2 && b <= 0xDF ? 1 : b >= 0xE0 && b <= 0xEF ? 2 : b >= 0xF0 && b <= 0xF4 ? 3 : -1
            if need < 0 { bad += 1; i += 1; continue }
            if need == 0 {
                if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D && b != 0x0C { bad += 1 }
                i += 1
                continue
            }
            if i + need >= bytes.count { break }  // cut at the sample's end: not evidence
            if (1...need).allSatisfy({ bytes[i + $0] & 0xC0 == 0x80 }) { i += need + 1 } else { bad += 1; i += 1 }
        }
        return bad * 10 > bytes.count * 3
    }
}

extension ByteChunkReader {
    /// Opens `path` ("-" = standard input) once, as a stream — a regular file, a pipe, a named
    /// FIFO or /dev/fd/N alike — and refuses a binary start (`TextSniff` on the first bytes,
    /// peeked from that same stream and handed out again by the reader, so nothing is re-opened
    /// or lost). Odd but valid text (a few NULs, invalid UTF-8, one enormous line) is accepted.
    /// - Throws: `TextSourceError` (one line naming the input) if it is missing, a directory,
    ///   unreadable or looks binary.
    public static func openText(_ path: String, chunkSize: Int = ByteChunkReader.defaultChunkSize) throws -> ByteChunkReader {
        let source = path == "-"
            ? ByteChunkReader(fileHandle: .standardInput, name: "<stdin>", chunkSize: chunkSize)
            : try ByteChunkReader(path: path, chunkSize: chunkSize)
        let head = try source.peek(upTo: TextSniff.sampleSize)
        if TextSniff.looksBinary(head) {
            throw TextSourceError(file: source.name, reason: "looks like a binary file, not text (checked: its first \(head.count) bytes)")
        }
        return source
    }
}
