// One rmt-train per run folder: while the folder's lock is held — by the test process through
// the library's RunLock, or by a running rmt-train — a new run, a --resume and an --overwrite in
// it are refused with one line naming the folder and the holder's pid, exit 1, and write
// nothing; once the holder ends (released, or kill -9) the same commands run. Step rows of
// metrics.jsonl say their batch's data segment length (the model's without the flag).
import Foundation
import Testing
import RMT
import RMTTestSupport

/// The command of a tiny run of `steps` steps writing `out`; `learning: false` keeps it from ending
/// early (a learning rate too small to reach --target-accuracy 1 on 16 documents).
private func tinyRun(_ out: URL, steps: Int, learning: Bool = true) -> [String] {
    ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--segment-length", "48", "--task", "detect",
     "--max-segments", "1", "--max-steps-per-stage", String(steps), "--eval-every", "2", "--eval-samples", learning ? "4" : "16",
     "--batch-size", "2", "--lr", learning ? "1e-3" : "1e-9", "--target-accuracy", learning ? "0.95" : "1",
     "--warmup", "1", "--patience", "1000", "--out", out.path]
}

/// Every file under `folder` with its bytes (what "writes nothing" compares).
private func snapshot(_ folder: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let walker = FileManager.default.enumerator(atPath: folder.path)
    while let name = walker?.nextObject() as? String {
        let url = folder.appendingPathComponent(name)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
            files[name] = try Data(contentsOf: url)
        }
    }
    return files
}

@Test func aLockedRunFolderRefusesEveryRunInItAndWritesNothing() throws {
    let dir = try scratchFolder("runlock")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let args = tinyRun(out, steps: 4)
    let refusal = "rmt-train: \(out.path): is in use by another training run (pid \(getpid()))"

    // A new run in an (empty) locked folder.
    let held = try RunLock(acquiring: out)
    let fresh = try run("rmt-train", args)
    #expect(fresh.status == 1 && isOneLine(fresh.stderr) && fresh.stderr.hasPrefix(refusal), "\(fresh.stderr)")
    #expect(RunFolder.contents(out) == [RunLock.fileName])  // no checkpoint, data.json, metrics or commands.txt
    held.release()

    // Released: the same command runs (the lock file left behind does not make the folder "not empty").
    let first = try run("rmt-train", args)
    #expect(first.status == 0, "\(first.stderr)")
    let rows = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }.filter { $0["loss"] != nil }
    #expect(rows.count == 4 && rows.allSatisfy { $0["data_segment_length"] as? Int == 48 }, "\(rows)")

    // A run folder holding a run: --resume (bare, and the original command), --overwrite, all refused untouched.
    let again = try RunLock(acquiring: out)
    let before = try snapshot(out)  // the lock file now holds this process's pid
    for attempt in [["--resume", "--out", out.path], args + ["--resume"], args + ["--overwrite"]] {
        let refused = try run("rmt-train", attempt)
        #expect(refused.status == 1 && isOneLine(refused.stderr) && refused.stderr.hasPrefix(refusal), "\(attempt): \(refused.stderr)")
    }
    #expect(try snapshot(out) == before)
    again.release()
    let resumed = try run("rmt-train", args + ["--resume"])
    #expect(resumed.status == 0 && resumed.stderr.contains("resumed at step 4"), "\(resumed.stderr)")
}

@Test func aRunningTrainingHoldsItsFolderUntilItIsKilled() throws {
    let dir = try scratchFolder("runlock-live")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let args = tinyRun(out, steps: 2000, learning: false)
    let metrics = out.appendingPathComponent("metrics.jsonl")
    let process = try startRMTTrain(args)
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
    waitForLines(metrics, 3, of: process, timeout: 120, poll: 0.01)
    #expect(process.isRunning)
    // A second rmt-train on the folder while the first trains: refused, naming the first's pid.
    let second = try run("rmt-train", args + ["--resume"])
    #expect(second.status == 1 && isOneLine(second.stderr)
            && second.stderr.hasPrefix("rmt-train: \(out.path): is in use by another training run (pid \(process.processIdentifier))"),
            "\(second.stderr)")
    let overwrite = try run("rmt-train", args + ["--overwrite"])
    #expect(overwrite.status == 1 && overwrite.stderr.contains("is in use by another training run"), "\(overwrite.stderr)")
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("checkpoint").path))
    // kill -9: the kernel drops the lock with the process, and the run resumes.
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let lock = try RunLock(acquiring: out)  // free again
    lock.release()
    // The resume gets past the lock: it records its command line (the refused ones left none),
    // trains, and stops with a checkpoint on SIGINT.
    let commands = out.appendingPathComponent("commands.txt")
    func invocations() -> [Substring] { ((try? String(contentsOf: commands, encoding: .utf8)) ?? "").split(separator: "\n") }
    let resume = try startRMTTrain(args + ["--resume"])
    defer { if resume.isRunning { kill(resume.processIdentifier, SIGKILL); resume.waitUntilExit() } }
    waitForLines(commands, 2, of: resume, timeout: 120, poll: 0.01)
    Thread.sleep(forTimeInterval: 0.5)  // its SIGINT handler is installed right after the command is recorded
    #expect(resume.isRunning)
    kill(resume.processIdentifier, SIGINT)
    resume.waitUntilExit()
    #expect(resume.terminationStatus == 130)
    #expect(invocations().count == 2 && invocations()[1].hasSuffix("--resume"), "\(invocations())")
}
