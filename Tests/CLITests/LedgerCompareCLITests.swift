// Scripts/ledger-compare.py, the check a new default passes against the old one: only batches
// both ledgers evaluated are compared; with the documents answered wrongly listed (`wrong`) the
// comparison is paired, which separates a real loss that the unpaired interval cannot; `--lost`
// lists the documents lost; ledgers of other documents and malformed lines are refused in one
// line with exit status 2.
import Foundation
import Testing
import RMTTestSupport

/// Runs Scripts/ledger-compare.py with `arguments`.
private func compare(_ arguments: [String]) throws -> CommandResult { try runScript("ledger-compare.py", arguments) }

/// A ledger of one (task, segments) cell: batches of 20 documents, `wrong` the documents answered
/// wrongly (listed in the batches when `listed`), plus a batch only this ledger has when `extra`.
private func ledger(_ url: URL, documents: Int, wrong: Set<Int>, listed: Bool, seed: Int = 1, extra: Bool = false) throws {
    var lines = [#"{"ledger":"rmt-eval","model_fnv":"0123456789abcdef","noise":["eval"],"noise_fnv":"fedcba9876543210","seed":\#(seed),"version":2}"#]
    for first in stride(from: 0, to: documents, by: 20) {
        let missed = (first..<(first + 20)).filter { wrong.contains($0) }
        let list = listed ? #","wrong":[\#(missed.map(String.init).joined(separator: ","))]"# : ""
        lines.append(#"{"answered_unknown":0,"correct":\#(20 - missed.count),"count":20,"first":\#(first),"other_person":0,"segments":4,"task":"detect","tokens":1976\#(list)}"#)
    }
    if extra { lines.append(#"{"correct":20,"count":20,"first":\#(documents),"segments":4,"task":"detect","tokens":1976}"#) }
    try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
}

@Test func ledgerComparisonIsPairedWhenTheWrongDocumentsAreListed() throws {
    let dir = try scratchFolder("ledger-compare")
    defer { try? FileManager.default.removeItem(at: dir) }
    let old = dir.appendingPathComponent("old.jsonl"), new = dir.appendingPathComponent("new.jsonl")
    // 60 documents: the old model misses 20, the new one the same 20 and 8 more (40/60 → 32/60).
    let oldWrong = Set(0..<20), newWrong = Set(0..<20).union(40..<48)

    try ledger(old, documents: 60, wrong: oldWrong, listed: true, extra: true)
    try ledger(new, documents: 60, wrong: newWrong, listed: true)
    let paired = try compare([old.path, new.path, "--lost"])
    #expect(paired.status == 0, "\(paired.stderr)")
    let row = try #require(paired.stdout.split(separator: "\n").first { $0.hasPrefix("detect ") })
    #expect(row.contains(" 60 ") && row.contains("0.667") && row.contains("0.533") && row.contains("8/0"), "\(row)")
    #expect(row.contains(" worse "), "eight documents lost and none won is a loss when paired: \(row)")
    #expect(paired.stdout.contains("3 batches in both ledgers (1 in one only, left out); 1 of 1 cells worse"), "\(paired.stdout)")
    let listedLost = paired.stdout.split(separator: "\n").filter { $0.hasPrefix("detect 4 ") }.map(String.init)
    #expect(listedLost == (40..<48).map { "detect 4 \($0)" }, "\(paired.stdout)")

    // The same counts without the lists: unpaired, and the interval cannot tell.
    try ledger(old, documents: 60, wrong: oldWrong, listed: false)
    try ledger(new, documents: 60, wrong: newWrong, listed: false)
    let unpaired = try compare([old.path, new.path, "--markdown"])
    #expect(unpaired.status == 0, "\(unpaired.stderr)")
    let cell = try #require(unpaired.stdout.split(separator: "\n").first { $0.hasPrefix("| detect |") })
    #expect(cell.contains("| same |") && cell.contains("| - |"), "\(cell)")

    // The same documents, no difference: paired and the same.
    try ledger(old, documents: 60, wrong: oldWrong, listed: true)
    try ledger(new, documents: 60, wrong: oldWrong, listed: true)
    let equal = try compare([old.path, new.path])
    #expect(equal.status == 0 && equal.stdout.contains(" same ") && equal.stdout.contains("0/0"), "\(equal.stdout)")

    // Refusals: other documents (another seed), a `wrong` list that contradicts its counts.
    try ledger(new, documents: 60, wrong: oldWrong, listed: true, seed: 2)
    let otherSeed = try compare([old.path, new.path])
    #expect(otherSeed.status == 2 && otherSeed.stderr.contains("differ in seed") && isOneLine(otherSeed.stderr), "\(otherSeed.stderr)")
    try ledger(new, documents: 60, wrong: oldWrong, listed: true)
    var text = try String(contentsOf: new, encoding: .utf8)
    text = text.replacingOccurrences(of: #""wrong":[0,1,"#, with: #""wrong":[1,"#)
    try text.write(to: new, atomically: true, encoding: .utf8)
    let contradicted = try compare([old.path, new.path])
    #expect(contradicted.status == 2 && contradicted.stderr.contains("line 2 is not a batch record") && isOneLine(contradicted.stderr),
            "\(contradicted.stderr)")
}
