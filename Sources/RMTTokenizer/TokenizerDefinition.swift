// TokenizerDefinition: what a tokenizer file asks for — the WordPiece vocabulary and, when the
// file says, the casing — read from either form Hugging Face ships: `vocab.txt` (one token per
// line) or `tokenizer.json` (the `tokenizers` library's file: a WordPiece model, a BertNormalizer
// and a BertPreTokenizer). Only what this package implements is accepted; anything else in
// tokenizer.json (another model type, a subword prefix other than "##", lowercasing without
// accent stripping, added tokens outside the vocabulary, …) is a one-line error naming the file
// and the setting, never a silently different tokenization.
import Foundation

/// A tokenizer file's vocabulary and casing.
public struct TokenizerDefinition: Sendable {
    /// The vocabulary, ids as in the file.
    public let vocabulary: Vocabulary
    /// The casing the file asks for (true = uncased: lowercase and strip accents), or nil when
    /// the file does not say (a vocab.txt).
    public let lowercase: Bool?

    public init(vocabulary: Vocabulary, lowercase: Bool?) {
        self.vocabulary = vocabulary
        self.lowercase = lowercase
    }

    /// Loads a `vocab.txt` or a `tokenizer.json` (recognised by a `.json` name or by its content:
    /// a JSON object with a `model`).
    /// - Throws: `VocabularyError` naming the file and the problem.
    public init(contentsOf url: URL) throws {
        let data = try VocabularyError.readFile(url)
        if url.pathExtension.lowercased() == "json" || Self.looksLikeTokenizerJSON(data) {
            self = try Self.parseTokenizerJSON(data, file: url.path)
        } else {
            self.init(vocabulary: try Vocabulary(data: data, file: url.path), lowercase: nil)
        }
    }

    static func looksLikeTokenizerJSON(_ data: Data) -> Bool {
        guard data.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["model"] != nil
    }

    /// The casing a BertNormalizer's `lowercase` and `strip_accents` describe (strip_accents null
    /// follows lowercase, as in `tokenizers` and `transformers`). The package implements uncased
    /// (both) and cased (neither); a mixed setting is an error naming `file`.
    public static func casing(lowercase: Bool, stripAccents: Bool?, file: String) throws -> Bool {
        let strip = stripAccents ?? lowercase
        guard strip == lowercase else {
            let what = lowercase ? "lowercasing without stripping accents" : "stripping accents without lowercasing"
            throw VocabularyError(file: file, line: nil, problem: .unsupported("\(what) is not supported (only uncased: both, or cased: neither)"))
        }
        return lowercase
    }

    /// A JSON number that is a whole number, else nil.
    static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let type = String(cString: number.objCType)
        if type == "c" || type == "B" { return nil }  // true / false
        if let int = Int(exactly: number.int64Value), Double(int) == number.doubleValue { return int }
        return nil
    }

    /// Parses tokenizer.json: WordPiece model, BertNormalizer, BertPreTokenizer.
    static func parseTokenizerJSON(_ data: Data, file: String) throws -> TokenizerDefinition {
        func fail(_ what: String) -> VocabularyError { VocabularyError(file: file, line: nil, problem: .unsupported(what)) }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw VocabularyError(file: file, line: nil, problem: .malformed("not a JSON object"))
        }
        guard let model = root["model"] as? [String: Any] else {
            throw VocabularyError(file: file, line: nil, problem: .malformed("no \"model\" object (not a tokenizer.json)"))
        }
        let type = model["type"] as? String ?? "(none)"
        guard type == "WordPiece" else { throw fail("model type \"\(type)\" is not supported (only WordPiece)") }
        if let prefix = model["continuing_subword_prefix"], !(prefix is NSNull) {
            guard prefix as? String == "##" else { throw fail("continuing_subword_prefix \(prefix) is not supported (only \"##\")") }
        }
        if let cap = model["max_input_chars_per_word"], !(cap is NSNull) {
            guard Self.integer(cap) == WordPieceModel.maxInputCharsPerWord else {
                throw fail("max_input_chars_per_word \(cap) is not supported (only \(WordPieceModel.maxInputCharsPerWord))")
            }
        }
        if let unk = model["unk_token"], !(unk is NSNull) {
            guard unk as? String == "[UNK]" else { throw fail("unk_token \(unk) is not supported (only \"[UNK]\")") }
        }
        guard let vocab = model["vocab"] as? [String: Any], !vocab.isEmpty else {
            throw VocabularyError(file: file, line: nil, problem: .malformed("model.vocab is missing or empty"))
        }
        // ids must number 0..<n exactly once each
        var tokens = [String?](repeating: nil, count: vocab.count)
        for (token, value) in vocab {
            guard let id = Self.integer(value), id >= 0, id < vocab.count else {
                throw VocabularyError(file: file, line: nil, problem: .malformed(
                    "model.vocab id \(value) of \(VocabularyError.quoted(token)) is not in 0..<\(vocab.count)"))
            }
            if let other = tokens[id] {
                throw VocabularyError(file: file, line: nil, problem: .malformed(
                    "model.vocab gives id \(id) to both \(VocabularyError.quoted(other)) and \(VocabularyError.quoted(token))"))
            }
            tokens[id] = token
        }
        let vocabulary: Vocabulary
        do { vocabulary = try Vocabulary(tokens: tokens.map { $0! }) } catch let error as VocabularyError {
            // Re-attribute `<tokens>:line` to the file and the id.
            let id = error.line.map { " (id \($0 - 1))" } ?? ""
            throw VocabularyError(file: file, line: nil, problem: .malformed("model.vocab\(id): \(error.problemText)"))
        }
        // Added tokens: only those already in the vocabulary at the same id (BERT's specials).
        for case let added as [String: Any] in root["added_tokens"] as? [Any] ?? [] {
            let content = added["content"] as? String ?? "?"
            let id = added["id"].flatMap(Self.integer) ?? -1
            guard vocabulary.id(for: content) == Int32(exactly: id) ?? -2 else {
                throw fail("added token \(VocabularyError.quoted(content)) (id \(id)) is not in the WordPiece vocabulary at that id")
            }
        }
        var lowercase = true
        let normalizer = root["normalizer"]
        if let normalizer = normalizer as? [String: Any] {
            let kind = normalizer["type"] as? String ?? "(none)"
            guard kind == "BertNormalizer" else { throw fail("normalizer \"\(kind)\" is not supported (only BertNormalizer)") }
            for key in ["clean_text", "handle_chinese_chars"] where (normalizer[key] as? Bool) == false {
                throw fail("normalizer \(key) false is not supported")
            }
            lowercase = try casing(lowercase: normalizer["lowercase"] as? Bool ?? true,
                                   stripAccents: normalizer["strip_accents"] as? Bool, file: file)
        } else {
            throw fail("no normalizer is not supported (only BertNormalizer)")
        }
        if let pre = root["pre_tokenizer"] as? [String: Any] {
            let kind = pre["type"] as? String ?? "(none)"
            guard kind == "BertPreTokenizer" else { throw fail("pre_tokenizer \"\(kind)\" is not supported (only BertPreTokenizer)") }
        } else {
            throw fail("no pre_tokenizer is not supported (only BertPreTokenizer)")
        }
        return TokenizerDefinition(vocabulary: vocabulary, lowercase: lowercase)
    }
}
