// ComputeEnvironment: the CLIs' ComputeOptions, read from the RMT_* switches of the environment —
// the one place any of them is read (the library takes the value). An unrecognised value is an
// error naming the variable and the values it accepts; an unset or empty variable keeps the default.
//
//   RMT_VECTOR          swift | avx2 | avx512   row kernels and own GEMM level (capped at the CPU's)
//   RMT_GEMM            own | openblas          GEMM backend
//   RMT_THREADS         a whole number ≥ 1       worker threads
//   RMT_GEMM_THREADING  own | openblas          who threads an OpenBLAS product
//   RMT_PARALLEL_HEADS  1 | 0                   attention: whole heads per core, or threaded heads
//   RMT_FULL_LAST_LAYER 0 | 1                   compute the last layer at every position
//   RMT_FUSED           1 | 0                   fused attention / bias+GELU / residual+LayerNorm
//   RMT_BF16_KERNEL     amx | avx512            the bf16 kernel of --precision bf16 (default: the best the CPU runs)
import Foundation
import RMT

/// A bad RMT_* value: "RMT_VECTOR=avx3: expected swift, avx2 or avx512".
public struct ComputeEnvironmentError: Error, CustomStringConvertible {
    public let description: String
}

extension ComputeOptions {
    /// The RMT_* variables this reads, in the order `rmt-tool sysinfo` lists them.
    public static let environmentVariables = ["RMT_VECTOR", "RMT_GEMM", "RMT_THREADS", "RMT_GEMM_THREADING",
                                              "RMT_PARALLEL_HEADS", "RMT_FULL_LAST_LAYER", "RMT_FUSED",
                                              "RMT_BF16_KERNEL"]

    /// `.default` with every RMT_* variable set in `environment` applied.
    /// - Throws: `ComputeEnvironmentError` for a value that is not one of those listed above.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self = .default
        func value(_ name: String) -> String? {
            guard let v = environment[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        func choice<T>(_ name: String, _ options: [(String, T)]) throws -> T? {
            guard let v = value(name) else { return nil }
            if let hit = options.first(where: { $0.0 == v.lowercased() }) { return hit.1 }
            let names = options.map(\.0)
            let list = names.count == 2 ? "\(names[0]) or \(names[1])"
                : names.dropLast().joined(separator: ", ") + " or " + names.last!
            throw ComputeEnvironmentError(description: "\(name)=\(v): expected \(list)")
        }
        if let level = try choice("RMT_VECTOR", VectorUnit.Level.allCases.map { ($0.description, $0) }) { vector = level }
        if let g = try choice("RMT_GEMM", GEMM.allCases.map { ($0.rawValue, $0) }) { gemm = g }
        if let t = try choice("RMT_GEMM_THREADING", Threading.allCases.map { ($0.rawValue, $0) }) { gemmThreading = t }
        if let p = try choice("RMT_PARALLEL_HEADS", [("1", true), ("0", false)]) { parallelHeads = p }
        if let f = try choice("RMT_FULL_LAST_LAYER", [("0", false), ("1", true)]) { fullLastLayer = f }
        if let f = try choice("RMT_FUSED", [("1", true), ("0", false)]) { fused = f }
        if let k = try choice("RMT_BF16_KERNEL", [("amx", BF16Kernel.amx), ("avx512", .avx512)]) { bf16Kernel = k }
        if let v = value("RMT_THREADS") {
            guard let n = Int(v), n >= 1, n <= 4096 else {
                throw ComputeEnvironmentError(description: "RMT_THREADS=\(v): expected a whole number from 1 to 4096")
            }
            threads = n
        }
    }

    /// Whether `environment` names a bf16 kernel (RMT_BF16_KERNEL set): `--precision auto` then
    /// runs that one where it runs, instead of the AVX512-BF16 kernel (`answering`, `training`).
    static func namesBF16Kernel(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        !(environment["RMT_BF16_KERNEL"]?.trimmingCharacters(in: .whitespaces).isEmpty ?? true)
    }

    /// The process's RMT_* settings for `tool`'s commands: a bad value is reported by the
    /// ErrorReporter as one line "<tool>: RMT_…=…: expected …" with exit status 1.
    public static func fromEnvironment(tool: String) throws -> ComputeOptions {
        var options = ComputeOptions.default
        try ErrorReporter.run(tool) { options = try ComputeOptions(environment: ProcessInfo.processInfo.environment) }
        return options
    }
}
