// TokenizerDefinition: vocab.txt and tokenizer.json give the same vocabulary; tokenizer.json's
// normalizer sets the casing; settings the package does not implement are one-line errors.
import Foundation
import Testing
import RMTTestSupport
import RMTTokenizer

private func write(_ object: [String: Any], _ name: String = "tokenizer.json") throws -> URL {
    let url = try makeScratchFolder("tokjson").appendingPathComponent(name)
    try JSONSerialization.data(withJSONObject: object).write(to: url)
    return url
}

private func tokenizerJSON(_ edit: (inout [String: Any]) -> Void = { _ in }) -> [String: Any] {
    var object: [String: Any] = [
        "model": ["type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
                  "vocab": ["[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "un": 4, "##able": 5, "Able": 6]],
        "normalizer": ["type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": NSNull(), "lowercase": true],
        "pre_tokenizer": ["type": "BertPreTokenizer"],
        "added_tokens": [["id": 0, "content": "[PAD]", "special": true], ["id": 1, "content": "[UNK]", "special": true]],
    ]
    edit(&object)
    return object
}

@Test func tokenizerJSONGivesTheVocabularyAndCasing() throws {
    let url = try write(tokenizerJSON())
    let definition = try TokenizerDefinition(contentsOf: url)
    #expect(definition.vocabulary.tokens == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##able", "Able"])
    #expect(definition.lowercase == true)
    #expect(BertTokenizer(vocabulary: definition.vocabulary, lowercase: true).encode("UNABLE") == [4, 5])
    var cased = tokenizerJSON()
    cased["normalizer"] = ["type": "BertNormalizer", "lowercase": false]
    let casedDefinition = try TokenizerDefinition(contentsOf: write(cased))
    #expect(casedDefinition.lowercase == false)
    // recognised by content under another name, too
    let renamed = try TokenizerDefinition(contentsOf: write(tokenizerJSON(), "vocab"))
    #expect(renamed.vocabulary.count == 7)
    // the fixture vocab.txt: no casing said
    let txt = try TokenizerDefinition(contentsOf: fixture("tokenizer/vocab.txt"))
    let plain = try Vocabulary(contentsOf: fixture("tokenizer/vocab.txt"))
    #expect(txt.lowercase == nil && txt.vocabulary.tokens == plain.tokens)
}

@Test(arguments: [
    ("model", #"{"type": "BPE", "vocab": {"a": 0}}"#, "model type \"BPE\" is not supported (only WordPiece)"),
    ("model", #"{"type": "WordPiece", "continuing_subword_prefix": "@@", "vocab": {"[UNK]": 0}}"#, "continuing_subword_prefix @@ is not supported"),
    ("model", #"{"type": "WordPiece", "vocab": {"[UNK]": 0, "a": 2}}"#, "model.vocab id 2 of \"a\" is not in 0..<2"),
    ("model", #"{"type": "WordPiece", "vocab": {"[UNK]": 0, "a": 0}}"#, "gives id 0 to both"),
    ("model", #"{"type": "WordPiece", "vocab": {"[PAD]": 0, "a": 1}}"#, "no [UNK] token"),
    ("normalizer", #"{"type": "BertNormalizer", "lowercase": false, "strip_accents": true}"#, "stripping accents without lowercasing is not supported"),
    ("normalizer", #"{"type": "Lowercase"}"#, "normalizer \"Lowercase\" is not supported"),
    ("normalizer", #"{"type": "BertNormalizer", "clean_text": false}"#, "clean_text false is not supported"),
    ("pre_tokenizer", #"{"type": "Whitespace"}"#, "pre_tokenizer \"Whitespace\" is not supported"),
    ("added_tokens", #"[{"id": 7, "content": "<extra>"}]"#, "added token \"<extra>\" (id 7) is not in the WordPiece vocabulary"),
])
func unsupportedTokenizerJSONIsRefused(key: String, json: String, phrase: String) throws {
    var object = tokenizerJSON()
    object[key] = try JSONSerialization.jsonObject(with: Data(json.utf8))
    let url = try write(object)
    do {
        _ = try TokenizerDefinition(contentsOf: url)
        Issue.record("accepted \(key) = \(json)")
    } catch let error as VocabularyError {
        #expect(error.description.hasPrefix(url.path + ": ") && error.description.contains(phrase) && !error.description.contains("\n"),
                "\(error)")
    }
}

@Test func devicesAreNotReadAsVocabularies() throws {
    #expect(throws: VocabularyError(file: "/dev/zero", line: nil, problem: .unreadable("is not a regular file (a device or socket)"))) {
        try TokenizerDefinition(contentsOf: URL(fileURLWithPath: "/dev/zero"))
    }
}
