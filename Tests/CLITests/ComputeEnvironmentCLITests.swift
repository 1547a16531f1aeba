// The RMT_* kernel switches as the CLIs read them (RMTCommandLine's ComputeEnvironment): each
// accepted value lands in ComputeOptions, an unset or empty one keeps the default, and an
// unrecognised one is a one-line error naming the variable — from every tool that computes.
import Foundation
import Testing
import RMT
import RMTCommandLine
import RMTTestSupport

@Test func computeEnvironmentReadsEachSwitch() throws {
    #expect(try ComputeOptions(environment: [:]) == .default)
    #expect(try ComputeOptions(environment: ["RMT_VECTOR": "", "RMT_THREADS": " "]) == .default)
    let all = try ComputeOptions(environment: ["RMT_VECTOR": "SWIFT", "RMT_GEMM": "openblas", "RMT_THREADS": "3",
                                               "RMT_GEMM_THREADING": "openblas", "RMT_PARALLEL_HEADS": "0",
                                               "RMT_FULL_LAST_LAYER": "1", "RMT_FUSED": "0"])
    #expect(all == ComputeOptions(vector: .swift, gemm: .openblas, threads: 3, gemmThreading: .openblas,
                                  parallelHeads: false, fullLastLayer: true, fused: false))
    let on = try ComputeOptions(environment: ["RMT_GEMM": "own", "RMT_GEMM_THREADING": "own", "RMT_PARALLEL_HEADS": "1",
                                              "RMT_FULL_LAST_LAYER": "0", "RMT_VECTOR": "avx512"])
    #expect(on.gemm == .own && on.gemmThreading == .own && on.parallelHeads && !on.fullLastLayer && on.fused)
    #expect(on.rows == VectorUnit.supported)  // avx512 is capped at what this CPU runs
}

@Test(arguments: [("RMT_VECTOR", "avx3", "expected swift, avx2 or avx512"),
                  ("RMT_GEMM", "mkl", "expected own or openblas"),
                  ("RMT_GEMM_THREADING", "yes", "expected own or openblas"),
                  ("RMT_PARALLEL_HEADS", "true", "expected 1 or 0"),
                  ("RMT_FULL_LAST_LAYER", "on", "expected 0 or 1"),
                  ("RMT_FUSED", "no", "expected 1 or 0"),
                  ("RMT_THREADS", "0", "expected a whole number from 1 to 4096"),
                  ("RMT_THREADS", "two", "expected a whole number from 1 to 4096")])
func computeEnvironmentRejectsUnknownValues(name: String, value: String, phrase: String) throws {
    #expect {
        try ComputeOptions(environment: [name: value])
    } throws: { error in
        "\(error)" == "\(name)=\(value): \(phrase)"
    }
}

@Test func everyComputingToolRefusesABadSwitchInOneLine() throws {
    let dir = try scratchFolder("compute-env")
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = dir.appendingPathComponent("doc.txt")
    try Data("w5 w6 w7 w8 w9".utf8).write(to: text)
    let calls: [(String, [String])] = [
        ("rmt-tool", ["sysinfo"]),
        ("rmt-tool", ["bench", "--config", "tiny", "--segments", "1", "--warmup", "0", "--seq-len", "16"]),
        ("rmt-tool", ["profile", "--config", "tiny", "--repeats", "1"]),
        ("rmt-ask", [text.path, "-q", "w5", "--model", tinyModel]),
        ("rmt-train", ["eval", "--model", tinyModel, "--task", "memorize", "--segments", "1"]),
    ]
    for (tool, args) in calls {
        let r = try run(tool, args, environment: ["RMT_VECTOR": "avx3"])
        #expect(r.status == 1, "\(tool) \(args): status \(r.status) \(r.stderr)")
        #expect(r.stderr == "\(tool): RMT_VECTOR=avx3: expected swift, avx2 or avx512\n", "\(tool): \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}
