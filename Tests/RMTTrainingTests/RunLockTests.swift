// RunLock: one training process per run folder. A second acquisition of a locked folder fails
// with a one-line error naming the folder and the holder's pid — also within one process (flock
// locks belong to the open file description, so two open()s conflict on Linux) — and succeeds
// once the first is released — also when released while the second waits; the lock file is
// not one of the run's entries.
import Foundation
import Testing
import RMTModel
import RMTTraining

@Test func aLockedRunFolderRefusesASecondLockUntilReleased() throws {
    let out = try lockFolder("runlock")
    defer { try? FileManager.default.removeItem(at: out) }
    let first = try RunLock(acquiring: out)
    #expect(first.isHeld)
    #expect(try String(contentsOf: out.appendingPathComponent(RunLock.fileName), encoding: .utf8) == "\(getpid())\n")
    do {
        _ = try RunLock(acquiring: out)
        Issue.record("a second lock of \(out.path) was granted while the first was held")
    } catch let error as ModelError {
        #expect(error.subject == out.path)
        #expect(error.problem.hasPrefix("is in use by another training run (pid \(getpid()))"), "\(error)")
        #expect(!error.description.contains("\n"))
    }
    first.release()
    #expect(!first.isHeld)
    let second = try RunLock(acquiring: out)  // released: granted
    #expect(second.isHeld)
    second.release()
    // A lock dropped without release() (deinit; a process ending drops it the same way) frees the folder too.
    do { let scoped = try RunLock(acquiring: out); #expect(scoped.isHeld) }
    let third = try RunLock(acquiring: out)
    #expect(third.isHeld)
    third.release()
}

/// A lock released a moment after a second acquisition starts is taken, not refused: a child
/// being spawned by another thread keeps the holder's descriptor (and so the lock) until it execs,
/// so a lock closed and reopened at once can look held for a moment (a CI run failed so). Here
/// another thread releases it 300 ms in — well inside ExclusiveFileLock's patience.
@Test func aLockReleasedWhileASecondWaitsIsTaken() throws {
    let out = try lockFolder("runlock-wait")
    defer { try? FileManager.default.removeItem(at: out) }
    final class Held: @unchecked Sendable { let lock: RunLock; init(_ l: RunLock) { lock = l } }
    let first = Held(try RunLock(acquiring: out))
    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(300)) { first.lock.release() }
    let second = try RunLock(acquiring: out)
    #expect(second.isHeld)
    second.release()
}

/// A new, existing folder.
private func lockFolder(_ tag: String) throws -> URL {
    let url = tempDir(tag)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Test func theLockFileIsNotARunEntryAndOverwriteKeepsIt() throws {
    let out = try lockFolder("runlock-entry")
    defer { try? FileManager.default.removeItem(at: out) }
    let lock = try RunLock(acquiring: out)
    defer { lock.release() }
    #expect(!RunFolder.isRunEntry(RunLock.fileName))
    try Data("{}".utf8).write(to: out.appendingPathComponent("data.json"))
    try RunFolder.clear(out)
    #expect(RunFolder.contents(out) == [RunLock.fileName])
}

@Test func aLockInAMissingFolderIsAnErrorNamingTheLockFile() throws {
    let missing = tempDir("runlock-missing").appendingPathComponent("nothing/here")
    do {
        _ = try RunLock(acquiring: missing)
        Issue.record("a lock in a missing folder was granted")
    } catch let error as ModelError {
        #expect(error.subject == missing.appendingPathComponent(RunLock.fileName).path)
        #expect(error.problem == "cannot open the run's lock file: no such file or directory", "\(error)")
    }
}

@Test func aLibraryTrainerHoldsItsRunFolderWhileItTrains() throws {
    let out = tempDir("trainer-lock")
    defer { try? FileManager.default.removeItem(at: out) }
    func sources() -> (SyntheticRecall, SyntheticRecall) {
        (SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 1), SyntheticRecall(segmentLength: 8, labels: 4, vocab: 99, seed: 2))
    }
    let (train, valid) = sources()
    let first = try Trainer(model: try freshTinyModel(), options: shortTwoStageOptions(), out: out, train: train, valid: valid)
    let metrics = try Data(contentsOf: out.appendingPathComponent("metrics.jsonl"))
    // While it exists and has not run: a new run or a resume of the folder is refused, and the
    // new run does not touch the first one's files (its metrics.jsonl is not replaced).
    let (t2, v2) = sources()
    for attempt in ["new", "resume"] {
        do {
            _ = attempt == "new"
                ? try Trainer(model: try freshTinyModel(), options: shortTwoStageOptions(), out: out, train: t2, valid: v2)
                : try Trainer(resuming: out, train: t2, valid: v2)
            Issue.record("a second trainer (\(attempt)) was made for a folder a trainer holds")
        } catch let error as ModelError {
            #expect(error.problem.hasPrefix("is in use by another training run (pid \(getpid()))"), "\(error)")
        }
    }
    #expect(try Data(contentsOf: out.appendingPathComponent("metrics.jsonl")) == metrics)
    // Interrupted, run returns and lets go: the folder resumes in the same process.
    var steps = 0
    first.shouldStop = { steps += 1; return steps == 2 }
    #expect(try first.run() == .interrupted)
    let resumed = try Trainer(resuming: out, train: t2, valid: v2)
    #expect(resumed.state.step == 2)
    // The first trainer, stopped, no longer writes the folder the second one now holds.
    let checkpointState = try Data(contentsOf: out.appendingPathComponent("checkpoint/trainer-state.json"))
    #expect(throws: ModelError.self) { try first.saveCheckpoint() }
    #expect(try Data(contentsOf: out.appendingPathComponent("checkpoint/trainer-state.json")) == checkpointState)
    resumed.shouldStop = { true }
    #expect(try resumed.run() == .interrupted)  // one more step; its lock goes with run's return
    // A lock the caller holds is used as it is, and stays the caller's after run.
    let held = try RunLock(acquiring: out)
    #expect(throws: ModelError.self) { _ = try Trainer(resuming: out, train: t2, valid: v2) }
    let mine = try Trainer(resuming: out, train: t2, valid: v2, lock: held)
    #expect(try mine.run() == .finished)
    #expect(held.isHeld)
    held.release()
}
