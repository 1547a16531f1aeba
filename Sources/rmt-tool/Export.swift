// rmt-tool export: rewrites an RMT model folder — typically a training run's model/ — as a
// release folder: float16 weights (half the size; Hugging Face names kept) and provenance
// metadata in the safetensors header. Loading widens float16 back to float32. `--domain-tasks`
// narrows the question domain the model records (rmt.domain, what rmt-ask checks questions
// against) to the tasks it actually learned: a fine-tune records every task it was ever trained
// on, including ones it was trained on without learning them.
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
    @Option(help: "Record only these tasks' question forms as the model's domain (a comma list, each one the model records, e.g. the tasks it learned); default: the domain as recorded.")
    var domainTasks: String?

    func validate() throws {
        for m in metadata where !m.contains("=") || m.hasPrefix("=") {
            throw ValidationError("--metadata takes KEY=VALUE, got \"\(m)\"")
        }
    }

    func run() throws {
        try ErrorReporter.run("rmt-tool") {
            try OutputFolder.checkReplaceable(out)
            var rmt = try RecurrentMemoryModel.load(directory: URL(fileURLWithPath: model))
            if let domainTasks { rmt = try narrowingDomain(of: rmt, to: domainTasks) }
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

    /// `rmt` recording only the question domain of the tasks `list` names.
    /// - Throws: `ModelError` when the model records no domain, a task in `list` is not one it
    ///   records, or the tasks' questions cannot be listed; `DataError` for an unknown task name.
    private func narrowingDomain(of rmt: RecurrentMemoryModel, to list: String) throws -> RecurrentMemoryModel {
        guard let recorded = rmt.questionDomain else {
            throw ModelError(model, "records no question domain; --domain-tasks can only narrow a recorded one")
        }
        guard let part = try TaskCatalog.task(list: list).questionDomain else {
            throw ModelError(model, "--domain-tasks \(list): these tasks' questions cannot be listed as a domain")
        }
        let missing = recorded.unrecordedTasks(of: part)
        guard missing.isEmpty else {
            throw ModelError(model, "--domain-tasks: \(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") not among the tasks the model records (\(recorded.tasks.joined(separator: ", ")))")
        }
        return try rmt.recording(domain: part)
    }
}
