// rmt-train eval --segment-length N with --ledger: one reading length is resumable like any
// evaluation — the header records the lengths, the batches count the same answers as the table
// path on the same documents, a rerun adds nothing, another reading length is refused on that
// ledger, --report prints it — and several reading lengths with a ledger are a usage error.
import Foundation
import Testing
import RMTTestSupport

@Test func resplitEvaluationKeepsALedger() throws {
    let dir = try scratchFolder("resplit-ledger")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("model")
    let made = try run("rmt-tool", ["create-model", "--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path,
                                    "--segment-length", "24", "--position", "alibi", "--out", model.path])
    #expect(made.status == 0, "\(made.stderr)")
    let ledger = dir.appendingPathComponent("ledger.jsonl")
    let common = ["eval", "--model", model.path, "--task", "memorize,detect-distract", "--segments", "2", "--samples", "8",
                  "--batch-size", "4", "--seed", "3", "--data-segment-length", "24", "--json"]
    func correct(_ stdout: String) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for line in stdout.split(separator: "\n") {
            let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if let task = row?["task"] as? String, let c = row?["correct"] as? Int { out[task] = c }
        }
        return out
    }

    let table = try run("rmt-train", common + ["--segment-length", "48"])
    #expect(table.status == 0, "\(table.stderr)")
    let recorded = try run("rmt-train", common + ["--segment-length", "48", "--ledger", ledger.path])
    #expect(recorded.status == 0, "\(recorded.stderr)")
    let fromLedger = try correct(recorded.stdout), fromTable = try correct(table.stdout)
    #expect(fromLedger == fromTable && fromTable.count == 2, "ledger \(recorded.stdout) vs table \(table.stdout)")
    let lines = try String(contentsOf: ledger, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 1 + 4, "a header and 2 tasks × 2 batches")
    let header = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
    #expect(header?["segment_length"] as? Int == 48 && header?["data_segment_length"] as? Int == 24, "\(lines[0])")

    let again = try run("rmt-train", common + ["--segment-length", "48", "--ledger", ledger.path])
    let linesAfter = try String(contentsOf: ledger, encoding: .utf8).split(separator: "\n").count
    #expect(again.status == 0 && linesAfter == 5, "a rerun adds nothing: \(again.stderr)")
    let report = try run("rmt-train", common + ["--segment-length", "48", "--ledger", ledger.path, "--report"])
    let reported = try correct(report.stdout), tabled = try correct(table.stdout)
    #expect(report.status == 0 && reported == tabled, "\(report.stderr)")

    let other = try run("rmt-train", common + ["--segment-length", "72", "--ledger", ledger.path])
    #expect(other.status == 1 && other.stderr.contains("segment lengths differ") && isOneLine(other.stderr), "\(other.stderr)")
    let several = try run("rmt-train", common + ["--segment-length", "48,72", "--ledger", ledger.path])
    #expect(several.status == 64 && several.stderr.contains("one --segment-length"), "\(several.stderr)")
}
