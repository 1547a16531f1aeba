// HeaderTensorEntry: one tensor as the JSON header names it — name, dtype, shape and its byte
// range in the data section. HeaderParser reads them (types checked, layout not yet:
// TensorLayoutValidation), HeaderEncoder writes them.

/// One tensor entry of the header.
struct HeaderTensorEntry {
    var name: String
    var dtype: SafetensorsDType
    var shape: [Int]
    /// Byte offsets in the data section: `begin..<end`.
    var begin: Int
    var end: Int
}
