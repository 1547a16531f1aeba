// JSONLine: a result printed as one JSON object on one line, encoded by JSONEncoder (strings
// escaped by it, not by hand), its fields in the order given — the output of the bench commands.
import Foundation

public struct JSONLine: Encodable {
    /// One field's value.
    public enum Value: Encodable {
        case string(String), int(Int), bool(Bool), double(Double)

        /// `x` rounded to `decimals` places (milliseconds to the microsecond by default).
        public static func fixed(_ x: Double, decimals: Int = 3) -> Value {
            let scale = pow(10, Double(decimals))
            return .double((x * scale).rounded() / scale)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .string(let s): try c.encode(s)
            case .int(let i): try c.encode(i)
            case .bool(let b): try c.encode(b)
            case .double(let d): try c.encode(d)
            }
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public let fields: [(String, Value)]

    public init(_ fields: [(String, Value)]) { self.fields = fields }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for (name, value) in fields { try c.encode(value, forKey: Key(stringValue: name)) }
    }

    /// Prints the object on one line of stdout.
    public func print() throws {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        Swift.print(String(decoding: try encoder.encode(self), as: UTF8.self))
    }
}
