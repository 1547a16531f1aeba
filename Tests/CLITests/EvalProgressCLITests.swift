// rmt-train eval's status line: on a terminal, where a batch is (documents, segment k of n,
// tokens/s, ETA) while it is read, erased before the batch's line; in a pipe or a file a plain
// line at most every RMT_PROGRESS_SECONDS (default 60, so none in a short run; 0 here: every
// update), never a terminal code. StatusLine's two modes on their own, and a bad
// RMT_PROGRESS_SECONDS as a one-line error. The terminal comes from util-linux's `script`.
import Foundation
import Testing
import RMTCommandLine
import RMTTestSupport

/// A tiny model in `dir` and the `rmt-train eval` arguments reading `samples` memorize documents
/// of `segments` segments with it, two per batch.
private func tinyEval(in dir: URL, segments: Int, samples: Int) throws -> [String] {
    let model = dir.appendingPathComponent("model")
    let made = try createTinyModel(at: model, segmentLength: 24)
    #expect(made.status == 0, "\(made.stderr)")
    return ["eval", "--model", model.path, "--task", "memorize", "--segments", "\(segments)", "--samples", "\(samples)",
            "--batch-size", "2", "--seed", "3"]
}

@Test func evalShowsWhereABatchIsOnlyOnATerminal() throws {
    let dir = try scratchFolder("eval-progress")
    defer { try? FileManager.default.removeItem(at: dir) }
    let arguments = try tinyEval(in: dir, segments: 30, samples: 4)

    let piped = try run("rmt-train", arguments)
    #expect(piped.status == 0, "\(piped.stderr)")
    #expect(!piped.stderr.contains("\r") && !piped.stderr.contains("segment 0/30"), "\(piped.stderr)")
    #expect(piped.stderr.contains("memorize 30 segments: documents 0..<2") && piped.stderr.contains("documents 2..<4"))

    // Under a pseudo-terminal (stdout and stderr both go to it).
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    let command = ([productsFolder().appendingPathComponent("rmt-train").path] + arguments).joined(separator: " ")
    process.arguments = ["script", "-qec", command, "/dev/null"]
    let terminal = try runCollecting(process)
    #expect(terminal.status == 0, "\(terminal.stdout)\(terminal.stderr)")
    let shown = terminal.stdout
    #expect(shown.contains("\rmemorize 30 segments: documents 0..<2, segment 0/30\u{1B}[K"), "\(shown.debugDescription)")
    // Erased before each batch's own line, which then stands alone.
    #expect(shown.contains("\r\u{1B}[Kmemorize 30 segments: documents 0..<2, 0 correct")
            || shown.contains("\r\u{1B}[Kmemorize 30 segments: documents 0..<2, 1 correct")
            || shown.contains("\r\u{1B}[Kmemorize 30 segments: documents 0..<2, 2 correct"), "\(shown.debugDescription)")
    #expect(shown.contains("accuracy"))
}

@Test func evalWritesPlainProgressLinesIntoALog() throws {
    let dir = try scratchFolder("eval-progress-log")
    defer { try? FileManager.default.removeItem(at: dir) }
    let arguments = try tinyEval(in: dir, segments: 5, samples: 2)

    let logged = try run("rmt-train", arguments, environment: ["RMT_PROGRESS_SECONDS": "0"])
    #expect(logged.status == 0, "\(logged.stderr)")
    #expect(!logged.stderr.contains("\r") && !logged.stderr.contains("\u{1B}"), "\(logged.stderr.debugDescription)")
    let lines = logged.stderr.split(separator: "\n").map(String.init)
    // One line per segment read (0 through 4 of 5), in order, then the batch's own line.
    let progress = lines.filter { $0.hasPrefix("memorize 5 segments: documents 0..<2, segment ") }
    #expect(progress.count == 5, "\(lines)")
    #expect(progress.first == "memorize 5 segments: documents 0..<2, segment 0/5", "\(lines)")
    #expect(progress.last?.hasPrefix("memorize 5 segments: documents 0..<2, segment 4/5, ") == true, "\(lines)")
    #expect(lines.contains { $0.hasPrefix("memorize 5 segments: documents 0..<2, ") && $0.contains(" correct (") })

    let bad = try run("rmt-train", arguments, environment: ["RMT_PROGRESS_SECONDS": "soon"])
    #expect(bad.status == 1)
    #expect(bad.stderr == "rmt-train: RMT_PROGRESS_SECONDS=soon: expected a number of seconds ≥ 0\n", "\(bad.stderr)")
}

@Test func statusLineModes() throws {
    var written: [String] = []
    let terminal = StatusLine(mode: .terminal) { written.append($0) }
    terminal.show { "a" }
    terminal.show { "b" }  // within 0.1 s: not even made
    terminal.clear()
    terminal.clear()       // nothing shown: nothing to erase
    #expect(written == ["\ra\u{1B}[K", "\r\u{1B}[K"])

    written = []
    let everyUpdate = StatusLine(mode: .log(every: 0)) { written.append($0) }
    everyUpdate.show { "a" }
    everyUpdate.clear()    // a log line stays
    everyUpdate.show { "b" }
    #expect(written == ["a\n", "b\n"])

    written = []
    let hourly = StatusLine(mode: .log(every: 3600)) { written.append($0) }
    hourly.show { Issue.record("made the text of a line it does not show"); return "a" }
    let off = StatusLine(mode: .off) { written.append($0) }
    off.show { "a" }
    off.clear()
    #expect(written.isEmpty && !off.enabled && hourly.enabled)

    #expect(try StatusLine.logInterval([:]) == 60)
    #expect(try StatusLine.logInterval(["RMT_PROGRESS_SECONDS": " 2.5 "]) == 2.5)
    for bad in ["-1", "nan", "inf", "1m"] {
        #expect(throws: StatusLineError.self) { try StatusLine.logInterval(["RMT_PROGRESS_SECONDS": bad]) }
    }
}
