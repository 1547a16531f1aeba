// ASCIIAction: the encoder's ASCII fast path as a 128-entry table (dropped, split, punctuation, or
// word character with its cased/uncased byte), derived once from the Unicode tables so that ASCII
// and non-ASCII characters follow the same rules. Used by EncoderCore; no logic beyond the table.

/// What an ASCII byte does, precomputed from the Unicode tables (high byte: action, low: mapped byte).
enum ASCIIAction {
    static let drop: UInt16 = 0
    static let split: UInt16 = 1
    static let punctuation: UInt16 = 2
    static let word: UInt16 = 3

    /// The 128-entry table for cased or uncased text.
    static func table(lowercase: Bool, tables: UnicodeTables) -> [UInt16] {
        (0..<128).map { (byte: UInt32) -> UInt16 in
            let flags = tables.flags(byte)
            if flags.contains(.dropped) { return drop << 8 }
            if flags.contains(.whitespace) || flags.contains(.splitSpace) { return split << 8 }
            if flags.contains(.punctuation) { return punctuation << 8 | UInt16(byte) }
            precondition(!flags.contains(.cjk), "ASCII CJK?")
            var mapped = byte
            if lowercase && flags.contains(.hasProgram) {
                let offset = tables.programOffset(byte)
                precondition(tables.programs[offset] == 1, "ASCII program longer than one step")
                mapped = UncasedStep.scalar(tables.programs[offset + 1])
                precondition(mapped < 128, "ASCII lowercases to non-ASCII")
            }
            return word << 8 | UInt16(mapped)
        }
    }
}
