// ArgumentChecks on a small command tree of its own (a root with a default subcommand, single
// and array options, a flag): which repeats are refused, how negative numbers are passed on
// (and that ArgumentParser then reads them), what "--" ends, and a random-argument pass that
// must never trap and never change an argument list except by attaching negative numbers.
import ArgumentParser
import Foundation
import Testing
import RMTCommandLine

private struct Root: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "root", subcommands: [Work.self, Other.self],
                                                    defaultSubcommand: Work.self)
}

private struct Work: ParsableCommand {
    @Option var lr: Double = 1
    @Option(name: .shortAndLong) var question: String?
    @Option var noise: [String] = []
    @Option(parsing: .upToNextOption) var files: [String] = []
    @Flag var json = false
    @Argument var path: String?
}

private struct Other: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "other")
    @Option var model: String?
    @Option var count: Int = 0
}

private let tree = ArgumentChecks.commandTree(Root.self)

private func refused(_ arguments: [String]) -> String? {
    do { _ = try ArgumentChecks.check(arguments, tree: tree); return nil } catch { return "\(error)" }
}

@Test func repeatedSingleValueOptionsAreRefusedArraysAndFlagsRepeat() throws {
    #expect(refused(["-q", "a", "-q", "b"])?.contains("--question/-q was given more than once ('a', then 'b')") == true)
    // Control characters in a value are escaped: the error stays one line (found by Scripts/fuzz_cli.py).
    let escaped = refused(["-q", "\t\n", "-q", ""])
    #expect(escaped?.contains("('\\t\\n', then '')") == true && escaped?.contains("\n") == false, "\(escaped ?? "accepted")")
    let long = refused(["-q", String(repeating: "x", count: 20_000), "-q", "b"])
    #expect(long?.contains("('" + String(repeating: "x", count: 40) + "…', then 'b')") == true && (long?.count ?? .max) < 200)
    #expect(refused(["--question=a", "-q", "b"]) != nil)
    #expect(refused(["--lr", "1", "doc.txt", "--lr", "2"]) != nil)
    #expect(refused(["work", "--lr", "1", "--lr", "2"]) != nil)
    #expect(refused(["other", "--model", "x", "--model", "y"])?.contains("--model") == true)
    #expect(refused(["other", "--count", "-1", "--count", "-2"]) != nil)
    for fine in [["--noise", "a", "--noise", "b"], ["--files", "a", "b", "--files", "c"], ["--json", "--json"],
                 ["-q", "a", "--", "-q", "b"], ["-q", "-q"], ["other", "--model", "x"], ["-q", "a", "other", "--model", "y"]] {
        #expect(refused(fine) == nil, "\(fine)")
    }
}

@Test func negativeNumbersAreAttachedAndParsed() throws {
    #expect(try ArgumentChecks.check(["--lr", "-1"], tree: tree) == ["--lr=-1"])
    #expect(try ArgumentChecks.check(["-q", "-2.5e-3"], tree: tree) == ["--question=-2.5e-3"])
    #expect(try ArgumentChecks.check(["other", "--count", "-3"], tree: tree) == ["other", "--count=-3"])
    #expect(try ArgumentChecks.check(["--lr", "-x"], tree: tree) == ["--lr", "-x"])     // not a number: left alone
    #expect(try ArgumentChecks.check(["--", "--lr", "-1"], tree: tree) == ["--", "--lr", "-1"])
    let work = try #require(try Root.parseAsRoot(ArgumentChecks.check(["--lr", "-0.5", "doc"], tree: tree)) as? Work)
    #expect(work.lr == -0.5 && work.path == "doc")
    let other = try #require(try Root.parseAsRoot(ArgumentChecks.check(["other", "--count", "-7"], tree: tree)) as? Other)
    #expect(other.count == -7)
}

@Test func randomArgumentListsNeverTrapAndOnlyAttachNegativeNumbers() {
    let pool = ["--lr", "-q", "--question", "--noise", "--files", "--json", "--model", "--count", "other", "work", "help",
                "--", "-", "-1", "-0.5", "-1e9", "-inf", "-x", "--lr=", "--lr=-2", "-q=", "=", "", "doc.txt", "a b",
                "--unknown", "-", "--=", "-\u{1F600}", "3", "nan", "--version", "-h"]
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<3000 {
        let arguments = (0..<Int.random(in: 0...9, using: &rng)).map { _ in pool.randomElement(using: &rng)! }
        guard let out = try? ArgumentChecks.check(arguments, tree: tree) else { continue }
        // Undo the attachments: the list must be the input.
        var undone: [String] = []
        for token in out {
            if let eq = token.firstIndex(of: "="), token.hasPrefix("--"), !arguments.contains(token) {
                undone.append(String(token[..<eq]))
                undone.append(String(token[token.index(after: eq)...]))
            } else {
                undone.append(token)
            }
        }
        let shortened = undone.enumerated().map { i, t in
            // "-q -1" was passed on as "--question=-1": map the long name back where the input had "-q".
            t == "--question" && i < arguments.count && arguments[i] == "-q" ? "-q" : t
        }
        #expect(shortened == arguments, "\(arguments) → \(out)")
    }
}
