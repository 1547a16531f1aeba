// The memory gate through the command lines (MemoryGate.swift, Docs/training.md "The memory gate"):
// `rmt-train --memory-gate` adds it to a new model (--preset) or a --model, trains its tensors at
// --gate-lr, records the bias and the rate with the run and `rmt.memory_gate` in config.json;
// `rmt-ask` reads a long document with it (its --trace adds the gate's mean Z); a gated --model
// keeps its gate; --gate-penalty is recorded and every gated step logs its gate's share; --move-penalty
// (any model without an associative memory) is recorded and every step of more than two segments logs
// the memory's move, and its --move-penalty-scope is recorded; the flags that make no sense together are
// refused in one line.
import Foundation
import RMT
import Testing
import RMTTestSupport

@Test func trainAddsAMemoryGateAndAskReadsWithIt() throws {
    let dir = try scratchFolder("memory-gate")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let common = shortMemorizeRun(steps: 3)
    let preset = tinyPresetFlags()
    let r = try run("rmt-train", preset + ["--memory-gate", "--memory-gate-bias", "2", "--gate-lr", "1e-3", "--warmup", "0"] + common + ["--out", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("added a memory gate") && r.stderr.contains("0.881 of its new memory"), "\(r.stderr)")
    let options = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("checkpoint/options.json"))) as? [String: Any]
    #expect(abs((options?["gate_learning_rate"] as? Double ?? 0) - 1e-3) < 1e-9, "\(options ?? [:])")
    #expect(options?["memory_gate_bias"] as? Double == 2, "\(options ?? [:])")
    let model = out.appendingPathComponent("model")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: model.appendingPathComponent("config.json"))) as? [String: Any]
    #expect((config?["rmt"] as? [String: Any])?["memory_gate"] as? Bool == true, "\(config ?? [:])")

    // The gate trained: its bias moved from 2 and its weights from 0 at --gate-lr.
    let trained = try RecurrentMemoryModel.load(directory: model)
    #expect(trained.parameters.values(RMTTensorName.gateBias).contains { abs($0 - 2) > 1e-4 })
    #expect(trained.parameters.values(RMTTensorName.gateHiddenWeight).contains { $0 != 0 })

    let (ask, answer) = try askAboutALongDocument(model: model, in: dir)
    #expect(ask.status == 0, "\(ask.stderr)")
    #expect((answer?["segments"] as? Int ?? 0) >= 8, "\(ask.stdout)")
    // --trace adds the gate's mean Z over the segments since each point (bias 2 trained 3 steps: near σ(2)).
    let trace = dir.appendingPathComponent("trace.jsonl")
    let traced = try run("rmt-ask", [try writeLongDocument(in: dir).path, "-q", "Where is Mary?", "--model", model.path,
                                     "--trace", trace.path, "--trace-every", "3", "--quiet"])
    #expect(traced.status == 0, "\(traced.stderr)")
    let points = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n")
        .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    #expect(points.count >= 3)
    for point in points {
        let share = try #require(point?["gate"] as? Double, "no gate in \(point ?? [:])")
        #expect(abs(share - 0.881) < 0.05, "\(point ?? [:])")
    }

    // A gated --model keeps its gate (given --memory-gate or not); a new bias for it is refused.
    let kept = try run("rmt-train", ["--model", model.path, "--memory-gate"] + common + ["--out", dir.appendingPathComponent("kept").path])
    #expect(kept.status == 0 && !kept.stderr.contains("added a memory gate"), "\(kept.stderr)")
    let rebias = try run("rmt-train", ["--model", model.path, "--memory-gate", "--memory-gate-bias", "1"] + common
                         + ["--out", dir.appendingPathComponent("rebias").path])
    #expect(rebias.status != 0 && rebias.stderr.contains("already has a trained memory gate") && isOneLine(rebias.stderr), "\(rebias.stderr)")

    // Flags that make no sense together, each refused.
    let noGate = try run("rmt-train", preset + ["--gate-lr", "1e-3"] + common + ["--out", dir.appendingPathComponent("nogate").path])
    #expect(noGate.status != 0 && noGate.stderr.contains("--gate-lr") && isOneLine(noGate.stderr), "\(noGate.stderr)")
    let biasAlone = try run("rmt-train", preset + ["--memory-gate-bias", "1"] + common + ["--out", dir.appendingPathComponent("alone").path])
    #expect(biasAlone.status != 0 && biasAlone.stderr.contains("give --memory-gate too"), "\(biasAlone.stderr)")
    let withState = try run("rmt-train", preset + ["--memory-gate", "--state-loss", "1"] + common + ["--out", dir.appendingPathComponent("state").path])
    #expect(withState.status != 0 && withState.stderr.contains("--state-loss"), "\(withState.stderr)")
    let penaltyNoGate = try run("rmt-train", preset + ["--gate-penalty", "0.1"] + common + ["--out", dir.appendingPathComponent("penalty").path])
    #expect(penaltyNoGate.status != 0 && penaltyNoGate.stderr.contains("--gate-penalty") && isOneLine(penaltyNoGate.stderr),
            "\(penaltyNoGate.stderr)")
    try expectRefused(preset + ["--memory-gate", "--gate-penalty", "-1"] + common, saying: "--gate-penalty must be a positive weight",
                      out: dir.appendingPathComponent("negative"))
}

/// rmt-train given `flags` and `--out out` is refused: a non-zero exit and its message (before ArgumentParser's
/// usage) on one line holding `words`.
private func expectRefused(_ flags: [String], saying words: String, out: URL) throws {
    let r = try run("rmt-train", flags + ["--out", out.path])
    #expect(r.status != 0 && r.stderr.contains(words) && isOneLine(r.stderr.components(separatedBy: "\nUsage")[0]), "\(r.stderr)")
}

/// A resume of the run in `out` given `flag` `other` is refused in one line naming it; given the saved `value`, it runs.
private func expectResumeKeeps(_ flag: String, _ value: String, refusing other: String, out: URL) throws {
    let changed = try run("rmt-train", ["--resume", flag, other, "--out", out.path])
    #expect(changed.status != 0 && changed.stderr.contains(flag) && isOneLine(changed.stderr), "\(changed.stderr)")
    let same = try run("rmt-train", ["--resume", flag, value, "--out", out.path])
    #expect(same.status == 0, "\(same.stderr)")
}

/// shortMemorizeRun's flags, on documents of three segments (the first whose move a penalty can price).
private func threeSegmentRun(steps: Int) -> [String] {
    ["--task", "memorize", "--start-segments", "3", "--max-segments", "3", "--max-steps-per-stage", "\(steps)",
     "--eval-every", "\(steps)", "--eval-samples", "2", "--batch-size", "2"]
}

/// `key` of every training step in `run`'s metrics.jsonl (nil where a step has none).
private func stepValues(_ key: String, of run: URL) throws -> [Double?] {
    try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        .filter { $0["loss"] != nil }.map { $0[key] as? Double }
}

@Test func theGatePenaltyIsRecordedAndEveryGatedStepLogsItsShare() throws {
    // --gate-penalty trains (recorded in options.json, kept by a resume given it again, refused changed);
    // metrics.jsonl carries gate_share, the mean Z in (0, 1), on every step of a gated run, and none without a gate.
    let dir = try scratchFolder("gate-penalty")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let preset = tinyPresetFlags()
    let r = try run("rmt-train", preset + ["--memory-gate", "--gate-penalty", "0.5", "--warmup", "0"] + shortMemorizeRun(steps: 3)
                    + ["--out", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let options = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("checkpoint/options.json"))) as? [String: Any]
    #expect(options?["gate_penalty"] as? Double == 0.5, "\(options ?? [:])")
    func shares(_ run: URL) throws -> [Double?] { try stepValues("gate_share", of: run) }
    let logged = try shares(out)
    #expect(logged.count == 3 && logged.allSatisfy { ($0 ?? -1) > 0 && ($0 ?? 2) < 1 }, "\(logged)")
    try expectResumeKeeps("--gate-penalty", "0.5", refusing: "0.25", out: out)
    let plain = dir.appendingPathComponent("plain")
    let p = try run("rmt-train", preset + shortMemorizeRun(steps: 2) + ["--out", plain.path])
    #expect(p.status == 0, "\(p.stderr)")
    #expect(try shares(plain) == [nil, nil])
}

@Test func theMovePenaltyIsRecordedAndEveryStepLogsTheMemorysMove() throws {
    // --move-penalty trains any model without an associative memory (recorded in options.json, kept by a
    // resume given it again, refused changed or not positive); metrics.jsonl carries memory_move, the mean
    // squared relative move (> 0), on every step of a run of more than two segments, penalized or not.
    let dir = try scratchFolder("move-penalty")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let preset = tinyPresetFlags()
    let r = try run("rmt-train", preset + ["--move-penalty", "0.5", "--warmup", "0"] + threeSegmentRun(steps: 3) + ["--out", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let options = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("checkpoint/options.json"))) as? [String: Any]
    #expect(options?["move_penalty"] as? Double == 0.5, "\(options ?? [:])")
    func moves(_ run: URL) throws -> [Double?] { try stepValues("memory_move", of: run) }
    let logged = try moves(out)
    #expect(logged.count == 3 && logged.allSatisfy { ($0 ?? -1) > 0 && ($0 ?? .infinity).isFinite }, "\(logged)")
    try expectResumeKeeps("--move-penalty", "0.5", refusing: "0.25", out: out)
    let plain = dir.appendingPathComponent("plain")
    let p = try run("rmt-train", preset + threeSegmentRun(steps: 2) + ["--out", plain.path])
    #expect(p.status == 0, "\(p.stderr)")
    #expect(try moves(plain).allSatisfy { ($0 ?? -1) > 0 } && moves(plain).count == 2)
    let two = dir.appendingPathComponent("two")  // segment 0 writes into the initial memory, segment 1 hands nothing on
    #expect(try run("rmt-train", preset + shortMemorizeRun(steps: 1) + ["--out", two.path]).status == 0)
    #expect(try moves(two) == [nil])

    let common = shortMemorizeRun(steps: 2)
    try expectRefused(preset + ["--move-penalty", "0"] + common, saying: "--move-penalty must be a positive weight",
                      out: dir.appendingPathComponent("zero"))
    try expectRefused(preset + ["--associative", "4", "--move-penalty", "0.5"] + common, saying: "--move-penalty",
                      out: dir.appendingPathComponent("associative"))
}

@Test func theMovePenaltysQuietScopeIsRecordedAndKeptByAResume() throws {
    // --move-penalty-scope quiet trains (recorded in options.json as move_scope, kept by a resume given it
    // again, refused changed); without --move-penalty, or with a scope it does not know, it is refused in one line.
    let dir = try scratchFolder("move-scope")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let preset = tinyPresetFlags()
    let r = try run("rmt-train", preset + ["--move-penalty", "0.5", "--move-penalty-scope", "quiet", "--warmup", "0"]
                    + threeSegmentRun(steps: 2) + ["--out", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let options = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("checkpoint/options.json"))) as? [String: Any]
    #expect(options?["move_scope"] as? String == "quiet" && options?["move_penalty"] as? Double == 0.5, "\(options ?? [:])")
    #expect(try stepValues("memory_move", of: out).allSatisfy { ($0 ?? -1) > 0 })
    // memory_move_quiet: the move of the segments that hold no fact (memorize's fact opens the document).
    let quiet = try stepValues("memory_move_quiet", of: out)
    #expect(quiet.count == 2 && quiet.contains { $0 != nil } && quiet.allSatisfy { ($0 ?? 0) >= 0 }, "\(quiet)")
    try expectResumeKeeps("--move-penalty-scope", "quiet", refusing: "all", out: out)

    let common = threeSegmentRun(steps: 1)
    try expectRefused(preset + ["--move-penalty-scope", "quiet"] + common, saying: "give --move-penalty too",
                      out: dir.appendingPathComponent("alone"))
    let unknown = try run("rmt-train", preset + ["--move-penalty", "0.5", "--move-penalty-scope", "loud"] + common
                          + ["--out", dir.appendingPathComponent("loud").path])
    let said = unknown.stderr.components(separatedBy: "\n")[0]  // ArgumentParser's line, then its help and usage
    #expect(unknown.status != 0 && said.contains("'loud' is invalid") && said.contains("'all' and 'quiet'"), "\(unknown.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("alone").path))
}

