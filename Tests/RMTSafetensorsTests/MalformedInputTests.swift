// MalformedInputTests: one test per kind of bad file. Each must be rejected with a
// one-line SafetensorsError naming the file and the problem — never a crash.
// Files are crafted in memory with TestSupport.craftedFile; a few go through the disk.

import Foundation
import Testing
import RMTSafetensors

private func expectRejected(_ data: Data, _ phrase: String, sourceLocation: SourceLocation = #_sourceLocation) {
    TestSupport.expectRejected(data, saying: phrase, sourceLocation: sourceLocation)
}

/// `crafted(header, dataSize, announcedLength)`; nil length means the header's own size.
private func crafted(_ header: String, _ dataSize: Int, _ announcedLength: UInt64?) -> Data {
    TestSupport.craftedFile(header: header, dataSize: dataSize, announcedLength: announcedLength)
}

private func entry(_ fields: String) -> String { TestSupport.singleEntryHeader(fields) }

@Suite("Malformed files are rejected with one-line errors")
struct MalformedInputTests {
    // MARK: Length prefix and header size

    @Test func emptyFile() {
        expectRejected(Data(), "too short for the 8-byte header length")
    }

    @Test func fileShorterThanEightBytes() {
        expectRejected(Data([8, 0, 0, 0, 0]), "file is 5 bytes, too short")
    }

    @Test func headerShorterThanAnnounced() throws {
        var writer = SafetensorsWriter()
        try writer.add("x", shape: [4], floats: [1, 2, 3, 4])
        let whole = try writer.serialized()
        expectRejected(whole.prefix(20), "exceeds the file size 20")
    }

    @Test func headerLengthPastEndOfFile() {
        expectRejected(crafted("{}", 0, 4096), "header length 4096 exceeds the file size 10")
    }

    @Test func absurdHeaderSize() {
        expectRejected(crafted("{}", 0, 100_000_001), "header size 100000001 exceeds the limit of 100000000 bytes")
    }

    @Test func headerSizeOfUInt64Max() {
        expectRejected(crafted("{}", 0, .max), "header size 18446744073709551615 exceeds the limit")
    }

    // MARK: Header text

    @Test func headerNotValidUTF8() {
        let bytes: [UInt8] = Array("{\"a".utf8) + [0xC3, 0x28] + Array("\":{}}".utf8)
        expectRejected(TestSupport.craftedFile(headerBytes: bytes), "header is not valid UTF-8")
    }

    @Test func headerWithOverlongUTF8() {
        let bytes: [UInt8] = Array("{\"".utf8) + [0xC0, 0xAF] + Array("\":{}}".utf8)
        expectRejected(TestSupport.craftedFile(headerBytes: bytes), "header is not valid UTF-8")
    }

    @Test func emptyHeader() {
        expectRejected(crafted("", 0, nil), "invalid JSON in header at byte 0: the header is empty")
    }

    @Test func invalidJSON() {
        expectRejected(crafted("{\"t\":{\"dtype\":\"F32\",", 0, nil), "invalid JSON in header at byte")
    }

    @Test func trailingDataAfterJSONObject() {
        expectRejected(crafted("{}\u{0}", 0, nil), "unexpected data after the JSON object")
    }

    @Test func headerIsAnArray() {
        expectRejected(crafted("[]      ", 0, nil), "header is an array, not a JSON object")
    }

    @Test func headerIsAString() {
        expectRejected(crafted("\"{}\"", 0, nil), "header is a string, not a JSON object")
    }

    @Test func unescapedControlCharacterInString() {
        expectRejected(crafted("{\"a\u{1}\":{}}", 0, nil), "control character in string")
    }

    @Test func loneSurrogateEscape() {
        expectRejected(crafted(#"{"\ud800":{}}"#, 0, nil), "unpaired surrogate")
    }

    @Test func deeplyNestedUnknownField() {
        let nested = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        expectRejected(crafted(entry("\"extra\":\(nested)"), 0, nil), "nested more than 128 levels deep")
    }

    @Test func missingValueIsASyntaxErrorNotATypeError() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":}"#), 0, nil), "invalid JSON in header at byte 28: expected a value")
    }

    @Test func badNumberSyntax() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[01],"data_offsets":[0,4]"#), 4, nil), "leading zero")
    }

    // MARK: Tensor entries

    @Test func entryIsNotAnObject() {
        expectRejected(crafted(#"{"t":[1,2]}"#, 0, nil), "tensor 't': entry must be a JSON object, found an array")
    }

    @Test func missingDType() {
        expectRejected(crafted(entry(#""shape":[1],"data_offsets":[0,4]"#), 4, nil), "tensor 't': missing 'dtype'")
    }

    @Test func missingShape() {
        expectRejected(crafted(entry(#""dtype":"F32","data_offsets":[0,4]"#), 4, nil), "tensor 't': missing 'shape'")
    }

    @Test func missingDataOffsets() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[1]"#), 4, nil), "tensor 't': missing 'data_offsets'")
    }

    @Test func dtypeOfWrongJSONType() {
        expectRejected(crafted(entry(#""dtype":32,"shape":[1],"data_offsets":[0,4]"#), 4, nil),
                       "tensor 't': 'dtype' must be a string, found a number")
    }

    @Test func shapeOfWrongJSONType() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":"[1]","data_offsets":[0,4]"#), 4, nil),
                       "tensor 't': 'shape' must be an array of integers, found a string")
    }

    @Test func shapeContainingAString() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":["1"],"data_offsets":[0,4]"#), 4, nil),
                       "'shape' must be an array of integers, found a string inside")
    }

    @Test func dataOffsetsOfWrongJSONType() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[1],"data_offsets":{"begin":0}"#), 4, nil),
                       "tensor 't': 'data_offsets' must be an array of integers, found an object")
    }

    @Test func unknownDType() {
        expectRejected(crafted(entry(#""dtype":"F7","shape":[1],"data_offsets":[0,4]"#), 4, nil),
                       "tensor 't': unknown dtype 'F7'")
    }

    @Test func subByteDTypeIsUnknown() {
        expectRejected(crafted(entry(#""dtype":"F4","shape":[2],"data_offsets":[0,1]"#), 1, nil), "unknown dtype 'F4'")
    }

    @Test func negativeDimension() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[-1],"data_offsets":[0,4]"#), 4, nil),
                       "tensor 't': negative dimension -1 in 'shape'")
    }

    @Test func fractionalDimension() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[1.5],"data_offsets":[0,4]"#), 4, nil),
                       "non-integer dimension 1.5 in 'shape'")
    }

    @Test func integralLookingFloatDimension() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[1.0],"data_offsets":[0,4]"#), 4, nil),
                       "non-integer dimension 1.0")
    }

    @Test func exponentDimension() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[1e0],"data_offsets":[0,4]"#), 4, nil),
                       "non-integer dimension 1e0")
    }

    @Test func dimensionLargerThanInt() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[99999999999999999999999],"data_offsets":[0,4]"#), 4, nil),
                       "dimension 99999999999999999999999 is too large")
    }

    @Test func shapeProductOverflow() {
        expectRejected(crafted(entry(#""dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,4]"#), 4, nil),
                       "overflows the element count")
    }

    @Test func byteSizeOverflow() {
        // 2^61 elements fit in Int, 2^61 × 4 bytes do not.
        expectRejected(crafted(entry(#""dtype":"F32","shape":[2305843009213693952],"data_offsets":[0,4]"#), 4, nil),
                       "overflows the element count")
    }

    @Test func dataOffsetsWithOneValue() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[1],"data_offsets":[4]"#), 4, nil),
                       "'data_offsets' must be [begin, end], got 1 values")
    }

    @Test func dataOffsetsWithThreeValues() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[1],"data_offsets":[0,4,4]"#), 4, nil),
                       "'data_offsets' must be [begin, end], got 3 values")
    }

    @Test func dataOffsetsBeginAfterEnd() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[1],"data_offsets":[4,0]"#), 4, nil),
                       "data_offsets begin 4 is after end 0")
    }

    @Test func negativeDataOffset() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[1],"data_offsets":[-4,0]"#), 4, nil),
                       "negative data offset -4")
    }

    @Test func shapeDisagreesWithByteLength() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[2,3],"data_offsets":[0,20]"#), 20, nil),
                       "shape [2, 3] of F32 needs 24 bytes but data_offsets [0, 20] span 20")
    }

    // MARK: Layout in the data section

    @Test func offsetsPastEndOfDataSection() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[4],"data_offsets":[0,16]"#), 12, nil),
                       "data_offsets [0, 16] go past the end of the data section (12 bytes")
    }

    @Test func truncatedDataSection() throws {
        var writer = SafetensorsWriter()
        try writer.add("x", shape: [4], floats: [1, 2, 3, 4])
        let whole = try writer.serialized()
        expectRejected(whole.dropLast(3), "go past the end of the data section")
    }

    @Test func overlappingTensors() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        expectRejected(crafted(header, 12, nil), "tensor 'b' (data_offsets [4, 12]) overlaps tensor 'a', which ends at byte 8")
    }

    @Test func identicalOffsetsForTwoTensors() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
            + #""b":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}"#
        expectRejected(crafted(header, 4, nil), "overlaps tensor 'a'")
    }

    @Test func gapBetweenTensors() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
            + #""b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        expectRejected(crafted(header, 12, nil), "gap in the data section: bytes 4..<8 belong to no tensor (before tensor 'b')")
    }

    @Test func dataNotStartingAtZero() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[1],"data_offsets":[4,8]"#), 8, nil),
                       "gap in the data section: bytes 0..<4")
    }

    @Test func trailingBytesAfterLastTensor() {
        expectRejected(crafted(entry(#""dtype":"F32","shape":[1],"data_offsets":[0,4]"#), 6, nil),
                       "bytes 4..<6 at the end of the data section belong to no tensor")
    }

    @Test func dataBytesWithNoTensors() {
        expectRejected(crafted("{}", 3, nil), "bytes 0..<3 at the end of the data section belong to no tensor")
    }

    // MARK: Duplicates and metadata

    @Test func duplicateTensorNames() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
            + #""a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        expectRejected(crafted(header, 8, nil), "duplicate tensor name 'a'")
    }

    @Test func duplicateTensorNamesWrittenWithDifferentEscapes() {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
            + #""\u0061":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        expectRejected(crafted(header, 8, nil), "duplicate tensor name 'a'")
    }

    @Test func duplicateFieldInEntry() {
        expectRejected(crafted(entry(#""dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]"#), 4, nil),
                       "tensor 't': duplicate field 'dtype'")
    }

    @Test func duplicateMetadataKeyword() {
        expectRejected(crafted(#"{"__metadata__":{},"__metadata__":{}}"#, 0, nil), "duplicate '__metadata__' key")
    }

    @Test func metadataIsNotAnObject() {
        expectRejected(crafted(#"{"__metadata__":"format=pt"}"#, 0, nil),
                       "'__metadata__' must be an object of strings, found a string")
    }

    @Test func metadataIsAnArray() {
        expectRejected(crafted(#"{"__metadata__":[["format","pt"]]}"#, 0, nil),
                       "'__metadata__' must be an object of strings, found an array")
    }

    @Test func metadataValueIsNotAString() {
        expectRejected(crafted(#"{"__metadata__":{"epochs":3}}"#, 0, nil),
                       "'__metadata__' value for 'epochs' must be a string, found a number")
    }

    @Test func metadataWithDuplicateKey() {
        expectRejected(crafted(#"{"__metadata__":{"k":"1","k":"2"}}"#, 0, nil), "duplicate key 'k' in '__metadata__'")
    }

    // MARK: Messages stay one line

    @Test func hostileTensorNameStaysOnOneLine() {
        let header = #"{"evil\nname\r\u2028":{"dtype":"F99","shape":[1],"data_offsets":[0,4]}}"#
        expectRejected(crafted(header, 4, nil), "unknown dtype 'F99'")
    }

    @Test func veryLongTensorNameIsShortened() throws {
        let name = String(repeating: "n", count: 10_000)
        let header = "{\"\(name)\":{\"dtype\":\"F99\",\"shape\":[1],\"data_offsets\":[0,4]}}"
        do {
            _ = try SafetensorsFile(data: crafted(header, 4, nil), path: "p")
            Issue.record("accepted")
        } catch let error as SafetensorsError {
            #expect(error.description.count < 400)
        }
    }

    // MARK: Through the file system

    @Test func missingFileNamesThePath() {
        let url = URL(fileURLWithPath: "/nonexistent-folder/model.safetensors")
        TestSupport.expectError(path: url.path, saying: "cannot read the file") {
            _ = try SafetensorsFile(contentsOf: url)
        }
    }

    @Test func badFileOnDiskNamesThePath() throws {
        let folder = try TestSupport.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("broken.safetensors")
        try crafted("{}", 0, 999).write(to: url)
        TestSupport.expectError(path: url.path, saying: "header length 999 exceeds the file size 10") {
            _ = try SafetensorsFile(contentsOf: url)
        }
    }
}

/// Inputs the reference implementation accepts, and so do we.
@Suite("Lenient cases accepted like the reference implementation")
struct AcceptedEdgeCaseTests {
    @Test func whitespaceAroundTheHeaderObject() throws {
        let file = try SafetensorsFile(data: crafted(" \n\t{ \"t\" : { \"dtype\" : \"F32\" , \"shape\" : [ 1 ] , \"data_offsets\" : [ 0 , 4 ] } }\r\n  ", 4, nil))
        #expect(file.info("t")?.shape == [1])
    }

    @Test func nullMetadataIsEmpty() throws {
        let file = try SafetensorsFile(data: crafted(#"{"__metadata__":null}"#, 0, nil))
        #expect(file.metadata.isEmpty)
    }

    @Test func unknownEntryFieldsAreIgnored() throws {
        let file = try SafetensorsFile(data: crafted(entry(#""dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":{"x":[1,true,null,"s",-2.5e3]}"#), 4, nil))
        #expect(file.info("t")?.dtype == .f32)
    }

    @Test func emptyTensorsMaySharePositions() throws {
        let header = #"{"b":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"#
            + #""a":{"dtype":"I64","shape":[3,0],"data_offsets":[0,0]},"#
            + #""c":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let file = try SafetensorsFile(data: crafted(header, 4, nil))
        #expect(file.tensors.map(\.name) == ["a", "b", "c"])
    }

    @Test func headerEntriesInAnyOrder() throws {
        let header = #"{"late":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"#
            + #""early":{"data_offsets":[0,4],"shape":[1],"dtype":"F32"}}"#
        let file = try SafetensorsFile(data: crafted(header, 8, nil))
        #expect(file.tensors.map(\.name) == ["early", "late"])
    }

    @Test func negativeZeroIsZero() throws {
        let file = try SafetensorsFile(data: crafted(entry(#""dtype":"F32","shape":[-0],"data_offsets":[0,0]"#), 0, nil))
        #expect(file.info("t")?.shape == [0])
    }
}
