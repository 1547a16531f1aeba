// SegmentLengthRange: the segment lengths (document tokens per segment) a stream's batches are
// drawn at — one length N, or a range LO-HI from which every batch draws its own length, the
// same for all documents of the batch (a batch's segments share a shape).
//
// The rule: the batch whose first document is item `i` of a stream seeded `s` has length
//   L = LO + below(HI − LO + 1)
// drawn from the generator of item `i` of a stream seeded `mix(s ^ "length")` — uniform over
// the integers LO…HI, a function of (s, i) alone and independent of the item's own generator
// (which draws its task, facts and noise). So a stream's position, the one integer a resume
// restores, also restores every batch's length; and a single length N draws nothing (L = N).
// Written `N` or `LO-HI` on the command line (`rmt-train --data-segment-length`) and in
// data.json (`data_segment_length`: an integer for one length, the string "LO-HI" for a range).
import RMTBase

/// One segment length or a range of them, and the rule that gives each batch its length.
public struct SegmentLengthRange: Sendable, Hashable, CustomStringConvertible {
    /// The shortest length LO (≥ 2).
    public let lowerBound: Int
    /// The longest length HI (≥ LO).
    public let upperBound: Int

    /// One length N (every batch at N).
    /// - Throws: `DataError` when N < 2.
    public init(_ length: Int) throws { try self.init(length, length) }

    /// The lengths LO…HI.
    /// - Throws: `DataError` when LO < 2 or LO > HI.
    public init(_ lowerBound: Int, _ upperBound: Int) throws {
        let shown = lowerBound == upperBound ? "\(lowerBound)" : "\(lowerBound)-\(upperBound)"
        guard lowerBound >= 2 else { throw DataError("segment length", "must be at least 2, got \(shown)") }
        guard lowerBound <= upperBound else {
            throw DataError("segment length", "must run from low to high (LO-HI with LO ≤ HI), got \(shown)")
        }
        self.init(unchecked: lowerBound, upperBound)
    }

    /// `N` or `LO-HI` (whole numbers; spaces around them are allowed). `N-N` is the length N.
    /// - Throws: `DataError` for any other text, or bounds `init(_:_:)` refuses.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            .map { String($0.drop(while: \.isBlank).reversed().drop(while: \.isBlank).reversed()) }
        let numbers = parts.compactMap { $0.allSatisfy(\.isASCIIDigit) ? Int($0) : nil }
        guard (1...2).contains(parts.count), numbers.count == parts.count else {
            let shown = text.count > 40 ? "\(text.prefix(40))…" : text
            throw DataError("segment length", "must be a length N or a range LO-HI of whole numbers, got \"\(shown)\"")
        }
        try self.init(numbers[0], numbers[numbers.count - 1])
    }

    init(unchecked lowerBound: Int, _ upperBound: Int) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    /// True for one length (LO = HI).
    public var isSingle: Bool { lowerBound == upperBound }

    /// `N` for one length, `LO-HI` for a range (what `init(parsing:)` reads).
    public var description: String { isSingle ? "\(lowerBound)" : "\(lowerBound)-\(upperBound)" }

    /// The length of the batch whose first document is item `index` of the stream seeded `seed`
    /// (the rule in the file header): LO for a single length, else uniform in LO…HI.
    public func length(forBatchAt index: Int, seed: UInt64) -> Int {
        guard !isSingle else { return lowerBound }
        return SplitMix64.draw(lowerBound...upperBound, item: index, seed: seed, salt: Self.lengthSalt)
    }

    /// "length" in ASCII: separates the lengths' generators from the items' own.
    static let lengthSalt: UInt64 = 0x6C65_6E67_7468
}

extension SegmentLengthRange: Codable {
    /// Reads an integer N (also how data.json held the one length before ranges) or a string
    /// `N` / `LO-HI`; bounds that `init(_:_:)` refuses are a `dataCorrupted` error whose
    /// description is the problem ("must be at least 2, got 1").
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        do {
            if let n = try? container.decode(Int.self) {
                try self.init(n)
            } else {
                try self.init(parsing: try container.decode(String.self))
            }
        } catch let error as DataError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.problem))
        }
    }

    /// An integer for one length (as before ranges), the string `LO-HI` for a range.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if isSingle { try container.encode(lowerBound) } else { try container.encode(description) }
    }
}

extension DataStream {
    /// The stream's own segment length as a single-length range.
    public var segmentLengths: SegmentLengthRange { SegmentLengthRange(unchecked: segmentLength, segmentLength) }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
    var isBlank: Bool { self == " " || self == "\t" }
}
