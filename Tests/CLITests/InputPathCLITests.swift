// rmt-ask reads every kind of path once, as a stream (issue 13, "Input"): process substitution
// (/dev/fd/N) and pipes lose none of their first 8 KiB, a named FIFO with a writer is read (no
// hang), and one input gets one binary verdict whether it comes as a file, stdin from a file or
// stdin from a pipe. Answers are compared by the token count read (the file's is the truth).
import Foundation
import Testing
import RMTTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A ~20 KB text of 5,000 tokens: far more than the 8 KiB the binary check looks at.
private func writeDocument(in dir: URL) throws -> URL {
    let url = dir.appendingPathComponent("doc.txt")
    try Data((0..<5000).map { "w\(5 + $0 % 90)" }.joined(separator: " ").utf8).write(to: url)
    return url
}

/// The "tokens" of rmt-ask's --json answer, or nil.
private func tokensRead(_ r: CommandResult) -> Int? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else { return nil }
    return object["tokens"] as? Int
}

/// `bash -c script`, where `ask` runs rmt-ask under a 60 s limit: a hang is killed and reads as
/// status 137 instead of stalling the suite.
private func bash(_ script: String) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", "ask() { timeout -s KILL 60 \"$RMT_ASK\" \"$@\"; }; " + script]
    var env = ProcessInfo.processInfo.environment
    env["RMT_ASK"] = productsFolder().appendingPathComponent("rmt-ask").path
    process.environment = env
    return try runCollecting(process)
}

/// The answer, its probability and the token count of a --json answer.
private func answerKey(_ r: CommandResult) -> String? {
    guard let o = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else { return nil }
    return "\(o["answer"] ?? "") \(o["probability"] ?? "") \(o["tokens"] ?? "") \(o["segments"] ?? "")"
}

@Test func askReadsProcessSubstitutionAndPipesWhole() throws {
    let dir = try scratchFolder("paths")
    defer { try? FileManager.default.removeItem(at: dir) }
    let doc = try writeDocument(in: dir).path
    let file = try run("rmt-ask", [doc, "-q", "w40", "--model", tinyModel, "--json"])
    #expect(file.status == 0, "\(file.stderr)")
    let truth = try #require(tokensRead(file))
    #expect(truth == 5000)
    for script in [
        "ask <(cat '\(doc)') -q w40 --model '\(tinyModel)' --json",   // /dev/fd/N, a pipe
        "cat '\(doc)' | ask - -q w40 --model '\(tinyModel)' --json",  // stdin, a pipe
        "ask - -q w40 --model '\(tinyModel)' --json < '\(doc)'",      // stdin, a file
        "exec 7<'\(doc)'; ask /dev/fd/7 -q w40 --model '\(tinyModel)' --json",  // inherited fd
    ] {
        let r = try bash(script)
        #expect(r.status == 0, "\(script): \(r.stderr)")
        #expect(tokensRead(r) == truth, "\(script): \(r.stdout)")
        #expect(answerKey(r) == answerKey(file), "\(script): \(r.stdout)")
    }
}

@Test func askReadsANamedFIFOWithAWriter() throws {
    let dir = try scratchFolder("fifo")
    defer { try? FileManager.default.removeItem(at: dir) }
    let doc = try writeDocument(in: dir).path
    let fifo = dir.appendingPathComponent("doc.fifo").path
    #expect(mkfifo(fifo, 0o600) == 0)
    // The writer runs beside rmt-ask; the old reader read 8 KiB, closed and reopened the FIFO,
    // then waited forever for a second writer (the time limit turns that into a failure).
    let r = try bash("cat '\(doc)' > '\(fifo)' & ask '\(fifo)' -q w40 --model '\(tinyModel)' --json; s=$?; wait; exit $s")
    #expect(r.status == 0, "status \(r.status) (137: hung and killed): \(r.stderr)")
    #expect(tokensRead(r) == 5000, "\(r.stdout)")
}

@Test func oneBinaryVerdictForAFileAndForStdin() throws {
    let dir = try scratchFolder("nuls")
    defer { try? FileManager.default.removeItem(at: dir) }
    // 5 MB of NULs, then text: refused from a file, so refused from stdin too (the old stdin
    // path never looked and answered).
    let blob = dir.appendingPathComponent("nuls-then-text.txt").path
    var bytes = Data(count: 5_000_000)
    bytes.append(Data(String(repeating: "w5 w6 w7 ", count: 1000).utf8))
    try bytes.write(to: URL(fileURLWithPath: blob))
    let viaFile = try run("rmt-ask", [blob, "-q", "w40", "--model", tinyModel])
    #expect(viaFile.status == 1 && viaFile.stderr.contains("binary") && isOneLine(viaFile.stderr), "\(viaFile.stderr)")
    #expect(viaFile.stderr.contains(blob))
    for script in ["ask - -q w40 --model '\(tinyModel)' < '\(blob)'",
                   "cat '\(blob)' | ask - -q w40 --model '\(tinyModel)'",
                   "ask <(cat '\(blob)') -q w40 --model '\(tinyModel)'"] {
        let r = try bash(script)
        #expect(r.status == 1 && r.stderr.contains("binary") && isOneLine(r.stderr), "\(script): \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
    // And text with a few NULs is text from every kind of path.
    let few = dir.appendingPathComponent("few-nuls.txt").path
    try Data("w5 w6 w7 w8 w9 w10 w11 w12\u{0} w13 w14 w15 w16 w17 w18 w19 w20 w21\u{0} w22 w23 w24".utf8)
        .write(to: URL(fileURLWithPath: few))
    for script in ["ask '\(few)' -q w40 --model '\(tinyModel)'",
                   "cat '\(few)' | ask - -q w40 --model '\(tinyModel)'"] {
        let r = try bash(script)
        #expect(r.status == 0 && r.stderr.contains("2 NUL bytes ignored"), "\(script): \(r.stderr)")
    }
}
