// rmt-train eval --documents DIR: each document the run evaluates written as text, named
// TASK-SEGMENTS-INDEX.txt, holding its facts; read again by rmt-ask --trace, the trace's point
// at the document's segment count gives the answer and probability the evaluation recorded (the
// way a miss of a long ledger is located). Refused before reading where the documents would not
// be the ones read (--probe, --segment-length, …: a usage error) or the folder is missing (one line).
import Foundation
import Testing
import RMTTestSupport

@Test func evalWritesTheDocumentsItReads() throws {
    let dir = try scratchFolder("eval-documents")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("every")
    let made = try createTinyModel(at: model, segmentLength: 48, layout: "every-segment")
    #expect(made.status == 0, "\(made.stderr)")
    let documents = dir.appendingPathComponent("docs")
    try FileManager.default.createDirectory(at: documents, withIntermediateDirectories: true)
    let predictions = dir.appendingPathComponent("p.jsonl")
    let result = try run("rmt-train", ["eval", "--model", model.path, "--task", "memorize-distract", "--segments", "3",
                                       "--first", "1", "--samples", "2", "--batch-size", "2", "--predictions", predictions.path,
                                       "--documents", documents.path, "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    let records = try String(contentsOf: predictions, encoding: .utf8).split(separator: "\n")
        .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    #expect(records.count == 2)
    for record in records {
        let index = record["index"] as! Int
        let file = documents.appendingPathComponent("memorize-distract-3-\(index).txt")
        #expect(result.stderr.contains("wrote \(file.path) (question: \(record["question"] as! String))"), "\(result.stderr)")
        let text = try String(contentsOf: file, encoding: .utf8)
        for fact in record["facts"] as! [[String: Any]] {
            #expect(text.contains(fact["text"] as! String), "fact missing from \(file.lastPathComponent)")
        }
        // rmt-ask reads the same segments: its answer after the 3rd is the one the evaluation scored.
        let trace = dir.appendingPathComponent("trace-\(index).jsonl")
        let asked = try run("rmt-ask", [file.path, "--model", model.path, "--question", record["question"] as! String,
                                        "--trace", trace.path, "--trace-every", "1", "--quiet"])
        #expect(asked.status == 0, "\(asked.stderr)")
        let points = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let third = try #require(points.first { $0["segments"] as? Int == 3 }, "no trace point at 3 segments")
        #expect(third["answer"] as? String == record["predicted"] as? String, "\(third) vs \(record)")
        #expect(abs((third["probability"] as! Double) - (record["probability"] as! Double)) < 1e-4, "\(third) vs \(record)")
    }

    // Refused in one line, before anything is evaluated.
    let base = ["eval", "--model", model.path, "--task", "memorize", "--segments", "1", "--samples", "1"]
    let missing = try run("rmt-train", base + ["--documents", dir.appendingPathComponent("none").path])
    #expect(missing.status != 0 && isOneLine(missing.stderr) && missing.stderr.contains("does not exist"), "\(missing.stderr)")
    for extra in [["--probe"], ["--segment-length", "40"], ["--hidden-question"]] {
        let refused = try run("rmt-train", base + ["--documents", documents.path] + extra)
        // A usage error, as the other flag conflicts: the error line, then the usage hint.
        let line = refused.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(refused.status != 0 && line.hasPrefix("Error: --documents"), "\(extra): \(refused.stderr)")
    }
}
