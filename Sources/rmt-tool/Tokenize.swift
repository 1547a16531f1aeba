// rmt-tool tokenize: text on stdin -> one line of WordPiece ids per input line.
import ArgumentParser

struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Tokenize stdin (placeholder).")
    func run() throws { throw ValidationError("tokenize: not implemented yet") }
}
