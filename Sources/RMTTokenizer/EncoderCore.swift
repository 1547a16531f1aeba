// EncoderCore: the byte-in, ids-out state machine behind BertTokenizer and IncrementalTokenizer.
//
// One pass over UTF-8 bytes does, per character and in the reference order:
//   UTF-8 decode (ill-formed input: one U+FFFD per maximal subpart, counted)
//   → clean_text (drop NUL, U+FFFD and "other" characters; whitespace becomes a space)
//   → CJK ideographs get a space on each side
//   → uncased only: NFD, strip nonspacing marks, lowercase (per character)
//   → pre-tokenize (whitespace ends a word, punctuation is a word of its own)
//   → WordPiece when a word ends.
// Before all that, as the reference's added vocabulary does, the literal special tokens ([CLS],
// [SEP], [PAD], [MASK], [UNK]) are matched on the raw bytes and become their ids (optional).
// Every step is per character except NFD's canonical reordering, which can only move kept
// non-starters within a run between two starters: those wait in a small `pending` queue that the
// next starter (or the end) flushes. So the state between two bytes is O(1): a partial UTF-8
// sequence, a partly matched special token, the current word (at most 100 characters are kept: a
// longer word is `[UNK]` whatever it holds, so only its length matters), and the pending queue
// (capped the same way). Feeding the bytes in any chunks therefore gives exactly the ids of the
// whole text. ASCII actions: ASCIIAction.swift; special tokens: SpecialTokens.swift.
// It is not public API and holds no buffers of its own: the owner provides them.

/// The encoder state. Buffers (`word`, `pending`) belong to the caller and must outlive it.
struct EncoderCore {
    /// Bytes kept for a word: 100 characters of at most 4 bytes.
    static let wordCapacity = WordPieceModel.maxInputCharsPerWord * 4
    /// Kept non-starters queued for reordering; more than 100 means an over-long word anyway.
    static let pendingCapacity = WordPieceModel.maxInputCharsPerWord + 1

    private let tables: UnicodeTables
    private let model: WordPieceModel
    private let lowercase: Bool
    private let ascii: UnsafePointer<UInt16>

    private let word: UnsafeMutablePointer<UInt8>
    private var wordBytes = 0
    /// Characters in the current word, saturating at maxInputCharsPerWord + 1.
    private var wordChars = 0

    /// Queued non-starters: `combiningClass << 21 | scalar`.
    private let pending: UnsafeMutablePointer<UInt32>
    private var pendingCount = 0

    // UTF-8 decoder: continuation bytes still needed, the scalar so far, the allowed range of the
    // next byte, and how many bytes of the current sequence were read.
    private var needed = 0
    private var partial: UInt32 = 0
    private var lowerBound: UInt8 = 0x80
    private var upperBound: UInt8 = 0xBF
    private var partialBytes = 0

    // Special-token matching on the raw text: bytes matched so far and the candidates still alive.
    private let specials: SpecialTokens
    private var specialLength = 0
    private var specialAlive: UInt32 = 0

    /// Ill-formed UTF-8 sequences replaced by U+FFFD (which clean_text then drops).
    private(set) var invalidSequenceCount = 0
    /// NUL bytes seen (clean_text drops them).
    private(set) var nulByteCount = 0
    /// Bytes consumed so far.
    private(set) var byteCount = 0

    init(tables: UnicodeTables, model: WordPieceModel, lowercase: Bool, ascii: UnsafePointer<UInt16>,
         specials: SpecialTokens, word: UnsafeMutablePointer<UInt8>, pending: UnsafeMutablePointer<UInt32>) {
        self.tables = tables
        self.specials = specials
        self.model = model
        self.lowercase = lowercase
        self.ascii = ascii
        self.word = word
        self.pending = pending
    }

    /// Bytes held between calls: a partial UTF-8 sequence, the kept word bytes, queued marks and
    /// a possible special token.
    var bufferedByteCount: Int { partialBytes + wordBytes + pendingCount * 4 + specialLength }

    /// Consumes a chunk of UTF-8 bytes, appending the ids of every word that ends in it.
    mutating func consume(_ input: UnsafeBufferPointer<UInt8>, into ids: inout [Int32]) {
        byteCount += input.count
        run(input, into: &ids)
    }

    private mutating func run(_ input: UnsafeBufferPointer<UInt8>, into ids: inout [Int32]) {
        guard let base = input.baseAddress else { return }
        let count = input.count
        var index = 0
        while index < count {
            let byte = base[index]
            if specialLength != 0 {
                if advanceSpecial(byte, into: &ids) {
                    index += 1
                } else {
                    replaySpecialPrefix(into: &ids)  // then this byte afresh
                }
                continue
            }
            if needed == 0 {
                index += 1
                if byte < 0x80 {
                    asciiByte(byte, specialsAllowed: true, into: &ids)
                } else {
                    startSequence(byte)
                }
                continue
            }
            if byte >= lowerBound && byte <= upperBound {
                index += 1
                partial = partial << 6 | UInt32(byte & 0x3F)
                needed -= 1
                partialBytes += 1
                lowerBound = 0x80
                upperBound = 0xBF
                if needed == 0 {
                    partialBytes = 0
                    normalize(partial, into: &ids)
                }
            } else {
                // The sequence so far is a maximal subpart: one U+FFFD; this byte starts afresh.
                invalidSequenceCount += 1
                needed = 0
                partialBytes = 0
            }
        }
    }

    /// One ASCII character (the hot path): word character, split, punctuation or dropped.
    @inline(__always)
    private mutating func asciiByte(_ byte: UInt8, specialsAllowed: Bool, into ids: inout [Int32]) {
        let action = ascii[Int(byte)]
        switch action >> 8 {
        case ASCIIAction.word:
            if pendingCount != 0 { flushPending(into: &ids) }
            if wordChars < WordPieceModel.maxInputCharsPerWord {
                word[wordBytes] = UInt8(truncatingIfNeeded: action)
                wordBytes &+= 1
                wordChars &+= 1
            } else {
                wordChars = WordPieceModel.maxInputCharsPerWord + 1
            }
        case ASCIIAction.split:
            if pendingCount != 0 { flushPending(into: &ids) }
            endWord(into: &ids)
        case ASCIIAction.punctuation:
            if pendingCount != 0 { flushPending(into: &ids) }
            endWord(into: &ids)
            if specialsAllowed && byte == SpecialTokens.lead && specials.count > 0 {
                specialLength = 1
                specialAlive = specials.allMask
                return
            }
            word[0] = byte
            wordBytes = 1
            wordChars = 1
            endWord(into: &ids)
        default:
            if byte == 0 { nulByteCount += 1 }
        }
    }

    /// Extends a possible special-token match by `byte`; false when no special token fits.
    private mutating func advanceSpecial(_ byte: UInt8, into ids: inout [Int32]) -> Bool {
        var alive: UInt32 = 0
        for token in 0..<specials.count where specialAlive & (1 << token) != 0 {
            let pattern = specials.pattern(token)
            guard pattern.count > specialLength && pattern[specialLength] == byte else { continue }
            if pattern.count == specialLength + 1 {
                ids.append(specials.ids[token])
                specialLength = 0
                return true
            }
            alive |= 1 << token
        }
        guard alive != 0 else { return false }
        specialAlive = alive
        specialLength += 1
        return true
    }

    /// A special-token match failed: the bytes held so far are ordinary text after all.
    private mutating func replaySpecialPrefix(into ids: inout [Int32]) {
        let length = specialLength
        let token = specialAlive.trailingZeroBitCount
        specialLength = 0
        let pattern = specials.pattern(token)
        asciiByte(pattern[0], specialsAllowed: false, into: &ids)
        if length > 1 {
            pattern.withUnsafeBufferPointer { run(UnsafeBufferPointer(rebasing: $0[1..<length]), into: &ids) }
        }
    }

    /// Ends the text: a trailing partial sequence becomes U+FFFD, queued marks and the last word are
    /// flushed. The state is then clean for another text (the counters keep counting).
    mutating func finish(into ids: inout [Int32]) {
        while specialLength != 0 { replaySpecialPrefix(into: &ids) }
        if needed > 0 {
            invalidSequenceCount += 1
            needed = 0
            partialBytes = 0
        }
        if pendingCount != 0 { flushPending(into: &ids) }
        endWord(into: &ids)
    }

    /// A non-ASCII lead byte: starts a sequence, or is ill-formed on its own.
    @inline(__always)
    private mutating func startSequence(_ byte: UInt8) {
        lowerBound = 0x80
        upperBound = 0xBF
        switch byte {
        case 0xC2...0xDF:
            needed = 1; partial = UInt32(byte & 0x1F)
        case 0xE0:
            needed = 2; partial = UInt32(byte & 0x0F); lowerBound = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF:
            needed = 2; partial = UInt32(byte & 0x0F)
        case 0xED:
            needed = 2; partial = UInt32(byte & 0x0F); upperBound = 0x9F
        case 0xF0:
            needed = 3; partial = UInt32(byte & 0x07); lowerBound = 0x90
        case 0xF1...0xF3:
            needed = 3; partial = UInt32(byte & 0x07)
        case 0xF4:
            needed = 3; partial = UInt32(byte & 0x07); upperBound = 0x8F
        default:
            invalidSequenceCount += 1
            return
        }
        partialBytes = 1
    }

    /// clean_text and CJK spacing for one decoded non-ASCII scalar.
    private mutating func normalize(_ scalar: UInt32, into ids: inout [Int32]) {
        let flags = tables.flags(scalar)
        if flags.contains(.dropped) { return }
        if flags.contains(.whitespace) {
            space(into: &ids)
        } else if flags.contains(.cjk) {
            space(into: &ids)
            caseFold(scalar, flags, into: &ids)
            space(into: &ids)
        } else {
            caseFold(scalar, flags, into: &ids)
        }
    }

    /// A normalized space: a starter (flushes the queue) and a word boundary.
    @inline(__always)
    private mutating func space(into ids: inout [Int32]) {
        if pendingCount != 0 { flushPending(into: &ids) }
        endWord(into: &ids)
    }

    /// The uncased steps (NFD, strip marks, lowercase) for one scalar; identity when cased.
    private mutating func caseFold(_ scalar: UInt32, _ flags: CharFlags, into ids: inout [Int32]) {
        guard lowercase else {
            preTokenize(scalar, flags, into: &ids)
            return
        }
        if flags.contains(.hangulSyllable) {
            if pendingCount != 0 { flushPending(into: &ids) }
            let index = scalar - 0xAC00
            let leading: UInt32 = 0x1100 + index / 588
            let vowel: UInt32 = 0x1161 + (index % 588) / 28
            let trailing = index % 28
            preTokenize(leading, tables.flags(leading), into: &ids)
            preTokenize(vowel, tables.flags(vowel), into: &ids)
            if trailing != 0 { preTokenize(0x11A7 + trailing, tables.flags(0x11A7 + trailing), into: &ids) }
            return
        }
        guard flags.contains(.hasProgram) else {
            if pendingCount != 0 { flushPending(into: &ids) }
            preTokenize(scalar, flags, into: &ids)
            return
        }
        let offset = tables.programOffset(scalar)
        let steps = Int(tables.programs[offset])
        var step = 1
        while step <= steps {
            let instruction = tables.programs[offset + step]
            step += 1
            switch UncasedStep.kind(instruction) {
            case UncasedStep.emit:
                if pendingCount != 0 { flushPending(into: &ids) }
                let output = UncasedStep.scalar(instruction)
                preTokenize(output, tables.flags(output), into: &ids)
            case UncasedStep.flush:
                if pendingCount != 0 { flushPending(into: &ids) }
            default:
                if pendingCount == Self.pendingCapacity { flushPending(into: &ids) }
                pending[pendingCount] = instruction & 0x1FFF_FFFF
                pendingCount += 1
            }
        }
    }

    /// Emits the queued non-starters in canonical order (stable by combining class).
    private mutating func flushPending(into ids: inout [Int32]) {
        let count = pendingCount
        pendingCount = 0
        if count > 1 {
            for i in 1..<count {
                let entry = pending[i]
                var j = i
                while j > 0 && pending[j - 1] >> 21 > entry >> 21 {
                    pending[j] = pending[j - 1]
                    j -= 1
                }
                pending[j] = entry
            }
        }
        for i in 0..<count {
            let scalar = pending[i] & 0x1F_FFFF
            preTokenize(scalar, tables.flags(scalar), into: &ids)
        }
    }

    /// The pre-tokenizer for one normalized scalar.
    @inline(__always)
    private mutating func preTokenize(_ scalar: UInt32, _ flags: CharFlags, into ids: inout [Int32]) {
        if flags.contains(.splitSpace) {
            endWord(into: &ids)
        } else if flags.contains(.punctuation) {
            endWord(into: &ids)
            appendCharacter(scalar)
            endWord(into: &ids)
        } else {
            appendCharacter(scalar)
        }
    }

    /// Appends one scalar's UTF-8 to the current word (or only counts it past 100 characters).
    @inline(__always)
    private mutating func appendCharacter(_ scalar: UInt32) {
        guard wordChars < WordPieceModel.maxInputCharsPerWord else {
            wordChars = WordPieceModel.maxInputCharsPerWord + 1
            return
        }
        wordChars += 1
        let out = word + wordBytes
        switch scalar {
        case 0..<0x80:
            out[0] = UInt8(scalar)
            wordBytes += 1
        case 0x80..<0x800:
            out[0] = UInt8(0xC0 | scalar >> 6)
            out[1] = UInt8(0x80 | scalar & 0x3F)
            wordBytes += 2
        case 0x800..<0x10000:
            out[0] = UInt8(0xE0 | scalar >> 12)
            out[1] = UInt8(0x80 | scalar >> 6 & 0x3F)
            out[2] = UInt8(0x80 | scalar & 0x3F)
            wordBytes += 3
        default:
            out[0] = UInt8(0xF0 | scalar >> 18)
            out[1] = UInt8(0x80 | scalar >> 12 & 0x3F)
            out[2] = UInt8(0x80 | scalar >> 6 & 0x3F)
            out[3] = UInt8(0x80 | scalar & 0x3F)
            wordBytes += 4
        }
    }

    /// Ends the current word, if any: WordPiece appends its ids.
    @inline(__always)
    private mutating func endWord(into ids: inout [Int32]) {
        guard wordChars > 0 else { return }
        model.appendWord(word, count: wordBytes, characters: wordChars, into: &ids)
        wordBytes = 0
        wordChars = 0
    }
}
