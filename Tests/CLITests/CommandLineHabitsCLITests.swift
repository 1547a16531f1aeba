// CLI habits of the three tools (issue 13, "CLI"): --version with the commit, negative numbers
// as values, a repeated single-value option refused (arrays still repeat), --out on a file or a
// foreign folder refused in one line (no NSError dump), RMT_MODEL strict, right plurals, the
// completion scripts that README documents, and rmt-ask's progress bar (segments against the
// estimate; cleared on Ctrl-C, exit 130), seen through a pseudo-terminal.
import Foundation
import Testing
import RMT
import RMTCommandLine
import RMTTestSupport
#if canImport(Glibc)
import Glibc
#endif

private let tools = ["rmt-ask", "rmt-train", "rmt-tool"]

// The pseudo-terminal calls of <stdlib.h>, which Glibc's module hides behind _XOPEN_SOURCE.
@_silgen_name("posix_openpt") private func c_posix_openpt(_ flags: Int32) -> Int32
@_silgen_name("grantpt") private func c_grantpt(_ fd: Int32) -> Int32
@_silgen_name("unlockpt") private func c_unlockpt(_ fd: Int32) -> Int32
@_silgen_name("ptsname_r") private func c_ptsname_r(_ fd: Int32, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int) -> Int32

@Test func versionPrintsTheVersionAndTheCheckoutsCommit() throws {
    // The commit the tools print is the checkout's HEAD, as git itself reports it.
    let git = Process()
    git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    git.arguments = ["git", "-C", repositoryRoot().path, "rev-parse", "HEAD"]
    let pipe = Pipe()
    git.standardOutput = pipe
    git.standardError = FileHandle.nullDevice
    try git.run()
    git.waitUntilExit()
    let head = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    let expected = git.terminationStatus == 0 ? String(head.prefix(12)) : "unknown"
    for tool in tools {
        let r = try run(tool, ["--version"])
        #expect(r.status == 0, "\(tool): \(r.stderr)")
        #expect(r.stdout == "\(RMTVersion.string) (commit \(expected))\n", "\(tool): \(r.stdout)")
    }
}

@Test func commitIsReadFromEveryGitLayout() throws {
    let dir = try scratchFolder("git")
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = String(repeating: "a", count: 40), b = String(repeating: "b", count: 40), c = String(repeating: "c", count: 40)
    func write(_ path: String, _ text: String) throws {
        let url = dir.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
    // A plain checkout: HEAD → a loose ref.
    try write("plain/.git/HEAD", "ref: refs/heads/main\n")
    try write("plain/.git/refs/heads/main", a + "\n")
    #expect(BuildInfo.headCommit(checkout: dir.appendingPathComponent("plain")) == a)
    // Packed refs only (after `git gc`).
    try write("packed/.git/HEAD", "ref: refs/heads/main\n")
    try write("packed/.git/packed-refs", "# pack-refs with: peeled fully-peeled sorted\n\(c) refs/heads/other\n\(b) refs/heads/main\n")
    #expect(BuildInfo.headCommit(checkout: dir.appendingPathComponent("packed")) == b)
    // A worktree: .git is a file naming its git dir, whose commondir holds the refs.
    try write("main/.git/worktrees/wt/HEAD", "ref: refs/heads/feature\n")
    try write("main/.git/worktrees/wt/commondir", "../..\n")
    try write("main/.git/refs/heads/feature", c + "\n")
    try write("wt/.git", "gitdir: \(dir.appendingPathComponent("main/.git/worktrees/wt").path)\n")
    #expect(BuildInfo.headCommit(checkout: dir.appendingPathComponent("wt")) == c)
    // Detached HEAD; no .git at all; a HEAD naming a ref that does not exist.
    try write("detached/.git/HEAD", a + "\n")
    #expect(BuildInfo.headCommit(checkout: dir.appendingPathComponent("detached")) == a)
    #expect(BuildInfo.headCommit(checkout: dir.appendingPathComponent("nothing")) == nil)
    try write("dangling/.git/HEAD", "ref: refs/heads/gone\n")
    #expect(BuildInfo.headCommit(checkout: dir.appendingPathComponent("dangling")) == nil)
}

@Test func negativeNumbersReachValidation() throws {
    let dir = try scratchFolder("negative")
    defer { try? FileManager.default.removeItem(at: dir) }
    let doc = dir.appendingPathComponent("doc.txt")
    try Data("w5 w6 w7".utf8).write(to: doc)
    let cases: [(String, [String], String)] = [
        ("rmt-train", ["--preset", "tiny", "--lr", "-1", "--out", dir.appendingPathComponent("run").path], "--lr must be a positive number"),
        ("rmt-train", ["--preset", "tiny", "--lr", "-1e-3", "--out", dir.appendingPathComponent("run").path], "--lr must be a positive number"),
        ("rmt-ask", [doc.path, "-q", "x", "--model", tinyModel, "--top-k", "-2"], "--top-k must be at least 1"),
        ("rmt-tool", ["haystack", "--task", "memorize", "--tokens", "-5", "--vocab", fixture("tiny-rmt/vocab.txt").path,
                      "--out", dir.appendingPathComponent("h.txt").path], "--tokens: must be positive, got -5"),
    ]
    for (tool, arguments, message) in cases {
        let r = try run(tool, arguments)
        #expect(r.status != 0 && r.stderr.contains(message), "\(tool) \(arguments): \(r.stderr)")
        #expect(!r.stderr.contains("Missing value"), "\(r.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("run").path))
}

@Test func aRepeatedSingleValueOptionIsAnError() throws {
    let dir = try scratchFolder("repeated")
    defer { try? FileManager.default.removeItem(at: dir) }
    let doc = dir.appendingPathComponent("doc.txt")
    try Data("w5 w6 w7".utf8).write(to: doc)
    let vocab = fixture("tiny-rmt/vocab.txt").path
    let cases: [(String, [String], String)] = [
        ("rmt-ask", [doc.path, "-q", "a", "-q", "b", "--model", tinyModel], "--question/-q was given more than once ('a', then 'b')"),
        ("rmt-ask", [doc.path, "--question=a", "--model", tinyModel, "-q", "b"], "--question/-q was given more than once"),
        ("rmt-train", ["--preset", "tiny", "--lr", "1e-3", "--lr", "2e-3", "--out", dir.appendingPathComponent("run").path],
         "--lr was given more than once"),
        ("rmt-train", ["eval", "--model", tinyModel, "--model", tinyModel, "--task", "memorize", "--segments", "1"],
         "--model was given more than once"),
        ("rmt-tool", ["haystack", "--task", "memorize", "--tokens", "50", "--tokens", "60", "--vocab", vocab,
                      "--out", dir.appendingPathComponent("h.txt").path], "--tokens was given more than once"),
    ]
    for (tool, arguments, message) in cases {
        let r = try run(tool, arguments)
        #expect(r.status == 64 && r.stderr.contains(message), "\(tool) \(arguments): \(r.status) \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("run").path))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("h.txt").path))
    // Array options still repeat: two --noise files make one corpus.
    let sentence = "The old clock in the hall struck nine while the rain kept falling on the quiet street. "
    for name in ["n1.txt", "n2.txt"] {
        try Data(String(repeating: sentence, count: 40).utf8).write(to: dir.appendingPathComponent(name))
    }
    let hay = dir.appendingPathComponent("hay.txt")
    let r = try run("rmt-tool", ["haystack", "--task", "memorize", "--tokens", "200", "--vocab", vocab,
                                 "--noise", dir.appendingPathComponent("n1.txt").path, "--noise", dir.appendingPathComponent("n2.txt").path,
                                 "--out", hay.path])
    #expect(r.status == 0 && FileManager.default.fileExists(atPath: hay.path), "\(r.stderr)")
}

@Test func outOnAFileOrAForeignFolderIsOneLine() throws {
    let dir = try scratchFolder("out-file")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("notes.txt")
    try Data("keep me".utf8).write(to: file)
    let foreign = dir.appendingPathComponent("photos")
    try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
    try Data("keep me too".utf8).write(to: foreign.appendingPathComponent("a.jpg"))
    let vocab = fixture("tiny-rmt/vocab.txt").path
    for out in [file, foreign] {
        for arguments in [["create-model", "--preset", "tiny", "--vocab", vocab, "--out", out.path],
                          ["export", tinyModel, "--out", out.path]] {
            let r = try run("rmt-tool", arguments)
            #expect(r.status == 1 && isOneLine(r.stderr) && r.stderr.hasPrefix("rmt-tool: \(out.path): "), "\(arguments): \(r.stderr)")
            #expect(!r.stderr.contains("Error Domain") && !r.stderr.contains("NSCocoaErrorDomain"), "\(r.stderr)")
        }
    }
    #expect(try String(contentsOf: file, encoding: .utf8) == "keep me")
    #expect(try String(contentsOf: foreign.appendingPathComponent("a.jpg"), encoding: .utf8) == "keep me too")
    // rmt-train and rmt-tool haystack go through the same reporter: path and cause, one line.
    let t = try run("rmt-train", ["--preset", "tiny", "--vocab", vocab, "--out", file.path])
    #expect(t.status == 1 && isOneLine(t.stderr) && t.stderr.contains(file.path) && !t.stderr.contains("Error Domain"), "\(t.stderr)")
    let h = try run("rmt-tool", ["haystack", "--task", "memorize", "--tokens", "50", "--vocab", vocab, "--out", dir.path])
    #expect(h.status == 1 && isOneLine(h.stderr) && h.stderr.contains(dir.path) && !h.stderr.contains("Error Domain"), "\(h.stderr)")
}

@Test func rmtModelIsUsedWhenRightAndAnErrorWhenWrong() throws {
    let dir = try scratchFolder("rmt-model")
    defer { try? FileManager.default.removeItem(at: dir) }
    let doc = dir.appendingPathComponent("doc.txt")
    try Data("w5 w6 w7".utf8).write(to: doc)
    let typo = dir.appendingPathComponent("modle").path
    let wrong = try run("rmt-ask", [doc.path, "-q", "x"], environment: ["RMT_MODEL": typo])
    #expect(wrong.status == 1 && isOneLine(wrong.stderr), "\(wrong.stderr)")
    #expect(wrong.stderr.contains("RMT_MODEL=\(typo): no such model folder"), "\(wrong.stderr)")
    #expect(wrong.stdout.isEmpty)
    let notModel = try run("rmt-ask", [doc.path, "-q", "x"], environment: ["RMT_MODEL": dir.path])
    #expect(notModel.status == 1 && notModel.stderr.contains("no config.json"), "\(notModel.stderr)")
    // A right one is used (the tiny fixture's labels, not the bundled model's rooms).
    let right = try run("rmt-ask", [doc.path, "-q", "x", "--json"], environment: ["RMT_MODEL": tinyModel])
    #expect(right.status == 0, "\(right.stderr)")
    let answer = try JSONSerialization.jsonObject(with: Data(right.stdout.utf8)) as? [String: Any]
    #expect(["alpha", "beta", "gamma", "delta"].contains(answer?["answer"] as? String ?? ""), "\(right.stdout)")
    // --model wins over RMT_MODEL, even a wrong one.
    let explicit = try run("rmt-ask", [doc.path, "-q", "x", "--model", tinyModel], environment: ["RMT_MODEL": typo])
    #expect(explicit.status == 0, "\(explicit.stderr)")
}

@Test func pluralsAreRight() throws {
    let dir = try scratchFolder("plurals")
    defer { try? FileManager.default.removeItem(at: dir) }
    let one = dir.appendingPathComponent("one.txt")
    try Data("w5".utf8).write(to: one)  // 1 token, 1 segment (the fixture's segments hold 8)
    let r = try run("rmt-ask", [one.path, "-q", "x", "--model", tinyModel])
    #expect(r.status == 0 && r.stderr.contains("1 token, 1 segment,"), "\(r.stderr)")
    let two = dir.appendingPathComponent("two.txt")
    try Data("w5 w6 w7 w8 w9 w10 w11 w12 w13 w14".utf8).write(to: two)
    let s = try run("rmt-ask", [two.path, "-q", "x", "--model", tinyModel])
    #expect(s.status == 0 && s.stderr.contains("10 tokens, 2 segments,"), "\(s.stderr)")
}

@Test func completionScriptsAreGenerated() throws {
    for tool in tools {
        for shell in ["bash", "zsh", "fish"] {
            let r = try run(tool, ["--generate-completion-script", shell])
            #expect(r.status == 0 && r.stdout.contains(tool) && r.stdout.count > 200, "\(tool) \(shell): \(r.stderr)")
        }
    }
    let bash = try run("rmt-ask", ["--generate-completion-script", "bash"])
    #expect(bash.stdout.contains("--question") && bash.stdout.contains("--top-k"))
}

/// Runs rmt-ask with stderr on a pseudo-terminal (so the progress bar shows); `interruptAfterBar`
/// sends SIGINT once the bar has been drawn. Returns the exit status, stdout and all terminal output.
private func askOnTerminal(_ arguments: [String], interruptAfterBar: Bool) throws -> (status: Int32, stdout: String, terminal: String) {
    let master = c_posix_openpt(O_RDWR | O_NOCTTY)
    #expect(master >= 0 && c_grantpt(master) == 0 && c_unlockpt(master) == 0)
    var name = [CChar](repeating: 0, count: 256)
    #expect(c_ptsname_r(master, &name, name.count) == 0)
    let slave = open(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), O_RDWR | O_NOCTTY)
    #expect(slave >= 0)
    let process = Process()
    process.executableURL = productsFolder().appendingPathComponent("rmt-ask")
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    close(slave)
    nonisolated(unsafe) var terminal = Data(), stdout = Data()
    let lock = NSLock()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, 4096) }
            if n <= 0 { break }  // EIO once the child has exited and the terminal is closed
            lock.lock(); terminal.append(contentsOf: buffer[0..<n]); lock.unlock()
        }
        group.leave()
    }
    group.enter()
    DispatchQueue.global().async { stdout = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if interruptAfterBar {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            lock.lock(); let seen = String(decoding: terminal, as: UTF8.self).contains("tokens/s"); lock.unlock()
            if seen || !process.isRunning { break }
            usleep(10_000)
        }
        kill(process.processIdentifier, SIGINT)
    }
    process.waitUntilExit()
    group.wait()
    close(master)
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: terminal, as: UTF8.self))
}

/// A 600 KB document: 150,000 tokens, 18,750 of the fixture's 8-token segments, a few seconds.
private func longDocument(in dir: URL) throws -> URL {
    let url = dir.appendingPathComponent("long.txt")
    try Data((0..<150_000).map { "w\(5 + $0 % 90)" }.joined(separator: " ").utf8).write(to: url)
    return url
}

@Test func progressBarCountsSegmentsAgainstTheEstimate() throws {
    let dir = try scratchFolder("bar")
    defer { try? FileManager.default.removeItem(at: dir) }
    let doc = try longDocument(in: dir)
    let r = try askOnTerminal([doc.path, "-q", "w40", "--model", tinyModel, "--json"], interruptAfterBar: false)
    #expect(r.status == 0, "\(r.terminal.suffix(300))")
    let answer = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    let segments = try #require(answer?["segments"] as? Int)
    #expect(segments >= 18_750)  // the document's segments (+1 when the question needs its own)
    // Every drawn line: "[===   ]  NN% done/~estimate segments, …".
    let pattern = try NSRegularExpression(pattern: #"\] +(\d+)% (\d+)/~(\d+) segments"#)
    let lines = r.terminal.components(separatedBy: "\r").compactMap { line -> (Int, Int, Int)? in
        guard let m = pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { return nil }
        let n = (1...3).map { Int((line as NSString).substring(with: m.range(at: $0)))! }
        return (n[0], n[1], n[2])
    }
    #expect(!lines.isEmpty, "no bar drawn: \(r.terminal.prefix(300))")
    for (percent, done, estimate) in lines {
        #expect(abs(estimate - segments) * 50 <= segments, "estimate \(estimate) vs \(segments) segments")
        #expect(abs(Double(percent) - Double(done) / Double(estimate) * 100) <= 1, "\(percent)% for \(done)/\(estimate)")
    }
    // The bar is erased at the end (with --json nothing follows it on stderr).
    #expect(r.terminal.hasSuffix("\r\u{1B}[K"), "\(r.terminal.suffix(200).debugDescription)")
}

@Test func ctrlCClearsTheBarAndExits130() throws {
    let dir = try scratchFolder("sigint")
    defer { try? FileManager.default.removeItem(at: dir) }
    let doc = try longDocument(in: dir)
    let r = try askOnTerminal([doc.path, "-q", "w40", "--model", tinyModel], interruptAfterBar: true)
    #expect(r.status == 130, "status \(r.status): \(r.terminal.suffix(200).debugDescription)")
    #expect(r.stdout.isEmpty)
    #expect(r.terminal.contains("segments"))
    #expect(r.terminal.hasSuffix("\r\u{1B}[K"), "\(r.terminal.suffix(200).debugDescription)")
}
