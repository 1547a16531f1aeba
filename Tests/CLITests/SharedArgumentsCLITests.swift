// The option values the tools share (RMTCommandLine/ArgumentValues.swift) and their output:
// --bptt spelled one way, older spellings still accepted, a bad one refused; bench's JSON line
// encoded by JSONEncoder; rmt-train's grouped options keep every flag name.
import Foundation
import RMTTestSupport
import Testing

@Test func benchBPTTModeIsSpelledOneWayAndOldSpellingsStillWork() throws {
    for (given, printed) in [("me", "memory-efficient"), ("memory_efficient", "memory-efficient"),
                             ("memory-efficient", "memory-efficient"), ("truncated:1", "truncated:1"), ("full", "full")] {
        let r = try run("rmt-tool", ["bench", "--train", "--config", "tiny", "--segments", "2", "--batch", "1",
                                     "--steps", "1", "--warmup", "0", "--bptt", given])
        #expect(r.status == 0, "\(given): \(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(object?["bptt"] as? String == printed, "\(given): \(r.stdout)")
        #expect(object?["ms_per_step"] is Double && object?["parameters"] is Int && object?["cpu"] is String, "\(r.stdout)")
    }
    for bad in ["truncated:0", "truncated", "partial"] {
        let r = try run("rmt-tool", ["bench", "--train", "--config", "tiny", "--bptt", bad])
        #expect(r.status != 0 && r.stderr.contains("--bptt"), "\(bad): \(r.stderr)")
    }
}

@Test func trainKeepsEveryFlagNameInItsOptionGroups() throws {
    let r = try run("rmt-train", ["train", "--help"])
    #expect(r.status == 0, "\(r.stderr)")
    for flag in ["--start-segments", "--max-segments", "--target-accuracy", "--max-steps-per-stage", "--eval-every",
                 "--eval-samples", "--patience", "--advance-on", "--batch-size", "--lr", "--warmup", "--weight-decay", "--clip",
                 "--clip-value", "--bptt-depth", "--memory-efficient", "--sum-loss", "--keep-optimizer", "--out", "--resume"] {
        #expect(r.stdout.contains(flag + " ") || r.stdout.contains(flag + "\n"), "missing \(flag)")
    }
    // The grouped options still reach TrainingOptions' checks.
    let bad = try run("rmt-train", ["--preset", "tiny", "--start-segments", "3", "--max-segments", "2", "--out", "/nonexistent/x"])
    #expect(bad.status != 0 && bad.stderr.contains("--start-segments 3 is greater than --max-segments 2"), "\(bad.stderr)")
}

@Test func trainTakesBPTTSpelledAsInBenchAndTheOldFlagsAsAliases() throws {
    let dir = try scratchFolder("bptt-flag")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model"), out = dir.appendingPathComponent("run")
    let made = try createTinyModel(at: model, segmentLength: 48)
    #expect(made.status == 0, "\(made.stderr)")
    let common = ["--task", "memorize", "--max-segments", "1", "--max-steps-per-stage", "2", "--eval-every", "2",
                  "--eval-samples", "2", "--batch-size", "2"]
    let twice = try run("rmt-train", ["--model", model.path, "--bptt", "me", "--memory-efficient", "--out", out.path] + common)
    #expect(twice.status != 0 && twice.stderr.contains("give one"), "\(twice.stderr)")

    let r = try run("rmt-train", ["--model", model.path, "--bptt", "truncated:1", "--out", out.path] + common)
    #expect(r.status == 0, "\(r.stderr)")
    let options = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("checkpoint/options.json"))) as? [String: Any]
    #expect(options?["bptt_depth"] as? Int == 1 && options?["memory_efficient"] as? Bool == false, "\(String(describing: options))")
    // On resume, the old spelling of the same mode agrees; another mode is refused in one line.
    let same = try run("rmt-train", ["--resume", "--out", out.path, "--bptt-depth", "1"])
    #expect(same.status == 0, "\(same.stderr)")
    let other = try run("rmt-train", ["--resume", "--out", out.path, "--bptt", "full"])
    #expect(other.status == 1 && other.stderr.contains("--bptt truncated:1") && isOneLine(other.stderr), "\(other.stderr)")
}
