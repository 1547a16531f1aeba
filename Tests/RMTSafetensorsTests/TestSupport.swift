// TestSupport: helpers shared by the RMTSafetensors tests — fixture lookup, temporary
// folders, hand-crafted files and an assertion for one-line SafetensorsErrors.
// It contains no tests itself.

import Foundation
import Testing
import RMTSafetensors
import RMTTestSupport

enum TestSupport {
    /// The repository root (shared helper of RMTTestSupport).
    static let repositoryRoot: URL = RMTTestSupport.repositoryRoot()

    /// `Fixtures/safetensors/<name>`.
    static func fixture(_ name: String) -> URL {
        repositoryRoot.appendingPathComponent("Fixtures/safetensors").appendingPathComponent(name)
    }

    /// A fresh, empty temporary folder; the caller removes it.
    static func makeTemporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("rmt-safetensors-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A file made of an 8-byte length (default: the header's size), the header text and
    /// `dataSize` data bytes (0, 1, 2, ... mod 256).
    static func craftedFile(header: String, dataSize: Int = 0, announcedLength: UInt64? = nil) -> Data {
        craftedFile(headerBytes: Array(header.utf8), dataSize: dataSize, announcedLength: announcedLength)
    }

    static func craftedFile(headerBytes: [UInt8], dataSize: Int = 0, announcedLength: UInt64? = nil) -> Data {
        var file = Data()
        let length = announcedLength ?? UInt64(headerBytes.count)
        withUnsafeBytes(of: length.littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: headerBytes)
        file.append(contentsOf: (0..<dataSize).map { UInt8(truncatingIfNeeded: $0) })
        return file
    }

    /// A header with one F32 tensor entry; `fields` is the JSON inside the entry's braces.
    static func singleEntryHeader(_ fields: String, name: String = "t") -> String {
        "{\"\(name)\":{\(fields)}}"
    }

    static let badPath = "/fixtures/bad-input.safetensors"

    /// Expects `SafetensorsFile(data:path:)` to reject `data` with a one-line error that
    /// names the path and contains `phrase`.
    static func expectRejected(
        _ data: Data, saying phrase: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let file = try SafetensorsFile(data: data, path: badPath)
            Issue.record("accepted a bad file with \(file.tensors.count) tensors; expected '\(phrase)'",
                         sourceLocation: sourceLocation)
        } catch let error as SafetensorsError {
            expectOneLine(error, path: badPath, saying: phrase, sourceLocation: sourceLocation)
        } catch {
            Issue.record("threw \(type(of: error)), not SafetensorsError: \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Expects `body` to throw a one-line SafetensorsError naming `path` and containing `phrase`.
    static func expectError(
        path: String, saying phrase: String, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("no error thrown; expected '\(phrase)'", sourceLocation: sourceLocation)
        } catch let error as SafetensorsError {
            expectOneLine(error, path: path, saying: phrase, sourceLocation: sourceLocation)
        } catch {
            Issue.record("threw \(type(of: error)), not SafetensorsError: \(error)", sourceLocation: sourceLocation)
        }
    }

    static func expectOneLine(
        _ error: SafetensorsError, path: String, saying phrase: String, sourceLocation: SourceLocation
    ) {
        let text = error.description
        #expect(!text.contains("\n") && !text.contains("\r"), "not one line: \(text)", sourceLocation: sourceLocation)
        #expect(text.hasPrefix(path + ": "), "does not start with the path: \(text)", sourceLocation: sourceLocation)
        #expect(text.contains(phrase), "'\(phrase)' not in: \(text)", sourceLocation: sourceLocation)
    }

    /// Bit patterns, so NaNs compare equal and -0 differs from 0.
    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }
}
