// AtomicWriteTests: SafetensorsWriter.write(to:) replaces files atomically — a reader
// sees the old or the new file, never a mix — and leaves no temporary files behind,
// whether it succeeds or fails.

import Foundation
import Testing
import RMTSafetensors

@Suite("Atomic write")
struct AtomicWriteTests {
    /// A writer whose single tensor is `count` copies of `value`.
    private func writer(filledWith value: Float, count: Int) throws -> SafetensorsWriter {
        var writer = SafetensorsWriter(metadata: ["fill": "\(value)"])
        try writer.add("x", shape: [count], floats: [Float](repeating: value, count: count))
        return writer
    }

    private func folderContents(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func writtenFileReadsBack() throws {
        let folder = try TestSupport.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        let writer = try writer(filledWith: 1.5, count: 10)
        try writer.write(to: url)
        #expect(try Data(contentsOf: url) == writer.serialized())
        #expect(try SafetensorsFile(contentsOf: url).floats("x") == [Float](repeating: 1.5, count: 10))
        #expect(try folderContents(folder) == ["model.safetensors"])
    }

    @Test func overwriteReplacesTheOldFileAndLeavesNoTemporaryFiles() throws {
        let folder = try TestSupport.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        try writer(filledWith: 1, count: 1000).write(to: url)
        let opened = try SafetensorsFile(contentsOf: url)   // mapped before the overwrite
        let newer = try writer(filledWith: 2, count: 10)
        try newer.write(to: url)
        #expect(try Data(contentsOf: url) == newer.serialized())
        #expect(try folderContents(folder) == ["model.safetensors"])
        // The instance opened before keeps reading the old, complete file.
        #expect(try opened.floats("x") == [Float](repeating: 1, count: 1000))
    }

    @Test func concurrentReadersSeeOldOrNewContentOnly() async throws {
        let folder = try TestSupport.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        let first = try writer(filledWith: 1, count: 64 * 1024)
        let second = try writer(filledWith: 2, count: 32 * 1024)
        let valid = [try first.serialized(), try second.serialized()]
        try first.write(to: url)

        async let writes: Void = Task.detached {
            for round in 0..<30 { try (round % 2 == 0 ? second : first).write(to: url) }
        }.value
        async let badReads: Int = Task.detached {
            var bad = 0
            for _ in 0..<200 {
                let seen = try Data(contentsOf: url)
                if !valid.contains(seen) { bad += 1 }
            }
            return bad
        }.value
        try await writes
        #expect(try await badReads == 0)
        #expect(try folderContents(folder) == ["model.safetensors"])
    }

    @Test func failedRenameKeepsTheTargetAndCleansUp() throws {
        let folder = try TestSupport.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The target is a non-empty folder: rename(2) must fail.
        let target = folder.appendingPathComponent("model.safetensors")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data([1]).write(to: target.appendingPathComponent("keep"))
        TestSupport.expectError(path: target.path, saying: "cannot move the new file into place") {
            try writer(filledWith: 3, count: 4).write(to: target)
        }
        #expect(try folderContents(folder) == ["model.safetensors"])
        #expect(try folderContents(target) == ["keep"])
    }

    @Test func missingFolderIsAnErrorNamingThePath() throws {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/model.safetensors")
        TestSupport.expectError(path: url.path, saying: "cannot create a temporary file") {
            try writer(filledWith: 3, count: 4).write(to: url)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}
