// HeaderParser: turns the JSON header into metadata and raw tensor entries.
// It checks the header's *schema* (types, required fields, duplicates, dtype names,
// integer dimensions and offsets); it does not check how entries fit the data
// section — that is TensorLayoutValidation.swift.

/// The decoded header: `__metadata__` and the tensor entries in header order.
struct ParsedHeader {
    var metadata: [String: String] = [:]
    var entries: [HeaderTensorEntry] = []
}

enum HeaderParser {
    static let metadataKey = SafetensorsFileFormat.metadataKey

    /// Parses the header bytes (everything between the length prefix and the data).
    static func parse(_ headerBytes: [UInt8]) throws(HeaderProblem) -> ParsedHeader {
        guard isValidUTF8(headerBytes) else { throw HeaderProblem("header is not valid UTF-8") }
        var scanner = HeaderJSONScanner(headerBytes)
        guard scanner.peekKind() == .object else {
            guard let kind = scanner.peekKind() else {
                throw scanner.syntaxError(scanner.isAtEnd ? "the header is empty" : "expected a value")
            }
            try scanner.skipValue(depth: 0)   // a syntax error wins over a type error
            throw HeaderProblem("header is \(kind.article), not a JSON object")
        }
        var header = ParsedHeader()
        var seenKeys = Set<String>()
        try forEachMember(of: &scanner) { (key, scanner) throws(HeaderProblem) in
            guard seenKeys.insert(key).inserted else {
                throw HeaderProblem(key == metadataKey
                    ? "duplicate '__metadata__' key in header"
                    : "duplicate tensor name \(quotedForMessage(key))")
            }
            if key == metadataKey {
                header.metadata = try parseMetadata(&scanner)
            } else {
                header.entries.append(try parseTensorEntry(named: key, &scanner))
            }
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.syntaxError("unexpected data after the JSON object") }
        return header
    }

    /// `"__metadata__"`: an object whose values are all strings, or null (treated as empty,
    /// as the reference implementation does).
    private static func parseMetadata(
        _ scanner: inout HeaderJSONScanner
    ) throws(HeaderProblem) -> [String: String] {
        if scanner.consumeNull() { return [:] }
        guard scanner.peekKind() == .object else {
            throw HeaderProblem("'__metadata__' must be an object of strings, " + (try found(&scanner)))
        }
        var metadata: [String: String] = [:]
        try forEachMember(of: &scanner) { (key, scanner) throws(HeaderProblem) in
            guard scanner.peekKind() == .string else {
                throw HeaderProblem("'__metadata__' value for \(quotedForMessage(key)) must be a string, " + (try found(&scanner)))
            }
            let value = try scanner.parseString()
            guard metadata.updateValue(value, forKey: key) == nil else {
                throw HeaderProblem("duplicate key \(quotedForMessage(key)) in '__metadata__'")
            }
        }
        return metadata
    }

    /// One tensor entry: `{"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}`.
    /// Unknown fields are skipped, as the reference implementation does.
    private static func parseTensorEntry(
        named name: String, _ scanner: inout HeaderJSONScanner
    ) throws(HeaderProblem) -> HeaderTensorEntry {
        let tensor = "tensor \(quotedForMessage(name))"
        guard scanner.peekKind() == .object else {
            throw HeaderProblem("\(tensor): entry must be a JSON object, " + (try found(&scanner)))
        }
        var dtype: SafetensorsDType?
        var shape: [Int]?
        var offsets: [Int]?
        var seenFields = Set<String>()
        try forEachMember(of: &scanner) { (field, scanner) throws(HeaderProblem) in
            guard seenFields.insert(field).inserted else {
                throw HeaderProblem("\(tensor): duplicate field \(quotedForMessage(field))")
            }
            switch field {
            case "dtype":
                guard scanner.peekKind() == .string else {
                    throw HeaderProblem("\(tensor): 'dtype' must be a string, " + (try found(&scanner)))
                }
                let spelling = try scanner.parseString()
                guard let known = SafetensorsDType(rawValue: spelling) else {
                    throw HeaderProblem("\(tensor): unknown dtype \(quotedForMessage(spelling))")
                }
                dtype = known
            case "shape":
                shape = try parseIntegerArray(&scanner, field: "shape", element: "dimension", tensor: tensor)
            case "data_offsets":
                let values = try parseIntegerArray(&scanner, field: "data_offsets", element: "data offset", tensor: tensor)
                guard values.count == 2 else {
                    throw HeaderProblem("\(tensor): 'data_offsets' must be [begin, end], got \(values.count) values")
                }
                offsets = values
            default:
                try scanner.skipValue(depth: 2)
            }
        }
        guard let dtype else { throw HeaderProblem("\(tensor): missing 'dtype'") }
        guard let shape else { throw HeaderProblem("\(tensor): missing 'shape'") }
        guard let offsets else { throw HeaderProblem("\(tensor): missing 'data_offsets'") }
        guard offsets[0] <= offsets[1] else {
            throw HeaderProblem("\(tensor): data_offsets begin \(offsets[0]) is after end \(offsets[1])")
        }
        return HeaderTensorEntry(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
    }

    /// `"found an array"` etc. for a type error; a syntax error if no value starts here.
    private static func found(_ scanner: inout HeaderJSONScanner) throws(HeaderProblem) -> String {
        guard let kind = scanner.peekKind() else {
            throw scanner.syntaxError(scanner.isAtEnd ? "unexpected end, expected a value" : "expected a value")
        }
        return "found " + kind.article
    }

    /// An array of non-negative integers (`shape` or `data_offsets`).
    private static func parseIntegerArray(
        _ scanner: inout HeaderJSONScanner, field: String, element: String, tensor: String
    ) throws(HeaderProblem) -> [Int] {
        guard scanner.peekKind() == .array else {
            throw HeaderProblem("\(tensor): '\(field)' must be an array of integers, " + (try found(&scanner)))
        }
        try scanner.expect(UInt8(ascii: "["), "'['")
        var values: [Int] = []
        if scanner.consumeIf(UInt8(ascii: "]")) { return values }
        repeat {
            guard scanner.peekKind() == .number else {
                throw HeaderProblem("\(tensor): '\(field)' must be an array of integers, "
                    + (try found(&scanner)) + " inside")
            }
            let number = try scanner.parseNumber()
            do {
                values.append(try number.nonNegativeInt(describing: element))
            } catch {
                throw HeaderProblem("\(tensor): \(error.message) in '\(field)'")
            }
        } while scanner.consumeIf(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "]"), "',' or ']'")
        return values
    }

    /// Walks `{ "key": value, ... }`, calling `body` with the scanner positioned at each value;
    /// `body` must consume the value.
    private static func forEachMember(
        of scanner: inout HeaderJSONScanner,
        _ body: (String, inout HeaderJSONScanner) throws(HeaderProblem) -> Void
    ) throws(HeaderProblem) {
        try scanner.expect(UInt8(ascii: "{"), "'{'")
        if scanner.consumeIf(UInt8(ascii: "}")) { return }
        repeat {
            guard scanner.peekByte() == UInt8(ascii: "\"") else {
                throw scanner.syntaxError(scanner.isAtEnd ? "unexpected end, expected a key" : "expected a string key")
            }
            let key = try scanner.parseString()
            try scanner.expect(UInt8(ascii: ":"), "':'")
            try body(key, &scanner)
        } while scanner.consumeIf(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"), "',' or '}'")
    }

    /// True if `bytes` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        // Decoding replaces every ill-formed sequence with U+FFFD (EF BF BD), which changes
        // the bytes at that spot; well-formed input decodes to exactly itself.
        if bytes.allSatisfy({ $0 < 0x80 }) { return true }
        return String(decoding: bytes, as: UTF8.self).utf8.elementsEqual(bytes)
    }
}
