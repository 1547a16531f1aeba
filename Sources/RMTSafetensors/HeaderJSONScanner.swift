// HeaderJSONScanner: a small, strict JSON tokenizer over the header bytes (RFC 8259).
// It is not a general JSON library: it yields strings and numbers, skips values the
// header schema does not use, and never builds a document tree, so memory stays
// proportional to what the schema keeps. Nesting is capped, and skipping is iterative,
// so hostile input cannot overflow the stack.

/// A problem in the header, as text; SafetensorsFile adds the file path.
struct HeaderProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// A JSON number as written: sign, whether it is a plain integer literal, its integer
/// magnitude when that fits in `UInt64`, and its text (for messages).
struct JSONNumber {
    var isNegative: Bool
    /// False when the literal has a fraction or an exponent (`1.0`, `1e3`).
    var isIntegerLiteral: Bool
    /// The absolute value of an integer literal, or nil if it does not fit in UInt64.
    var magnitude: UInt64?
    var text: String

    /// The value as a non-negative Int, or a problem phrased for `what` ("dimension").
    func nonNegativeInt(describing what: String) throws(HeaderProblem) -> Int {
        guard isIntegerLiteral else { throw HeaderProblem("non-integer \(what) \(text)") }
        if isNegative && magnitude != 0 { throw HeaderProblem("negative \(what) \(text)") }
        guard let magnitude, magnitude <= UInt64(Int.max) else {
            throw HeaderProblem("\(what) \(text) is too large")
        }
        return Int(magnitude)
    }
}

/// The kind of JSON value that starts at the scanner's position.
enum JSONValueKind: Equatable {
    case object, array, string, number, literal

    var article: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .literal: return "true, false or null"
        }
    }
}

struct HeaderJSONScanner {
    /// Deepest nesting of arrays/objects accepted (serde_json, used by the reference
    /// implementation, stops at 128 too).
    static let maximumNesting = 128

    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position >= bytes.count }

    func syntaxError(_ what: String) -> HeaderProblem {
        HeaderProblem("invalid JSON in header at byte \(position): \(what)")
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// The next byte after whitespace, without consuming it.
    mutating func peekByte() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// Consumes `byte` (after whitespace) if it is next.
    mutating func consumeIf(_ byte: UInt8) -> Bool {
        guard peekByte() == byte else { return false }
        position += 1
        return true
    }

    mutating func expect(_ byte: UInt8, _ description: String) throws(HeaderProblem) {
        guard consumeIf(byte) else {
            throw syntaxError(isAtEnd ? "unexpected end, expected \(description)"
                                      : "expected \(description)")
        }
    }

    /// What kind of value starts next, or nil if no value can start here.
    mutating func peekKind() -> JSONValueKind? {
        guard let byte = peekByte() else { return nil }
        switch byte {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): return .literal
        default: return nil
        }
    }

    /// Consumes `null` if it is next.
    mutating func consumeNull() -> Bool {
        guard peekByte() == UInt8(ascii: "n") else { return false }
        if matchesWord("null") { position += 4; return true }
        return false
    }

    private func matchesWord(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count else { return false }
        let start = word.utf8Start
        for offset in 0..<count where bytes[position + offset] != start[offset] {
            return false
        }
        return true
    }

    // MARK: Strings

    /// Parses a string literal, decoding escapes. The header was checked to be valid
    /// UTF-8 beforehand, so raw bytes are copied as they are.
    mutating func parseString() throws(HeaderProblem) -> String {
        try expect(UInt8(ascii: "\""), "a string")
        var utf8: [UInt8] = []
        while true {
            guard position < bytes.count else { throw syntaxError("unterminated string") }
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &utf8)
            case 0x00..<0x20:
                position -= 1
                throw syntaxError("control character in string")
            default:
                utf8.append(byte)
            }
        }
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(HeaderProblem) {
        guard position < bytes.count else { throw syntaxError("unterminated escape") }
        let code = bytes[position]
        position += 1
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(code)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            let scalar = try parseUnicodeEscape()
            UTF8.encode(scalar) { utf8.append($0) }
        default:
            position -= 1
            throw syntaxError("invalid escape")
        }
    }

    /// After `\u`: four hex digits, and for a high surrogate a following `\uDC00`-`\uDFFF`.
    private mutating func parseUnicodeEscape() throws(HeaderProblem) -> Unicode.Scalar {
        let first = try parseHex4()
        switch first {
        case 0xD800...0xDBFF:
            guard matchesWord("\\u") else { throw syntaxError("unpaired surrogate in \\u escape") }
            position += 2
            let second = try parseHex4()
            guard (0xDC00...0xDFFF).contains(second) else {
                throw syntaxError("unpaired surrogate in \\u escape")
            }
            let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            guard let scalar = Unicode.Scalar(value) else { throw syntaxError("invalid \\u escape") }
            return scalar
        case 0xDC00...0xDFFF:
            throw syntaxError("unpaired surrogate in \\u escape")
        default:
            guard let scalar = Unicode.Scalar(first) else { throw syntaxError("invalid \\u escape") }
            return scalar
        }
    }

    private mutating func parseHex4() throws(HeaderProblem) -> UInt32 {
        guard bytes.count - position >= 4 else { throw syntaxError("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw syntaxError("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    // MARK: Numbers

    /// Parses a number literal with JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    mutating func parseNumber() throws(HeaderProblem) -> JSONNumber {
        skipWhitespace()
        let start = position
        var number = JSONNumber(isNegative: false, isIntegerLiteral: true, magnitude: 0, text: "")
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") {
            number.isNegative = true
            position += 1
        }
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw syntaxError("expected a digit")
        }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) {
                throw syntaxError("leading zero in number")
            }
        } else {
            while position < bytes.count, isDigit(bytes[position]) {
                let digit = UInt64(bytes[position] - UInt8(ascii: "0"))
                if let current = number.magnitude {
                    let (times10, overflow1) = current.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = times10.addingReportingOverflow(digit)
                    number.magnitude = (overflow1 || overflow2) ? nil : sum
                }
                position += 1
            }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            number.isIntegerLiteral = false
            position += 1
            try skipDigits()
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            number.isIntegerLiteral = false
            position += 1
            if position < bytes.count,
               bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            try skipDigits()
        }
        number.text = Self.shortText(bytes[start..<position])
        return number
    }

    private mutating func skipDigits() throws(HeaderProblem) {
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw syntaxError("expected a digit")
        }
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The literal's text for messages, shortened if very long.
    private static func shortText(_ literal: ArraySlice<UInt8>) -> String {
        let limit = 40
        if literal.count <= limit { return String(decoding: literal, as: UTF8.self) }
        return String(decoding: literal.prefix(limit), as: UTF8.self) + "…"
    }

    // MARK: Skipping

    /// Validates and skips one value of any kind, nested up to `maximumNesting - depth`.
    mutating func skipValue(depth: Int) throws(HeaderProblem) {
        // Open containers, innermost last: true for an object, false for an array.
        var open: [Bool] = []
        while true {
            // At the start of a value.
            switch peekKind() {
            case .object?, .array?:
                guard depth + open.count < Self.maximumNesting else {
                    throw syntaxError("nested more than \(Self.maximumNesting) levels deep")
                }
                let isObject = bytes[position] == UInt8(ascii: "{")
                position += 1
                open.append(isObject)
                if consumeIf(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    open.removeLast()
                } else {
                    if isObject { try skipKeyAndColon() }
                    continue
                }
            case .string?: _ = try parseString()
            case .number?: _ = try parseNumber()
            case .literal?: try skipLiteral()
            case nil: throw syntaxError(isAtEnd ? "unexpected end, expected a value" : "expected a value")
            }
            // After a complete value: close containers or move to the next element.
            while let isObject = open.last {
                if consumeIf(UInt8(ascii: ",")) {
                    if isObject { try skipKeyAndColon() }
                    break
                }
                try expect(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"),
                           isObject ? "',' or '}'" : "',' or ']'")
                open.removeLast()
            }
            if open.isEmpty { return }
        }
    }

    private mutating func skipKeyAndColon() throws(HeaderProblem) {
        _ = try parseString()
        try expect(UInt8(ascii: ":"), "':'")
    }

    private mutating func skipLiteral() throws(HeaderProblem) {
        for word: StaticString in ["true", "false", "null"] where matchesWord(word) {
            position += word.utf8CodeUnitCount
            return
        }
        throw syntaxError("expected a value")
    }
}
