// ElementConversion: bit-exact conversions between stored elements and Swift numbers.
// Half precision is done by hand (bit manipulation) so the module builds on every
// platform, including those where Swift's `Float16` is unavailable. All loads are
// little-endian and unaligned-safe. It does not know about files or headers.

enum ElementConversion {
    // MARK: 16-bit floats

    /// Widens IEEE binary16 bits to Float exactly. A NaN keeps its sign and payload and is
    /// made quiet, as x86 F16C hardware and PyTorch's `.float()` do, so results match the
    /// Python side bit for bit.
    static func float(fromFloat16Bits half: UInt16) -> Float {
        let sign = UInt32(half & 0x8000) << 16
        let exponent = UInt32(half >> 10) & 0x1F
        let mantissa = UInt32(half & 0x03FF)
        switch exponent {
        case 0x1F:   // infinity or NaN
            let quiet: UInt32 = mantissa == 0 ? 0 : 0x0040_0000
            return Float(bitPattern: sign | 0x7F80_0000 | quiet | mantissa << 13)
        case 0:      // zero or subnormal: mantissa × 2^-24, exact in Float
            let magnitude = Float(mantissa) * 0x1p-24
            return Float(bitPattern: sign | magnitude.bitPattern)
        default:     // normal: rebias the exponent from 15 to 127
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    /// Widens bfloat16 bits (the top half of a Float) exactly.
    static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Rounds a Float to binary16 bits, to nearest with ties to even. Returns nil for a
    /// finite value whose magnitude rounds past the largest half (65504), i.e. would
    /// become infinity. Infinities stay infinities; NaN stays NaN (quiet, sign and top
    /// payload bits kept).
    static func float16Bits(from value: Float) -> UInt16? {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: bits >> 16) & 0x8000
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x007F_FFFF

        if exponent == 0xFF {
            if mantissa == 0 { return sign | 0x7C00 }
            return sign | 0x7E00 | UInt16(truncatingIfNeeded: mantissa >> 13)
        }
        if exponent >= 113 {
            // Normal in half (unbiased exponent >= -14). Keep 10 mantissa bits, round on
            // the 13 dropped ones; a carry correctly bumps the exponent.
            guard exponent <= 142 else { return nil }   // >= 2^16: always out of range
            var half = UInt32(exponent - 112) << 10 | mantissa >> 13
            let dropped = mantissa & 0x1FFF
            if dropped > 0x1000 || (dropped == 0x1000 && half & 1 == 1) { half += 1 }
            guard half < 0x7C00 else { return nil }
            return sign | UInt16(half)
        }
        // Subnormal or zero in half: value / 2^-24 = significand >> (126 - exponent).
        guard exponent != 0 else { return sign }   // float zero/subnormal is far below 2^-25
        let significand = mantissa | 0x0080_0000
        let shift = UInt32(126 - exponent)          // 14 ... 125
        guard shift <= 24 else { return sign }       // below 2^-25 (or exactly half of it: ties to 0)
        var half = significand >> shift
        let dropped = significand & ((1 << shift) - 1)
        let halfway: UInt32 = 1 << (shift - 1)
        if dropped > halfway || (dropped == halfway && half & 1 == 1) { half += 1 }
        return sign | UInt16(half)   // may become 0x0400, the smallest normal: correct
    }

    // MARK: Little-endian loads

    @inline(__always)
    static func loadUInt16(_ source: UnsafeRawBufferPointer, element index: Int) -> UInt16 {
        UInt16(littleEndian: source.loadUnaligned(fromByteOffset: index &* 2, as: UInt16.self))
    }

    @inline(__always)
    static func loadUInt32(_ source: UnsafeRawBufferPointer, element index: Int) -> UInt32 {
        UInt32(littleEndian: source.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self))
    }

    @inline(__always)
    static func loadUInt64(_ source: UnsafeRawBufferPointer, element index: Int) -> UInt64 {
        UInt64(littleEndian: source.loadUnaligned(fromByteOffset: index &* 8, as: UInt64.self))
    }

    // MARK: Bulk decoding

    /// Decodes `destination.count` elements of a floating-point `dtype` from `source`
    /// into Floats. The caller guarantees `source.count == destination.count * dtype.byteSize`
    /// and that `dtype` is one of F32, F16, BF16, F64.
    static func decodeFloats(
        _ dtype: SafetensorsDType, from source: UnsafeRawBufferPointer,
        into destination: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(source.count == destination.count * dtype.byteSize)
        switch dtype {
        case .f32:
            #if _endian(little)
            if let base = destination.baseAddress, let from = source.baseAddress {
                UnsafeMutableRawPointer(base).copyMemory(from: from, byteCount: source.count)
            }
            #else
            for i in 0..<destination.count {
                destination[i] = Float(bitPattern: loadUInt32(source, element: i))
            }
            #endif
        case .f16:
            for i in 0..<destination.count {
                destination[i] = float(fromFloat16Bits: loadUInt16(source, element: i))
            }
        case .bf16:
            for i in 0..<destination.count {
                destination[i] = float(fromBFloat16Bits: loadUInt16(source, element: i))
            }
        case .f64:
            for i in 0..<destination.count {
                destination[i] = Float(Double(bitPattern: loadUInt64(source, element: i)))
            }
        default:
            preconditionFailure("decodeFloats called with \(dtype.rawValue)")
        }
    }

    /// Decodes integers of `dtype` (I64, I32, I16, I8, U32, U16, U8) into Int64s, losslessly.
    static func decodeInt64s(
        _ dtype: SafetensorsDType, from source: UnsafeRawBufferPointer,
        into destination: UnsafeMutableBufferPointer<Int64>
    ) {
        precondition(source.count == destination.count * dtype.byteSize)
        for i in 0..<destination.count {
            let value: Int64
            switch dtype {
            case .i64: value = Int64(bitPattern: loadUInt64(source, element: i))
            case .i32: value = Int64(Int32(bitPattern: loadUInt32(source, element: i)))
            case .u32: value = Int64(loadUInt32(source, element: i))
            case .i16: value = Int64(Int16(bitPattern: loadUInt16(source, element: i)))
            case .u16: value = Int64(loadUInt16(source, element: i))
            case .i8: value = Int64(Int8(bitPattern: source[i]))
            case .u8: value = Int64(source[i])
            default: preconditionFailure("decodeInt64s called with \(dtype.rawValue)")
            }
            destination[i] = value
        }
    }

    static let floatDTypes: Set<SafetensorsDType> = [.f32, .f16, .bf16, .f64]
    static let integerDTypes: Set<SafetensorsDType> = [.i64, .i32, .u32, .i16, .u16, .i8, .u8]
}
