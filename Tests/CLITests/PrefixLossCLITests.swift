// rmt-train --prefix-loss: trains an every-segment model with every segment scored against the
// answer of the document read so far, records the choice in the checkpoint's options and keeps it
// on --resume; refuses a final-segment model and a resume that adds it to a run started without
// it (one line, exit 1), and --sum-loss beside it (a usage error, exit 64).
import Foundation
import Testing
import RMTTestSupport

@Test func prefixLossThroughRmtTrain() throws {
    let dir = try scratchFolder("prefix-loss")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (every, final) = try createTinyModelPerLayout(in: dir)
    let common = ["--task", "detect-distract,babi-qa2:4", "--start-segments", "3", "--max-segments", "3", "--eval-every", "2",
                  "--eval-samples", "4", "--batch-size", "2", "--max-steps-per-stage", "2"]

    let out = dir.appendingPathComponent("run")
    let trained = try run("rmt-train", ["--model", every.path, "--prefix-loss", "--out", out.path] + common)
    #expect(trained.status == 0, "\(trained.stderr)")
    let options = try JSONSerialization.jsonObject(
        with: Data(contentsOf: out.appendingPathComponent("checkpoint/options.json"))) as? [String: Any]
    #expect(options?["prefix_loss"] as? Bool == true, "\(String(describing: options))")
    let lines = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
    let losses = try lines.compactMap { line in
        (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["loss"] as? Double
    }
    #expect(!losses.isEmpty && losses.allSatisfy(\.isFinite))

    let resumed = try run("rmt-train", ["--resume", "--prefix-loss", "--out", out.path])
    #expect(resumed.status == 0, "\(resumed.stderr)")

    let finalRun = try run("rmt-train", ["--model", final.path, "--prefix-loss", "--out", dir.appendingPathComponent("f").path] + common)
    #expect(finalRun.status == 1 && finalRun.stderr.contains("--prefix-loss") && finalRun.stderr.contains("every-segment")
            && isOneLine(finalRun.stderr), "\(finalRun.stderr)")
    let both = try run("rmt-train", ["--model", every.path, "--prefix-loss", "--sum-loss", "--out", dir.appendingPathComponent("b").path] + common)
    #expect(both.status == 64 && both.stderr.contains("--sum-loss and --prefix-loss cannot be combined"), "\(both.stderr)")

    let plain = dir.appendingPathComponent("plain")
    let started = try run("rmt-train", ["--model", every.path, "--out", plain.path] + common)
    #expect(started.status == 0, "\(started.stderr)")
    let added = try run("rmt-train", ["--resume", "--prefix-loss", "--out", plain.path])
    #expect(added.status == 1 && added.stderr.contains("--prefix-loss") && isOneLine(added.stderr), "\(added.stderr)")
}
