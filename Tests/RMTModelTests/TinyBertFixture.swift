// The tiny-bert fixture (Fixtures/tiny-bert): a random BERT, its inputs and Hugging Face
// `transformers`' outputs, loaded once per test that compares against it.
import Foundation
import RMTModel
import RMTSafetensors
import RMTTestSupport

struct TinyBertFixture {
    let config: BertConfig
    let encoder: BertEncoder
    /// reference.safetensors: the inputs and transformers' intermediates and outputs.
    let reference: SafetensorsFile
    /// Batch and sequence length of the inputs.
    let batch: Int, seqLen: Int
    /// (B, T) input ids, attention mask and token types.
    let ids: [Int32], mask: [Int32], types: [Int32]

    init() throws {
        let dir = fixture("tiny-bert")
        config = try BertConfig.load(contentsOf: dir.appendingPathComponent("config.json"))
        let params = ParameterSet(layout: .bert(config, pooler: true))
        try params.load(from: SafetensorsFile(contentsOf: dir.appendingPathComponent("model.safetensors")))
        encoder = try BertEncoder(config: config, parameters: params)
        reference = try SafetensorsFile(contentsOf: dir.appendingPathComponent("reference.safetensors"))
        guard let shape = reference.info("input_ids")?.shape, shape.count == 2 else {
            throw ModelError("tiny-bert", "reference.safetensors has no (B, T) input_ids")
        }
        (batch, seqLen) = (shape[0], shape[1])
        ids = try reference.int64s("input_ids").map { Int32($0) }
        mask = try reference.int64s("attention_mask").map { Int32($0) }
        types = try reference.int64s("token_type_ids").map { Int32($0) }
    }
}
