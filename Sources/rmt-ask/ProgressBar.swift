// ProgressBar: one self-rewriting line on stderr — segments read against the estimated segment
// count (SegmentReader.estimatedSegmentCount: the file's size at the ids per byte seen so far),
// percent, tokens/s and ETA; for a pipe or stdin, whose size is unknown, just the counts.
// Shown only when stderr is a terminal. Ctrl-C clears the line before exiting with status 130.
import Foundation
import RMT
import RMTCommandLine

final class ProgressBar {
    let enabled: Bool
    var lastDraw = Date.distantPast
    var drew = false

    init(enabled: Bool) {
        self.enabled = enabled
        if enabled { Self.clearLineOnInterrupt() }
    }

    func update(_ p: ReadProgress) {
        guard enabled, Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = Date()
        FileHandle.standardError.write(Data(("\r" + Self.line(p) + "\u{1B}[K").utf8))
        drew = true
    }

    /// The bar's text for `p` (no terminal codes).
    static func line(_ p: ReadProgress) -> String {
        let rate = "\(plural(p.tokens, "token")), \(Int(p.tokensPerSecond)) tokens/s"
        guard let estimate = p.estimatedSegments, estimate > 0 else { return "\(plural(p.segments, "segment")) read, " + rate }
        let fraction = min(1, Double(p.segments) / Double(estimate))
        let width = 24
        let filled = Int(fraction * Double(width))
        let eta = p.segments > 0 ? p.seconds * Double(max(0, estimate - p.segments)) / Double(p.segments) : 0
        return "[" + String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled) + "] "
            + String(format: "%3.0f%% ", fraction * 100) + "\(p.segments)/~\(plural(estimate, "segment")), " + rate
            + String(format: ", ETA %d:%02d", Int(eta) / 60, Int(eta) % 60)
    }

    func finish() {
        if drew { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    /// SIGINT: erase the bar's line (write(2) and _exit(2) only: async-signal-safe) and exit 130.
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
