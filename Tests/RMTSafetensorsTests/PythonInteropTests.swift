// PythonInteropTests: reading a file written by the Python `safetensors` library
// (Fixtures/safetensors/python_samples.safetensors, made by
// Fixtures/gen/gen_safetensors_samples.py), and writing it back byte for byte.

import Foundation
import Testing
import RMTSafetensors

@Suite("Interop with files written by Python safetensors")
struct PythonInteropTests {
    let file: SafetensorsFile

    init() throws {
        file = try SafetensorsFile(contentsOf: TestSupport.fixture("python_samples.safetensors"))
    }

    @Test func headerAndMetadata() throws {
        #expect(file.metadata == ["format": "pt"])
        #expect(file.tensors.count == 12)
        #expect(file.info("sampled_f16")?.dtype == .f16)
        #expect(file.info("sampled_bf16")?.dtype == .bf16)
        #expect(file.info("plain_f64")?.dtype == .f64)
        #expect(file.info("matrix_f32")?.shape == [2, 3, 4])
        #expect(file.info("ids_i32")?.dtype == .i32)
    }

    /// Python widened each narrow tensor with torch `.float()`; ours must agree bit for bit.
    @Test(arguments: ["sampled_f16", "sampled_bf16", "plain_f64"])
    func wideningMatchesPythonBitForBit(name: String) throws {
        let ours = try file.floats(name)
        let python = try file.floats(name + "_as_f32")
        #expect(ours.count == python.count)
        #expect(ours.count > 0)
        #expect(TestSupport.bits(ours) == TestSupport.bits(python))
    }

    @Test func plainValues() throws {
        #expect(try file.floats("matrix_f32") == (0..<24).map { Float($0) / 8 })
        #expect(try file.floats("plain_f32")[0...3] == [0, -0.0, 1, -2.5])
        #expect(try file.int64s("ids_i64") == [0, 1, -2, 1 << 62, .min])
        #expect(try file.int64s("ids_i32") == [7, -7, Int64(Int32.max), Int64(Int32.min)])
        #expect(file.info("scalar_f32")?.shape == [])
        #expect(try file.floats("scalar_f32") == [2.5])
        #expect(file.info("empty_f32")?.shape == [0, 3])
        #expect(try file.floats("empty_f32") == [])
    }

    /// Copying every tensor into our writer reproduces Python's file exactly: same layout
    /// order, same compact JSON, same padding.
    @Test func rewritingReproducesPythonBytes() throws {
        var writer = SafetensorsWriter(metadata: file.metadata)
        for info in file.tensors {
            try writer.add(info.name, dtype: info.dtype, shape: info.shape, rawBytes: try file.rawBytes(info.name))
        }
        let original = try Data(contentsOf: TestSupport.fixture("python_samples.safetensors"))
        #expect(try writer.serialized() == original)
    }
}
