// rmt-tool sysinfo: what this machine is and which kernels RMT runs on it — the CPU model,
// the features detected (CPUID + XGETBV, in CRMTVector's rmt_cpu), the chosen kernel set,
// every GEMM backend available, the bf16 kernel (if any) and the precision rmt-ask reads in, OpenBLAS's core and build,
// threads, and the environment
// switches that change the choice. Text by default, one JSON object with --json.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct SysInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sysinfo",
        abstract: "Show the CPU, its detected features, the kernels RMT chose and OpenBLAS's core and build.")

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    /// What rmt-ask and rmt-train eval read documents in under `--precision auto` here, and why
    /// not bf16 where the kernel runs but does not outrun fp32.
    private func answersPrecision(_ compute: ComputeOptions) -> String {
        if let kernel = (try? compute.answering(precision: .auto))?.linearBF16 { return kernel.description }
        guard BF16Kernel.avx512.isAvailable else { return "fp32" }
        return "fp32 (\(BF16Kernel.avx512.description) runs here but does not outrun fp32 on \(CPUInfo.vendor)'s cores; --precision bf16 asks for it)"
    }

    func run() throws {
        let compute = try ComputeOptions.fromEnvironment(tool: "rmt-tool")
        let amx: String = CPUInfo.features.contains(.amxBF16)
            ? (CPUInfo.requestAMX() ? "granted" : "refused by the OS") : "no AMX-BF16"
        let environment = (ComputeOptions.environmentVariables + ["OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS"])
            .compactMap { name in ProcessInfo.processInfo.environment[name].map { (name, $0) } }
        let fields: [(String, String)] = [
            ("cpu", CPUInfo.model), ("vendor", CPUInfo.vendor), ("features", CPUInfo.features.description),
            ("kernels", compute.kernels.description),
            ("gemm_available", GEMMBackend.available.map(\.description).joined(separator: " ")),
            ("rows_available", VectorUnit.available.map(\.description).joined(separator: " ")),
            ("bf16_available", BF16Kernel.best?.description ?? "none (\(BF16Kernel.unavailableReason ?? "no kernel"))"),
            ("answers_precision", answersPrecision(compute)),
            ("amx_tile_data", amx),
            ("openblas_core", BLAS.coreName), ("openblas_config", BLAS.config.trimmingCharacters(in: .whitespaces)),
            ("threads", "\(compute.threads)"),
        ]
        if json {
            var object: [String: Any] = Dictionary(uniqueKeysWithValues: fields.map { ($0.0, $0.1 as Any) })
            object["threads"] = compute.threads
            object["environment"] = Dictionary(uniqueKeysWithValues: environment)
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            let width = fields.map(\.0.count).max() ?? 0
            for (name, value) in fields { print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
            print("environment".padding(toLength: width, withPad: " ", startingAt: 0) + "  " +
                  (environment.isEmpty ? "(no RMT_* or OPENBLAS_* switch set)"
                                       : environment.map { "\($0.0)=\($0.1)" }.joined(separator: " ")))
        }
    }
}
