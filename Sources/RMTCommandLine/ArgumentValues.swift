// ArgumentValues: the option values the three tools share, parsed one way everywhere —
// the model size (--preset / --config), how gradients flow back through the memory (--bptt),
// the in-segment position scheme (--position), the question layout (--question-layout), the
// associative memory's writing rows (--associative-write), the linear layers' precision
// (--precision) and the readings of each document (--passes).
import ArgumentParser
import Foundation
import RMT

extension BertConfig.Preset: ExpressibleByArgument {}

/// --question-layout: `final-segment` or `every-segment` (rmt-train, rmt-tool create-model,
/// haystack and bench).
extension QuestionLayout: ExpressibleByArgument {}

/// --move-penalty-scope: `all` or `quiet` (rmt-train).
extension MoveScope: ExpressibleByArgument {}

/// --associative-write: `memory` or `all` (rmt-train, rmt-tool bench).
extension AssociativeSettings.WriteRows: ExpressibleByArgument {
    /// Both tools' refusal of --associative-write without --associative D.
    public static func check(_ write: Self?, associative keySize: Int?) throws {
        if write != nil && keySize == nil {
            throw ValidationError("--associative-write chooses how an --associative memory is written; give --associative D with it")
        }
    }
}

/// --passes N: readings of each document (rmt-train, rmt-train eval, rmt-ask), 1…`RMTSettings.maxPasses`.
public enum PassesArgument {
    /// The three tools' refusal of an N out of range.
    public static func check(_ passes: Int?) throws {
        if let n = passes, !(1...RMTSettings.maxPasses).contains(n) {
            throw ValidationError("--passes must be 1…\(RMTSettings.maxPasses), got \(n)")
        }
    }
}

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

/// --precision: `fp32`, `bf16` or `auto` (rmt-ask, rmt-train eval, rmt-tool bench). bf16 on a CPU
/// without AVX512-BF16 is refused with one line by `ComputeOptions.with(precision:)`.
extension Precision: ExpressibleByArgument {}

public enum PrecisionArgument {
    /// The flag's help, shared by the tools.
    public static let help = "Arithmetic of the encoder's linear layers in inference: fp32, bf16 (bf16 inputs, fp32 sums; needs a CPU with AVX512-BF16) or auto (rmt-ask, rmt-train eval: bf16 on the AVX512-BF16 kernel where the CPU has it, else fp32; rmt-tool: fp32; Docs/Architecture.md, \"bf16 inference\")."
}

/// rmt-train --precision (and rmt-tool bench --train): the arithmetic of training.
public enum TrainingPrecisionArgument {
    public static let help = "Arithmetic of training: fp32, or bf16 — mixed precision: the encoder's linear layers (Q/K/V, attention output, FFN) run forward and backward with bf16 inputs and fp32 sums, weights, gradients and optimizer in fp32; needs a CPU with AVX512-BF16 — or auto (fp32). Validation and evaluation read in fp32 (Docs/training.md, \"Mixed precision\")."
}

/// --precision bf16 on a CPU that cannot run it.
public struct PrecisionError: Error, CustomStringConvertible {
    public let description: String
}

extension ComputeOptions {
    /// These options training in `precision`: bf16 sets `trainsInBF16` on the automatic bf16
    /// kernel (`automaticBF16Kernel`; the one RMT_BF16_KERNEL names in `environment`), refused with
    /// one line where it does not run, as `with(precision:)`; fp32 and auto train in fp32.
    /// Inference (validation) stays fp32 either way (rmt-train, rmt-tool bench --train).
    /// - Throws: `PrecisionError` for bf16 where the kernel does not run.
    public func training(precision: Precision,
                         environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ComputeOptions {
        var options = precision == .bf16 ? automaticBF16Kernel(keepingKernel: Self.namesBF16Kernel(environment)) : self
        options = try options.with(precision: precision == .bf16 ? .bf16 : .fp32)
        options.precision = .fp32
        options.trainsInBF16 = precision == .bf16
        return options
    }

    /// These options for reading documents in `precision` (rmt-ask, rmt-train eval): as
    /// `with(precision:)`, then `forAnswers` resolves auto (keeping the kernel RMT_BF16_KERNEL
    /// names in `environment`).
    /// - Throws: `PrecisionError` for bf16 where the kernel does not run.
    public func answering(precision: Precision,
                          environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ComputeOptions {
        try with(precision: precision).forAnswers(keepingKernel: Self.namesBF16Kernel(environment))
    }

    /// These options with `precision`.
    /// - Throws: `PrecisionError` ("--precision bf16: this CPU (…) lacks AVX512-BF16 (it has: …)")
    ///   for bf16 where no bf16 kernel runs, or where the one RMT_BF16_KERNEL names does not.
    public func with(precision: Precision) throws -> ComputeOptions {
        var options = self
        options.precision = precision
        if precision == .bf16 && options.linearBF16 == nil {
            let why = BF16Kernel.unavailableReason
                ?? "RMT_BF16_KERNEL=\(options.bf16Kernel == .amx ? "amx" : "avx512") does not run on this CPU (\(CPUInfo.model), it has: \(CPUInfo.features))"
            throw PrecisionError(description: "--precision bf16: \(why)")
        }
        return options
    }
}
