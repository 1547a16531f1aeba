// ArgumentValues: the option values the three tools share, parsed one way everywhere —
// the model size (--preset / --config) and how gradients flow back through the memory (--bptt).
import ArgumentParser
import RMT

extension BertConfig.Preset: ExpressibleByArgument {}

/// --bptt: `full`, `memory-efficient` or `truncated:K` (K ≥ 1 segments, 1 = the final segment
/// alone). The older spellings `memory_efficient` and `me` are still accepted.
public struct BPTTModeArgument: ExpressibleByArgument, Sendable, CustomStringConvertible {
    public let mode: BPTTMode

    public init(_ mode: BPTTMode) { self.mode = mode }

    public init?(argument: String) {
        switch argument {
        case "full": mode = .full
        case "memory-efficient", "memory_efficient", "me": mode = .memoryEfficient
        default:
            guard argument.hasPrefix("truncated:"), let k = Int(argument.dropFirst("truncated:".count)), k >= 1 else { return nil }
            mode = .truncated(depth: k)
        }
    }

    /// The canonical spelling, as the tools print it.
    public var description: String {
        switch mode {
        case .full: "full"
        case .memoryEfficient: "memory-efficient"
        case .truncated(let k): "truncated:\(k)"
        }
    }

    public var defaultValueDescription: String { description }
    public static var allValueStrings: [String] { ["full", "memory-efficient", "truncated:K"] }
}
