// rmt-train --probe-rate: trains an every-segment model with a share of its training documents
// asking about another person in their final segment (memory probes, Docs/training.md), records
// the rate in OUT/data.json and keeps it on --resume (another rate is refused in one line);
// refuses a final-segment model (one line, exit 1), a rate outside [0, 1] and --prefix-loss or
// --sum-loss beside it (usage errors, exit 64).
import Foundation
import Testing
import RMTTestSupport

@Test func probeRateThroughRmtTrain() throws {
    let dir = try scratchFolder("probe-rate")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (every, final) = try createTinyModelPerLayout(in: dir)
    let common = ["--task", "memorize-distract,babi-qa2:4", "--start-segments", "3", "--max-segments", "3", "--eval-every", "2",
                  "--eval-samples", "4", "--batch-size", "2", "--max-steps-per-stage", "2"]

    let out = dir.appendingPathComponent("run")
    let trained = try run("rmt-train", ["--model", every.path, "--probe-rate", "0.5", "--out", out.path] + common)
    #expect(trained.status == 0, "\(trained.stderr)")
    let data = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("data.json"))) as? [String: Any]
    #expect(data?["probe_rate"] as? Double == 0.5, "\(String(describing: data))")
    let lines = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
    let losses = try lines.compactMap { line in
        (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["loss"] as? Double
    }
    #expect(!losses.isEmpty && losses.allSatisfy(\.isFinite))

    let other = try run("rmt-train", ["--resume", "--probe-rate", "0.3", "--out", out.path])
    #expect(other.status == 1 && other.stderr.contains("started with --probe-rate 0.5") && isOneLine(other.stderr), "\(other.stderr)")
    let same = try run("rmt-train", ["--resume", "--probe-rate", "0.5", "--out", out.path])
    #expect(same.status == 0, "\(same.stderr)")

    let finalRun = try run("rmt-train", ["--model", final.path, "--probe-rate", "0.5", "--out", dir.appendingPathComponent("f").path] + common)
    #expect(finalRun.status == 1 && finalRun.stderr.contains("--probe-rate") && finalRun.stderr.contains("every-segment")
            && isOneLine(finalRun.stderr), "\(finalRun.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("f/data.json").path), "refused before the folder is written")
    for (extra, phrase) in [(["--probe-rate", "1.5"], "--probe-rate must be in [0, 1]"),
                            (["--probe-rate", "0.5", "--prefix-loss"], "cannot be combined with --prefix-loss"),
                            (["--probe-rate", "0.5", "--sum-loss"], "cannot be combined with --sum-loss")] {
        let refused = try run("rmt-train", ["--model", every.path, "--out", dir.appendingPathComponent("x").path] + extra + common)
        #expect(refused.status == 64 && refused.stderr.contains(phrase), "\(extra): \(refused.stderr)")
    }
}
