// rmt-tool encode: runs a Hugging Face BERT folder on `[CLS] text [SEP]` and writes
// `last_hidden_state` with shape [T, H] (plus `input_ids`) to a safetensors file.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encode one text with a BERT folder and write last_hidden_state [T, H] to safetensors.")

    @Option(help: "Hugging Face BERT folder (config.json, model.safetensors, vocab.txt or tokenizer.json).")
    var model: String

    @Option(help: "The text to encode.")
    var text: String

    @Option(help: "Output .safetensors file.")
    var output: String

    func run() throws {
        let compute = try ComputeOptions.fromEnvironment(tool: "rmt-tool")
        try ErrorReporter.run("rmt-tool") {
            let checkpoint = try BertCheckpoint.load(directory: URL(fileURLWithPath: model))
            checkpoint.encoder.compute = compute
            if let note = SkippedTensors.note(folder: model, checkpoint.skippedTensors) {
                FileHandle.standardError.write(Data((note + "\n").utf8))
            }
            let vocab = checkpoint.tokenizer.vocabulary
            guard let cls = vocab.clsID, let sep = vocab.sepID else {
                throw ModelError(model, "the vocabulary has no [CLS] or [SEP] token")
            }
            let ids = [cls] + checkpoint.tokenizer.encode(text) + [sep]
            let limit = checkpoint.config.maxPositionEmbeddings
            guard ids.count <= limit else {
                throw ModelError("--text", "\(ids.count) tokens exceed the model's \(limit) positions (use rmt-ask for long documents)")
            }
            let hidden = try checkpoint.encoder.encode(ids: ids)
            var writer = SafetensorsWriter(metadata: ["text": text, "model": model])
            try writer.add("last_hidden_state", shape: [ids.count, checkpoint.config.hiddenSize], floats: hidden)
            try writer.add("input_ids", shape: [ids.count], int64s: ids.map { Int64($0) })
            try writer.write(to: URL(fileURLWithPath: output))
            FileHandle.standardError.write(Data("wrote \(output): last_hidden_state [\(ids.count), \(checkpoint.config.hiddenSize)]\n".utf8))
        }
    }
}
