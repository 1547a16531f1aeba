// The training run folder after a kill: every state AtomicDirectory's two renames can leave
// (built directly here) is recovered and resumes from a complete checkpoint; temp folders go
// on start and on success; data.json is validated; the run files in Docs/runs still open.
import Foundation
import Testing
import RMTTestSupport
import RMTData
import RMTModel
import RMTRecurrence
import RMTTraining

private func smallOptions() -> TrainingOptions {
    var o = TrainingOptions()
    o.maxSegments = 1
    o.maxStepsPerStage = 6
    o.evalEvery = 2
    o.evalSamples = 4
    o.batchSize = 2
    o.learningRate = 1e-3
    o.warmup = 1
    return o
}

private func source(_ seed: UInt64) -> SyntheticRecall { SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: seed) }

/// A run interrupted after `steps` steps (checkpoint at that step), in a fresh folder.
private func interruptedRun(after steps: Int) throws -> URL {
    let out = tempDir("runfolder")
    let trainer = try Trainer(model: try freshTinyModel(), options: smallOptions(), out: out, train: source(1), valid: source(2))
    var n = 0
    trainer.shouldStop = { n += 1; return n == steps }
    #expect(try trainer.run() == .interrupted)
    return out
}

/// The folder's entries but the run lock's file (the trainer locks its folder; not a run entry).
private func names(_ folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0 != RunLock.fileName }.sorted()
}

private func resumedStep(_ out: URL) throws -> Int {
    try Trainer(resuming: out, train: source(1), valid: source(2)).state.step
}

@Test func killWhileFillingTheTempFolderResumesFromTheCheckpoint() throws {
    let out = try interruptedRun(after: 3)
    defer { try? FileManager.default.removeItem(at: out) }
    let temp = out.appendingPathComponent(".checkpoint.tmp-KILLED")
    try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
    try Data("half a file".utf8).write(to: temp.appendingPathComponent("model.safetensors"))
    try Data("{\"step\"".utf8).write(to: out.appendingPathComponent(".dat.nosync1A2B.x9Yz3Q"))  // a killed metrics.jsonl write
    #expect(try resumedStep(out) == 3)
    #expect(names(out).filter { $0.hasPrefix(".") }.isEmpty)
}

@Test func killBetweenTheTwoRenamesRestoresTheOldCheckpoint() throws {
    let out = try interruptedRun(after: 3)
    defer { try? FileManager.default.removeItem(at: out) }
    let fm = FileManager.default
    // checkpoint → .checkpoint.old-A done, the complete temp folder not yet renamed.
    try fm.copyItem(at: out.appendingPathComponent("checkpoint"), to: out.appendingPathComponent(".checkpoint.tmp-B"))
    try fm.moveItem(at: out.appendingPathComponent("checkpoint"), to: out.appendingPathComponent(".checkpoint.old-A"))
    #expect(!fm.fileExists(atPath: out.appendingPathComponent("checkpoint").path))
    let restored = try RunFolder.recover(out)
    #expect(restored.count == 1 && restored[0].contains(".checkpoint.old-A"))
    #expect(names(out).filter { $0.hasPrefix(".") }.isEmpty)
    #expect(try resumedStep(out) == 3)
}

@Test func killBeforeTheOldCheckpointIsRemovedKeepsTheNewOne() throws {
    let out = try interruptedRun(after: 3)
    defer { try? FileManager.default.removeItem(at: out) }
    let old = out.appendingPathComponent(".checkpoint.old-A")
    try FileManager.default.createDirectory(at: old, withIntermediateDirectories: true)
    try Data("{\"step\": 1}".utf8).write(to: old.appendingPathComponent("trainer-state.json"))  // half removed
    #expect(try resumedStep(out) == 3)
    #expect(names(out).filter { $0.hasPrefix(".") }.isEmpty)
}

@Test func killWhileFillingTheFirstCheckpointLeavesNothingToResume() throws {
    let out = tempDir("runfolder-first")
    defer { try? FileManager.default.removeItem(at: out) }
    try FileManager.default.createDirectory(at: out.appendingPathComponent(".checkpoint.tmp-A"), withIntermediateDirectories: true)
    do { _ = try resumedStep(out); Issue.record("resumed without a checkpoint") } catch let error as ModelError {
        #expect(error.description.contains("no checkpoint to resume"))
    }
    #expect(names(out).isEmpty)  // the temp folder went
}

@Test func stageAndModelFoldersAreRecoveredToo() throws {
    let out = try interruptedRun(after: 3)
    defer { try? FileManager.default.removeItem(at: out) }
    let fm = FileManager.default
    let stage = out.appendingPathComponent("stages/1")
    #expect(fm.fileExists(atPath: stage.path))
    try fm.moveItem(at: stage, to: out.appendingPathComponent("stages/.1.old-A"))
    try fm.createDirectory(at: out.appendingPathComponent("stages/.1.tmp-B"), withIntermediateDirectories: true)
    try fm.createDirectory(at: out.appendingPathComponent(".model.tmp-C"), withIntermediateDirectories: true)
    try RunFolder.recover(out)
    #expect(names(out.appendingPathComponent("stages")) == ["1"])
    #expect(try RecurrentMemoryModel.load(directory: stage).config.hiddenSize > 0)
    #expect(!names(out).contains { $0.hasPrefix(".model.") })
}

@Test func tempFoldersAreRemovedOnStartAndOnSuccess() throws {
    let out = tempDir("runfolder-clean")
    defer { try? FileManager.default.removeItem(at: out) }
    let fm = FileManager.default
    try fm.createDirectory(at: out.appendingPathComponent(".checkpoint.tmp-A"), withIntermediateDirectories: true)
    let trainer = try Trainer(model: try freshTinyModel(), options: smallOptions(), out: out, train: source(1), valid: source(2))
    #expect(!names(out).contains(".checkpoint.tmp-A"))  // on start
    // A temp folder that appears during the run (a failed write elsewhere) is gone at the end.
    var n = 0
    trainer.shouldStop = {
        n += 1
        if n == 2 { try? fm.createDirectory(at: out.appendingPathComponent("stages/.1.tmp-B"), withIntermediateDirectories: true) }
        return false
    }
    #expect(try trainer.run() == .finished)
    #expect(names(out).filter { $0.hasPrefix(".") }.isEmpty)
    #expect(names(out.appendingPathComponent("stages")) == ["1"])
}

@Test func newestOldFolderWinsWhenSeveralAreLeft() throws {
    let parent = tempDir("atomic-dir")
    defer { try? FileManager.default.removeItem(at: parent) }
    let fm = FileManager.default
    for (name, mark) in [(".x.old-1", "older"), (".x.old-2", "newer")] {
        try fm.createDirectory(at: parent.appendingPathComponent(name), withIntermediateDirectories: true)
        try Data(mark.utf8).write(to: parent.appendingPathComponent(name).appendingPathComponent("mark"))
        try fm.setAttributes([.modificationDate: Date(timeIntervalSinceNow: mark == "older" ? -100 : 0)],
                             ofItemAtPath: parent.appendingPathComponent(name).path)
    }
    let recovery = try AtomicDirectory.recover(parent.appendingPathComponent("x"))
    #expect(recovery.restoredFrom == ".x.old-2" && recovery.removed == [".x.old-1"])
    #expect(try String(contentsOf: parent.appendingPathComponent("x/mark"), encoding: .utf8) == "newer")
    #expect(names(parent) == ["x"])
}

@Test func corruptCheckpointFilesAreNamed() throws {
    let out = try interruptedRun(after: 3)
    defer { try? FileManager.default.removeItem(at: out) }
    let dir = out.appendingPathComponent("checkpoint")
    let state = dir.appendingPathComponent("trainer-state.json")
    let original = try Data(contentsOf: state)
    // Counters that cannot come from this run's options.
    var object = try JSONSerialization.jsonObject(with: original) as! [String: Any]
    object["segments"] = 9
    try JSONSerialization.data(withJSONObject: object).write(to: state)
    do { _ = try resumedStep(out); Issue.record("accepted") } catch {
        #expect("\(error)".contains("trainer-state.json") && "\(error)".contains("out of range"))
    }
    try original.write(to: state)
    try FileManager.default.removeItem(at: dir.appendingPathComponent("optimizer.safetensors"))
    do { _ = try resumedStep(out); Issue.record("accepted") } catch {
        #expect("\(error)".contains("missing optimizer.safetensors"))
    }
}

@Test func dataJSONIsValidated() throws {
    let out = tempDir("runfolder-data")
    defer { try? FileManager.default.removeItem(at: out) }
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    #expect(try RunData.load(from: out) == nil)
    let data = RunData(task: "detect", noise: ["/n"], evalNoise: [], seed: 4, segmentLengths: try SegmentLengthRange(24), preset: "tiny")
    try data.save(in: out)
    #expect(try RunData.load(from: out) == data)
    var ranged = data
    ranged.segmentLengths = try SegmentLengthRange(16, 64)
    try ranged.save(in: out)
    #expect(try String(contentsOf: RunData.url(in: out), encoding: .utf8).contains(#""data_segment_length" : "16-64""#))
    #expect(try RunData.load(from: out) == ranged)
    for (text, phrase) in [("{", "corrupt"), ("{\"task\": \"detect\"}", "corrupt"),
                           ("{\"task\": \"nonsense\", \"noise\": [], \"eval_noise\": [], \"seed\": 1}", "impossible task"),
                           ("{\"task\": \"detect\", \"noise\": [], \"eval_noise\": [], \"seed\": 1, \"data_segment_length\": 1}", "at least 2"),
                           ("{\"task\": \"detect\", \"noise\": [], \"eval_noise\": [], \"seed\": 1, \"data_segment_length\": \"64-16\"}", "data_segment_length must run from low to high"),
                           ("{\"task\": \"detect\", \"noise\": [], \"eval_noise\": [], \"seed\": 1, \"data_segment_length\": \"16-\"}", "data_segment_length must be a length N or a range LO-HI"),
                           ("{\"task\": \"detect\", \"noise\": [], \"eval_noise\": [], \"seed\": 1, \"preset\": \"huge\"}", "unknown preset")] {
        try Data(text.utf8).write(to: RunData.url(in: out))
        do { _ = try RunData.load(from: out); Issue.record("accepted \(text)") } catch {
            #expect("\(error)".contains(phrase) && "\(error)".contains("data.json") && "\(error)".contains("--task"), "\(error)")
        }
    }
}

@Test func runFilesInDocsRunsStillOpen() throws {
    let runs = repositoryRoot().appendingPathComponent("Docs/runs")
    let files = FileManager.default.enumerator(at: runs, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
    var dataCount = 0, optionsCount = 0
    for url in files {
        if url.lastPathComponent == "data.json" {
            let loaded = try RunData.load(from: url.deletingLastPathComponent())
            #expect(loaded != nil && !loaded!.task.isEmpty, "\(url.path)")
            dataCount += 1
        } else if url.lastPathComponent.hasSuffix("options.json") {
            let options = try JSONDecoder().decode(TrainingOptions.self, from: Data(contentsOf: url))
            #expect(throws: Never.self, "\(url.path)") { try options.validate() }
            optionsCount += 1
        }
    }
    #expect(dataCount >= 5 && optionsCount >= 3)
}

@Test func nonFiniteLossNamesACheckpointOnlyWhenOneExists() throws {
    let none = NonFiniteLossError(step: 3, checkpoint: nil, checkpointStep: nil)
    #expect(none.description.contains("no checkpoint was written yet") && !none.description.contains("/"))
    // A new run writes its step-0 checkpoint at once, so a divergence at step 1 names it.
    var options = smallOptions()
    options.evalEvery = 100
    let out = tempDir("runfolder-nan")
    defer { try? FileManager.default.removeItem(at: out) }
    let model = try freshTinyModel()
    let trainer = try Trainer(model: model, options: options, out: out, train: source(1), valid: source(2))
    model.classifierBias[0] = .nan
    do { _ = try trainer.run(); Issue.record("a NaN loss did not stop training") } catch let error as NonFiniteLossError {
        #expect(error.step == 1 && error.checkpointStep == 0 && error.checkpoint == trainer.checkpointURL)
        #expect(FileManager.default.fileExists(atPath: trainer.checkpointURL.appendingPathComponent("trainer-state.json").path))
    }
}

@Test func checkpointJSONIsSnakeCaseAndOldCamelCaseFoldersStillResume() throws {
    let out = try interruptedRun(after: 3)
    defer { try? FileManager.default.removeItem(at: out) }
    let checkpoint = out.appendingPathComponent("checkpoint")
    func object(_ name: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: checkpoint.appendingPathComponent(name))) as? [String: Any])
    }
    // Written snake_case, like every other file of the run.
    let options = try object("options.json"), state = try object("trainer-state.json")
    #expect(options["max_steps_per_stage"] as? Int == 6 && options["batch_size"] as? Int == 2 && options["maxStepsPerStage"] == nil)
    #expect(state["step_in_stage"] as? Int == 3 && state["data_position"] != nil && state["stepInStage"] == nil)
    let (savedOptions, savedState) = try Trainer.readCheckpointState(checkpoint)

    // A run folder written before the change: the same files with camelCase keys.
    func camel(_ key: String) -> String {
        let parts = key.split(separator: "_")
        return String(parts[0]) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
    for (name, values) in [("options.json", options), ("trainer-state.json", state)] {
        let old = Dictionary(uniqueKeysWithValues: values.map { (camel($0.key), $0.value) })
        #expect(old.keys.contains { $0.contains(where: \.isUppercase) })
        try JSONSerialization.data(withJSONObject: old).write(to: checkpoint.appendingPathComponent(name))
    }
    let (oldOptions, oldState) = try Trainer.readCheckpointState(checkpoint)
    #expect(oldOptions == savedOptions && oldState == savedState)
    let resumed = try Trainer(resuming: out, train: source(1), valid: source(2))
    #expect(resumed.state.step == 3 && resumed.options == smallOptions())
    #expect(try resumed.run() == .finished)
}
