// ProseNoise: background prose read from UTF-8 text files or folders of .txt files, split into
// sentences. The text is plain prose (Project Gutenberg style works: hard-wrapped lines are
// joined, paragraphs end at blank lines); invalid UTF-8 is replaced, not fatal.
//
// The sentence rule is deliberately simple (see `sentences(in:)`): a sentence ends at `.`, `!`
// or `?` (possibly repeated, possibly followed by closing quotes or brackets) followed by
// whitespace or the end of the paragraph — unless the next word starts with a lowercase letter
// (`"Is it true?" asked she.`) or a bare period ends one of a few abbreviations (Mr., Mrs.,
// Dr., …) or a single-letter initial ("J. Smith"; not "I."). Whitespace is collapsed, headings (paragraphs without lowercase
// letters) and fragments of fewer than three words are dropped, and run-on "sentences" are cut
// at whitespace into pieces of at most `maximumSentenceCharacters` characters.
// Sentences that contain a task word (actor, room or object, see `TaskWords`) or the literal
// text of a BERT special token are skipped, so noise never contradicts or fakes a fact.
import Foundation

/// Sentences of background prose, stored compactly (one UTF-8 buffer and offsets).
public struct ProseNoise: Sendable {
    /// The files the sentences came from, in reading order.
    public let files: [String]
    /// Sentences dropped because they contain a task word or a special-token literal.
    public let skippedSentences: Int
    private let bytes: [UInt8]
    private let offsets: [Int]

    /// The fewest sentences a noise source must have after filtering.
    public static let minimumSentences = 20
    /// Longer sentences are split at whitespace into pieces at most this long (in characters).
    public static let maximumSentenceCharacters = 600

    /// The number of sentences.
    public var count: Int { offsets.count - 1 }

    /// Sentence `index` (whitespace-collapsed, trimmed).
    public subscript(index: Int) -> String {
        String(decoding: bytes[offsets[index]..<offsets[index + 1]], as: UTF8.self)
    }

    /// All sentences, in order.
    public var sentences: [String] { (0..<count).map { self[$0] } }

    /// Reads prose from files and folders: a file is read whatever its name; a folder
    /// contributes every `.txt` file below it (recursively, in path order).
    /// - Throws: `DataError` naming the path when it does not exist, cannot be read, is a folder
    ///   without .txt files, is empty or binary, or when all of them together hold fewer than
    ///   `minimumSentences` usable sentences.
    public init(paths: [String]) throws {
        guard !paths.isEmpty else { throw DataError("noise", "no files given") }
        var files: [String] = []
        for path in paths { files += try Self.textFiles(at: path) }
        var builder = Builder()
        for file in files {
            builder.add(text: try Self.readText(file))
        }
        try self.init(builder: builder, files: files, name: paths.joined(separator: ", "))
    }

    /// Prose from a string (`name` is used in errors).
    /// - Throws: `DataError` when the text has fewer than `minimumSentences` usable sentences.
    public init(text: String, name: String = "<text>") throws {
        var builder = Builder()
        builder.add(text: text)
        try self.init(builder: builder, files: [], name: name)
    }

    private init(builder: Builder, files: [String], name: String) throws {
        guard builder.offsets.count - 1 >= Self.minimumSentences else {
            throw DataError(name, "too little text: \(builder.offsets.count - 1) usable sentences (at least \(Self.minimumSentences) are needed)")
        }
        self.files = files
        self.bytes = builder.bytes
        self.offsets = builder.offsets
        self.skippedSentences = builder.skipped
    }

    /// Splits prose into sentences by the rule described above (no task-word filtering).
    public static func sentences(in text: String) -> [String] {
        var result: [String] = []
        SentenceSplitter.split(text) { result.append($0) }
        return result
    }

    /// Whether noise may use `sentence`: no task word as a whole word, no special-token literal.
    public static func isUsable(_ sentence: String) -> Bool {
        if TaskWords.containsReservedWord(sentence) { return false }
        for special in ["[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]"] where sentence.contains(special) {
            return false
        }
        return true
    }

    private struct Builder {
        var bytes: [UInt8] = []
        var offsets: [Int] = [0]
        var skipped = 0

        mutating func add(text: String) {
            SentenceSplitter.split(text) { sentence in
                guard ProseNoise.isUsable(sentence) else { skipped += 1; return }
                bytes.append(contentsOf: sentence.utf8)
                offsets.append(bytes.count)
            }
        }
    }

    // MARK: Files

    /// The text files `path` names: itself, or the .txt files below a folder.
    static func textFiles(at path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(path, "no such file or folder")
        }
        guard isDirectory.boolValue else { return [path] }
        let root = URL(fileURLWithPath: path)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw DataError(path, "folder cannot be read")
        }
        var found: [String] = []
        for case let url as URL in walker where url.pathExtension.lowercased() == "txt" {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                found.append(url.path)
            }
        }
        guard !found.isEmpty else { throw DataError(path, "folder has no .txt files") }
        return found.sorted()
    }

    /// Reads a file as UTF-8 prose (invalid sequences become U+FFFD).
    static func readText(_ path: String) throws -> String {
        guard FileManager.default.isReadableFile(atPath: path),
              let data = FileManager.default.contents(atPath: path) else {
            throw DataError(path, "cannot be read")
        }
        if data.isEmpty { throw DataError(path, "is empty") }
        if data.contains(0) { throw DataError(path, "is binary (contains NUL bytes), not UTF-8 text") }
        let text = String(decoding: data, as: UTF8.self)
        var scalars = 0, replaced = 0, letters = 0
        for scalar in text.unicodeScalars {
            scalars += 1
            if scalar == "\u{FFFD}" { replaced += 1 } else if scalar.properties.isAlphabetic { letters += 1 }
        }
        if replaced * 10 > scalars { throw DataError(path, "is binary (\(replaced) of \(scalars) characters are not valid UTF-8)") }
        if letters == 0 { throw DataError(path, "is empty (no letters)") }
        return text
    }
}

/// The sentence rule (see the file comment). Works on Unicode scalars, paragraph by paragraph.
enum SentenceSplitter {
    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "messrs", "dr", "st", "jr", "sr", "rev", "col", "capt", "gen", "lt",
        "sgt", "prof", "hon", "esq", "mt", "no", "vs", "vol", "ch", "fig", "viz", "cf",
    ]

    static func isTerminator(_ s: Unicode.Scalar) -> Bool { s == "." || s == "!" || s == "?" || s == "\u{2026}" }

    static func isCloser(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "\"", "'", ")", "]", "}", "_", "*", "\u{201D}", "\u{2019}", "\u{BB}", "\u{203A}": return true
        default: return false
        }
    }

    /// Calls `emit` with each sentence of `text`.
    static func split(_ text: String, emit: (String) -> Void) {
        var paragraph: [Unicode.Scalar] = []
        paragraph.reserveCapacity(4096)
        var lineHasContent = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n", "\u{2028}", "\u{2029}", "\u{0B}", "\u{0C}", "\u{85}":
                if !lineHasContent && !paragraph.isEmpty {
                    flush(&paragraph, emit: emit)
                } else if !paragraph.isEmpty && paragraph.last != " " {
                    paragraph.append(" ")
                }
                lineHasContent = false
            default:
                if scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F {
                    if !paragraph.isEmpty && paragraph.last != " " { paragraph.append(" ") }
                } else {
                    paragraph.append(scalar)
                    lineHasContent = true
                }
            }
        }
        flush(&paragraph, emit: emit)
    }

    /// Splits one paragraph (single spaces, no line breaks) into sentences and empties it.
    static func flush(_ p: inout [Unicode.Scalar], emit: (String) -> Void) {
        defer { p.removeAll(keepingCapacity: true) }
        while p.last == " " { p.removeLast() }
        guard !p.isEmpty else { return }
        // Headings ("CHAPTER IV", "EMMA") have letters but nothing lowercase.
        var hasLower = false
        for s in p where s.properties.isLowercase { hasLower = true; break }
        guard hasLower else { return }

        let n = p.count
        var start = 0
        var i = 0
        while i < n {
            guard isTerminator(p[i]) else { i += 1; continue }
            var j = i + 1
            while j < n && isTerminator(p[j]) { j += 1 }
            let terminatorEnd = j
            while j < n && isCloser(p[j]) { j += 1 }
            if j == n || (p[j] == " " && !(j + 1 < n && p[j + 1].properties.isLowercase)) {
                if !(terminatorEnd == i + 1 && j == terminatorEnd && p[i] == "." && isAbbreviation(p, dotAt: i)) {
                    finish(p[start..<j], emit: emit)
                    start = j + 1
                }
            }
            i = j
        }
        if start < n { finish(p[start..<n], emit: emit) }
    }

    /// Whether the word before the period at `dot` is a known abbreviation or an initial (a single
    /// letter other than the pronoun "I").
    static func isAbbreviation(_ p: [Unicode.Scalar], dotAt dot: Int) -> Bool {
        var k = dot
        while k > 0 && p[k - 1].properties.isAlphabetic { k -= 1 }
        let length = dot - k
        if length == 0 { return false }
        if length == 1 { return p[k] != "I" }
        guard length <= 6 else { return false }
        var word = ""
        for s in p[k..<dot] { word.unicodeScalars.append(s) }
        return abbreviations.contains(word.lowercased())
    }

    /// Caps the length of a sentence, drops fragments, emits the rest.
    static func finish(_ sentence: ArraySlice<Unicode.Scalar>, emit: (String) -> Void) {
        var rest = sentence
        while rest.first == " " { rest = rest.dropFirst() }
        while rest.last == " " { rest = rest.dropLast() }
        let cap = ProseNoise.maximumSentenceCharacters
        while rest.count > cap {
            var cut = rest.startIndex + cap
            while cut > rest.startIndex && rest[cut] != " " { cut -= 1 }
            if cut == rest.startIndex { cut = rest.startIndex + cap }
            emitIfSentence(rest[rest.startIndex..<cut], emit: emit)
            rest = rest[cut...]
            while rest.first == " " { rest = rest.dropFirst() }
        }
        emitIfSentence(rest, emit: emit)
    }

    static func emitIfSentence(_ s: ArraySlice<Unicode.Scalar>, emit: (String) -> Void) {
        var words = 0, inWord = false, letters = false
        for c in s {
            if c == " " { inWord = false } else if !inWord { inWord = true; words += 1 }
            if !letters && c.properties.isAlphabetic { letters = true }
        }
        guard words >= 3 && letters else { return }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: s)
        var string = String(text)
        while string.last == " " { string.removeLast() }
        emit(string)
    }
}
