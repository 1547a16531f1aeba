// Position schemes through the command lines: `rmt-tool create-model --position`, then
// `rmt-ask --segment-length` reading with longer segments than the model was made for; an
// absolute model refuses that in one line; bad scheme names are refused in one line.
import Foundation
import Testing
import RMTTestSupport

@Test func relativeModelFromCreateModelReadsLongerSegments() throws {
    let dir = try scratchFolder("position")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("alibi")
    let c = try run("rmt-tool", ["create-model", "--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path,
                                 "--segment-length", "16", "--position", "alibi", "--position-temperature", "log_n",
                                 "--out", out.path])
    #expect(c.status == 0, "\(c.stderr)")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("config.json"))) as? [String: Any]
    let position = config?["rmt_position"] as? [String: Any]
    #expect(position?["scheme"] as? String == "alibi" && position?["temperature"] as? String == "log_n")
    #expect(position?["log_n_base"] as? Int == 10 + 16 + 3)

    let text = dir.appendingPathComponent("doc.txt")
    try Data(String(repeating: "mary went to the kitchen. ", count: 40).utf8).write(to: text)
    let r = try run("rmt-ask", [text.path, "-q", "Where is Mary?", "--model", out.path, "--segment-length", "64", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let answer = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    let segments = answer?["segments"] as? Int ?? 0
    // ~240 tokens in segments of 64 (not 16): a handful of segments.
    #expect(segments >= 3 && segments <= 6, "\(segments) segments")

    // The absolute tiny model refuses a longer segment length, in one line.
    let a = try run("rmt-ask", [text.path, "-q", "Where is Mary?", "--model", tinyModel, "--segment-length", "64"])
    #expect(a.status == 1)
    #expect(a.stderr.contains("absolute position") && isOneLine(a.stderr.split(separator: "\n").filter { !$0.hasPrefix("warning") }.joined(separator: "\n")), "\(a.stderr)")

    let bad = try run("rmt-tool", ["create-model", "--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path,
                                   "--position", "rope", "--out", dir.appendingPathComponent("bad").path])
    #expect(bad.status != 0 && bad.stderr.contains("unknown scheme") && isOneLine(bad.stderr), "\(bad.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad").path))
}

@Test func benchComparesASchemeWithAbsolutePositions() throws {
    for extra in [[String](), ["--train", "--batch", "1", "--segments", "1"]] {
        let r = try run("rmt-tool", ["bench", "--against-absolute", "--config", "tiny", "--position", "kerple_log",
                                     "--steps", "1", "--warmup", "0"] + extra)
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        for key in ["ms_absolute", "ms_scheme", "overhead_percent"] { #expect(obj?[key] is Double, "missing \(key): \(r.stdout)") }
        #expect(obj?["position"] as? String == "kerple_log")
    }
    let same = try run("rmt-tool", ["bench", "--against-absolute", "--config", "tiny"])
    #expect(same.status != 0 && same.stderr.contains("--against-absolute"), "\(same.stderr)")
}

@Test func trainMakesAndTrainsARelativeModel() throws {
    let dir = try scratchFolder("train-position")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let r = try run("rmt-train", ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--position", "kerple_log",
                                  "--position-temperature", "per_head", "--segment-length", "32", "--task", "memorize",
                                  "--max-segments", "1", "--max-steps-per-stage", "3", "--eval-every", "3",
                                  "--eval-samples", "2", "--batch-size", "2", "--out", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("model/config.json"))) as? [String: Any]
    let position = config?["rmt_position"] as? [String: Any]
    #expect(position?["scheme"] as? String == "kerple_log" && position?["temperature"] as? String == "per_head", "\(config ?? [:])")
    // A checkpoint keeps its own scheme: --position with --model is refused.
    let refused = try run("rmt-train", ["--model", tinyModel, "--position", "alibi", "--out", dir.appendingPathComponent("o").path])
    #expect(refused.status != 0 && refused.stderr.contains("--position"), "\(refused.stderr)")
}
