// rmt-train --hidden-question-rate: trains with a share of the documents whose question only the
// final segment reads (Docs/training.md), records the rate in OUT/data.json and keeps it on
// --resume (another rate is refused in one line); refuses a rate outside [0, 1] and --sum-loss
// (usage errors, exit 64) and a final-segment model (one line, exit 1, before the folder is
// written). rmt-train eval --hidden-question reads held-out documents that way: rows named
// TASK+hidden, `question_hidden` in the predictions; refused for final-segment models and with
// --ledger.
import Foundation
import Testing
import RMTTestSupport

@Test func hiddenQuestionRateThroughRmtTrain() throws {
    let dir = try scratchFolder("hidden-question-rate")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (every, final) = try createTinyModelPerLayout(in: dir)
    let common = ["--start-segments", "3", "--max-segments", "3", "--eval-every", "2",
                  "--eval-samples", "4", "--batch-size", "2", "--max-steps-per-stage", "2"]

    let out = dir.appendingPathComponent("run")
    let trained = try run("rmt-train", ["--model", every.path, "--task", "memorize-distract,babi-qa2:4", "--hidden-question-rate", "0.5",
                                        "--out", out.path] + common)
    #expect(trained.status == 0, "\(trained.stderr)")
    let data = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("data.json"))) as? [String: Any]
    #expect(data?["hidden_question_rate"] as? Double == 0.5, "\(String(describing: data))")

    let other = try run("rmt-train", ["--resume", "--hidden-question-rate", "1", "--out", out.path])
    #expect(other.status == 1 && other.stderr.contains("started with --hidden-question-rate 0.5") && isOneLine(other.stderr), "\(other.stderr)")
    let same = try run("rmt-train", ["--resume", "--hidden-question-rate", "0.5", "--out", out.path])
    #expect(same.status == 0, "\(same.stderr)")

    let finalOut = dir.appendingPathComponent("final-run")
    let layout = try run("rmt-train", ["--model", final.path, "--task", "memorize-distract", "--hidden-question-rate", "0.5",
                                       "--out", finalOut.path] + common)
    #expect(layout.status == 1 && layout.stderr.contains("--hidden-question-rate needs a model that reads the question in every segment")
            && isOneLine(layout.stderr), "\(layout.stderr)")
    #expect(!FileManager.default.fileExists(atPath: finalOut.appendingPathComponent("data.json").path), "refused before the folder is written")
    let bad = try run("rmt-train", ["--model", every.path, "--task", "memorize", "--hidden-question-rate", "1.5",
                                    "--out", dir.appendingPathComponent("x").path] + common)
    #expect(bad.status == 64 && bad.stderr.contains("--hidden-question-rate must be in [0, 1]"), "\(bad.stderr)")
    let sum = try run("rmt-train", ["--model", every.path, "--task", "memorize", "--hidden-question-rate", "0.5", "--sum-loss",
                                    "--out", dir.appendingPathComponent("y").path] + common)
    #expect(sum.status == 64 && sum.stderr.contains("cannot be combined with --sum-loss"), "\(sum.stderr)")
}

@Test func hiddenQuestionThroughRmtTrainEval() throws {
    let dir = try scratchFolder("eval-hidden-question")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (every, final) = try createTinyModelPerLayout(in: dir)
    let predictions = dir.appendingPathComponent("predictions.jsonl")
    let common = ["--segments", "3", "--samples", "6", "--batch-size", "4", "--json", "--hidden-question"]
    let r = try run("rmt-train", ["eval", "--model", every.path, "--task", "memorize-distract", "--predictions", predictions.path] + common)
    #expect(r.status == 0, "\(r.stderr)")
    let rows = try r.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    #expect(rows.count == 1 && rows.first??["task"] as? String == "memorize-distract+hidden" && rows.first??["samples"] as? Int == 6, "\(r.stdout)")
    let lines = try String(contentsOf: predictions, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 6)
    for line in lines {
        let p = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(p["question_hidden"] as? Bool == true, "\(p)")
    }
    let plain = try run("rmt-train", ["eval", "--model", every.path, "--task", "memorize-distract", "--predictions", predictions.path,
                                      "--segments", "3", "--samples", "6", "--batch-size", "4", "--json"])
    #expect(plain.status == 0 && plain.stdout.contains("\"memorize-distract\""), "\(plain.stdout)")
    let plainLine = try String(contentsOf: predictions, encoding: .utf8).split(separator: "\n").first.map(String.init) ?? ""
    #expect(!plainLine.contains("question_hidden"), "\(plainLine)")

    let layout = try run("rmt-train", ["eval", "--model", final.path, "--task", "memorize-distract"] + common)
    #expect(layout.status == 1 && layout.stderr.contains("--hidden-question:") && isOneLine(layout.stderr), "\(layout.stderr)")
    let ledger = try run("rmt-train", ["eval", "--model", every.path, "--task", "memorize-distract",
                                       "--ledger", dir.appendingPathComponent("l.jsonl").path] + common)
    #expect(ledger.status == 64 && ledger.stderr.contains("--hidden-question does not go with --ledger"), "\(ledger.stderr)")
}

@Test func decoyQuestionThroughRmtTrainAndEval() throws {
    let dir = try scratchFolder("decoy-question")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (every, final) = try createTinyModelPerLayout(in: dir)
    let common = ["--start-segments", "3", "--max-segments", "3", "--eval-every", "2",
                  "--eval-samples", "4", "--batch-size", "2", "--max-steps-per-stage", "2"]
    let out = dir.appendingPathComponent("run")
    let trained = try run("rmt-train", ["--model", every.path, "--task", "memorize-distract,babi-qa2:4", "--decoy-question-rate", "0.5",
                                        "--out", out.path] + common)
    #expect(trained.status == 0, "\(trained.stderr)")
    let data = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("data.json"))) as? [String: Any]
    #expect(data?["decoy_question_rate"] as? Double == 0.5, "\(String(describing: data))")
    let other = try run("rmt-train", ["--resume", "--decoy-question-rate", "1", "--out", out.path])
    #expect(other.status == 1 && other.stderr.contains("started with --decoy-question-rate 0.5") && isOneLine(other.stderr), "\(other.stderr)")
    let layout = try run("rmt-train", ["--model", final.path, "--task", "memorize-distract", "--decoy-question-rate", "0.5",
                                       "--out", dir.appendingPathComponent("final-run").path] + common)
    #expect(layout.status == 1 && layout.stderr.contains("--decoy-question-rate needs a model") && isOneLine(layout.stderr), "\(layout.stderr)")
    let bad = try run("rmt-train", ["--model", every.path, "--task", "memorize", "--decoy-question-rate", "2",
                                    "--out", dir.appendingPathComponent("x").path] + common)
    #expect(bad.status == 64 && bad.stderr.contains("--decoy-question-rate must be in [0, 1]"), "\(bad.stderr)")

    let predictions = dir.appendingPathComponent("predictions.jsonl")
    let r = try run("rmt-train", ["eval", "--model", every.path, "--task", "memorize-distract", "--segments", "3", "--samples", "6",
                                  "--batch-size", "4", "--json", "--decoy-question", "--predictions", predictions.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("\"task\":\"memorize-distract+decoy\""), "\(r.stdout)")
    for line in try String(contentsOf: predictions, encoding: .utf8).split(separator: "\n") {
        let p = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let decoy = try #require(p["decoy_question"] as? String)
        #expect(decoy.hasPrefix("Where is ") && decoy != p["question"] as? String && p["question_hidden"] as? Bool == true, "\(p)")
    }
    let both = try run("rmt-train", ["eval", "--model", every.path, "--task", "memorize-distract", "--segments", "3",
                                     "--decoy-question", "--hidden-question"])
    #expect(both.status == 64 && both.stderr.contains("--decoy-question does not go with"), "\(both.stderr)")
}
