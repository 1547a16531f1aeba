// HalfPrecisionTests: F16/BF16 conversions, checked exhaustively where that is cheap.
// Reference values come from Swift's Float16 where the platform has it, and from the
// definition of bfloat16 (the top 16 bits of a Float).

import Foundation
import Testing
import RMTSafetensors

@Suite("Half-precision conversions")
struct HalfPrecisionTests {
    /// A file holding every 16-bit pattern once, as `dtype`.
    private func allPatternsFile(as dtype: SafetensorsDType) throws -> SafetensorsFile {
        var bytes = Data(capacity: 65536 * 2)
        for pattern in 0...UInt16.max {
            bytes.append(UInt8(pattern & 0xFF))
            bytes.append(UInt8(pattern >> 8))
        }
        var writer = SafetensorsWriter()
        try writer.add("all", dtype: dtype, shape: [65536], rawBytes: bytes)
        return try SafetensorsFile(data: try writer.serialized())
    }

    @Test func bf16WideningIsTheTopHalfOfAFloat() throws {
        let widened = try allPatternsFile(as: .bf16).floats("all")
        for pattern in 0...UInt16.max {
            #expect(widened[Int(pattern)].bitPattern == UInt32(pattern) << 16)
        }
    }

    #if !(os(macOS) && arch(x86_64))
    @Test func f16WideningMatchesFloat16ForEveryPattern() throws {
        let widened = try allPatternsFile(as: .f16).floats("all")
        var mismatches = 0
        for pattern in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: pattern))
            let got = widened[Int(pattern)]
            if expected.isNaN {
                // NaNs: sign and payload kept, and quiet (like F16C hardware and PyTorch).
                let quietPayload = UInt32(pattern & 0x3FF) << 13 | 0x0040_0000
                let sign = UInt32(pattern & 0x8000) << 16
                if got.bitPattern != sign | 0x7F80_0000 | quietPayload { mismatches += 1 }
            } else if got.bitPattern != expected.bitPattern {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    @Test func f16NarrowingMatchesFloat16RoundToNearestEven() throws {
        // Every half value, the midpoints between neighbours (ties) and points just
        // beside them, plus assorted floats across the whole range.
        var inputs: [Float] = []
        for pattern in UInt16(0)..<0x7C00 {
            let low = Float(Float16(bitPattern: pattern))
            let high = Float(Float16(bitPattern: pattern + 1))
            let middle = (low + high) / 2
            inputs += [low, middle, middle.nextUp, middle.nextDown]
        }
        inputs += [.leastNonzeroMagnitude, 0x1p-133, 1e-10, 2.9802322e-8, 5.9604645e-8, 6.1035156e-5, 65519.996, 65504]
        inputs += inputs.map { -$0 }
        inputs = inputs.filter { abs($0) < 65520 }
        var writer = SafetensorsWriter()
        try writer.addFloat16("x", shape: [inputs.count], floats: inputs)
        let file = try SafetensorsFile(data: try writer.serialized())
        let stored = try file.rawBytes("x")
        var mismatches: [Float] = []
        for (i, value) in inputs.enumerated() {
            let bits = UInt16(stored[stored.startIndex + 2 * i]) | UInt16(stored[stored.startIndex + 2 * i + 1]) << 8
            if bits != Float16(value).bitPattern { mismatches.append(value) }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }
    #endif

    @Test func f16NarrowingKnownValues() throws {
        let cases: [(Float, UInt16)] = [
            (0, 0x0000), (-0.0, 0x8000), (1, 0x3C00), (-2, 0xC000), (65504, 0x7BFF),
            (65519.99, 0x7BFF),                  // just below the overflow threshold
            (0x1p-24, 0x0001),                   // smallest subnormal
            (0x1p-25, 0x0000),                   // tie between 0 and 2^-24: even → 0
            (0x1.8p-24, 0x0002),                 // tie between 1 and 2 ulps: even → 2
            (0x1p-14, 0x0400),                   // smallest normal
            (1.0009765625, 0x3C01),              // 1 + 2^-10
            (1.00048828125, 0x3C00),             // 1 + 2^-11: tie, even → 1
            (1.00146484375, 0x3C02),             // 1 + 3·2^-11: tie, even → 1 + 2^-9
            (.infinity, 0x7C00), (-.infinity, 0xFC00),
        ]
        var writer = SafetensorsWriter()
        try writer.addFloat16("x", shape: [cases.count], floats: cases.map(\.0))
        let stored = Array(try SafetensorsFile(data: try writer.serialized()).rawBytes("x"))
        for (i, (value, expected)) in cases.enumerated() {
            let bits = UInt16(stored[2 * i]) | UInt16(stored[2 * i + 1]) << 8
            #expect(bits == expected, "\(value) → \(String(bits, radix: 16)), expected \(String(expected, radix: 16))")
        }
    }

    @Test func f16NaNStaysNaN() throws {
        var writer = SafetensorsWriter()
        try writer.addFloat16("x", shape: [2], floats: [.nan, -.nan])
        let read = try SafetensorsFile(data: try writer.serialized()).floats("x")
        #expect(read[0].isNaN && read[1].isNaN)
        #expect(read[1].sign == .minus)
    }

    @Test(arguments: [Float(65520), 70000, -1e10, .greatestFiniteMagnitude])
    func f16OutOfRangeIsAnError(value: Float) {
        var writer = SafetensorsWriter()
        TestSupport.expectError(path: "<writer>", saying: "out of range for F16") {
            try writer.addFloat16("big", shape: [2], floats: [1, value])
        }
        #expect(writer.count == 0)
    }

    @Test func f64IsNarrowedToNearestFloat() throws {
        let doubles: [Double] = [0.1, 1e300, -1e-300, 1 + 0x1p-30, 16777217]
        var raw = Data()
        for value in doubles { withUnsafeBytes(of: value.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
        var writer = SafetensorsWriter()
        try writer.add("d", dtype: .f64, shape: [5], rawBytes: raw)
        let read = try SafetensorsFile(data: try writer.serialized()).floats("d")
        #expect(TestSupport.bits(read) == TestSupport.bits(doubles.map { Float($0) }))
    }
}
