// RunLock: one training process per run folder. An exclusive advisory lock — flock(2),
// LOCK_EX | LOCK_NB — on OUT/.lock, held from before the process writes anything in the folder
// until it ends. The kernel drops the lock when the process exits, however it exits (kill -9
// too), so a lock is never stale and `--resume` after a crash just takes it again. flock locks
// belong to the open file description: two open()s of the file conflict even in one process.
// The holder writes its pid into the file, for the refusal message. The file itself stays
// (removing a lock file others may have open is a race); it is not one of the run's entries.
// ExclusiveFileLock, at the end, is the flock itself, shared with the evaluation ledger.
import Foundation
import RMTModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public final class RunLock {
    /// The lock file's name inside the run folder.
    public static let fileName = ".lock"

    /// The run folder locked.
    public let folder: URL
    private var descriptor: Int32

    /// Takes the lock of the existing folder `out`, or throws.
    /// - Throws: `ModelError(out, "is in use by another training run (pid N); …")` when another
    ///   process (or another RunLock in this one) holds it; `ModelError(OUT/.lock, cause)` when the
    ///   lock file cannot be opened or locked.
    public init(acquiring out: URL) throws {
        folder = out
        let path = out.appendingPathComponent(Self.fileName).path
        switch try ExclusiveFileLock.take(path, openFlags: O_RDWR | O_CREAT, naming: "the run's lock file") {
        case .held(let fd):
            let holder = Self.recordedPID(fd)
            close(fd)
            throw ModelError(out.path, "is in use by another training run" + (holder.map { " (pid \($0))" } ?? "")
                             + "; wait for it to end or stop it, or give another --out")
        case .locked(let fd):
            descriptor = fd
            let pid = Array("\(getpid())\n".utf8)
            if ftruncate(fd, 0) == 0 { _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }
        }
    }

    /// The pid the holder wrote in the lock file, nil when there is none (yet).
    private static func recordedPID(_ fd: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Whether this object still holds the lock.
    public var isHeld: Bool { descriptor >= 0 }

    /// Releases the lock (closing the file); the process ending releases it too.
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

/// An exclusive, non-blocking flock(2) on a file — the one still at its path once locked (a file
/// removed or replaced meanwhile is let go and the path tried again, a few times). The lock
/// belongs to the open file description: the kernel drops it when the descriptor is closed or
/// the process ends, however it ends. Used by RunLock and EvaluationLedger.
///
/// A lock found held is tried again for up to `patience` before it is called held: a child
/// that another thread of the holder's process is spawning shares the holder's descriptors
/// until it execs (O_CLOEXEC closes them only then), so a lock just released can stay held
/// for a moment after its closer returned — under load long enough to refuse a caller that
/// reopens it at once (a CI run failed so, on a ledger closed and reopened in one test while
/// other tests spawned processes). A lock truly held is refused after the wait.
enum ExclusiveFileLock {
    enum Outcome {
        /// Locked: the caller owns the descriptor (closing it releases the lock).
        case locked(Int32)
        /// Another open file description holds it: the caller reads what it needs and closes it.
        case held(Int32)
    }

    /// - Parameter naming: how errors name the file ("the run's lock file", "the ledger").
    /// - Throws: `ModelError(path, cause)` when the file cannot be opened or locked.
    static func take(_ path: String, openFlags: Int32, naming: String, patience: Duration = .seconds(2)) throws -> Outcome {
        func failure(_ what: String, _ code: Int32 = errno) -> ModelError {
            ModelError(path, "\(what): \(String(cString: strerror(code)).lowercased())")
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: patience)
        for _ in 0..<8 {
            let fd = open(path, openFlags | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw failure("cannot open \(naming)") }
            while true {
                guard flock(fd, LOCK_EX | LOCK_NB) != 0 else { break }
                let code = errno
                if code == EINTR { continue }
                guard code == EWOULDBLOCK else { close(fd); throw failure("cannot lock \(naming)", code) }
                guard clock.now < deadline else { return .held(fd) }
                usleep(20_000)  // 20 ms between tries
            }
            var opened = stat(), named = stat()
            guard fstat(fd, &opened) == 0, stat(path, &named) == 0,
                  opened.st_dev == named.st_dev, opened.st_ino == named.st_ino else {
                close(fd)
                continue
            }
            return .locked(fd)
        }
        throw ModelError(path, "\(naming) keeps being replaced while it is locked; is something else rewriting it?")
    }
}
