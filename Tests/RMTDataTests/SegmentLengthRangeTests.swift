// SegmentLengthRange: parsing `N` / `LO-HI` and its errors, the per-batch length rule (inside the
// range, more than one length, a function of (seed, index) alone, nothing drawn for one length),
// data.json's encoding (an integer for one length, "LO-HI" for a range, old integers still read),
// and a stream's items read at another segment length.
import Foundation
import Testing
import RMTData

@Suite struct SegmentLengthRangeTests {
    @Test func parsesALengthOrARange() throws {
        let range = try SegmentLengthRange(parsing: "16-64")
        #expect(range.lowerBound == 16 && range.upperBound == 64 && !range.isSingle && range.description == "16-64")
        let single = try SegmentLengthRange(parsing: "32")
        #expect(single.lowerBound == 32 && single.upperBound == 32 && single.isSingle && single.description == "32")
        #expect(try SegmentLengthRange(parsing: "32-32") == single)
        #expect(try SegmentLengthRange(parsing: " 16 - 64 ") == range)
        #expect(try SegmentLengthRange(2, 3).description == "2-3")
    }

    @Test(arguments: [("16-", "LO-HI"), ("a-b", "LO-HI"), ("-16", "LO-HI"), ("", "LO-HI"), ("16-32-64", "LO-HI"),
                      ("+16", "LO-HI"), ("1.5", "LO-HI"), ("99999999999999999999", "LO-HI"),
                      ("64-16", "LO ≤ HI"), ("1", "at least 2"), ("1-64", "at least 2"), ("0", "at least 2")])
    func refusesMalformedText(text: String, phrase: String) {
        do {
            let parsed = try SegmentLengthRange(parsing: text)
            Issue.record("accepted \"\(text)\" as \(parsed)")
        } catch let error as DataError {
            #expect(error.problem.contains(phrase) && !error.problem.contains("\n"), "\(text): \(error)")
        } catch { Issue.record("\(text): \(error)") }
    }

    @Test func batchLengthsStayInTheRangeAndVary() throws {
        let range = try SegmentLengthRange(16, 64)
        // Batches of 8 documents: first indices 0, 8, 16, …
        let lengths = (0..<20).map { range.length(forBatchAt: $0 * 8, seed: 5) }
        #expect(lengths.allSatisfy { (16...64).contains($0) }, "\(lengths)")
        #expect(Set(lengths).count > 1, "\(lengths)")
        // Uniform over the integers: over many batches, both ends and the whole range are drawn.
        let many = (0..<4_000).map { range.length(forBatchAt: $0, seed: 5) }
        #expect(Set(many) == Set(16...64))
        let mean = Double(many.reduce(0, +)) / Double(many.count)
        #expect(abs(mean - 40) < 1.5, "mean \(mean)")
    }

    @Test func batchLengthsAreAFunctionOfSeedAndIndex() throws {
        let range = try SegmentLengthRange(16, 64)
        let indices = [0, 1, 8, 16, 1_000, 123_456]
        let first = indices.map { range.length(forBatchAt: $0, seed: 7) }
        // The same (seed, index) in any order, from another value of the same range: the same length.
        let again = try SegmentLengthRange(parsing: "16-64")
        #expect(indices.reversed().map { again.length(forBatchAt: $0, seed: 7) } == first.reversed())
        // Another seed gives other lengths.
        let otherSeed = (0..<20).map { range.length(forBatchAt: $0, seed: 8) }
        #expect(otherSeed != (0..<20).map { range.length(forBatchAt: $0, seed: 7) })
        // One length draws nothing: it is that length at every index and seed.
        let single = try SegmentLengthRange(32)
        #expect((0..<50).allSatisfy { single.length(forBatchAt: $0 * 3, seed: UInt64($0)) == 32 })
    }

    @Test func encodesAnIntegerForOneLengthAndReadsOldIntegers() throws {
        struct Holder: Codable, Equatable { var lengths: SegmentLengthRange }
        let encoder = JSONEncoder()
        let single = Holder(lengths: try SegmentLengthRange(24))
        #expect(String(decoding: try encoder.encode(single), as: UTF8.self) == #"{"lengths":24}"#)
        let range = Holder(lengths: try SegmentLengthRange(16, 64))
        #expect(String(decoding: try encoder.encode(range), as: UTF8.self) == #"{"lengths":"16-64"}"#)
        let decoder = JSONDecoder()
        #expect(try decoder.decode(Holder.self, from: Data(#"{"lengths":24}"#.utf8)) == single)
        #expect(try decoder.decode(Holder.self, from: Data(#"{"lengths":"16-64"}"#.utf8)) == range)
        #expect(try decoder.decode(Holder.self, from: Data(#"{"lengths":"24"}"#.utf8)) == single)
        for bad in [#"{"lengths":1}"#, #"{"lengths":"64-16"}"#, #"{"lengths":"x"}"#, #"{"lengths":true}"#] {
            #expect(throws: DecodingError.self, "\(bad)") { try decoder.decode(Holder.self, from: Data(bad.utf8)) }
        }
    }

    @Test func anItemReadAtAnotherLengthIsTheItemOfAStreamAtThatLength() throws {
        let task = try TaskCatalog.task(named: "memorize")
        let long = try TestData.stream(task, seed: 3, segmentLength: 64)
        let sixtyFour = try SegmentLengthRange(64)
        #expect(long.segmentLengths == sixtyFour)
        for L in [16, 37, 64] {
            let atL = try TestData.stream(task, seed: 3, segmentLength: L)
            for index in [0, 5, 42] {
                let read = try long.sample(index: index, segments: 2, segmentLength: L)
                let made = try atL.sample(index: index, segments: 2)
                #expect(read.segments == made.segments && read.label == made.label && read.question == made.question)
                #expect(read.segments.allSatisfy { $0.count == L })
            }
        }
        var stream = long
        stream.position = 5
        let next = try stream.next(segments: 1, segmentLength: 20)
        let again = try long.sample(index: 5, segments: 1, segmentLength: 20)
        #expect(stream.position == 6 && next.segments == again.segments)
        #expect(throws: DataError.self) { try long.sample(index: 0, segments: 1, segmentLength: 1) }
    }
}
