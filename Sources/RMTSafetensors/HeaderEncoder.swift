// HeaderEncoder: writes the JSON header for a list of tensors, compactly, in the same
// style as the reference implementation (serde_json): no spaces, `"__metadata__"` first,
// then tensors in layout order, padded with spaces to a multiple of 8 bytes.
// It does not decide the layout; SafetensorsWriter does.

enum HeaderEncoder {
    /// The padded header bytes. Metadata keys are written in UTF-8 byte order.
    static func encode(metadata: [String: String], entries: [HeaderTensorEntry]) -> [UInt8] {
        var json: [UInt8] = [UInt8(ascii: "{")]
        var needsComma = false
        func separate() {
            if needsComma { json.append(UInt8(ascii: ",")) }
            needsComma = true
        }
        if !metadata.isEmpty {
            separate()
            appendString(SafetensorsFileFormat.metadataKey, to: &json)
            json.append(contentsOf: Array(":{".utf8))
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (position, key) in keys.enumerated() {
                if position > 0 { json.append(UInt8(ascii: ",")) }
                appendString(key, to: &json)
                json.append(UInt8(ascii: ":"))
                appendString(metadata[key]!, to: &json)
            }
            json.append(UInt8(ascii: "}"))
        }
        for entry in entries {
            separate()
            appendString(entry.name, to: &json)
            json.append(contentsOf: Array(":{\"dtype\":".utf8))
            appendString(entry.dtype.rawValue, to: &json)
            json.append(contentsOf: Array(",\"shape\":".utf8))
            appendIntegers(entry.shape, to: &json)
            json.append(contentsOf: Array(",\"data_offsets\":".utf8))
            appendIntegers([entry.begin, entry.end], to: &json)
            json.append(UInt8(ascii: "}"))
        }
        json.append(UInt8(ascii: "}"))
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        return json
    }

    private static func appendIntegers(_ values: [Int], to json: inout [UInt8]) {
        json.append(UInt8(ascii: "["))
        json.append(contentsOf: Array(values.map(String.init).joined(separator: ",").utf8))
        json.append(UInt8(ascii: "]"))
    }

    /// A JSON string literal: `"` and `\` escaped, control characters as \b \f \n \r \t
    /// or \u00XX, everything else (non-ASCII included) as raw UTF-8.
    static func appendString(_ text: String, to json: inout [UInt8]) {
        let hexDigits = Array("0123456789abcdef".utf8)
        json.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): json.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): json.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: json.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: json.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: json.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: json.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: json.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                json.append(contentsOf: Array("\\u00".utf8))
                json.append(hexDigits[Int(byte >> 4)])
                json.append(hexDigits[Int(byte & 0xF)])
            default: json.append(byte)
            }
        }
        json.append(UInt8(ascii: "\""))
    }
}

/// Constants shared by the reader and the writer.
enum SafetensorsFileFormat {
    static let metadataKey = "__metadata__"
}
