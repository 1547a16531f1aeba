// ProgressBar: one self-rewriting line on stderr — segments read against the estimated segment
// count (SegmentReader.estimatedSegmentCount: the file's size at the ids per byte seen so far),
// percent, tokens/s and ETA; for a pipe or stdin, whose size is unknown, just the counts.
// Drawn by StatusLine: rewritten in place on a terminal (Ctrl-C clears it before exiting with 130),
// a plain line a minute when stderr is a file or pipe.
import Foundation
import RMT
import RMTCommandLine

final class ProgressBar {
    private let line: StatusLine

    init(enabled: Bool) throws { line = try StatusLine.forStandardError(when: enabled) }

    func update(_ p: ReadProgress) { line.show { Self.line(p) } }

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

    func finish() { line.clear() }
}
