// rmt-train --state-loss: adds a state readout to a model without one (config.json's
// rmt.state_entities, the rmt.state.* tensors), logs state_loss / state_accuracy per step and
// eval_state_accuracy (and eval_state_placed) per evaluation, records the weight and --state-lr in the checkpoint and keeps
// them on --resume; the trained model still answers through rmt-ask, and `rmt-ask --state` prints
// where its memory places each entity (refused for a model without a readout). Refused: a resume that changes
// the weight (one line, exit 1); a non-positive weight and --state-lr without --state-loss (usage
// errors, exit 64), --state-hidden without --state-loss (exit 64) or of another width than the model's
// readout (one line, exit 1). --state-hidden D adds a two-layer readout that trains and answers --state.
import Foundation
import Testing
import RMTTestSupport

@Test func stateLossThroughRmtTrain() throws {
    let dir = try scratchFolder("state-loss")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (every, _) = try createTinyModelPerLayout(in: dir)
    let common = ["--task", "memorize-distract,babi-qa2:4", "--start-segments", "3", "--max-segments", "3", "--eval-every", "2",
                  "--eval-samples", "4", "--batch-size", "2", "--max-steps-per-stage", "2"]

    let out = dir.appendingPathComponent("run")
    let trained = try run("rmt-train", ["--model", every.path, "--state-loss", "0.5", "--state-lr", "1e-3", "--out", out.path] + common)
    #expect(trained.status == 0, "\(trained.stderr)")
    #expect(trained.stderr.contains("added a state readout"), "\(trained.stderr)")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("model/config.json"))) as? [String: Any]
    let rmt = config?["rmt"] as? [String: Any]
    #expect(rmt?["state_entities"] as? [String] == ["Mary", "John", "Daniel", "Sandra", "apple", "football", "milk"])
    let options = try JSONSerialization.jsonObject(
        with: Data(contentsOf: out.appendingPathComponent("checkpoint/options.json"))) as? [String: Any]
    #expect(options?["state_loss"] as? Double == 0.5 && options?["state_learning_rate"] as? Double == 0.001, "\(String(describing: options))")
    let records = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    let steps = records.filter { $0["loss"] != nil }, evals = records.filter { $0["eval_accuracy"] != nil }
    #expect(!steps.isEmpty && steps.allSatisfy { ($0["state_loss"] as? Double)?.isFinite == true && $0["state_accuracy"] is Double })
    #expect(!evals.isEmpty && evals.allSatisfy { (0...1).contains($0["eval_state_accuracy"] as? Double ?? -1) }, "\(evals)")
    // qa2 stories of 4 facts over 3 segments place people and objects: the placed share is reported too.
    #expect(evals.allSatisfy { (0...1).contains($0["eval_state_placed"] as? Double ?? -1) }, "\(evals)")

    let resumed = try run("rmt-train", ["--resume", "--state-loss", "0.5", "--out", out.path])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    let changed = try run("rmt-train", ["--resume", "--state-loss", "2", "--out", out.path])
    #expect(changed.status == 1 && changed.stderr.contains("--state-loss") && isOneLine(changed.stderr), "\(changed.stderr)")

    let text = dir.appendingPathComponent("story.txt")
    try "Mary went to the kitchen. The day was long.".write(to: text, atomically: true, encoding: .utf8)
    let asked = try run("rmt-ask", [text.path, "--model", out.appendingPathComponent("model").path, "--question", "Where is Mary?"])
    #expect(asked.status == 0, "\(asked.stderr)")
    // --state: one line per entity after the answer (and in --json); refused for a model without a readout.
    let stateAsked = try run("rmt-ask", [text.path, "--model", out.appendingPathComponent("model").path, "--question", "Where is Mary?", "--state"])
    let stateLines = stateAsked.stdout.split(separator: "\n").filter { $0.hasPrefix("state\t") }
    #expect(stateAsked.status == 0 && stateLines.count == 7 && stateLines[0].hasPrefix("state\tMary\t"), "\(stateAsked.stdout)")
    let placedJSON = try run("rmt-ask", [text.path, "--model", out.appendingPathComponent("model").path, "--question", "Where is Mary?",
                                         "--state", "--json"])
    let object = try JSONSerialization.jsonObject(with: Data(placedJSON.stdout.utf8)) as? [String: Any]
    let places = object?["state"] as? [[String: Any]]
    #expect(places?.count == 7 && places?.last?["entity"] as? String == "milk" && (places?.last?["probability"] as? Double ?? 0) > 0,
            "\(placedJSON.stdout)")
    let noReadout = try run("rmt-ask", [text.path, "--model", every.path, "--question", "Where is Mary?", "--state"])
    #expect(noReadout.status == 1 && noReadout.stderr.contains("no state readout") && isOneLine(noReadout.stderr), "\(noReadout.stderr)")

    // Held out: rmt-train eval reports what the readout says about the memory (places right, carried places right).
    let evaluated = try run("rmt-train", ["eval", "--model", out.appendingPathComponent("model").path, "--task", "babi-qa2:4,reasoning",
                                          "--segments", "3", "--samples", "4", "--batch-size", "2", "--json"])
    #expect(evaluated.status == 0, "\(evaluated.stderr)")
    let rows = evaluated.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    let qa2 = rows.first { $0["task"] as? String == "babi-qa2:4" }, reasoning = rows.first { $0["task"] as? String == "reasoning" }
    let placed = qa2?["state_placed"] as? Int ?? 0, right = qa2?["state_placed_right"] as? Int ?? -1
    let carried = qa2?["state_carried"] as? Int ?? -1, carriedRight = qa2?["state_carried_right"] as? Int ?? -1
    #expect(placed > 0 && (0...placed).contains(right) && (0...placed).contains(carried) && (0...carried).contains(carriedRight),
            "\(evaluated.stdout)")
    #expect(reasoning?["state_placed"] as? Int == 0, "reasoning places no one: \(evaluated.stdout)")

    let zero = try run("rmt-train", ["--model", every.path, "--state-loss", "0", "--out", dir.appendingPathComponent("z").path] + common)
    #expect(zero.status == 64 && zero.stderr.contains("--state-loss must be a positive weight"), "\(zero.stderr)")
    let rateAlone = try run("rmt-train", ["--model", every.path, "--state-lr", "1e-3", "--out", dir.appendingPathComponent("r").path] + common)
    #expect(rateAlone.status == 64 && rateAlone.stderr.contains("give --state-loss W too"), "\(rateAlone.stderr)")
    let hiddenAlone = try run("rmt-train", ["--model", every.path, "--state-hidden", "8", "--out", dir.appendingPathComponent("h").path] + common)
    #expect(hiddenAlone.status == 64 && hiddenAlone.stderr.contains("give --state-loss W too"), "\(hiddenAlone.stderr)")
    // A model that has a linear readout keeps it; asking it for a hidden layer is refused in one line.
    let otherWidth = try run("rmt-train", ["--model", out.appendingPathComponent("model").path, "--state-loss", "0.5", "--state-hidden", "8",
                                           "--out", dir.appendingPathComponent("w").path] + common)
    #expect(otherWidth.status == 1 && otherWidth.stderr.contains("--state-hidden") && isOneLine(otherWidth.stderr), "\(otherWidth.stderr)")
}

/// --state-hidden D: the readout added is two layers (config rmt.state_hidden, rmt.state.hidden.* tensors);
/// it trains, and rmt-ask --state reads it.
@Test func twoLayerStateReadoutThroughRmtTrain() throws {
    let dir = try scratchFolder("state-hidden")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (every, _) = try createTinyModelPerLayout(in: dir)
    let out = dir.appendingPathComponent("run")
    let trained = try run("rmt-train", ["--model", every.path, "--state-loss", "0.5", "--state-hidden", "8", "--task", "babi-qa2:4",
                                        "--start-segments", "2", "--max-segments", "2", "--eval-every", "2", "--eval-samples", "4",
                                        "--batch-size", "2", "--max-steps-per-stage", "2", "--out", out.path])
    #expect(trained.status == 0 && trained.stderr.contains("hidden layer 8"), "\(trained.stderr)")
    let model = out.appendingPathComponent("model")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: model.appendingPathComponent("config.json"))) as? [String: Any]
    #expect((config?["rmt"] as? [String: Any])?["state_hidden"] as? Int == 8)
    let listed = try run("rmt-tool", ["inspect", model.path, "--match", "rmt.state"])
    #expect(listed.stdout.contains("rmt.state.hidden.weight") && listed.stdout.contains("[8, "), "\(listed.stdout)")
    let text = dir.appendingPathComponent("story.txt")
    try "John went to the garden. Mary picked up the milk.".write(to: text, atomically: true, encoding: .utf8)
    let asked = try run("rmt-ask", [text.path, "--model", model.path, "--question", "Where is the milk?", "--state"])
    #expect(asked.status == 0 && asked.stdout.split(separator: "\n").filter { $0.hasPrefix("state\t") }.count == 7, "\(asked.stdout)")
}
