// StatusLine: progress on stderr for work that takes minutes — rmt-ask's progress bar over a long
// text, rmt-train eval's position inside a batch of 1M-token documents. On a terminal it is one
// self-rewriting line, redrawn at most every 0.1 s; `clear()` erases it before other output, and
// Ctrl-C erases it before exiting with 130. Into a file or pipe (a background run's log) it is a
// plain line at most once a minute, the first a minute after the start, so a short run writes
// nothing and a 45-minute batch is not silent for 45 minutes. RMT_PROGRESS_SECONDS=S sets that
// interval (0: a line at every update, as a test wants; a bad value is a one-line error).
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A bad RMT_PROGRESS_SECONDS: "RMT_PROGRESS_SECONDS=x: expected a number of seconds ≥ 0".
public struct StatusLineError: Error, CustomStringConvertible {
    public let description: String
}

public final class StatusLine {
    public enum Mode: Equatable {
        case off
        /// One line rewritten in place (`\r`, erase to end of line) at most every 0.1 s.
        case terminal
        /// A plain, newline-ended line at most every `seconds`, the first `seconds` after creation.
        case log(every: TimeInterval)
    }

    public let mode: Mode
    public var enabled: Bool { mode != .off }
    private var lastDraw: Date
    private var drawn = false
    private let sink: (String) -> Void

    /// `sink`: where the text goes (standard error unless a test captures it).
    public init(mode: Mode, sink: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.mode = mode
        self.sink = sink
        if case .log = mode { lastDraw = Date() } else { lastDraw = .distantPast }
        if mode == .terminal { Self.clearLineOnInterrupt() }
    }

    /// Progress on standard error when `wanted` (not --quiet; the root rank): self-rewriting on a
    /// terminal, otherwise a plain line every RMT_PROGRESS_SECONDS (default 60) seconds.
    /// - Throws: `StatusLineError` for an RMT_PROGRESS_SECONDS that is not a number of seconds ≥ 0.
    public static func forStandardError(when wanted: Bool,
                                        environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StatusLine {
        guard wanted else { return StatusLine(mode: .off) }
        return StatusLine(mode: stderrIsTerminal ? .terminal : .log(every: try logInterval(environment)))
    }

    /// RMT_PROGRESS_SECONDS from `environment`, 60 when unset or empty.
    public static func logInterval(_ environment: [String: String]) throws -> TimeInterval {
        guard let v = environment["RMT_PROGRESS_SECONDS"]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return 60 }
        guard let seconds = Double(v), seconds.isFinite, seconds >= 0 else {
            throw StatusLineError(description: "RMT_PROGRESS_SECONDS=\(v): expected a number of seconds ≥ 0")
        }
        return seconds
    }

    /// Whether stderr is a terminal (where a self-rewriting line belongs).
    public static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Shows `text()` unless the mode's interval has not passed since the last time (the text is
    /// then not even made).
    public func show(_ text: () -> String) {
        let now = Date()
        switch mode {
        case .off:
            return
        case .terminal:
            guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            sink("\r" + text() + "\u{1B}[K")
            drawn = true
        case .log(let seconds):
            guard now.timeIntervalSince(lastDraw) >= seconds else { return }
            sink(text() + "\n")
        }
        lastDraw = now
    }

    /// Erases the terminal line if one is shown (before printing anything else, and at the end);
    /// a log line stays, and the next one waits a full interval from here.
    public func clear() {
        if case .log = mode { lastDraw = Date(); return }
        guard drawn else { return }
        sink("\r\u{1B}[K")
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
