// rmt-tool blend A B --weight W --out DIR: writes a model folder rmt-ask reads; at weight 0 it
// answers as A does and at 1 as B does (same probability); a weight outside 0…1 is a usage error,
// models of two architectures are refused in one line, and nothing is written for either.
import Foundation
import Testing
import RMTTestSupport

@Test func blendWritesAModelThatAnswersAndRefusesMismatches() throws {
    let dir = try scratchFolder("blend")
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b"), short = dir.appendingPathComponent("short")
    for (folder, seed, length) in [(a, 1, 48), (b, 2, 48), (short, 3, 32)] {
        let made = try createTinyModel(at: folder, segmentLength: length, seed: seed)
        #expect(made.status == 0, "\(made.stderr)")
    }
    let text = dir.appendingPathComponent("doc.txt")
    try Data(String(repeating: "Mary went to the kitchen. The weather was mild that day. ", count: 20).utf8).write(to: text)
    func ask(_ model: URL) throws -> String {
        let r = try run("rmt-ask", [text.path, "--question", "Where is Mary?", "--model", model.path, "--json", "--quiet", "--precision", "fp32"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        return "\(json["answer"]!) \(json["probability"]!)"
    }
    for (w, same) in [("0", a), ("1", b)] {
        let out = dir.appendingPathComponent("blend-\(w)")
        let blended = try run("rmt-tool", ["blend", a.path, b.path, "--weight", w, "--out", out.path])
        #expect(blended.status == 0 && blended.stderr.contains("wrote"), "\(blended.stderr)")
        #expect(try ask(out) == ask(same), "weight \(w)")
    }
    let half = dir.appendingPathComponent("half")
    #expect(try run("rmt-tool", ["blend", a.path, b.path, "--weight", "0.5", "--out", half.path]).status == 0)
    _ = try ask(half)

    let outside = try run("rmt-tool", ["blend", a.path, b.path, "--weight", "1.5", "--out", dir.appendingPathComponent("x").path])
    #expect(outside.status != 0 && outside.stderr.contains("--weight must be in 0...1"), "\(outside.stderr)")
    let mismatch = dir.appendingPathComponent("mismatch")
    let refused = try run("rmt-tool", ["blend", a.path, short.path, "--weight", "0.5", "--out", mismatch.path])
    #expect(refused.status == 1 && isOneLine(refused.stderr) && refused.stderr.contains("cannot be blended"), "\(refused.stderr)")
    for never in ["x", "mismatch"] {
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(never).path))
    }
}
