// InputCheck: refuses inputs that are not text before any model work — a missing or
// unreadable path, a directory, a binary file — with one-line errors. Odd but valid
// text (a few NULs, invalid UTF-8, one enormous line) is accepted: the reader copes.
import Foundation
import RMT

enum InputCheck {
    struct Info { let size: Int? }

    static func check(_ path: String) throws -> Info {
        if path == "-" { return Info(size: nil) }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ModelError(path, "no such file")
        }
        guard !isDir.boolValue else { throw ModelError(path, "is a directory, not a text file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ModelError(path, "cannot be read (permission denied?)") }
        defer { try? handle.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        let head = (try? handle.read(upToCount: 8192)) ?? Data()
        if looksBinary(head) { throw ModelError(path, "looks like a binary file, not text") }
        return Info(size: size)
    }

    /// True when a sample has many NUL bytes or is mostly not UTF-8 text.
    static func looksBinary(_ sample: Data) -> Bool {
        guard !sample.isEmpty else { return false }
        let nuls = sample.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        if nuls * 10 > sample.count { return true }  // > 10% NUL
        // Count bytes in invalid UTF-8 sequences and C0 controls other than whitespace.
        var bad = 0
        let bytes = [UInt8](sample)
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
        return bad * 10 > bytes.count * 3  // > 30% of the sample is not text
    }
}
