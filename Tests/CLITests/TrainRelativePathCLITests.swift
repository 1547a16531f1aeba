// A run started with relative paths (`--task custom:data/facts.jsonl --noise prose.txt --out run`)
// records them absolute in data.json, so `--resume` from another working directory reads the
// same files — not a missing one, nor another directory's file of the same name. The original
// command repeated in its own directory agrees with the record; a data.json of older runs with a
// relative custom path still resumes from the directory it was made in.
import Foundation
import Testing
import RMTTestSupport

@Test func aRunWithRelativePathsResumesFromAnotherDirectory() throws {
    let dir = try scratchFolder("relative-paths")
    defer { try? FileManager.default.removeItem(at: dir) }
    let home = dir.appendingPathComponent("home"), elsewhere = dir.appendingPathComponent("elsewhere")
    for folder in [home, elsewhere] {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("data"), withIntermediateDirectories: true)
    }
    func records(_ a: String, _ b: String) -> Data {
        Data([a, b].map { #"{"context": "The cat sleeps in the \#($0).", "question": "Where does the cat sleep?", "answer": "\#($0)"}"# }
            .joined(separator: "\n").utf8)
    }
    try records("kitchen", "garden").write(to: home.appendingPathComponent("data/facts.jsonl"))
    try records("attic", "cellar").write(to: elsewhere.appendingPathComponent("data/facts.jsonl"))  // same name, other answers
    let sentence = "The old clock in the hall struck the hour while the rain kept falling on the roof."
    try Data((0..<60).map { "\(sentence) Line \($0) of the story goes on for a while." }.joined(separator: "\n").utf8).write(to: home.appendingPathComponent("prose.txt"))

    let args = ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--segment-length", "48",
                "--task", "custom:data/facts.jsonl", "--noise", "prose.txt", "--max-segments", "1", "--max-steps-per-stage", "2",
                "--eval-every", "2", "--eval-samples", "2", "--batch-size", "2", "--out", "run"]
    let first = try run("rmt-train", args, directory: home)
    #expect(first.status == 0, "\(first.stderr)")
    let out = home.appendingPathComponent("run")
    let dataURL = out.appendingPathComponent("data.json")
    let recorded = try JSONSerialization.jsonObject(with: Data(contentsOf: dataURL)) as! [String: Any]
    // The child's working directory as it sees it (symbolic links resolved).
    let base = home.resolvingSymlinksInPath().path
    #expect(recorded["task"] as? String == "custom:\(base)/data/facts.jsonl", "\(recorded)")
    #expect(recorded["noise"] as? [String] == ["\(base)/prose.txt"], "\(recorded)")

    // From elsewhere: the recorded files, not elsewhere/data/facts.jsonl.
    let away = try run("rmt-train", ["--resume", "--out", out.path], directory: elsewhere)
    #expect(away.status == 0 && away.stderr.contains("resumed at step 2"), "\(away.stderr)")
    // The relative spelling given elsewhere names another file: a conflict, refused in one line.
    var relativeElsewhere = args + ["--resume"]
    relativeElsewhere[relativeElsewhere.firstIndex(of: "run")!] = out.path
    relativeElsewhere.removeSubrange(relativeElsewhere.firstIndex(of: "--noise")!...relativeElsewhere.firstIndex(of: "prose.txt")!)
    let conflict = try run("rmt-train", relativeElsewhere, directory: elsewhere)
    let elsewhereBase = elsewhere.resolvingSymlinksInPath().path
    #expect(conflict.status == 1 && isOneLine(conflict.stderr)
            && conflict.stderr.contains("started with --task custom:\(base)/data/facts.jsonl, not --task custom:\(elsewhereBase)/data/facts.jsonl"),
            "\(conflict.stderr)")
    // At home, the original command with --resume appended agrees with the record.
    let repeated = try run("rmt-train", args + ["--resume"], directory: home)
    #expect(repeated.status == 0 && repeated.stderr.contains("resumed at step 2"), "\(repeated.stderr)")

    // A data.json of runs before this fix (the path as given) still resumes where it was made.
    var old = recorded
    old["task"] = "custom:data/facts.jsonl"
    let oldData = try JSONSerialization.data(withJSONObject: old)
    try oldData.write(to: dataURL)
    for command in [args + ["--resume"], ["--resume", "--out", "run"]] {
        let fromOld = try run("rmt-train", command, directory: home)
        #expect(fromOld.status == 0 && fromOld.stderr.contains("resumed at step 2"), "\(command): \(fromOld.stderr)")
    }
    #expect(try Data(contentsOf: dataURL) == oldData)  // read, not rewritten
}
