// MiniLMCheckpointTests: reading the real all-MiniLM-L6-v2 checkpoint (90 MB).
// The file is not committed. Folder: $RMT_MINILM_DIR, else ~/.cache/rmt/all-MiniLM-L6-v2
// (Scripts/fetch-minilm.sh puts it there). If it is missing these tests are skipped —
// unless RMT_REQUIRE_MINILM=1 (as in CI), in which case `checkpointIsPresentWhenRequired` fails.

import Foundation
import Testing
import RMTSafetensors

enum MiniLMCheckpoint {
    static let folder: URL = {
        if let custom = ProcessInfo.processInfo.environment["RMT_MINILM_DIR"], !custom.isEmpty {
            return URL(fileURLWithPath: custom)
        }
        return FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/rmt/all-MiniLM-L6-v2")
    }()
    static let url = folder.appendingPathComponent("model.safetensors")
    static let isPresent = FileManager.default.fileExists(atPath: url.path)
    static let isRequired = ProcessInfo.processInfo.environment["RMT_REQUIRE_MINILM"] == "1"
}

@Suite("Real checkpoint: all-MiniLM-L6-v2")
struct MiniLMCheckpointTests {
    @Test(.enabled(if: MiniLMCheckpoint.isRequired, "only checked when RMT_REQUIRE_MINILM=1"))
    func checkpointIsPresentWhenRequired() {
        #expect(MiniLMCheckpoint.isPresent, "RMT_REQUIRE_MINILM=1 but \(MiniLMCheckpoint.url.path) is missing; run Scripts/fetch-minilm.sh")
    }

    // Skipped (not failed) when the checkpoint is absent and not required: the file is
    // a 90 MB download that plain `swift test` should not need.
    @Test(.enabled(if: MiniLMCheckpoint.isPresent, "MiniLM checkpoint not found; run Scripts/fetch-minilm.sh"))
    func headerMatchesTheKnownCheckpoint() throws {
        let file = try SafetensorsFile(contentsOf: MiniLMCheckpoint.url)
        #expect(file.tensors.count == 104)
        #expect(file.metadata == ["format": "pt"])
        #expect(file.tensors.filter { $0.dtype == .f32 }.count == 103)
        #expect(file.info("embeddings.word_embeddings.weight")?.shape == [30522, 384])
        #expect(file.info("embeddings.position_ids")?.dtype == .i64)
        #expect(file.info("embeddings.position_ids")?.shape == [1, 512])
        #expect(file.info("encoder.layer.5.output.LayerNorm.bias")?.shape == [384])
        #expect(file.info("pooler.dense.weight")?.shape == [384, 384])
        #expect(file.info("embeddings.token_type_embeddings.weight")?.shape == [2, 384])
    }

    @Test(.enabled(if: MiniLMCheckpoint.isPresent, "MiniLM checkpoint not found; run Scripts/fetch-minilm.sh"))
    func valuesMatchPython() throws {
        let file = try SafetensorsFile(contentsOf: MiniLMCheckpoint.url)
        // Bit patterns of the first three and the last element, and float64 sums, from Python.
        let expected: [(String, [UInt32], UInt32, Double)] = [
            ("embeddings.word_embeddings.weight", [0xBCA3_C000, 0xBB5F_0000, 0xBC70_8000], 0x3B95_C079, 138.05072214923618),
            ("encoder.layer.5.output.LayerNorm.bias", [0xBD14_B711, 0x3D87_81CE, 0x3C74_E03E], 0x3D87_6C04, 7.2105114300965525),
            ("pooler.dense.weight", [0xBC77_E000, 0xBCB7_E000, 0xBB95_E000], 0xBC68_6000, -8.150986969470978),
        ]
        for (name, firstBits, lastBits, sum) in expected {
            let values = try file.floats(name)
            #expect(TestSupport.bits(Array(values.prefix(3))) == firstBits, "\(name)")
            #expect(values.last?.bitPattern == lastBits, "\(name)")
            let total = values.reduce(0.0) { $0 + Double($1) }
            #expect(abs(total - sum) < 1e-5, "\(name): sum \(total) vs \(sum)")
        }
        let positions = try file.int64s("embeddings.position_ids")
        #expect(positions == (0..<512).map { Int64($0) })
    }

    @Test(.enabled(if: MiniLMCheckpoint.isPresent, "MiniLM checkpoint not found; run Scripts/fetch-minilm.sh"))
    func everyTensorReads() throws {
        let file = try SafetensorsFile(contentsOf: MiniLMCheckpoint.url)
        for info in file.tensors where info.dtype == .f32 {
            var buffer = [Float](repeating: .nan, count: info.elementCount)
            try buffer.withUnsafeMutableBufferPointer { try file.copyFloats(info.name, into: $0) }
            #expect(buffer.allSatisfy { $0.isFinite }, "\(info.name)")
        }
    }
}
