// rmt-train interrupted by SIGINT: it finishes the current step, writes a resumable
// checkpoint, exits with 130, and `--resume` then completes the run.
import Foundation
import Testing
import RMTTestSupport

@Test func sigintSavesACheckpointAndResumeFinishes() throws {
    let dir = try scratchFolder("sigint")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model"), out = dir.appendingPathComponent("run")
    let made = try createTinyModel(at: model, segmentLength: 48)
    #expect(made.status == 0, "\(made.stderr)")
    let args = ["--model", model.path, "--task", "memorize", "--max-segments", "1", "--max-steps-per-stage", "120",
                "--eval-every", "60", "--eval-samples", "8", "--batch-size", "2", "--out", out.path]
    // Wait until a few steps are logged, then interrupt (SIGINT).
    let interrupted = try startAndSignal(args, metrics: out.appendingPathComponent("metrics.jsonl"), lines: 3)
    #expect(interrupted.status == 130)
    let state = out.appendingPathComponent("checkpoint/trainer-state.json")
    #expect(FileManager.default.fileExists(atPath: state.path))
    let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: state)) as? [String: Any]
    let step = saved?["step"] as? Int ?? 0
    #expect(step >= 3 && step < 120)
    // --resume reads the task, noise and seed from OUT/data.json; a conflicting flag is refused.
    let conflicting = try run("rmt-train", ["--resume", "--out", out.path, "--task", "detect"])
    #expect(conflicting.status == 1 && conflicting.stderr.contains("started with --task memorize") && isOneLine(conflicting.stderr),
            "\(conflicting.stderr)")
    let resumed = try run("rmt-train", ["--resume", "--out", out.path])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stderr.contains("resumed at step \(step)"))
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("model/config.json").path))
    // commands.txt records both invocations, the second with the step it resumed at.
    let commands = try String(contentsOf: out.appendingPathComponent("commands.txt"), encoding: .utf8)
        .split(separator: "\n")
    #expect(commands.count == 2)  // the refused attempt never started
    #expect(commands.first?.contains("step 0") == true && commands.first?.contains("--eval-every 60") == true)
    #expect(commands.last?.contains("step \(step)") == true && commands.last?.contains("--resume") == true)
}
