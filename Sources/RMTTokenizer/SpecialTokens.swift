// SpecialTokens: the special tokens that, like the reference's added vocabulary, are matched on
// the raw text ([PAD] [UNK] [CLS] [SEP] [MASK] when the vocabulary has them) and become their ids.
// Only their byte patterns live here; the incremental matching is in EncoderCore.

/// The special tokens recognized in raw text: ASCII `[...]` tokens, none a prefix of another.
struct SpecialTokens {
    static let lead = UInt8(ascii: "[")
    let patterns: [[UInt8]]
    let ids: [Int32]
    var count: Int { patterns.count }
    var allMask: UInt32 { (1 << UInt32(patterns.count)) - 1 }
    func pattern(_ index: Int) -> [UInt8] { patterns[index] }

    /// The vocabulary's [PAD] [UNK] [CLS] [SEP] [MASK] (those it has), or none when disabled.
    init(vocabulary: Vocabulary, enabled: Bool) {
        var patterns: [[UInt8]] = []
        var ids: [Int32] = []
        if enabled {
            for id in [vocabulary.padID, vocabulary.unknownID, vocabulary.clsID, vocabulary.sepID, vocabulary.maskID] {
                guard let id else { continue }
                let bytes = Array(vocabulary.tokens[Int(id)].utf8)
                // The matcher relies on the usual shape: ASCII, starting with "[" (punctuation).
                guard bytes.count > 1, bytes[0] == Self.lead, bytes.allSatisfy({ $0 < 0x80 }) else { continue }
                patterns.append(bytes)
                ids.append(id)
            }
        }
        self.patterns = patterns
        self.ids = ids
    }
}
