// Scripts/predictions-to-ledger.py and Scripts/paired-compare.py, the two ends of an evaluation read
// elsewhere one document at a time (Scripts/device/eval.sh): documents read alone with --first and
// --predictions, appended to a ledger, count in `rmt-train eval --report` as that ledger's own
// batches of the same documents count; a run of another seed, precision or model is refused in one
// line; paired-compare.py pairs two predictions files per task and refuses other documents, and with
// --rank compares where the right answer ranks among the labels.
import Foundation
import Testing
import RMTTestSupport

private func jsonLines(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
}

@Test func documentsReadAloneCountInTheLedgerAsItsOwnBatches() throws {
    let dir = try scratchFolder("predictions-to-ledger")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("rooms"), other = dir.appendingPathComponent("other")
    for (folder, seed) in [(model, 1), (other, 2)] {
        let made = try createTinyModel(at: folder, segmentLength: 32, seed: seed)
        #expect(made.status == 0, "\(made.stderr)")
    }
    // The reference: rmt-train's own ledger of documents 0..<6, batches of 3.
    let whole = dir.appendingPathComponent("whole.jsonl").path
    let common = ["eval", "--model", model.path, "--task", "memorize,detect", "--segments", "2", "--seed", "3", "--precision", "fp32"]
    let reference = try run("rmt-train", common + ["--samples", "6", "--batch-size", "3", "--ledger", whole])
    #expect(reference.status == 0, "\(reference.stderr)")
    // Documents 0, 1, 2 and 4 (a gap, as when a device run stops mid-way), each read alone.
    let chosen = [0, 1, 2, 4]
    var files: [String] = []
    for i in chosen {
        let file = dir.appendingPathComponent("alone-\(i).jsonl").path
        let alone = try run("rmt-train", common + ["--first", "\(i)", "--samples", "1", "--batch-size", "1", "--predictions", file])
        #expect(alone.status == 0, "\(alone.stderr)")
        files.append(file)
    }
    let built = dir.appendingPathComponent("built.jsonl").path
    let args = ["--model", model.path, "--seed", "3", "--precision", "fp32"]
    let added = try runScript("predictions-to-ledger.py", [built] + files + args + ["--header-from", whole])
    #expect(added.status == 0 && added.stdout.contains("8 documents added (0 already held)"), "\(added.stdout)\(added.stderr)")
    let again = try runScript("predictions-to-ledger.py", [built] + files + args)
    #expect(again.status == 0 && again.stdout.contains("0 documents added (8 already held)"), "\(again.stdout)\(again.stderr)")

    // The report over the built ledger: per task, the reference's counts on the same documents.
    let wholeBatches = try jsonLines(String(contentsOf: URL(fileURLWithPath: whole), encoding: .utf8)).dropFirst()
    let report = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize,detect", "--seed", "3",
                                       "--ledger", built, "--report", "--json"])
    #expect(report.status == 0, "\(report.stderr)")
    let rows = try jsonLines(report.stdout)
    #expect(rows.count == 2)
    for row in rows {
        let task = row["task"] as! String
        let wrong = Set(wholeBatches.filter { $0["task"] as? String == task }.flatMap { $0["wrong"] as! [Int] })
        #expect(row["samples"] as? Int == chosen.count, "\(row)")
        #expect(row["correct"] as? Int == chosen.filter { !wrong.contains($0) }.count, "\(task): \(row) against wrong \(wrong)")
    }
    // And rmt-train goes on from the built ledger after its first gap (document 3), one per batch,
    // reading documents 3 and 5 only: 4, appended after the gap, is not read again.
    let resumed = try run("rmt-train", common + ["--samples", "6", "--batch-size", "1", "--ledger", built])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    for task in ["memorize", "detect"] {
        #expect(resumed.stderr.contains("\(task) 2 segments: documents 3..<4") && resumed.stderr.contains("\(task) 2 segments: documents 5..<6")
                && !resumed.stderr.contains("\(task) 2 segments: documents 4..<5"), "\(resumed.stderr)")
        let firsts = try jsonLines(String(contentsOf: URL(fileURLWithPath: built), encoding: .utf8)).dropFirst()
            .filter { $0["task"] as? String == task }.compactMap { $0["first"] as? Int }
        #expect(firsts.sorted() == [0, 1, 2, 3, 4, 5], "each document once in the ledger: \(firsts)")
    }
    let full = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize,detect", "--seed", "3",
                                     "--ledger", built, "--report", "--json"])
    let reference6 = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize,detect", "--seed", "3",
                                           "--ledger", whole, "--report", "--json"])
    let counts = { (text: String) in try jsonLines(text).map { "\($0["task"]!)/\($0["samples"]!)/\($0["correct"]!)" } }
    #expect(try counts(full.stdout) == counts(reference6.stdout), "\(full.stdout) vs \(reference6.stdout)")

    // Refusals, one line each, the ledger untouched: another seed, another precision, another model, no header.
    let before = try String(contentsOf: URL(fileURLWithPath: built), encoding: .utf8)
    for (bad, says) in [(["--model", model.path, "--seed", "4", "--precision", "fp32"], "seed"),
                        (["--model", model.path, "--seed", "3", "--precision", "bf16"], "read in fp32"),
                        (["--model", other.path, "--seed", "3", "--precision", "fp32"], "is not the ledger's model")] {
        let refused = try runScript("predictions-to-ledger.py", [built, files[0]] + bad)
        #expect(refused.status == 1 && isOneLine(refused.stderr) && refused.stderr.contains(says), "\(refused.stderr)")
    }
    #expect(try String(contentsOf: URL(fileURLWithPath: built), encoding: .utf8) == before)
    let noHeader = try runScript("predictions-to-ledger.py", [dir.appendingPathComponent("none.jsonl").path, files[0]] + args)
    #expect(noHeader.status == 1 && isOneLine(noHeader.stderr) && noHeader.stderr.contains("--header-from"), "\(noHeader.stderr)")

    // paired-compare.py: a file against itself is all agreement; different documents are refused.
    let same = try runScript("paired-compare.py", [files[0], files[0], "--json"])
    #expect(same.status == 0, "\(same.stderr)")
    let pairs = try jsonLines(same.stdout)
    #expect(pairs.map { $0["task"] as! String } == ["memorize", "detect", "all"], "\(same.stdout)")
    #expect(pairs.allSatisfy { $0["only_this"] as? Int == 0 && $0["only_other"] as? Int == 0 && $0["p"] as? Double == 1.0 })
    let differ = try runScript("paired-compare.py", [files[0], files[1]])
    #expect(differ.status == 1 && isOneLine(differ.stderr) && differ.stderr.contains("do not score the same documents"), "\(differ.stderr)")

    // --rank: against itself every document ties (the same MRR, no higher rank, p 1).
    let selfRanked = try runScript("paired-compare.py", [files[0], files[0], "--rank", "--json"])
    #expect(selfRanked.status == 0, "\(selfRanked.stderr)")
    let selfRanks = try jsonLines(selfRanked.stdout).filter { $0["rank"] as? Bool == true }
    #expect(selfRanks.map { $0["task"] as! String } == ["memorize", "detect", "all"], "\(selfRanked.stdout)")
    #expect(selfRanks.allSatisfy { $0["higher_this"] as? Int == 0 && $0["higher_other"] as? Int == 0 && $0["p"] as? Double == 1.0
        && $0["mrr"] as? Double == $0["mrr_other"] as? Double })
}

/// paired-compare.py --rank on hand-made rows whose ranks are known: the right answer first, second
/// and tied for first here; third, first and fourth there.
@Test func pairedCompareRanksTheRightAnswer() throws {
    let dir = try scratchFolder("paired-compare-rank")
    defer { try? FileManager.default.removeItem(at: dir) }
    func row(_ question: String, _ logits: [String: Double], correct: Bool) -> String {
        let object: [String: Any] = ["task": "babi-qa2", "question": question, "answer": "garden", "facts": [[String: Any]](),
                                     "correct": correct, "logits": logits]
        return String(data: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), encoding: .utf8)!
    }
    let this = [row("Where is the apple?", ["garden": 2, "office": 1, "kitchen": 0], correct: true),       // rank 1
                row("Where is the milk?", ["garden": 1, "office": 2, "kitchen": 0], correct: false),       // rank 2
                row("Where is the football?", ["garden": 2, "office": 2, "kitchen": 0], correct: true)]    // tied: rank 1
    let other = [row("Where is the apple?", ["garden": 0, "office": 1, "kitchen": 2], correct: false),     // rank 3
                 row("Where is the milk?", ["garden": 3, "office": 2, "kitchen": 0], correct: true),       // rank 1
                 row("Where is the football?", ["garden": -1, "office": 2, "kitchen": 0, "hallway": 1], correct: false)]  // rank 4
    let a = dir.appendingPathComponent("a.jsonl"), b = dir.appendingPathComponent("b.jsonl")
    try (this.joined(separator: "\n") + "\n").write(to: a, atomically: true, encoding: .utf8)
    try (other.joined(separator: "\n") + "\n").write(to: b, atomically: true, encoding: .utf8)
    let ranked = try runScript("paired-compare.py", [a.path, b.path, "--rank", "--json"])
    #expect(ranked.status == 0, "\(ranked.stderr)")
    let rows = try jsonLines(ranked.stdout)
    let rank = try #require(rows.first { $0["rank"] as? Bool == true })
    #expect(rank["higher_this"] as? Int == 2 && rank["higher_other"] as? Int == 1, "\(ranked.stdout)")
    #expect(abs((rank["mrr"] as! Double) - (1 + 0.5 + 1) / 3) < 1e-12 && abs((rank["mrr_other"] as! Double) - (1.0 / 3 + 1 + 0.25) / 3) < 1e-12)
    #expect(rank["p"] as? Double == 1.0)  // 2 against 1 of 3 discordant: the exact sign test's p is 1
    // Rows without logits (predictions files older than session 44's) are refused in one line.
    let bare = dir.appendingPathComponent("bare.jsonl")
    try (#"{"task":"babi-qa2","question":"Where is the apple?","answer":"garden","facts":[],"correct":true}"# + "\n")
        .write(to: bare, atomically: true, encoding: .utf8)
    let refused = try runScript("paired-compare.py", [bare.path, bare.path, "--rank"])
    #expect(refused.status == 1 && isOneLine(refused.stderr) && refused.stderr.contains("--rank needs each row's logits"), "\(refused.stderr)")
}
