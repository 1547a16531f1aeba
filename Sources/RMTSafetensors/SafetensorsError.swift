// SafetensorsError: the single error type of this module, always one line of text.
// It is not a taxonomy of failures: callers get a path and a human-readable problem,
// and tests match on recognisable phrases in `problem`.

/// An error reading or writing a safetensors file: which file, and what is wrong with it.
///
/// `description` is always a single line, `"<path>: <problem>"`, safe to print in logs:
///
/// ```swift
/// do { _ = try SafetensorsFile(contentsOf: url) }
/// catch let error as SafetensorsError {
///     print(error)   // "/models/x.safetensors: header length 4096 exceeds the file size 100"
/// }
/// ```
public struct SafetensorsError: Error, CustomStringConvertible, Sendable {
    /// The file the problem is about (`"<memory>"` for in-memory data, `"<writer>"` for
    /// a writer that has no destination yet).
    public let path: String
    /// What is wrong, in words; never contains line breaks.
    public let problem: String

    /// Creates an error; line breaks and other control characters in either part are
    /// escaped so that the description stays on one line.
    public init(path: String, problem: String) {
        self.path = SafetensorsError.singleLine(path)
        self.problem = SafetensorsError.singleLine(problem)
    }

    /// `"<path>: <problem>"`, on one line.
    public var description: String { "\(path): \(problem)" }

    /// Replaces control characters (line breaks included) with visible escapes.
    static func singleLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
            || (0x80...0x9F).contains(scalar.value)
            || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}

/// Quotes a name taken from a file for use inside an error message, shortening very long
/// ones so that an error line stays readable.
func quotedForMessage(_ name: String, limit: Int = 120) -> String {
    var shown = name
    if name.count > limit {
        shown = String(name.prefix(limit)) + "…"
    }
    return "'" + shown + "'"
}
