// The associative memory through the command lines (Docs/associative-memory.md): `rmt-train
// --associative D` adds it to a model — a new one (--preset) or a --model — trains over several
// segments and saves it (config.json's rmt_associative, the per-layer tensors); `rmt-ask` reads a
// long document with the trained model, carrying the state over every segment; the same D on a
// model that has the memory keeps it, another is refused in one line; --associative-lr is saved
// with the run and refused for a model without the memory; `--associative-write all` makes a
// memory written by every content row, recorded in config.json, read by rmt-ask, kept on that
// model and refused with another writing mode or without --associative. (The state's round trip
// through a saved MemoryState: Tests/RMTTrainingTests/AssociativeBPTTTests.swift.)
import Foundation
import Testing
import RMTTestSupport

@Test func trainAddsAnAssociativeMemoryAndAskReadsWithIt() throws {
    let dir = try scratchFolder("associative")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let common = shortMemorizeRun(steps: 3)
    let r = try run("rmt-train", tinyPresetFlags() + ["--associative", "4", "--associative-lr", "2e-3"] + common + ["--out", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("added an associative memory (key size 4"), "\(r.stderr)")
    let options = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("checkpoint/options.json"))) as? [String: Any]
    #expect(abs((options?["associative_learning_rate"] as? Double ?? 0) - 2e-3) < 1e-9, "\(options ?? [:])")
    let model = out.appendingPathComponent("model")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: model.appendingPathComponent("config.json"))) as? [String: Any]
    let associative = config?["rmt_associative"] as? [String: Any]
    #expect(associative?["key_size"] as? Int == 4 && associative?["nu"] as? Int == 3, "\(config ?? [:])")

    // rmt-ask reads ~10 segments with it.
    let (ask, answer) = try askAboutALongDocument(model: model, in: dir)
    #expect(ask.status == 0, "\(ask.stderr)")
    #expect((answer?["segments"] as? Int ?? 0) >= 8, "\(ask.stdout)")

    // The same D on the trained model is accepted (kept); another is refused in one line.
    let again = try run("rmt-train", ["--model", model.path, "--associative", "4"] + common + ["--out", dir.appendingPathComponent("again").path])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(!again.stderr.contains("added an associative memory"), "\(again.stderr)")
    let other = try run("rmt-train", ["--model", model.path, "--associative", "8"] + common + ["--out", dir.appendingPathComponent("other").path])
    #expect(other.status != 0 && other.stderr.contains("key size 4, not 8") && isOneLine(other.stderr), "\(other.stderr)")

    // A learning rate for a memory the model does not have is refused, in one line.
    let none = try run("rmt-train", tinyPresetFlags() + [
                                     "--associative-lr", "1e-3"] + common + ["--out", dir.appendingPathComponent("none").path])
    #expect(none.status != 0 && none.stderr.contains("--associative-lr") && isOneLine(none.stderr), "\(none.stderr)")
}

@Test func trainMakesAMemoryWrittenByEveryRow() throws {
    let dir = try scratchFolder("associative-all")
    defer { try? FileManager.default.removeItem(at: dir) }
    let common = shortMemorizeRun(steps: 2)
    let preset = tinyPresetFlags()
    let out = dir.appendingPathComponent("run")
    let r = try run("rmt-train", preset + ["--associative", "4", "--associative-write", "all"] + common + ["--out", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("written by all rows"), "\(r.stderr)")
    let model = out.appendingPathComponent("model")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: model.appendingPathComponent("config.json"))) as? [String: Any]
    #expect((config?["rmt_associative"] as? [String: Any])?["write"] as? String == "all", "\(config ?? [:])")

    let text = dir.appendingPathComponent("doc.txt")
    try Data(String(repeating: "the grass was green and mary went to the kitchen. ", count: 20).utf8).write(to: text)
    let ask = try run("rmt-ask", [text.path, "-q", "Where is Mary?", "--model", model.path, "--json"])
    #expect(ask.status == 0, "\(ask.stderr)")

    // Kept on that model (given or not); the other writing mode refused; alone, refused.
    let kept = try run("rmt-train", ["--model", model.path, "--associative", "4"] + common + ["--out", dir.appendingPathComponent("kept").path])
    #expect(kept.status == 0, "\(kept.stderr)")
    let other = try run("rmt-train", ["--model", model.path, "--associative", "4", "--associative-write", "memory"] + common
                        + ["--out", dir.appendingPathComponent("other").path])
    #expect(other.status != 0 && other.stderr.contains("written by all rows, not memory") && isOneLine(other.stderr), "\(other.stderr)")
    let alone = try run("rmt-train", preset + ["--associative-write", "all"] + common + ["--out", dir.appendingPathComponent("alone").path])
    #expect(alone.status != 0 && alone.stderr.hasPrefix("Error: --associative-write chooses"), "\(alone.stderr)")  // ArgumentParser: + usage
    let bad = try run("rmt-train", preset + ["--associative", "4", "--associative-write", "some"] + common
                      + ["--out", dir.appendingPathComponent("bad").path])
    #expect(bad.status != 0 && bad.stderr.contains("--associative-write"), "\(bad.stderr)")
}

@Test func benchTimesTheAssociativeMemoryAgainstThePlainModel() throws {
    for extra in [[String](), ["--train", "--batch", "1", "--segments", "2"]] {
        let r = try run("rmt-tool", ["bench", "--against-absolute", "--config", "tiny", "--associative", "4",
                                     "--steps", "1", "--warmup", "0"] + extra)
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(obj?["associative_key_size"] as? Int == 4 && obj?["overhead_percent"] is Double, "\(r.stdout)")
    }
    let alone = try run("rmt-tool", ["bench", "--config", "tiny", "--associative", "4"])
    #expect(alone.status != 0 && alone.stderr.contains("--against-absolute"), "\(alone.stderr)")
}
