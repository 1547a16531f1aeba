// SafetensorsTensorInfo: what the header says about one tensor (name, dtype, shape, bytes).
// It holds no tensor data; SafetensorsFile reads the bytes it describes.

/// The header entry of one tensor, after validation.
///
/// ```swift
/// let info = file.info("embeddings.word_embeddings.weight")!
/// info.dtype          // .f32
/// info.shape          // [30522, 384]
/// info.elementCount   // 11_720_448
/// info.dataOffsets    // 0..<46_881_792  (bytes, relative to the data section)
/// ```
public struct SafetensorsTensorInfo: Sendable, Equatable {
    /// The tensor's key in the header.
    public let name: String
    /// The element type.
    public let dtype: SafetensorsDType
    /// Dimensions, outermost first (row-major). `[]` is a scalar with one element.
    public let shape: [Int]
    /// Byte range of the tensor's data, relative to the start of the data section
    /// (the byte right after the JSON header).
    public let dataOffsets: Range<Int>

    /// Creates an info; the reader only makes ones whose shape, dtype and byte range agree.
    public init(name: String, dtype: SafetensorsDType, shape: [Int], dataOffsets: Range<Int>) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.dataOffsets = dataOffsets
    }

    /// The product of the dimensions (1 for a scalar, 0 if any dimension is 0).
    ///
    /// For infos made by the reader this cannot overflow, because the product times the
    /// dtype size was checked against the byte range. For a hand-made info with an
    /// overflowing shape it saturates at `Int.max`.
    public var elementCount: Int {
        checkedElementCount(of: shape) ?? Int.max
    }

    /// The length of `dataOffsets` in bytes.
    public var byteCount: Int { dataOffsets.count }
}

/// The product of `shape`, or nil if a dimension is negative or the product overflows `Int`.
func checkedElementCount(of shape: [Int]) -> Int? {
    var product = 1
    for dimension in shape {
        guard dimension >= 0 else { return nil }
        let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
        guard !overflow else { return nil }
        product = next
    }
    // Like the reference implementation, an overflow is an error even when a later
    // dimension is 0 (e.g. [2^62, 4, 0]): such a shape is almost surely a corrupt file.
    return product
}

/// The byte length of a tensor of `shape` and `dtype`, or nil on overflow / negative dims.
func checkedByteCount(of shape: [Int], dtype: SafetensorsDType) -> Int? {
    guard let elements = checkedElementCount(of: shape) else { return nil }
    let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
    return overflow ? nil : bytes
}
