// Position schemes through the command lines: `rmt-tool create-model --position`, then
// `rmt-ask --segment-length` reading with longer segments than the model was made for; an
// absolute model refuses that in one line; bad scheme names are refused in one line; rmt-train
// puts a scheme on an absolute model (--position) with its own rate (--position-lr).
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
        for key in ["ms_absolute", "ms_scheme", "overhead_percent", "cpu_ms_absolute", "cpu_ms_scheme", "cpu_overhead_percent"] { #expect(obj?[key] is Double, "missing \(key): \(r.stdout)") }
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
    // A relative model keeps its own scheme: another --position on it is refused in one line.
    let refused = try run("rmt-train", ["--model", out.appendingPathComponent("model").path, "--position", "alibi",
                                        "--task", "memorize", "--out", dir.appendingPathComponent("o").path])
    #expect(refused.status != 0 && isOneLine(refused.stderr) && refused.stderr.contains("has the position scheme kerple_log"), "\(refused.stderr)")
    // An absolute --model takes the scheme (PositionSchemeChange.swift): its weights kept, the
    // scheme's tensors new, the run's model saved with it.
    let changed = dir.appendingPathComponent("changed")
    let c = try run("rmt-train", ["--model", tinyModel, "--position", "alibi", "--task", "memorize", "--add-labels", "--segment-length", "24", "--max-segments", "1",
                                  "--max-steps-per-stage", "2", "--eval-every", "2", "--eval-samples", "2", "--batch-size", "2",
                                  "--out", changed.path])
    #expect(c.status == 0 && c.stderr.contains("position scheme alibi"), "\(c.stderr)")
    let changedConfig = try JSONSerialization.jsonObject(with: Data(contentsOf: changed.appendingPathComponent("model/config.json"))) as? [String: Any]
    #expect((changedConfig?["rmt_position"] as? [String: Any])?["scheme"] as? String == "alibi", "\(changedConfig ?? [:])")
    #expect(changedConfig?["position_embedding_type"] as? String == "rmt_relative")
    // --position-lr: saved with the run's options; refused on a model without position tensors.
    let fast = dir.appendingPathComponent("fast")
    let f = try run("rmt-train", ["--model", tinyModel, "--position", "t5", "--position-lr", "1e-2", "--task", "memorize", "--add-labels",
                                  "--segment-length", "24", "--max-segments", "1", "--max-steps-per-stage", "2", "--eval-every", "2",
                                  "--eval-samples", "2", "--batch-size", "2", "--out", fast.path])
    #expect(f.status == 0, "\(f.stderr)")
    let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: fast.appendingPathComponent("checkpoint/options.json"))) as? [String: Any]
    #expect((saved?["position_learning_rate"] as? Double).map { abs($0 - 1e-2) < 1e-6 } == true, "\(saved ?? [:])")
    let noTerms = try run("rmt-train", ["--model", tinyModel, "--position-lr", "1e-2", "--task", "memorize", "--add-labels",
                                        "--start-segments", "4", "--max-segments", "4", "--out", dir.appendingPathComponent("abs").path])
    let error = noTerms.stderr.split(separator: "\n").filter { !$0.contains("added the labels") }.joined(separator: "\n")
    #expect(noTerms.status != 0 && isOneLine(error) && error.contains("--position-lr") && error.contains("absolute positions"), "\(noTerms.stderr)")
    // A resume compares --position with the checkpoint's scheme, as every other flag.
    let args = ["--model", tinyModel, "--task", "memorize", "--add-labels", "--segment-length", "24", "--max-segments", "1",
                "--max-steps-per-stage", "2", "--eval-every", "2", "--eval-samples", "2", "--batch-size", "2",
                "--out", changed.path, "--resume"]
    let same = try run("rmt-train", args + ["--position", "alibi"])
    #expect(same.status == 0, "\(same.stderr)")
    let other = try run("rmt-train", args + ["--position", "fire"])
    #expect(other.status != 0 && other.stderr.contains("was started with --position alibi"), "\(other.stderr)")
}

/// `--position-init attention`: the t5 biases of an absolute --model start from its attention
/// (non-zero where `zero` leaves them at 0); refused in one line without --position t5 or --model.
@Test func trainStartsT5BiasesFromTheModelsAttention() throws {
    let dir = try scratchFolder("t5-attention")
    defer { try? FileManager.default.removeItem(at: dir) }
    func rms(_ model: URL) throws -> [Double] {
        let r = try run("rmt-tool", ["inspect", model.path, "--stats", "--match", "t5_bias"])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.split(separator: "\n").filter { $0.contains("t5_bias") && $0.contains("rms") }.compactMap { line in
            let words = line.split(separator: " ")
            return words.firstIndex(of: "rms").flatMap { Double(words[$0 + 1]) }
        }
    }
    var biases: [String: [Double]] = [:]
    for initial in ["attention", "zero"] {
        let out = dir.appendingPathComponent(initial)
        // lr 1e-12: the biases stay what the conversion made them.
        let r = try run("rmt-train", ["--model", tinyModel, "--position", "t5", "--position-init", initial, "--task", "memorize",
                                      "--add-labels", "--segment-length", "24", "--max-segments", "1", "--max-steps-per-stage", "1",
                                      "--eval-every", "1", "--eval-samples", "2", "--batch-size", "2", "--lr", "1e-12",
                                      "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("its biases from the model's attention") == (initial == "attention"), "\(r.stderr)")
        biases[initial] = try rms(out.appendingPathComponent("model"))
    }
    #expect(biases["attention"]?.count == 2 && biases["attention"]!.allSatisfy { $0 > 0.01 }, "\(biases)")
    #expect(biases["zero"]?.count == 2 && biases["zero"]!.allSatisfy { $0 < 1e-6 }, "\(biases)")
    for extra in [["--model", tinyModel, "--position", "alibi"], ["--preset", "tiny", "--position", "t5"]] {
        let bad = try run("rmt-train", extra + ["--position-init", "attention", "--task", "memorize", "--out", dir.appendingPathComponent("bad").path])
        #expect(bad.status != 0 && isOneLine(bad.stderr) && bad.stderr.contains("--position-init attention"), "\(bad.stderr)")
    }
}

/// CoPE and DAPE (over Kerple-log) through the tools: rmt-train makes and trains a model with
/// each, its config.json keeps the scheme, and rmt-ask reads with segments 3× longer than the
/// training ones; a bad DAPE base is refused in one line.
@Test(arguments: [("cope", "cope", nil), ("dape:kerple_log", "dape", "kerple_log"), ("dape:alibi", "dape", "alibi")])
func contentSchemesTrainAndReadLongerSegments(_ flag: String, _ scheme: String, _ base: String?) throws {
    let dir = try scratchFolder("train-content-position")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let r = try run("rmt-train", ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--position", flag,
                                  "--segment-length", "24", "--task", "memorize", "--max-segments", "1",
                                  "--max-steps-per-stage", "3", "--eval-every", "3", "--eval-samples", "2",
                                  "--batch-size", "2", "--out", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let model = out.appendingPathComponent("model")
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: model.appendingPathComponent("config.json"))) as? [String: Any]
    let position = config?["rmt_position"] as? [String: Any]
    #expect(position?["scheme"] as? String == scheme, "\(config ?? [:])")
    #expect(position?["dape_base"] as? String == base)
    #expect((position?["cope_npos"] as? Int == 64) == (scheme == "cope"))

    let text = dir.appendingPathComponent("doc.txt")
    try Data(String(repeating: "mary went to the kitchen. ", count: 30).utf8).write(to: text)
    let a = try run("rmt-ask", [text.path, "-q", "Where is Mary?", "--model", model.path, "--segment-length", "72", "--json"])
    #expect(a.status == 0, "\(a.stderr)")
    let answer = try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any]
    let segments = answer?["segments"] as? Int ?? 0
    #expect(segments >= 2 && segments <= 4, "\(segments) segments of 72 for ~180 tokens")
}

@Test func badDAPEBaseIsRefusedInOneLine() throws {
    let dir = try scratchFolder("bad-dape")
    defer { try? FileManager.default.removeItem(at: dir) }
    for flag in ["dape:cope", "dape:rope", "cope:alibi"] {
        let bad = try run("rmt-tool", ["create-model", "--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path,
                                       "--position", flag, "--out", dir.appendingPathComponent("bad").path])
        #expect(bad.status != 0 && bad.stderr.contains("--position") && isOneLine(bad.stderr), "\(flag): \(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad").path))
    }
}

/// rmt-train eval --segment-length: the same documents re-split at other reading lengths — a
/// relative model reads 2× and ½× its training length (same documents: same token counts),
/// an absolute model refuses the longer length in one line before evaluating anything.
@Test func evalResplitsDocumentsAtOtherSegmentLengths() throws {
    let dir = try scratchFolder("eval-resplit")
    defer { try? FileManager.default.removeItem(at: dir) }
    let relative = dir.appendingPathComponent("relative")
    let made = try run("rmt-tool", ["create-model", "--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path,
                                    "--segment-length", "32", "--position", "cope", "--out", relative.path])
    #expect(made.status == 0, "\(made.stderr)")
    let r = try run("rmt-train", ["eval", "--model", relative.path, "--task", "memorize", "--segments", "2,3",
                                  "--samples", "3", "--batch-size", "2", "--segment-length", "16,32,64", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let rows = try r.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    #expect(rows.count == 6, "\(r.stdout)")  // 3 lengths × 2 document sizes
    #expect(Set(rows.map { $0["segment_length"] as! Int }) == [16, 32, 64])
    #expect(rows.allSatisfy { ($0["samples"] as! Int) == 3 && ($0["trained_segment_length"] as! Int) == 32 })
    for n in [2, 3] {  // the same documents at every length: the same token count
        let tokens = Set(rows.filter { $0["segments"] as! Int == n }.map { $0["tokens"] as! Int })
        #expect(tokens.count == 1, "documents of \(n) segments: tokens \(tokens)")
    }

    let absolute = dir.appendingPathComponent("absolute")
    _ = try createTinyModel(at: absolute, segmentLength: 32)
    let shorter = try run("rmt-train", ["eval", "--model", absolute.path, "--task", "memorize", "--segments", "2",
                                        "--samples", "2", "--segment-length", "16"])
    #expect(shorter.status == 0 && shorter.stdout.contains("memorize"), "\(shorter.stderr)")
    let refused = try run("rmt-train", ["eval", "--model", absolute.path, "--task", "memorize", "--segments", "2",
                                        "--samples", "2", "--segment-length", "32,64"])
    #expect(refused.status == 1 && refused.stderr.contains("absolute position") && isOneLine(refused.stderr), "\(refused.stderr)")
    #expect(refused.stdout.isEmpty)
    let bad = try run("rmt-train", ["eval", "--model", absolute.path, "--task", "memorize", "--segment-length", "16,x"])
    // A validation error: one error line (ArgumentParser adds its usage lines, as for --segments).
    #expect(bad.status != 0 && bad.stderr.split(separator: "\n").first?.contains("--segment-length") == true, "\(bad.stderr)")
}
