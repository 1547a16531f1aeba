// rmt-tool haystack: writes a long document with planted facts (placeholder).
import ArgumentParser

struct Haystack: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a long document with planted facts (placeholder).")
    func run() throws { throw ValidationError("haystack: not implemented yet") }
}
