// rmt-tool blend: writes the model (1 − w)·A + w·B — two RMT models of one architecture mixed in
// weight space, e.g. a fine-tune blended back toward the model it started from (WiSE-FT), so
// that it keeps part of what each knows. The output is an ordinary model folder with A's config
// and vocabulary (B must have the same), float32 unless --float16.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct Blend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the model (1 − w)·A + w·B of two models of one architecture (weight-space blend).")

    @Argument(help: "Model folder A (weight 1 − w).") var first: String
    @Argument(help: "Model folder B (weight w): the same config, labels, settings and vocabulary as A.") var second: String
    @Option(help: "The weight w of B, in 0...1.") var weight: Float
    @Option(help: "Output folder (written atomically; an existing model folder is replaced, any other file or non-empty folder is refused).") var out: String
    @Flag(help: "Store the weights as float16.") var float16 = false

    func validate() throws {
        guard weight.isFinite, (0...1).contains(weight) else { throw ValidationError("--weight must be in 0...1, got \(weight)") }
    }

    func run() throws {
        try ErrorReporter.run("rmt-tool") {
            try OutputFolder.checkReplaceable(out)
            let a = try RecurrentMemoryModel.load(directory: URL(fileURLWithPath: first))
            let b = try RecurrentMemoryModel.load(directory: URL(fileURLWithPath: second))
            let blend = try a.blended(with: b, weight: weight)
            try blend.save(to: URL(fileURLWithPath: out), float16: float16,
                           metadata: ["rmt.blend": "(1 - \(weight)) * \(first) + \(weight) * \(second)"])
            FileHandle.standardError.write(Data("wrote \(out): (1 − \(weight))·\(first) + \(weight)·\(second), \(blend.parameters.layout.count) parameters, \(float16 ? "float16" : "float32")\n".utf8))
        }
    }
}
