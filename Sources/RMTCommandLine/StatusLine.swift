// StatusLine: one self-rewriting line on stderr for work that takes minutes — rmt-ask's
// progress bar over a long text, rmt-train eval's position inside a batch of 1M-token documents.
// Drawn only when enabled (the callers: stderr is a terminal and not --quiet), at most every
// 0.1 s; `clear()` erases it before other output, and Ctrl-C erases it before exiting with 130.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public final class StatusLine {
    public let enabled: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false

    /// `enabled`: draw at all (typically `isatty(STDERR_FILENO) == 1` and not quiet).
    public init(enabled: Bool) {
        self.enabled = enabled
        if enabled { Self.clearLineOnInterrupt() }
    }

    /// Whether stderr is a terminal (where a self-rewriting line belongs).
    public static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Redraws the line with `text()` unless it was drawn less than 0.1 s ago (the text is then
    /// not even made).
    public func show(_ text: () -> String) {
        guard enabled, Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = Date()
        FileHandle.standardError.write(Data(("\r" + text() + "\u{1B}[K").utf8))
        drawn = true
    }

    /// Erases the line if one is shown (before printing anything else, and at the end).
    public func clear() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
        lastDraw = .distantPast
    }

    /// SIGINT: erase the line (write(2) and _exit(2) only: async-signal-safe) and exit 130.
    /// SIGINT is also unblocked on this (main) thread: a parent may have spawned us with it
    /// blocked (a dispatch worker thread blocks signals, and the mask is inherited across exec).
    private static func clearLineOnInterrupt() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            let clear: StaticString = "\r\u{1B}[K"
            _ = write(STDERR_FILENO, clear.utf8Start, clear.utf8CodeUnitCount)
            _exit(130)
        }
    }
}
