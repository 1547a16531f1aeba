// ReaderAPITests: errors from asking a valid file for the wrong thing (unknown names,
// wrong dtypes, wrong destination sizes), and writer misuse.

import Foundation
import Testing
import RMTSafetensors

@Suite("Reader and writer misuse")
struct ReaderAPITests {
    private func sampleFile() throws -> SafetensorsFile {
        var writer = SafetensorsWriter()
        try writer.add("f", shape: [2], floats: [1, 2])
        try writer.add("i", shape: [2], int64s: [1, 2])
        try writer.add("u64", dtype: .u64, shape: [1], rawBytes: Data(repeating: 0xFF, count: 8))
        try writer.add("flag", dtype: .bool, shape: [1], rawBytes: Data([1]))
        return try SafetensorsFile(data: try writer.serialized(), path: "sample.safetensors")
    }

    @Test func unknownNameIsAnError() throws {
        let file = try sampleFile()
        #expect(file.info("missing") == nil)
        TestSupport.expectError(path: "sample.safetensors", saying: "no tensor named 'missing'") { _ = try file.floats("missing") }
        TestSupport.expectError(path: "sample.safetensors", saying: "no tensor named 'missing'") { _ = try file.int64s("missing") }
        TestSupport.expectError(path: "sample.safetensors", saying: "no tensor named 'missing'") { _ = try file.rawBytes("missing") }
    }

    @Test func integerTensorIsNotReadableAsFloats() throws {
        let file = try sampleFile()
        TestSupport.expectError(path: "sample.safetensors", saying: "tensor 'i' has dtype I64, which cannot be read as Float") {
            _ = try file.floats("i")
        }
    }

    @Test func floatTensorIsNotReadableAsInt64s() throws {
        let file = try sampleFile()
        TestSupport.expectError(path: "sample.safetensors", saying: "tensor 'f' has dtype F32, which cannot be read as Int64") {
            _ = try file.int64s("f")
        }
    }

    @Test func u64AndBoolAreNotReadableAsInt64s() throws {
        let file = try sampleFile()
        TestSupport.expectError(path: "sample.safetensors", saying: "dtype U64") { _ = try file.int64s("u64") }
        TestSupport.expectError(path: "sample.safetensors", saying: "dtype BOOL") { _ = try file.int64s("flag") }
    }

    @Test func copyFloatsRejectsWrongDestinationSize() throws {
        let file = try sampleFile()
        var tooSmall = [Float](repeating: 0, count: 1)
        TestSupport.expectError(path: "sample.safetensors", saying: "tensor 'f' has 2 elements but the destination holds 1 floats") {
            try tooSmall.withUnsafeMutableBufferPointer { try file.copyFloats("f", into: $0) }
        }
        #expect(tooSmall == [0])
    }

    @Test func errorDescriptionIsPathColonProblem() {
        let error = SafetensorsError(path: "a/b.safetensors", problem: "two\nlines")
        #expect(error.description == "a/b.safetensors: two\\u{a}lines")
    }

    @Test func writerRejectsDuplicateNames() throws {
        var writer = SafetensorsWriter()
        try writer.add("x", shape: [1], floats: [1])
        TestSupport.expectError(path: "<writer>", saying: "duplicate tensor name 'x'") {
            try writer.add("x", shape: [1], int64s: [1])
        }
        #expect(writer.count == 1)
    }

    @Test func writerRejectsMetadataKeywordAsName() {
        var writer = SafetensorsWriter()
        TestSupport.expectError(path: "<writer>", saying: "'__metadata__' cannot be a tensor name") {
            try writer.add("__metadata__", shape: [1], floats: [1])
        }
    }

    @Test func writerRejectsCountMismatch() {
        var writer = SafetensorsWriter()
        TestSupport.expectError(path: "<writer>", saying: "shape [2, 3] has 6 elements but 5 values were given") {
            try writer.add("x", shape: [2, 3], floats: [1, 2, 3, 4, 5])
        }
    }

    @Test func writerRejectsNegativeDimension() {
        var writer = SafetensorsWriter()
        TestSupport.expectError(path: "<writer>", saying: "negative dimension -2") {
            try writer.add("x", shape: [-2, -3], floats: [1, 2, 3, 4, 5, 6])
        }
    }

    @Test func writerRejectsOverflowingShape() {
        var writer = SafetensorsWriter()
        TestSupport.expectError(path: "<writer>", saying: "overflows the element count") {
            try writer.add("x", shape: [Int.max, 2], int64s: [])
        }
    }

    @Test func writerRejectsRawByteCountMismatch() {
        var writer = SafetensorsWriter()
        TestSupport.expectError(path: "<writer>", saying: "needs 4 bytes but 3 were given") {
            try writer.add("x", dtype: .bf16, shape: [2], rawBytes: Data([1, 2, 3]))
        }
    }
}
