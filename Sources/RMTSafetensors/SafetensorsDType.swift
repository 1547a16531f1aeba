// SafetensorsDType: the element types a safetensors file may declare, with their sizes.
// This file is only the vocabulary of dtypes; conversions live in ElementConversion.swift.
// Sub-byte dtypes of newer format revisions (F4, F6_*) are not supported: a file using
// them is rejected as having an unknown dtype.

/// The element type of a tensor, spelled as in the file's JSON header (`"dtype": "F32"`).
///
/// ```swift
/// let dtype = SafetensorsDType(rawValue: "BF16")   // .bf16
/// dtype?.byteSize                                  // 2
/// ```
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case f64 = "F64"
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case i64 = "I64"
    case i32 = "I32"
    case i16 = "I16"
    case i8 = "I8"
    case u64 = "U64"
    case u32 = "U32"
    case u16 = "U16"
    case u8 = "U8"
    case bool = "BOOL"
    /// 8-bit floats (OCP FP8 formats) and the E8M0 scale format; readable as raw bytes only.
    case f8E5M2 = "F8_E5M2"
    case f8E4M3 = "F8_E4M3"
    case f8E8M0 = "F8_E8M0"
    /// Complex number made of two F32 values; readable as raw bytes only.
    case c64 = "C64"

    /// Bytes per element, e.g. `4` for ``f32``.
    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64, .c64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .i8, .u8, .bool, .f8E5M2, .f8E4M3, .f8E8M0: return 1
        }
    }

    /// Rank used to order tensors in a written file: larger alignment first, the same
    /// order the reference implementation uses, so files written here and by Python
    /// lay out tensors identically.
    var layoutRank: Int {
        switch self {
        case .bool: return 0
        case .u8: return 1
        case .i8: return 2
        case .f8E5M2: return 3
        case .f8E4M3: return 4
        case .f8E8M0: return 5
        case .i16: return 6
        case .u16: return 7
        case .f16: return 8
        case .bf16: return 9
        case .i32: return 10
        case .u32: return 11
        case .f32: return 12
        case .c64: return 13
        case .f64: return 14
        case .i64: return 15
        case .u64: return 16
        }
    }
}
