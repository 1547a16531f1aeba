// rmt-train --distill-memory DIR [--distill-weight W]: refused in one line before anything is
// written when the weight comes alone, is not positive, or the teacher is no model folder; a run
// records its teacher (absolute path, weight, the weights' fingerprint) in the checkpoint's options
// and logs distill_loss per step; --resume refuses another weight, and a teacher whose weights
// changed since the run began.
import Foundation
import Testing
import RMTTestSupport

@Test func distillMemoryIsCheckedRecordedAndHeldOnResume() throws {
    let dir = try scratchFolder("distill-memory")
    defer { try? FileManager.default.removeItem(at: dir) }
    let common = ["--task", "memorize,detect-distract", "--max-segments", "2", "--start-segments", "2", "--eval-every", "3",
                  "--eval-samples", "4", "--batch-size", "2", "--max-steps-per-stage", "3", "--precision", "fp32"]
    // A trained teacher: a tiny model after three steps.
    let teacherRun = dir.appendingPathComponent("teacher-run")
    let made = try run("rmt-train", common + ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path,
                                               "--segment-length", "200", "--out", teacherRun.path])
    #expect(made.status == 0, "\(made.stderr)")
    let teacher = dir.appendingPathComponent("teacher")
    try FileManager.default.copyItem(at: teacherRun.appendingPathComponent("model"), to: teacher)

    let out = dir.appendingPathComponent("run")
    let student = common + ["--model", teacherRun.appendingPathComponent("model").path, "--out", out.path]
    for (flags, message) in [(["--distill-weight", "2"], "give --distill-memory DIR too"),
                             (["--distill-memory", teacher.path, "--distill-weight", "0"], "--distill-weight must be a positive number"),
                             (["--distill-memory", dir.appendingPathComponent("absent").path], "absent")] {
        let bad = try run("rmt-train", student + flags)
        #expect(bad.status != 0 && isOneLine(bad.stderr.components(separatedBy: "\nUsage")[0]) && bad.stderr.contains(message),
                "\(flags): \(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "a refused run wrote its folder")
    }

    let first = try run("rmt-train", student + ["--distill-memory", teacher.path, "--distill-weight", "5"])
    #expect(first.status == 0, "\(first.stderr)")
    let options = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("checkpoint/options.json"))) as! [String: Any]
    let saved = try #require(options["memory_teacher"] as? [String: Any])
    #expect(saved["path"] as? String == teacher.standardizedFileURL.path)
    #expect(saved["weight"] as? Double == 5)
    #expect((saved["fingerprint"] as? String)?.count == 16)
    let steps = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        .split(separator: "\n").compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        .filter { $0["loss"] != nil }
    #expect(steps.count == 3)
    // The student starts as the teacher: the first step's memories are the teacher's; later steps drift.
    let distill = steps.compactMap { $0["distill_loss"] as? Double }
    #expect(distill.count == 3 && distill[0] < 1e-8 && distill.allSatisfy { $0 >= 0 && $0.isFinite }, "\(distill)")

    let conflicting = try run("rmt-train", ["--resume", "--out", out.path, "--distill-weight", "7"])
    #expect(conflicting.status == 1 && isOneLine(conflicting.stderr) && conflicting.stderr.contains("--distill-weight"),
            "\(conflicting.stderr)")
    let same = try run("rmt-train", ["--resume", "--out", out.path, "--distill-memory", teacher.path, "--distill-weight", "5"])
    #expect(same.status == 0, "\(same.stderr)")
    // The teacher's last weight byte changed: the run no longer reads the teacher it began with.
    let weights = teacher.appendingPathComponent("model.safetensors")
    var bytes = try Data(contentsOf: weights)
    bytes[bytes.count - 1] ^= 0x01
    try bytes.write(to: weights)
    let changed = try run("rmt-train", ["--resume", "--out", out.path])
    #expect(changed.status != 0 && isOneLine(changed.stderr) && changed.stderr.contains("weights changed since this run began"),
            "\(changed.stderr)")
}
