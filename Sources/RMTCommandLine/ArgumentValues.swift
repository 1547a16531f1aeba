// ArgumentValues: the option values the three tools share, parsed one way everywhere —
// the model size (--preset / --config), how gradients flow back through the memory (--bptt),
// the in-segment position scheme (--position) and the question layout (--question-layout).
import ArgumentParser
import RMT

extension BertConfig.Preset: ExpressibleByArgument {}

/// --question-layout: `final-segment` or `every-segment` (rmt-train, rmt-tool create-model,
/// haystack and bench).
extension QuestionLayout: ExpressibleByArgument {}

/// --position: an in-segment position scheme, `absolute` (BERT's), `alibi`, `kerple_log`,
/// `kerple_power`, `t5`, `fire`, `none`, `cope` or `dape[:BASE]`. One declaration for rmt-train,
/// rmt-tool create-model and rmt-tool bench; the value is checked, with one error message for
/// every tool, by `PositionSettings.fromCommandLine` when the model is made.
public struct PositionSchemeArgument: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) { self.name = name }
    public init?(argument: String) { name = argument }

    public static let absolute = PositionSchemeArgument("absolute")
    /// The flag's help, shared by the tools.
    public static let help = "In-segment position scheme: absolute (BERT's), alibi, kerple_log, kerple_power, t5, fire, none, cope or dape[:BASE] (BASE an additive scheme, default kerple_log); Docs/position-encodings.md."
    /// For help and shell completion.
    public static var allValueStrings: [String] {
        PositionSettings.Scheme.allCases.map(\.rawValue) + ["dape:BASE"]
    }
    public var description: String { name }
}

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
