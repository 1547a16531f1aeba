// TensorLayoutValidation: checks that header entries describe the data section exactly.
// Rules (those of the reference Rust implementation): each entry's byte length equals
// shape product × dtype size (overflow is an error); sorted by offsets, the tensors tile
// the data section from byte 0 to its very end — no overlap, no gap, no trailing bytes.
// Zero-byte tensors may share an offset. It knows nothing of JSON; see HeaderParser.swift.

enum TensorLayoutValidation {
    /// Validates `entries` against a data section of `dataSectionSize` bytes and returns
    /// them as infos in data-offset order (ties, only possible for empty tensors, by name).
    static func validate(
        _ entries: [HeaderTensorEntry], dataSectionSize: Int
    ) throws(HeaderProblem) -> [SafetensorsTensorInfo] {
        for entry in entries {
            try checkByteLength(of: entry)
            guard entry.end <= dataSectionSize else {
                throw HeaderProblem("tensor \(quotedForMessage(entry.name)): data_offsets [\(entry.begin), \(entry.end)] "
                    + "go past the end of the data section (\(dataSectionSize) bytes; truncated file?)")
            }
        }
        let sorted = entries.sorted(by: isBeforeInLayout)
        var covered = 0
        var previousName: String?
        for entry in sorted {
            if entry.begin < covered {
                throw HeaderProblem("tensor \(quotedForMessage(entry.name)) (data_offsets [\(entry.begin), \(entry.end)]) "
                    + "overlaps tensor \(quotedForMessage(previousName ?? "")), which ends at byte \(covered)")
            }
            if entry.begin > covered {
                throw HeaderProblem("gap in the data section: bytes \(covered)..<\(entry.begin) belong to no tensor "
                    + "(before tensor \(quotedForMessage(entry.name)))")
            }
            covered = entry.end
            previousName = entry.name
        }
        if covered < dataSectionSize {
            throw HeaderProblem("bytes \(covered)..<\(dataSectionSize) at the end of the data section "
                + "belong to no tensor")
        }
        return sorted.map {
            SafetensorsTensorInfo(name: $0.name, dtype: $0.dtype, shape: $0.shape, dataOffsets: $0.begin..<$0.end)
        }
    }

    /// Shape product × dtype size must be the entry's byte length.
    private static func checkByteLength(of entry: HeaderTensorEntry) throws(HeaderProblem) {
        let tensor = "tensor \(quotedForMessage(entry.name))"
        guard let needed = checkedByteCount(of: entry.shape, dtype: entry.dtype) else {
            throw HeaderProblem("\(tensor): shape \(describe(entry.shape)) of \(entry.dtype.rawValue) "
                + "overflows the element count")
        }
        let span = entry.end - entry.begin   // begin <= end was checked by the parser
        guard needed == span else {
            throw HeaderProblem("\(tensor): shape \(describe(entry.shape)) of \(entry.dtype.rawValue) needs "
                + "\(needed) bytes but data_offsets [\(entry.begin), \(entry.end)] span \(span)")
        }
    }

    private static func isBeforeInLayout(_ a: HeaderTensorEntry, _ b: HeaderTensorEntry) -> Bool {
        if a.begin != b.begin { return a.begin < b.begin }
        if a.end != b.end { return a.end < b.end }
        return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
    }

    /// `[2, 3]`, shortened for very long shapes.
    static func describe(_ shape: [Int]) -> String {
        let shown = shape.prefix(16).map(String.init).joined(separator: ", ")
        return "[" + shown + (shape.count > 16 ? ", …]" : "]")
    }
}
