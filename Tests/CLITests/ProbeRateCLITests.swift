// rmt-train --probe-rate: trains an every-segment model with a share of its training documents
// asking about another person in their final segment (memory probes, Docs/training.md), records
// the rate in OUT/data.json and keeps it on --resume (another rate is refused in one line);
// refuses a final-segment model (one line, exit 1), a rate outside [0, 1] and --prefix-loss or
// --sum-loss beside it (usage errors, exit 64). --probe-objects (with --probe-rate; recorded in data.json,
// refused on a resume of a run without it) lets a probe ask where an object is. rmt-train eval --probe asks the same probes of
// held-out documents: rows named TASK+probe, predictions with the document's own question beside
// the probe, a note for a task without probes; refused for final-segment models and with --ledger.
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
    let objectsLater = try run("rmt-train", ["--resume", "--probe-objects", "--out", out.path])
    #expect(objectsLater.status == 1 && objectsLater.stderr.contains("--probe-objects") && isOneLine(objectsLater.stderr),
            "\(objectsLater.stderr)")
    // --probe-objects: recorded in data.json; without --probe-rate a usage error.
    let objects = dir.appendingPathComponent("objects")
    let withObjects = try run("rmt-train", ["--model", every.path, "--probe-rate", "0.5", "--probe-objects", "--out", objects.path] + common)
    #expect(withObjects.status == 0, "\(withObjects.stderr)")
    let objectData = try JSONSerialization.jsonObject(with: Data(contentsOf: objects.appendingPathComponent("data.json"))) as? [String: Any]
    #expect(objectData?["probe_objects"] as? Bool == true, "\(String(describing: objectData))")
    let alone = try run("rmt-train", ["--model", every.path, "--probe-objects", "--out", dir.appendingPathComponent("o").path] + common)
    #expect(alone.status == 64 && alone.stderr.contains("give --probe-rate"), "\(alone.stderr)")

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

@Test func probeThroughRmtTrainEval() throws {
    let dir = try scratchFolder("eval-probe")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (every, final) = try createTinyModelPerLayout(in: dir)
    let predictions = dir.appendingPathComponent("predictions.jsonl")
    let common = ["--task", "babi-qa2:4,memorize", "--segments", "3", "--samples", "6", "--batch-size", "4", "--json", "--probe"]
    let r = try run("rmt-train", ["eval", "--model", every.path, "--predictions", predictions.path] + common)
    #expect(r.status == 0, "\(r.stderr)")
    let rows = try r.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    #expect(rows.count == 1 && rows.first??["task"] as? String == "babi-qa2:4+probe", "\(r.stdout)")
    let samples = try #require(rows.first??["samples"] as? Int)
    #expect(samples >= 1 && samples <= 6)
    #expect(r.stderr.contains("warning: memorize: none of the 6 documents has a memory probe"), "\(r.stderr)")
    let lines = try String(contentsOf: predictions, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == samples)
    for line in lines {
        let p = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let question = try #require(p["question"] as? String), own = try #require(p["document_question"] as? String)
        #expect(question.hasPrefix("Where is ") && own.hasPrefix("Where is the ") && question != own, "\(p)")
    }

    let finalModel = try run("rmt-train", ["eval", "--model", final.path] + common)
    #expect(finalModel.status == 1 && finalModel.stderr.contains("--probe") && isOneLine(finalModel.stderr), "\(finalModel.stderr)")
    let ledger = try run("rmt-train", ["eval", "--model", every.path, "--ledger", dir.appendingPathComponent("l.jsonl").path] + common)
    #expect(ledger.status == 64 && ledger.stderr.contains("--probe does not go with --ledger"), "\(ledger.stderr)")
}
