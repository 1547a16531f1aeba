// ProgressBar: one self-rewriting line on stderr — segments, tokens/s and, when the input
// size is known, percent done and ETA. Shown only when stderr is a terminal.
import Foundation
import RMT

final class ProgressBar {
    let enabled: Bool
    let totalBytes: Int?
    var lastDraw = Date.distantPast
    var drew = false

    init(enabled: Bool, totalBytes: Int?) {
        self.enabled = enabled
        self.totalBytes = totalBytes
    }

    func update(_ p: ReadProgress) {
        guard enabled, Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = Date()
        var line = "\(p.segments) segments, \(p.tokens) tokens, \(Int(p.tokensPerSecond)) tokens/s"
        if let total = totalBytes, total > 0 {
            let fraction = min(1, Double(p.bytesRead) / Double(total))
            let width = 24
            let filled = Int(fraction * Double(width))
            let eta = fraction > 0 ? p.seconds * (1 - fraction) / fraction : 0
            line = "[" + String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled) + "] "
                + String(format: "%3.0f%% ", fraction * 100) + line + String(format: ", ETA %d:%02d", Int(eta) / 60, Int(eta) % 60)
        }
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
        drew = true
    }

    func finish() {
        if drew { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
