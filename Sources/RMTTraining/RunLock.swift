// RunLock: one training process per run folder. An exclusive advisory lock — flock(2),
// LOCK_EX | LOCK_NB — on OUT/.lock, held from before the process writes anything in the folder
// until it ends. The kernel drops the lock when the process exits, however it exits (kill -9
// too), so a lock is never stale and `--resume` after a crash just takes it again. flock locks
// belong to the open file description: two open()s of the file conflict even in one process.
// The holder writes its pid into the file, for the refusal message. The file itself stays
// (removing a lock file others may have open is a race); it is not one of the run's entries.
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
        func failure(_ what: String, _ code: Int32 = errno) -> ModelError {
            ModelError(path, "\(what): \(String(cString: strerror(code)).lowercased())")
        }
        // The file locked must still be the one at `path` (not one removed or replaced meanwhile):
        // retry the few times a replacement could race with us.
        for _ in 0..<8 {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw failure("cannot open the run's lock file") }
            var result: Int32
            repeat { result = flock(fd, LOCK_EX | LOCK_NB) } while result != 0 && errno == EINTR
            if result != 0 {
                let code = errno
                let holder = Self.recordedPID(fd)
                close(fd)
                guard code == EWOULDBLOCK else { throw failure("cannot lock the run's lock file", code) }
                throw ModelError(out.path, "is in use by another training run" + (holder.map { " (pid \($0))" } ?? "")
                                 + "; wait for it to end or stop it, or give another --out")
            }
            var opened = stat(), named = stat()
            guard fstat(fd, &opened) == 0, stat(path, &named) == 0,
                  opened.st_dev == named.st_dev, opened.st_ino == named.st_ino else {
                close(fd)
                continue
            }
            descriptor = fd
            let pid = Array("\(getpid())\n".utf8)
            if ftruncate(fd, 0) == 0 { _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }
            return
        }
        throw ModelError(path, "the run's lock file keeps being replaced; is something deleting it?")
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
