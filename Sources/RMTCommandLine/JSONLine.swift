// JSONLine: a result printed as one JSON object on one line, its fields in the order given —
// the output of the bench commands and of rmt-tool haystack. Every key, string and number is
// encoded by JSONEncoder (escaped by it, not by hand); only the braces, brackets, colons and
// commas are joined here, because JSONEncoder does not keep the order of an object's keys (on
// Linux it changes from run to run). Slashes are not escaped, so paths read as written.
import Foundation

public struct JSONLine: Sendable {
    /// One field's value.
    public indirect enum Value: Sendable {
        case string(String), int(Int), bool(Bool), double(Double)
        /// An array of values, in order.
        case array([Value])
        /// A nested object, its fields in order.
        case object(JSONLine)

        /// `x` rounded to `decimals` places (milliseconds to the microsecond by default).
        public static func fixed(_ x: Double, decimals: Int = 3) -> Value {
            let scale = pow(10, Double(decimals))
            return .double((x * scale).rounded() / scale)
        }

        /// The value as JSON text.
        func text(_ encoder: JSONEncoder) throws -> String {
            func encoded(_ value: some Encodable) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
            switch self {
            case .string(let s): return try encoded(s)
            case .int(let i): return try encoded(i)
            case .bool(let b): return try encoded(b)
            case .double(let d): return try encoded(d)
            case .array(let values): return "[" + (try values.map { try $0.text(encoder) }).joined(separator: ",") + "]"
            case .object(let line): return try line.text(encoder)
            }
        }
    }

    public let fields: [(String, Value)]

    public init(_ fields: [(String, Value)]) { self.fields = fields }

    /// The object as one line of JSON, fields in order.
    public func text() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try text(encoder)
    }

    func text(_ encoder: JSONEncoder) throws -> String {
        let members = try fields.map { name, value in
            String(decoding: try encoder.encode(name), as: UTF8.self) + ":" + (try value.text(encoder))
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// Prints the object on one line of stdout.
    public func print() throws {
        Swift.print(try text())
    }

    /// A JSON-lines file's bytes: each item on its own line, keys sorted (`rmt-train eval
    /// --predictions`, `rmt-ask --trace`; the caller writes them atomically when its run ends).
    public static func file<Item: Encodable>(_ items: [Item]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = Data()
        for item in items {
            data.append(try encoder.encode(item))
            data.append(0x0A)
        }
        return data
    }
}
