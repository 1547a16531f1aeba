// rmt-train --loss-temperature TASK=T,…: pairs checked (form, number, a task of --task, positive)
// before anything is written, the choice kept in the checkpoint's options, and held by --resume
// (another value refused in one line; the same pairs in another order accepted).
import Foundation
import Testing
import RMTTestSupport

@Test func lossTemperatureIsCheckedRecordedAndKeptOnResume() throws {
    let dir = try scratchFolder("loss-temperature")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let common = ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--segment-length", "200",
                  "--task", "memorize,detect-distract", "--max-segments", "1", "--eval-every", "4", "--eval-samples", "4",
                  "--batch-size", "2", "--max-steps-per-stage", "4"]
    for (pairs, message) in [("memorize", "takes TASK=T pairs"), ("memorize=warm", "takes TASK=T pairs"),
                             ("babi-qa1=1.5", "--loss-temperature babi-qa1: not a task of this run"),
                             ("memorize=1.5,memorize=2", "names memorize twice"), ("memorize=0", "must be a positive number")] {
        let bad = try run("rmt-train", common + ["--loss-temperature", pairs, "--out", out.path])
        #expect(bad.status != 0 && isOneLine(bad.stderr.components(separatedBy: "\nUsage")[0]) && bad.stderr.contains(message),
                "\(pairs): \(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "a refused run wrote its folder")
    }

    let first = try run("rmt-train", common + ["--loss-temperature", "detect-distract=1.25, memorize=2", "--out", out.path])
    #expect(first.status == 0, "\(first.stderr)")
    let options = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("checkpoint/options.json"))) as! [String: Any]
    let saved = try #require(options["loss_temperatures"] as? [[String: Any]])
    #expect(saved.map { "\($0["task"]!)=\($0["temperature"]!)" } == ["detect-distract=1.25", "memorize=2"])

    let conflicting = try run("rmt-train", ["--resume", "--out", out.path, "--loss-temperature", "memorize=3"])
    #expect(conflicting.status == 1 && isOneLine(conflicting.stderr) && conflicting.stderr.contains("--loss-temperature"),
            "\(conflicting.stderr)")
    let same = try run("rmt-train", ["--resume", "--out", out.path, "--loss-temperature", "memorize=2,detect-distract=1.25"])
    #expect(same.status == 0, "\(same.stderr)")
}
