// --passes N through the tools: rmt-train records it in the model it trains (rmt.passes) and keeps
// it on --resume (another N refused, one line); refuses it beside --prefix-loss and out of range
// (usage errors); rmt-ask reads a file as often as the model says (--json "passes"), or as
// --passes says, and refuses standard input for a model that reads twice and an empty file as
// always (one line, exit 1);
// rmt-train eval records the readings in a ledger and will not continue it with other readings.
import Foundation
import Testing
import RMTTestSupport

@Test func passesThroughRmtTrainAskAndEval() throws {
    let dir = try scratchFolder("passes")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (every, _) = try createTinyModelPerLayout(in: dir)
    let common = ["--task", "memorize", "--start-segments", "2", "--max-segments", "2", "--eval-every", "2",
                  "--eval-samples", "4", "--batch-size", "2", "--max-steps-per-stage", "2"]

    let out = dir.appendingPathComponent("run")
    let trained = try run("rmt-train", ["--model", every.path, "--passes", "2", "--out", out.path] + common)
    #expect(trained.status == 0, "\(trained.stderr)")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("model/config.json"))) as? [String: Any]
    #expect((config?["rmt"] as? [String: Any])?["passes"] as? Int == 2, "\(String(describing: config?["rmt"]))")
    let other = try run("rmt-train", ["--resume", "--passes", "1", "--out", out.path])
    #expect(other.status == 1 && other.stderr.contains("--passes") && isOneLine(other.stderr), "\(other.stderr)")
    let prefix = try run("rmt-train", ["--model", every.path, "--passes", "2", "--prefix-loss", "--out", dir.appendingPathComponent("p").path] + common)
    #expect(prefix.status == 64 && prefix.stderr.contains("--prefix-loss") && prefix.stderr.contains("--passes 2"), "\(prefix.stderr)")
    let tooMany = try run("rmt-train", ["--model", every.path, "--passes", "9", "--out", dir.appendingPathComponent("n").path] + common)
    #expect(tooMany.status == 64 && tooMany.stderr.contains("--passes must be 1…8"), "\(tooMany.stderr)")

    // rmt-ask reads the file twice with the trained model, once when told.
    let model = out.appendingPathComponent("model")
    let text = String(repeating: "Mary went to the kitchen. The garden was quiet that morning. ", count: 12)
    let file = dir.appendingPathComponent("doc.txt")
    try text.write(to: file, atomically: true, encoding: .utf8)
    func reply(_ extra: [String], stdin: Data? = nil, input: String? = nil) throws -> (CommandResult, [String: Any]?) {
        let asked = try run("rmt-ask", [input ?? file.path, "-q", "Where is Mary?", "--model", model.path, "--json", "--quiet"] + extra,
                            stdin: stdin)
        return (asked, try? JSONSerialization.jsonObject(with: Data(asked.stdout.utf8)) as? [String: Any])
    }
    let (twice, twiceJSON) = try reply([])
    #expect(twice.status == 0 && twiceJSON?["passes"] as? Int == 2, "\(twice.stderr)")
    let (once, onceJSON) = try reply(["--passes", "1"])
    #expect(once.status == 0 && onceJSON?["passes"] as? Int == 1, "\(once.stderr)")
    #expect(twiceJSON?["segments"] as? Int == onceJSON?["segments"] as? Int)  // one reading's segments
    #expect(twiceJSON?["tokens"] as? Int == onceJSON?["tokens"] as? Int)
    let (piped, _) = try reply([], stdin: Data(text.utf8), input: "-")
    #expect(piped.status == 1 && piped.stderr.contains("regular file") && isOneLine(piped.stderr), "\(piped.stderr)")
    let (pipedOnce, _) = try reply(["--passes", "1"], stdin: Data(text.utf8), input: "-")
    #expect(pipedOnce.status == 0, "\(pipedOnce.stderr)")
    let empty = dir.appendingPathComponent("empty.txt")
    try Data().write(to: empty)
    let (nothing, _) = try reply([], input: empty.path)
    #expect(nothing.status == 1 && nothing.stderr.contains("the input is empty") && isOneLine(nothing.stderr), "\(nothing.stderr)")

    // A ledger records the readings: a one-pass evaluation does not continue a two-pass ledger.
    let ledger = dir.appendingPathComponent("ledger.jsonl")
    let evalArgs = ["eval", "--model", every.path, "--task", "memorize", "--segments", "2", "--samples", "2", "--ledger", ledger.path]
    let read2 = try run("rmt-train", evalArgs + ["--passes", "2"])
    #expect(read2.status == 0, "\(read2.stderr)")
    #expect(try String(contentsOf: ledger, encoding: .utf8).contains("\"passes\":2"))
    let read1 = try run("rmt-train", evalArgs)
    #expect(read1.status == 1 && isOneLine(read1.stderr), "\(read1.stderr)")
}
