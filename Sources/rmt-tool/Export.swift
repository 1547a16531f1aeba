// rmt-tool export: rewrites an RMT model folder — typically a training run's model/ — as a
// release folder: float16 weights (half the size; Hugging Face names kept) and provenance
// metadata in the safetensors header. Loading widens float16 back to float32.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite an RMT model folder (float16 weights, metadata), e.g. to ship a trained model.")

    @Argument(help: "The model folder to read.") var model: String
    @Option(help: "Output folder (written atomically; an existing model folder is replaced, any other file or non-empty folder is refused).") var out: String
    @Flag(help: "Store the weights as float16.") var float16 = false
    @Option(help: "Metadata KEY=VALUE for the safetensors header (repeatable).") var metadata: [String] = []

    func validate() throws {
        for m in metadata where !m.contains("=") || m.hasPrefix("=") {
            throw ValidationError("--metadata takes KEY=VALUE, got \"\(m)\"")
        }
    }

    func run() throws {
        try ErrorReporter.run("rmt-tool") {
            try OutputFolder.checkReplaceable(out)
            let rmt = try RecurrentMemoryModel.load(directory: URL(fileURLWithPath: model))
            var meta: [String: String] = [:]
            for m in metadata {
                let parts = m.split(separator: "=", maxSplits: 1).map(String.init)
                meta[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            try rmt.save(to: URL(fileURLWithPath: out), float16: float16, metadata: meta)
            let bytes = (try? FileManager.default.attributesOfItem(atPath: out + "/model.safetensors")[.size] as? Int) ?? 0
            FileHandle.standardError.write(Data("wrote \(out): \(rmt.parameters.layout.count) parameters, \(float16 ? "float16" : "float32"), \(bytes / 1_048_576) MiB\n".utf8))
        }
    }
}
