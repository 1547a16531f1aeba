// TextSniff: the one rule that tells text from binary input, applied to the first bytes of a
// stream (`sampleSize`, or all of it when shorter) — the same bytes whatever the input is (a
// regular file, a pipe, a FIFO, /dev/fd/N or stdin), so one input gets one verdict. Callers peek
// the sample with ByteChunkReader.peek and then read on from the same stream: nothing is re-read.

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
