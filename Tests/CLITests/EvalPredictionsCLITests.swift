// rmt-train eval --predictions FILE: one JSON line per document this run evaluates (with a
// ledger, only the documents the ledger did not hold yet), agreeing with the printed counts;
// a path that cannot be written is refused in one line before anything is evaluated; --first
// reads a later document again alone, as its batch read it.
import Foundation
import Testing
import RMTTestSupport

@Test func evalWritesOnePredictionPerDocument() throws {
    let dir = try scratchFolder("eval-predictions")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("rooms")
    let made = try createTinyModel(at: model, segmentLength: 32)
    #expect(made.status == 0, "\(made.stderr)")
    let file = dir.appendingPathComponent("predictions.jsonl")
    let ledger = dir.appendingPathComponent("eval.jsonl").path
    let common = ["eval", "--model", model.path, "--task", "memorize,detect", "--segments", "1,2", "--batch-size", "2",
                  "--predictions", file.path, "--json"]
    func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    let first = try run("rmt-train", common + ["--samples", "3"])
    #expect(first.status == 0 && first.stderr.contains("wrote 12 predictions"), "\(first.stderr)")
    let records = try lines(String(contentsOf: file, encoding: .utf8))
    #expect(records.count == 12)  // 2 tasks × 2 lengths × 3 documents
    for row in try lines(first.stdout) {  // the counts the table prints
        let mine = records.filter { $0["task"] as? String == row["task"] as? String && $0["segments"] as? Int == row["segments"] as? Int }
        #expect(mine.map { $0["index"] as! Int } == [0, 1, 2])
        #expect(mine.filter { $0["correct"] as! Bool }.count == row["correct"] as! Int)
    }
    let one = records[0]
    for key in ["question", "answer", "predicted", "probability", "facts", "document_tokens", "other_person"] {
        #expect(one[key] != nil, "missing \(key): \(one)")
    }
    let facts = one["facts"] as! [[String: Any]]
    #expect(facts.count == 1 && facts[0]["segment"] as? Int == 0 && (facts[0]["text"] as! String).count > 5)

    // --first N reads documents N ..< N + --samples: document 2 again, alone, as the batch read it.
    let firstRecords = records
    let again2 = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize", "--segments", "2", "--first", "2",
                                       "--samples", "1", "--predictions", file.path, "--json"])
    #expect(again2.status == 0 && again2.stderr.contains("wrote 1 predictions"), "\(again2.stderr)")
    let alone = try #require(try lines(String(contentsOf: file, encoding: .utf8)).first)
    let inBatch = try #require(firstRecords.first { $0["task"] as? String == "memorize" && $0["segments"] as? Int == 2 && $0["index"] as? Int == 2 })
    for key in ["index", "question", "answer", "predicted", "correct"] {
        #expect("\(alone[key] ?? "-")" == "\(inBatch[key] ?? "-")", "\(key): \(alone) vs \(inBatch)")
    }
    #expect(abs((alone["probability"] as! Double) - (inBatch["probability"] as! Double)) < 1e-5)
    let firstWithLedger = try run("rmt-train", common + ["--samples", "1", "--first", "2", "--ledger", ledger])
    #expect(firstWithLedger.status != 0 && firstWithLedger.stderr.contains("--first does not go with --ledger"), "\(firstWithLedger.stderr)")

    // A ledger is never the predictions or the plot file (written at the end, they would replace it).
    for flag in ["--predictions", "--plot"] {
        let onLedger = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize", "--segments", "1", "--samples", "1",
                                             "--ledger", ledger, flag, ledger])
        #expect(onLedger.status != 0 && isOneLine(onLedger.stderr) && onLedger.stderr.contains("is the --ledger"), "\(onLedger.stderr)")
    }

    // With a ledger, a rerun evaluates nothing new and records nothing.
    let counted = try run("rmt-train", common + ["--samples", "2", "--ledger", ledger])
    #expect(counted.status == 0 && counted.stderr.contains("wrote 8 predictions"), "\(counted.stderr)")
    let again = try run("rmt-train", common + ["--samples", "3", "--ledger", ledger])
    #expect(again.status == 0 && again.stderr.contains("wrote 4 predictions"), "\(again.stderr)")
    #expect(try lines(String(contentsOf: file, encoding: .utf8)).allSatisfy { $0["index"] as? Int == 2 })

    // Unwritable paths are refused before any evaluation.
    for (path, says) in [(dir.appendingPathComponent("no/such/p.jsonl").path, "does not exist"), (dir.path, "is a folder")] {
        let bad = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize", "--segments", "1", "--samples", "1",
                                        "--predictions", path])
        #expect(bad.status != 0 && isOneLine(bad.stderr) && bad.stderr.contains(says) && !bad.stderr.contains("documents"), "\(bad.stderr)")
    }
    let badPlot = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize", "--segments", "1", "--samples", "1",
                                        "--plot", dir.appendingPathComponent("none/a.svg").path])
    #expect(badPlot.status != 0 && isOneLine(badPlot.stderr) && badPlot.stderr.contains("does not exist"), "\(badPlot.stderr)")
    let withReport = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize", "--ledger", ledger, "--report",
                                           "--predictions", file.path])
    #expect(withReport.status != 0 && withReport.stderr.contains("--report evaluates nothing"), "\(withReport.stderr)")
}
