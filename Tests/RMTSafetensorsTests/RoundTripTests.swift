// RoundTripTests: SafetensorsWriter → SafetensorsFile for every supported kind of tensor.

import Foundation
import Testing
import RMTSafetensors

@Suite("Writer → reader round trip")
struct RoundTripTests {
    @Test func f32TensorRoundTrips() throws {
        var writer = SafetensorsWriter()
        let values: [Float] = [1, -2.5, .pi, -0.0, .infinity, .leastNonzeroMagnitude]
        try writer.add("weight", shape: [2, 3], floats: values)
        let file = try SafetensorsFile(data: try writer.serialized())
        let info = try #require(file.info("weight"))
        #expect(info.dtype == .f32)
        #expect(info.shape == [2, 3])
        #expect(info.elementCount == 6)
        #expect(info.dataOffsets == 0..<24)
        #expect(TestSupport.bits(try file.floats("weight")) == TestSupport.bits(values))
    }

    @Test func f32FromUnsafeBufferRoundTrips() throws {
        var writer = SafetensorsWriter()
        let values: [Float] = (0..<10).map { Float($0) / 3 }
        try values.withUnsafeBufferPointer { try writer.add("v", shape: [10], floats: $0) }
        let file = try SafetensorsFile(data: try writer.serialized())
        #expect(try file.floats("v") == values)
    }

    @Test func f16TensorRoundTripsWithRounding() throws {
        var writer = SafetensorsWriter()
        let values: [Float] = [0.5, -1, 65504, 1.0 / 3.0, 1e-8, -0.0, .infinity]
        try writer.addFloat16("half", shape: [7], floats: values)
        let file = try SafetensorsFile(data: try writer.serialized())
        #expect(file.info("half")?.dtype == .f16)
        let read = try file.floats("half")
        #expect(Array(read[0..<3]) == [0.5, -1, 65504])
        #expect(read[3] == 0.333251953125)           // nearest half to 1/3
        #expect(read[4] == 0)   // 1e-8 is below half the smallest subnormal (2^-24)
        #expect(read[5].bitPattern == (-0.0 as Float).bitPattern)
        #expect(read[6] == .infinity)
    }

    @Test func i64TensorRoundTrips() throws {
        var writer = SafetensorsWriter()
        let values: [Int64] = [0, 1, -1, .max, .min, 511]
        try writer.add("ids", shape: [1, 6], int64s: values)
        let file = try SafetensorsFile(data: try writer.serialized())
        #expect(file.info("ids")?.dtype == .i64)
        #expect(try file.int64s("ids") == values)
    }

    @Test func scalarWithEmptyShapeHasOneElement() throws {
        var writer = SafetensorsWriter()
        try writer.add("scale", shape: [], floats: [0.125])
        let file = try SafetensorsFile(data: try writer.serialized())
        let info = try #require(file.info("scale"))
        #expect(info.shape == [])
        #expect(info.elementCount == 1)
        #expect(try file.floats("scale") == [0.125])
    }

    @Test func zeroSizeTensorsRoundTrip() throws {
        var writer = SafetensorsWriter()
        try writer.add("empty", shape: [0, 3], floats: [])
        try writer.add("alsoEmpty", shape: [4, 0], int64s: [])
        try writer.add("after", shape: [1], floats: [7])
        let file = try SafetensorsFile(data: try writer.serialized())
        #expect(file.info("empty")?.elementCount == 0)
        #expect(file.info("empty")?.shape == [0, 3])
        #expect(try file.floats("empty") == [])
        #expect(try file.int64s("alsoEmpty") == [])
        #expect(try file.floats("after") == [7])
    }

    @Test func metadataRoundTrips() throws {
        let metadata = ["format": "pt", "note": "line\nbreak \"quoted\" \\ ünïcode ✓", "": "empty key"]
        var writer = SafetensorsWriter(metadata: metadata)
        try writer.add("x", shape: [1], floats: [1])
        let file = try SafetensorsFile(data: try writer.serialized())
        #expect(file.metadata == metadata)
    }

    @Test func emptyFileRoundTrips() throws {
        let data = try SafetensorsWriter().serialized()
        #expect(Array(data) == [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
        let file = try SafetensorsFile(data: data)
        #expect(file.tensors.isEmpty)
        #expect(file.metadata.isEmpty)
    }

    @Test func unusualNamesRoundTrip() throws {
        let names = ["with \"quotes\"", "back\\slash", "tab\tand\nnewline", "ünïcode ✓ 🚀", "", "\u{1}"]
        var writer = SafetensorsWriter()
        for (i, name) in names.enumerated() { try writer.add(name, shape: [1], floats: [Float(i)]) }
        let file = try SafetensorsFile(data: try writer.serialized())
        for (i, name) in names.enumerated() { #expect(try file.floats(name) == [Float(i)]) }
    }

    @Test func rawBytesRoundTripForOtherDTypes() throws {
        var writer = SafetensorsWriter()
        let payloads: [(SafetensorsDType, [Int], [UInt8])] = [
            (.bf16, [2], [0x80, 0x3F, 0x00, 0xC0]),   // 1.0, -2.0
            (.u8, [3], [1, 2, 255]),
            (.bool, [2], [0, 1]),
            (.i16, [1], [0xFE, 0xFF]),
            (.f8E4M3, [2], [0x38, 0xB8]),
            (.c64, [1], Array(repeating: 0, count: 8)),
        ]
        for (dtype, shape, bytes) in payloads {
            try writer.add(dtype.rawValue, dtype: dtype, shape: shape, rawBytes: Data(bytes))
        }
        let file = try SafetensorsFile(data: try writer.serialized())
        for (dtype, shape, bytes) in payloads {
            let info = try #require(file.info(dtype.rawValue))
            #expect(info.dtype == dtype && info.shape == shape)
            #expect(Array(try file.rawBytes(dtype.rawValue)) == bytes)
        }
        #expect(try file.floats("BF16") == [1, -2])
        #expect(try file.int64s("U8") == [1, 2, 255])
        #expect(try file.int64s("I16") == [-2])
    }

    @Test func tensorsAreListedInDataOffsetOrderAndTileTheData() throws {
        var writer = SafetensorsWriter()
        try writer.addFloat16("b", shape: [3], floats: [1, 2, 3])
        try writer.add("a", shape: [2], int64s: [1, 2])
        try writer.add("c", shape: [1], floats: [1])
        let file = try SafetensorsFile(data: try writer.serialized())
        // Descending alignment (I64, F32, F16), as the reference implementation lays out.
        #expect(file.tensors.map(\.name) == ["a", "c", "b"])
        var expectedStart = 0
        for info in file.tensors {
            #expect(info.dataOffsets.lowerBound == expectedStart)
            expectedStart = info.dataOffsets.upperBound
        }
    }

    @Test func copyFloatsFillsCallerMemory() throws {
        var writer = SafetensorsWriter()
        try writer.addFloat16("h", shape: [2, 2], floats: [1, 2, 3, 4])
        let file = try SafetensorsFile(data: try writer.serialized())
        var destination = [Float](repeating: -1, count: 4)
        try destination.withUnsafeMutableBufferPointer { try file.copyFloats("h", into: $0) }
        #expect(destination == [1, 2, 3, 4])
    }

    @Test func readsFromADataSliceWithNonZeroStartIndex() throws {
        var writer = SafetensorsWriter()
        try writer.add("x", shape: [2], floats: [3, 4])
        let padded = Data([9, 9, 9]) + (try writer.serialized())
        let slice = padded[3...]
        #expect(slice.startIndex == 3)
        #expect(try SafetensorsFile(data: slice).floats("x") == [3, 4])
    }
}
