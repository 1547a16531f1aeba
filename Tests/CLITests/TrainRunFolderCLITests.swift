// rmt-train's run folder (issue 13): a new run refuses a non-empty --out unless --overwrite;
// --resume validates data.json (missing or corrupt: an error saying what to do, never a
// default task); the original command with --resume appended works and only conflicting
// flags are refused; a kill between the checkpoint's two renames, or kill -9 at any moment,
// still resumes to the same model; a diverging --lr names only a checkpoint that exists; a run
// with an older data.json resumes.
import Foundation
import Testing
import RMTTestSupport

/// A tiny model, a noise file and the command of a short run in a scratch folder.
private struct TinyRun {
    let dir: URL, model: URL, out: URL, noise: URL
    let args: [String]

    init(_ tag: String, preset: Bool = false, steps: Int = 6) throws {
        dir = try scratchFolder(tag)
        model = dir.appendingPathComponent("model")
        out = dir.appendingPathComponent("run")
        noise = dir.appendingPathComponent("prose.txt")
        let sentence = "The old clock in the hall struck the hour while the rain kept falling on the roof."
        try Data((0..<60).map { "\(sentence) Line \($0) of the story goes on for a while." }.joined(separator: "\n").utf8).write(to: noise)
        let start: [String]
        if preset {
            start = ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--segment-length", "48"]
        } else {
            let made = try createTinyModel(at: model, segmentLength: 48)
            #expect(made.status == 0, "\(made.stderr)")
            start = ["--model", model.path]
        }
        args = start + ["--task", "detect", "--noise", noise.path, "--seed", "3", "--max-segments", "1",
                        "--max-steps-per-stage", String(steps), "--eval-every", "2", "--eval-samples", "4",
                        "--batch-size", "2", "--lr", "1e-3", "--warmup", "1", "--out", out.path]
    }

    func file(_ name: String) -> URL { out.appendingPathComponent(name) }
    func contents(_ name: String) throws -> String { try String(contentsOf: file(name), encoding: .utf8) }
    /// Hidden leftovers of interrupted writes (the run's lock file is not one: every run leaves it).
    func hidden() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).filter { $0.hasPrefix(".") && $0 != ".lock" }
    }
}

/// "step:loss" of each step record in a metrics.jsonl text.
private func losses(_ metrics: String) throws -> [String] {
    try metrics.split(separator: "\n").compactMap { line in
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        return object["loss"].map { "\(object["step"]!):\($0)" }
    }
}

private func fmMakeTemp(_ url: URL) throws {
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    try Data("half".utf8).write(to: url.appendingPathComponent("model.safetensors"))
}

@Test func newRunOnANonEmptyOutIsRefusedUnlessOverwrite() throws {
    let r = try TinyRun("refuse")
    defer { try? FileManager.default.removeItem(at: r.dir) }
    let first = try run("rmt-train", r.args)
    #expect(first.status == 0, "\(first.stderr)")
    let metrics = try r.contents("metrics.jsonl")

    let again = try run("rmt-train", r.args)
    #expect(again.status == 1 && isOneLine(again.stderr), "\(again.stderr)")
    #expect(again.stderr.contains(r.out.path) && again.stderr.contains("already holds a training run")
            && again.stderr.contains("--resume") && again.stderr.contains("--overwrite"), "\(again.stderr)")
    #expect(try r.contents("metrics.jsonl") == metrics)  // nothing overwritten
    #expect(try r.contents("commands.txt").split(separator: "\n").count == 1)

    // --overwrite never deletes what the new run reads.
    var fromOwnCheckpoint = r.args + ["--overwrite"]
    fromOwnCheckpoint[fromOwnCheckpoint.firstIndex(of: r.model.path)!] = r.file("checkpoint").path
    let selfDelete = try run("rmt-train", fromOwnCheckpoint)
    #expect(selfDelete.status == 1 && isOneLine(selfDelete.stderr) && selfDelete.stderr.contains("which --model reads"), "\(selfDelete.stderr)")
    #expect(try r.contents("metrics.jsonl") == metrics)
    // --overwrite deletes the run's files (not the user's) and starts again.
    try Data("mine".utf8).write(to: r.file("notes.txt"))
    let over = try run("rmt-train", r.args + ["--overwrite"])
    #expect(over.status == 0, "\(over.stderr)")
    #expect(try r.contents("notes.txt") == "mine")
    #expect(try r.contents("commands.txt").split(separator: "\n").count == 1)
    #expect(try r.contents("commands.txt").contains("--overwrite"))

    // A folder holding other files, and a file, are refused too.
    let other = r.dir.appendingPathComponent("other")
    try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
    try Data("x".utf8).write(to: other.appendingPathComponent("photo.jpg"))
    let args = Array(r.args.dropLast(2)) + ["--out"]
    let notEmpty = try run("rmt-train", args + [other.path])
    #expect(notEmpty.status == 1 && isOneLine(notEmpty.stderr) && notEmpty.stderr.contains("is not empty (photo.jpg)"), "\(notEmpty.stderr)")
    let onFile = try run("rmt-train", args + [r.noise.path])
    #expect(onFile.status == 1 && isOneLine(onFile.stderr) && onFile.stderr.contains("is a file, not a folder"), "\(onFile.stderr)")
    let both = try run("rmt-train", r.args + ["--resume", "--overwrite"])
    #expect(both.status != 0 && both.stderr.contains("give one"), "\(both.stderr)")
}

@Test func missingOrCorruptDataJSONIsAnErrorThatSaysWhatToDo() throws {
    let r = try TinyRun("datajson")
    defer { try? FileManager.default.removeItem(at: r.dir) }
    #expect(try run("rmt-train", r.args).status == 0)
    let original = try Data(contentsOf: r.file("data.json"))
    let metrics = try r.contents("metrics.jsonl")

    try FileManager.default.removeItem(at: r.file("data.json"))
    let missing = try run("rmt-train", ["--resume", "--out", r.out.path])
    #expect(missing.status == 1 && isOneLine(missing.stderr), "\(missing.stderr)")
    #expect(missing.stderr.contains("data.json: missing") && missing.stderr.contains("--task"), "\(missing.stderr)")
    #expect(try r.contents("metrics.jsonl") == metrics)  // no training on a default task
    // --task alone is not enough: commands.txt shows the run had --noise.
    let partial = try run("rmt-train", ["--resume", "--out", r.out.path, "--task", "detect"])
    #expect(partial.status == 1 && isOneLine(partial.stderr) && partial.stderr.contains("started with --noise"), "\(partial.stderr)")
    // A flag that conflicts with the checkpoint: refused, and data.json is not written.
    let conflicting = try run("rmt-train", ["--resume", "--out", r.out.path, "--task", "detect", "--noise", r.noise.path, "--lr", "0.5"])
    #expect(conflicting.status == 1 && conflicting.stderr.contains("not --lr 0.5"), "\(conflicting.stderr)")
    #expect(!FileManager.default.fileExists(atPath: r.file("data.json").path))
    // The run's own flags write it again.
    let rebuilt = try run("rmt-train", ["--resume", "--out", r.out.path, "--task", "detect", "--noise", r.noise.path])
    #expect(rebuilt.status == 0 && rebuilt.stderr.contains("was missing; wrote it"), "\(rebuilt.stderr)")
    let again = try JSONSerialization.jsonObject(with: Data(contentsOf: r.file("data.json"))) as! [String: Any]
    let before = try JSONSerialization.jsonObject(with: original) as! [String: Any]
    #expect(again["task"] as? String == "detect" && again["seed"] as? Int == 3)
    #expect(again["noise"] as? [String] == before["noise"] as? [String])

    for (text, phrase) in [("{\"task\": ", "corrupt"), ("{\"task\": \"nonsense\", \"noise\": [], \"eval_noise\": [], \"seed\": 3}", "impossible task"),
                           ("{\"task\": \"memorize\", \"noise\": [], \"eval_noise\": [], \"seed\": 8}", "belongs to another run")] {
        try Data(text.utf8).write(to: r.file("data.json"))
        let bad = try run("rmt-train", ["--resume", "--out", r.out.path])
        #expect(bad.status == 1 && isOneLine(bad.stderr) && bad.stderr.contains("data.json") && bad.stderr.contains(phrase),
                "\(text): \(bad.stderr)")
    }
    try FileManager.default.removeItem(at: r.file("checkpoint/options.json"))
    try original.write(to: r.file("data.json"))
    let noOptions = try run("rmt-train", ["--resume", "--out", r.out.path])
    #expect(noOptions.status == 1 && isOneLine(noOptions.stderr) && noOptions.stderr.contains("missing options.json")
            && noOptions.stderr.contains("--overwrite"), "\(noOptions.stderr)")
    // Killed before the step-0 checkpoint: nothing to resume, and the message says to start again…
    try FileManager.default.removeItem(at: r.file("checkpoint"))
    try fmMakeTemp(r.file(".checkpoint.tmp-A"))
    let noCheckpoint = try run("rmt-train", ["--resume", "--out", r.out.path])
    #expect(noCheckpoint.status == 1 && isOneLine(noCheckpoint.stderr) && noCheckpoint.stderr.contains("no checkpoint to resume")
            && noCheckpoint.stderr.contains("--overwrite"), "\(noCheckpoint.stderr)")
    // …unless it is the original command with --resume appended: then it simply starts again.
    try fmMakeTemp(r.file(".checkpoint.tmp-A"))
    let restarted = try run("rmt-train", r.args + ["--resume"])
    #expect(restarted.status == 0 && restarted.stderr.contains("stopped before its first checkpoint; starting it again"), "\(restarted.stderr)")
    #expect(try r.contents("commands.txt").split(separator: "\n").count == 1 && r.hidden().isEmpty)
    #expect(try losses(r.contents("metrics.jsonl")) == losses(metrics))  // the same run as the first
    let empty = try run("rmt-train", ["--resume", "--out", r.dir.appendingPathComponent("nothing").path])
    #expect(empty.status == 1 && isOneLine(empty.stderr) && empty.stderr.contains("no such run folder"), "\(empty.stderr)")
}

@Test func repeatingTheCommandWithResumeWorksAndOnlyConflictsAreRefused() throws {
    let r = try TinyRun("repeat", preset: true)
    defer { try? FileManager.default.removeItem(at: r.dir) }
    let first = try run("rmt-train", r.args)
    #expect(first.status == 0, "\(first.stderr)")
    let repeated = try run("rmt-train", r.args + ["--resume"])
    #expect(repeated.status == 0 && repeated.stderr.contains("resumed at step 6"), "\(repeated.stderr)")
    func replacing(_ flag: String, _ value: String) -> [String] {
        var a = r.args
        a[a.firstIndex(of: flag)! + 1] = value
        return a + ["--resume"]
    }
    let cases: [([String], String)] = [
        (replacing("--task", "memorize"), "started with --task detect, not --task memorize"),
        (replacing("--lr", "0.5"), "started with --lr 0.001, not --lr 0.5"),
        (replacing("--seed", "4"), "started with --seed 3, not --seed 4"),
        (replacing("--preset", "small"), "started with --preset tiny, not --preset small"),
        (replacing("--segment-length", "32"), "started with --segment-length 48, not --segment-length 32"),
        (replacing("--noise", r.dir.path), "started with --noise \(r.noise.path), not --noise \(r.dir.path)"),
        (r.args + ["--resume", "--sum-loss"], "started without --sum-loss"),
        (r.args + ["--resume", "--clip-value", "2"], "started without --clip-value, not --clip-value 2"),
        (["--resume", "--out", r.out.path, "--model", r.model.path], "started with --preset tiny, not --model"),
    ]
    for (args, phrase) in cases {
        let refused = try run("rmt-train", args)
        #expect(refused.status == 1 && isOneLine(refused.stderr) && refused.stderr.contains(phrase), "\(phrase): \(refused.stderr)")
    }
    // An equal value written differently agrees.
    let same = try run("rmt-train", replacing("--lr", "0.001"))
    #expect(same.status == 0, "\(same.stderr)")
}

@Test func olderDataJSONWithoutStartFieldsResumesWithTheOriginalCommand() throws {
    let r = try TinyRun("older")
    defer { try? FileManager.default.removeItem(at: r.dir) }
    #expect(try run("rmt-train", r.args).status == 0)
    // The data.json of runs before this change: no model/preset keys (as in Docs/runs).
    var object = try JSONSerialization.jsonObject(with: Data(contentsOf: r.file("data.json"))) as! [String: Any]
    #expect(object["model"] as? String == r.model.path)
    object["model"] = nil
    try JSONSerialization.data(withJSONObject: object).write(to: r.file("data.json"))
    let resumed = try run("rmt-train", r.args + ["--resume"])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    // Without the record, --model is checked against the checkpoint's architecture.
    let base = r.dir.appendingPathComponent("bigger")
    let made = try run("rmt-tool", ["create-model", "--preset", "small", "--vocab", fixture("tokenizer/vocab.txt").path,
                                    "--segment-length", "48", "--out", base.path])
    #expect(made.status == 0, "\(made.stderr)")
    let other = try run("rmt-train", ["--resume", "--out", r.out.path, "--model", base.path])
    #expect(other.status == 1 && isOneLine(other.stderr) && other.stderr.contains("from a model of 2 layers × 128"), "\(other.stderr)")
}

/// The finished model of an uninterrupted run of `args` (`r`'s command), in a sibling folder.
private func referenceModel(_ r: TinyRun, _ args: [String]) throws -> Data {
    let whole = r.dir.appendingPathComponent("whole")
    var args = args
    args[args.firstIndex(of: r.out.path)!] = whole.path
    let reference = try run("rmt-train", args)
    #expect(reference.status == 0, "\(reference.stderr)")
    return try Data(contentsOf: whole.appendingPathComponent("model/model.safetensors"))
}

@Test func killBetweenTheCheckpointRenamesResumes() throws {
    let r = try TinyRun("renames", steps: 40)
    defer { try? FileManager.default.removeItem(at: r.dir) }
    let expected = try referenceModel(r, r.args)
    #expect(try startAndSignal(r.args, metrics: r.file("metrics.jsonl"), lines: 4, delay: 0, signal: SIGINT).sent)
    let fm = FileManager.default
    let state = try JSONSerialization.jsonObject(with: Data(contentsOf: r.file("checkpoint/trainer-state.json"))) as! [String: Any]
    #expect(state["finished"] as? Bool == false && (state["step"] as? Int ?? 0) > 0)
    // Killed between the two renames: checkpoint moved aside, the complete new one not yet in place.
    try fm.copyItem(at: r.file("checkpoint"), to: r.file(".checkpoint.tmp-B"))
    try fm.moveItem(at: r.file("checkpoint"), to: r.file(".checkpoint.old-A"))
    let resumed = try run("rmt-train", r.args + ["--resume"])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stderr.contains("checkpoint restored from .checkpoint.old-A"), "\(resumed.stderr)")
    #expect(resumed.stderr.contains("resumed at step \(state["step"] as! Int)"), "\(resumed.stderr)")
    #expect(r.hidden().isEmpty, "\(r.hidden())")
    #expect(try Data(contentsOf: r.file("model/model.safetensors")) == expected)
}

@Test func killMinus9DuringTrainingResumesToTheSameModel() throws {
    let r = try TinyRun("kill9", steps: 40)
    defer { try? FileManager.default.removeItem(at: r.dir) }
    var command = r.args + ["--patience", "100"]  // all 40 steps: room for the kills
    let expected = try referenceModel(r, command)
    // Kill -9 at staggered moments, each after more progress, resuming with the original command.
    var kills = 0
    for attempt in 0..<6 {
        if try startAndSignal(command, metrics: r.file("metrics.jsonl"), lines: 3 + 8 * attempt, delay: 0.003 * Double(attempt),
                              signal: SIGKILL).sent { kills += 1 }
        if !command.contains("--resume") { command.append("--resume") }
    }
    let final = try run("rmt-train", command)
    #expect(final.status == 0, "\(final.stderr)")
    #expect(kills >= 3)
    let state = try JSONSerialization.jsonObject(with: Data(contentsOf: r.file("checkpoint/trainer-state.json"))) as! [String: Any]
    #expect(state["finished"] as? Bool == true && state["step"] as? Int == 40)
    #expect(r.hidden().isEmpty, "\(r.hidden())")
    #expect(try Data(contentsOf: r.file("model/model.safetensors")) == expected)
}

@Test func divergingLearningRateNamesOnlyACheckpointThatExists() throws {
    let r = try TinyRun("diverge", steps: 20)
    defer { try? FileManager.default.removeItem(at: r.dir) }
    func withLR(_ out: String, evalEvery: String) -> [String] {
        var a = r.args
        a[a.firstIndex(of: "--lr")! + 1] = "1e6"
        a[a.firstIndex(of: "--eval-every")! + 1] = evalEvery
        a[a.count - 1] = r.dir.appendingPathComponent(out).path
        return a
    }
    // Diverging before the first evaluation: the step-0 checkpoint is the last good one.
    let early = try run("rmt-train", withLR("early", evalEvery: "100"))
    let earlyLast = early.stderr.split(separator: "\n").last.map(String.init) ?? ""
    let first = r.dir.appendingPathComponent("early/checkpoint").path
    #expect(early.status == 1 && earlyLast.contains("non-finite") && earlyLast.contains("the last good checkpoint is \(first) (step 0)"),
            "\(early.stderr)")
    #expect(FileManager.default.fileExists(atPath: first + "/trainer-state.json"))

    let late = try run("rmt-train", withLR("late", evalEvery: "1"))
    let lateLast = late.stderr.split(separator: "\n").last.map(String.init) ?? ""
    let checkpoint = r.dir.appendingPathComponent("late/checkpoint").path
    #expect(late.status == 1 && lateLast.contains("non-finite") && lateLast.contains("the last good checkpoint is \(checkpoint) (step"), "\(late.stderr)")
    #expect(FileManager.default.fileExists(atPath: checkpoint + "/trainer-state.json"))
    #expect(!late.stderr.contains("EncodingError"))
}
