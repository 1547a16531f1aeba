// RunLock: one training process per run folder. A second acquisition of a locked folder fails
// with a one-line error naming the folder and the holder's pid — also within one process (flock
// locks belong to the open file description, so two open()s conflict on Linux) — and succeeds
// once the first is released; the lock file is not one of the run's entries.
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
