// rmt-train eval's status line: on a terminal, where a batch is (documents, segment k of n,
// tokens/s, ETA) while it is read, erased before the batch's line; never in a pipe or a file,
// where stderr keeps only the batch lines. The terminal comes from util-linux's `script`.
import Foundation
import Testing
import RMTTestSupport

@Test func evalShowsWhereABatchIsOnlyOnATerminal() throws {
    let dir = try scratchFolder("eval-progress")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model")
    let made = try createTinyModel(at: model, segmentLength: 24)
    #expect(made.status == 0, "\(made.stderr)")
    let arguments = ["eval", "--model", model.path, "--task", "memorize", "--segments", "30", "--samples", "4",
                     "--batch-size", "2", "--seed", "3"]

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
