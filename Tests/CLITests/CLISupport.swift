// Running the built executables from tests: locate them beside the test bundle, run with
// arguments and optional stdin, capture exit status, stdout and stderr.
import Foundation
import RMTTestSupport

struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// The folder holding the built products (the test bundle sits there too).
func productsFolder() -> URL {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    // …/release/RMTPackageTests.xctest (an executable on Linux, a bundle elsewhere)
    while url.pathComponents.count > 1 {
        url.deleteLastPathComponent()
        if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("rmt-ask").path) { return url }
    }
    fatalError("built executables not found near \(CommandLine.arguments[0])")
}

func run(_ tool: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
         removing removed: [String] = [], directory: URL? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = productsFolder().appendingPathComponent(tool)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    for k in removed { env[k] = nil }
    process.environment = env
    return try runCollecting(process, stdin: stdin)
}

/// Runs a configured `process` with `stdin` (empty when nil) on a pipe and collects its exit
/// status and both outputs.
func runCollecting(_ process: Process, stdin: Data? = nil) throws -> CommandResult {
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    // Drain the pipes concurrently so a large output cannot block the child.
    nonisolated(unsafe) var outData = Data(), errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    group.wait()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// A tool run that a test needs to succeed did not; its stderr.
struct ToolFailed: Error, CustomStringConvertible {
    let description: String
}

/// `rmt-train eval --predictions` of `model` on `task` (`segments`, `samples`, `seed`), written to
/// `dir/name`: the file's path. Throws `ToolFailed` with the tool's stderr when the evaluation fails.
func evalPredictions(model: URL, into dir: URL, name: String, task: String, segments: Int, samples: Int,
                     seed: Int) throws -> String {
    let path = dir.appendingPathComponent(name).path
    let scored = try run("rmt-train", ["eval", "--model", model.path, "--task", task, "--segments", String(segments),
                                       "--samples", String(samples), "--seed", String(seed), "--predictions", path])
    guard scored.status == 0 else { throw ToolFailed(description: "rmt-train eval (\(task)): \(scored.stderr)") }
    return path
}

/// Runs the repository's Scripts/NAME (a Python script) with `arguments`.
func runScript(_ name: String, _ arguments: [String]) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", repositoryRoot().appendingPathComponent("Scripts/\(name)").path] + arguments
    return try runCollecting(process)
}

/// `rmt-tool create-model --preset tiny` with the fixture vocabulary: a random RMT folder at
/// `out` whose labels are the memory tasks' rooms (`layout`: its --question-layout, if given).
func createTinyModel(at out: URL, segmentLength: Int, seed: Int? = nil, layout: String? = nil) throws -> CommandResult {
    try run("rmt-tool", ["create-model", "--preset", "tiny"] + (seed.map { ["--seed", String($0)] } ?? [])
            + (layout.map { ["--question-layout", $0] } ?? [])
            + ["--vocab", fixture("tokenizer/vocab.txt").path, "--segment-length", String(segmentLength), "--out", out.path])
}

/// Two tiny models of 64-token segments in `dir`, `every/` (the question in every segment) and
/// `final/` (after the document), for the flags that need the one and refuse the other.
func createTinyModelPerLayout(in dir: URL) throws -> (every: URL, final: URL) {
    let every = dir.appendingPathComponent("every"), final = dir.appendingPathComponent("final")
    for (model, layout) in [(every, "every-segment"), (final, "final-segment")] {
        let made = try createTinyModel(at: model, segmentLength: 64, layout: layout)
        guard made.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: made.stderr]) }
    }
    return (every, final)
}

/// rmt-train flags for a run of `steps` steps on memorize at 2 segments, evaluated once at its end:
/// what the tests of a model's shape (associative memory, memory gate) train.
func shortMemorizeRun(steps: Int) -> [String] {
    ["--task", "memorize", "--start-segments", "2", "--max-segments", "2", "--max-steps-per-stage", "\(steps)",
     "--eval-every", "\(steps)", "--eval-samples", "2", "--batch-size", "2"]
}

/// rmt-train flags for a new tiny model on the fixture vocabulary with 32-token segments.
func tinyPresetFlags() -> [String] {
    ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--segment-length", "32"]
}

/// A document of ~30 plain sentences (about 10 segments at 32 tokens), written into `dir`: its URL.
func writeLongDocument(in dir: URL) throws -> URL {
    let text = dir.appendingPathComponent("doc.txt")
    try Data(String(repeating: "the grass was green and mary went to the kitchen. ", count: 30).utf8).write(to: text)
    return text
}

/// rmt-ask with `model` on `writeLongDocument(in: dir)`, "Where is Mary?" with --json: the run and
/// its parsed answer.
func askAboutALongDocument(model: URL, in dir: URL) throws -> (result: CommandResult, answer: [String: Any]?) {
    let text = try writeLongDocument(in: dir)
    let ask = try run("rmt-ask", [text.path, "-q", "Where is Mary?", "--model", model.path, "--json"])
    return (ask, try? JSONSerialization.jsonObject(with: Data(ask.stdout.utf8)) as? [String: Any])
}

func scratchFolder(_ tag: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-cli-\(tag)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// True when `text` has exactly one non-empty line (the one-line error rule).
func isOneLine(_ text: String) -> Bool {
    text.split(separator: "\n", omittingEmptySubsequences: true).count == 1
}

/// The error lines of a usage error: stderr without ArgumentParser's usage block.
func errorLines(_ stderr: String) -> [Substring] {
    stderr.split(separator: "\n").filter { !$0.hasPrefix("Usage:") && !$0.hasPrefix("  See '") }
}

/// What `startAndSignal` saw: whether the signal was sent (the run was still going) and the
/// run's exit status.
struct SignalledRun {
    let sent: Bool
    let status: Int32
}

/// Starts rmt-train with `args` in the background, its output discarded; the caller stops it.
func startRMTTrain(_ args: [String]) throws -> Process {
    let process = Process()
    process.executableURL = productsFolder().appendingPathComponent("rmt-train")
    process.arguments = args
    process.standardError = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    return process
}

/// Waits while `process` runs, at most `timeout` seconds, until `file` has `lines` lines.
func waitForLines(_ file: URL, _ lines: Int, of process: Process, timeout: Double, poll: Double = 0.002) {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline,
          ((try? String(contentsOf: file, encoding: .utf8))?.split(separator: "\n").count ?? 0) < lines {
        Thread.sleep(forTimeInterval: poll)
    }
}

/// Starts rmt-train with `args`, waits (at most `timeout` seconds) until its metrics.jsonl has
/// `lines` lines, then `delay` seconds more, sends `signal` if it is still running, and waits
/// for it to exit.
@discardableResult
func startAndSignal(_ args: [String], metrics: URL, lines: Int, delay: Double = 0, signal: Int32 = SIGINT,
                    timeout: Double = 60) throws -> SignalledRun {
    let process = try startRMTTrain(args)
    waitForLines(metrics, lines, of: process, timeout: timeout)
    Thread.sleep(forTimeInterval: delay)
    var sent = false
    if process.isRunning { kill(process.processIdentifier, signal); sent = true }
    process.waitUntilExit()
    return SignalledRun(sent: sent, status: process.terminationStatus)
}
