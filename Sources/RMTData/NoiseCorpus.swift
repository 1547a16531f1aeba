// NoiseCorpus: noise sentences tokenized once, for fast document assembly. Token ids live in
// one flat [Int32] (sentence i = tokens[tokenOffsets[i] ..< tokenOffsets[i+1]]) and the text in
// one flat UTF-8 buffer, so an ~800k-token corpus costs a few MB and a 2M-token document is a
// handful of memcpys. A document's noise starts at some sentence and reads on in order,
// wrapping around from the last sentence to the first ("the noise stream").
import Foundation
import RMTBase
import RMTTokenizer

/// Pre-tokenized noise sentences. Immutable and thread-safe.
public final class NoiseCorpus: Sendable {
    /// Where the sentences came from (file paths or "builtin prose (seed N)").
    public let name: String
    let tokens: [Int32]
    let tokenOffsets: [Int]
    let textBytes: [UInt8]
    let textOffsets: [Int]

    /// The fewest tokens a corpus must have.
    public static let minimumTokens = 1_000

    /// The number of sentences.
    public var sentenceCount: Int { tokenOffsets.count - 1 }
    /// The total number of tokens of all sentences.
    public var tokenCount: Int { tokens.count }

    /// FNV-1a 64 (16 hex digits) of the token ids and sentence boundaries: what the noise *is*,
    /// whatever path it was read from (the evaluation ledger identifies its noise by this).
    public var fingerprint: String {
        var h = FNV1a.offset
        for id in tokens { FNV1a.mix(UInt32(bitPattern: id), into: &h) }
        for offset in tokenOffsets { FNV1a.mix(UInt32(truncatingIfNeeded: offset), into: &h) }
        return String(format: "%016llx", h)
    }

    /// Tokenizes `sentences` (each on its own; joined with single spaces they tokenize the same,
    /// since a space always separates BERT words). Sentences with no tokens are dropped.
    /// - Throws: `DataError` naming `name` when fewer than `ProseNoise.minimumSentences`
    ///   sentences or `minimumTokens` tokens remain.
    public init(sentences: [String], tokenizer: BertTokenizer, name: String) throws {
        var tokens: [Int32] = []
        var tokenOffsets = [0]
        var textBytes: [UInt8] = []
        var textOffsets = [0]
        tokenOffsets.reserveCapacity(sentences.count + 1)
        textOffsets.reserveCapacity(sentences.count + 1)
        for sentence in sentences {
            let ids = tokenizer.encode(sentence)
            guard !ids.isEmpty else { continue }
            tokens.append(contentsOf: ids)
            tokenOffsets.append(tokens.count)
            textBytes.append(contentsOf: sentence.utf8)
            textOffsets.append(textBytes.count)
        }
        guard tokenOffsets.count - 1 >= ProseNoise.minimumSentences else {
            throw DataError(name, "too little text: \(tokenOffsets.count - 1) sentences (at least \(ProseNoise.minimumSentences) are needed)")
        }
        guard tokens.count >= Self.minimumTokens else {
            throw DataError(name, "too little text: \(tokens.count) tokens (at least \(Self.minimumTokens) are needed)")
        }
        self.name = name
        self.tokens = tokens
        self.tokenOffsets = tokenOffsets
        self.textBytes = textBytes
        self.textOffsets = textOffsets
    }

    /// Tokenizes the sentences of `prose`.
    public convenience init(prose: ProseNoise, tokenizer: BertTokenizer, name: String? = nil) throws {
        try self.init(sentences: prose.sentences, tokenizer: tokenizer,
                      name: name ?? (prose.files.isEmpty ? "<text>" : prose.files.joined(separator: ", ")))
    }

    /// Reads, splits and tokenizes prose files or folders (see `ProseNoise.init(paths:)`), with
    /// adversarial sentences mixed in at `adversarialRate` (`AdversarialProse.mix`, seeded by
    /// `seed`; 0 = none), then runs of room-neighbour sentences at `neighbourRate`
    /// (`RoomNeighbourProse.mix`; 0 = none, the noise of every run before it).
    /// - Throws: `DataError` for unusable prose or a rate outside [0, 1).
    public convenience init(paths: [String], tokenizer: BertTokenizer, adversarialRate: Double = 0, neighbourRate: Double = 0,
                            seed: UInt64 = 0) throws {
        try AdversarialProse.validate(rate: adversarialRate)
        try RoomNeighbourProse.validate(rate: neighbourRate)
        let prose = try ProseNoise(paths: paths)
        try self.init(sentences: Self.mixed(prose.sentences, adversarialRate, neighbourRate, seed), tokenizer: tokenizer,
                      name: paths.joined(separator: ", ") + Self.mixSuffix(adversarialRate, neighbourRate, seed: seed))
    }

    /// `sentenceCount` sentences of built-in prose (`BuiltinProse(seed:)`), tokenized, with
    /// adversarial sentences mixed in at `adversarialRate` and room-neighbour runs at
    /// `neighbourRate` (a rate outside [0, 1) is a precondition failure: check them with
    /// `AdversarialProse.validate(rate:)` and `RoomNeighbourProse.validate(rate:)`).
    public static func builtin(tokenizer: BertTokenizer, seed: UInt64 = 0, sentenceCount: Int = 20_000,
                               adversarialRate: Double = 0, neighbourRate: Double = 0) -> NoiseCorpus {
        let count = max(sentenceCount, ProseNoise.minimumSentences * 4)
        do {
            let sentences = mixed(BuiltinProse.sentences(count: count, seed: seed), adversarialRate, neighbourRate, seed)
            return try NoiseCorpus(sentences: sentences, tokenizer: tokenizer,
                                   name: "builtin prose (seed \(seed))" + mixSuffix(adversarialRate, neighbourRate, seed: seed))
        } catch {
            preconditionFailure("built-in prose is too short for this vocabulary: \(error)")
        }
    }

    /// Prose with adversarial sentences, then room-neighbour runs, mixed in (each seeded by `seed`).
    static func mixed(_ prose: [String], _ adversarialRate: Double, _ neighbourRate: Double, _ seed: UInt64) -> [String] {
        RoomNeighbourProse.mix(AdversarialProse.mix(prose, rate: adversarialRate, seed: seed), rate: neighbourRate, seed: seed)
    }

    static func mixSuffix(_ adversarialRate: Double, _ neighbourRate: Double, seed: UInt64) -> String {
        (adversarialRate > 0 ? " + adversarial sentences (rate \(adversarialRate), seed \(seed))" : "")
            + (neighbourRate > 0 ? " + room-neighbour runs (rate \(neighbourRate), seed \(seed))" : "")
    }

    /// The text of sentence `index`.
    public func sentenceText(_ index: Int) -> String {
        String(decoding: textBytes[textOffsets[index]..<textOffsets[index + 1]], as: UTF8.self)
    }

    /// The token ids of sentence `index`.
    public func sentenceTokens(_ index: Int) -> ArraySlice<Int32> {
        tokens[tokenOffsets[index]..<tokenOffsets[index + 1]]
    }

    /// The sentence whose tokens include flat position `position` (0 ..< tokenCount).
    func sentence(containing position: Int) -> Int {
        var low = 0, high = sentenceCount - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if tokenOffsets[mid] <= position { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Appends `count` tokens of the noise stream that starts at flat position `start`.
    func appendTokens(from start: Int, count: Int, to output: inout [Int32]) {
        var position = start % tokens.count
        var left = count
        while left > 0 {
            let run = min(left, tokens.count - position)
            output.append(contentsOf: tokens[position..<(position + run)])
            left -= run
            position = 0
        }
    }
}
