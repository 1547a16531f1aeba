// rmt-tool bench-tokenizer: tokenizer throughput benchmark.
import ArgumentParser

struct BenchTokenizer: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-tokenizer", abstract: "Tokenizer benchmark (placeholder).")
    func run() throws { throw ValidationError("bench-tokenizer: not implemented yet") }
}
