// WordPieceModel: the WordPiece model over a byte-keyed index of the vocabulary.
//
// A word (already normalized and pre-tokenized, as UTF-8 bytes) becomes ids by greedy
// longest-match-first: the longest vocabulary token that prefixes the word, then the longest
// `##` token that prefixes the rest, and so on; a word with an unmatched rest, or with more than
// `maxInputCharsPerWord` characters, becomes one `[UNK]` (as Hugging Face `tokenizers` does).
//
// The index is an open-addressing hash table keyed by byte strings (no String per lookup). It holds
// every token (word-initial tokens under their bytes, `##` tokens under the bytes after `##`, with
// different hash seeds) and every proper prefix of every token, so the longest match from a position
// is one forward scan that stops as soon as the bytes read are no token's prefix. Slots keep a
// 32-bit hash tag; a token match is always confirmed by comparing bytes, a prefix answer never needs
// to be (a false "is a prefix" only makes the scan read one more byte).
// This file knows nothing of Unicode or normalization.

/// Greedy longest-match-first WordPiece over a byte-keyed vocabulary index.
final class WordPieceModel: @unchecked Sendable {
    /// Words with more characters than this become `[UNK]` (the reference default).
    static let maxInputCharsPerWord = 100

    let unknownID: Int32
    /// Slots: high 32 bits hash tag (never 0 when used), low 32 bits token id, or all ones for a
    /// prefix-only slot. A zero slot is empty.
    private let slots: UnsafeMutablePointer<UInt64>
    private let slotShift: UInt64
    private let slotMask: Int
    /// Key bytes of all tokens (a `##` token's key excludes the `##`).
    private let keyBytes: UnsafeMutablePointer<UInt8>
    private let keyOffsets: UnsafeMutablePointer<UInt32>
    private let keyLengths: UnsafeMutablePointer<UInt32>
    /// For each id, whether it is a continuation (`##`) token.
    private let isContinuation: UnsafeMutablePointer<Bool>

    private static let prefixOnly: UInt32 = .max
    static let initialSeed: UInt64 = 0xcbf2_9ce4_8422_2325
    static let continuationSeed: UInt64 = 0x84_22_23_25_cb_f2_9c_e4

    /// One step of the byte hash (FNV-1a, 64 bit).
    @inline(__always)
    static func hashStep(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    init(vocabulary: Vocabulary) {
        unknownID = vocabulary.unknownID
        let count = vocabulary.count
        keyOffsets = .allocate(capacity: max(count, 1))
        keyLengths = .allocate(capacity: max(count, 1))
        isContinuation = .allocate(capacity: max(count, 1))
        var pool: [UInt8] = []
        var entryEstimate = 0
        for (id, token) in vocabulary.tokens.enumerated() {
            var bytes = Array(token.utf8)
            let continuation = bytes.count > 2 && bytes[0] == 0x23 && bytes[1] == 0x23
            if continuation { bytes.removeFirst(2) }
            keyOffsets[id] = UInt32(pool.count)
            keyLengths[id] = UInt32(bytes.count)
            isContinuation[id] = continuation
            pool.append(contentsOf: bytes)
            entryEstimate += bytes.count
        }
        keyBytes = .allocate(capacity: max(pool.count, 1))
        keyBytes.initialize(from: pool, count: pool.count)

        var capacity = 1024
        while capacity < entryEstimate * 2 { capacity <<= 1 }
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        slotMask = capacity - 1
        slotShift = UInt64(64 - capacity.trailingZeroBitCount)

        for id in 0..<count {
            let length = Int(keyLengths[id])
            guard length > 0 else { continue }
            let key = keyBytes + Int(keyOffsets[id])
            var hash = isContinuation[id] ? Self.continuationSeed : Self.initialSeed
            for end in 1...length {
                hash = Self.hashStep(hash, key[end - 1])
                if end < length {
                    insertPrefix(hash)
                } else {
                    insertToken(hash, id: Int32(id))
                }
            }
        }
    }

    deinit {
        slots.deallocate()
        keyBytes.deallocate()
        keyOffsets.deallocate()
        keyLengths.deallocate()
        isContinuation.deallocate()
    }

    @inline(__always) private func slotIndex(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> slotShift)
    }

    @inline(__always) private static func tag(_ hash: UInt64) -> UInt64 {
        (hash & 0xFFFF_FFFF | 1) << 32
    }

    private func insertPrefix(_ hash: UInt64) {
        let tag = Self.tag(hash)
        var index = slotIndex(hash)
        while slots[index] != 0 {
            if slots[index] & 0xFFFF_FFFF_0000_0000 == tag { return }
            index = (index + 1) & slotMask
        }
        slots[index] = tag | UInt64(Self.prefixOnly)
    }

    private func insertToken(_ hash: UInt64, id: Int32) {
        let tag = Self.tag(hash)
        var index = slotIndex(hash)
        while slots[index] != 0 {
            if slots[index] & 0xFFFF_FFFF_0000_0000 == tag && UInt32(truncatingIfNeeded: slots[index]) == Self.prefixOnly {
                // A prefix-only slot with this tag (almost surely this very key): make it the token.
                slots[index] = tag | UInt64(UInt32(bitPattern: id))
                return
            }
            index = (index + 1) & slotMask
        }
        slots[index] = tag | UInt64(UInt32(bitPattern: id))
    }

    /// Looks up `bytes[0..<count]` (hashed to `hash` with the matching seed). Returns the token id
    /// (or -1) and whether the bytes are a prefix of some token of that kind (possibly a false yes).
    @inline(__always)
    private func probe(_ hash: UInt64, _ bytes: UnsafePointer<UInt8>, _ count: Int, continuation: Bool) -> (id: Int32, isPrefix: Bool) {
        let tag = Self.tag(hash)
        var index = slotIndex(hash)
        var isPrefix = false
        while true {
            let slot = slots[index]
            if slot == 0 { return (-1, isPrefix) }
            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                isPrefix = true
                let raw = UInt32(truncatingIfNeeded: slot)
                if raw != Self.prefixOnly {
                    let id = Int(raw)
                    if isContinuation[id] == continuation && Int(keyLengths[id]) == count
                        && memoryEqual(keyBytes + Int(keyOffsets[id]), bytes, count) {
                        return (Int32(id), true)
                    }
                }
            }
            index = (index + 1) & slotMask
        }
    }

    @inline(__always)
    private func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        while index < count {
            if a[index] != b[index] { return false }
            index += 1
        }
        return true
    }

    /// Appends the ids of one word: `bytes[0..<count]` holding `characters` characters.
    /// A word of more than `maxInputCharsPerWord` characters is `[UNK]` whatever its bytes.
    @inline(__always)
    func appendWord(_ bytes: UnsafePointer<UInt8>, count: Int, characters: Int, into ids: inout [Int32]) {
        if characters > Self.maxInputCharsPerWord {
            ids.append(unknownID)
            return
        }
        // Fast path: the whole word is a token.
        var hash = Self.initialSeed
        for index in 0..<count { hash = Self.hashStep(hash, bytes[index]) }
        let whole = probe(hash, bytes, count, continuation: false)
        if whole.id >= 0 {
            ids.append(whole.id)
            return
        }
        appendPieces(bytes, count: count, into: &ids)
    }

    /// The greedy split of a word that is not itself a token.
    private func appendPieces(_ bytes: UnsafePointer<UInt8>, count: Int, into ids: inout [Int32]) {
        let mark = ids.count
        var start = 0
        while start < count {
            let continuation = start > 0
            var hash = continuation ? Self.continuationSeed : Self.initialSeed
            var bestID: Int32 = -1
            var bestEnd = start
            var end = start
            while end < count {
                hash = Self.hashStep(hash, bytes[end])
                end += 1
                let found = probe(hash, bytes + start, end - start, continuation: continuation)
                if found.id >= 0 {
                    bestID = found.id
                    bestEnd = end
                }
                if !found.isPrefix { break }
            }
            if bestID < 0 {
                ids.removeSubrange(mark...)
                ids.append(unknownID)
                return
            }
            ids.append(bestID)
            start = bestEnd
        }
    }
}
