// --precision on rmt-ask, rmt-train eval and rmt-tool bench, and rmt-tool precision-check: fp32 and
// auto (fp32 until bf16's accuracy is proven) report "precision=fp32" with the kernels; bf16 runs
// where the CPU has AVX512-BF16 and elsewhere is refused with one line naming the CPU and what it
// lacks, exit status 1. Which of the two is asserted follows this CPU, so the tests hold on both.
import Foundation
import RMT
import RMTTestSupport
import Testing

private let hasBF16 = CPUInfo.features.contains(.avx512BF16)

private func json(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
}

@Test func precisionFP32AndAutoAreReportedWithTheKernels() throws {
    for precision in ["fp32", "auto"] {
        let bench = try run("rmt-tool", ["bench", "--config", "tiny", "--segments", "1", "--warmup", "0", "--seq-len", "16",
                                         "--precision", precision])
        #expect(bench.status == 0, "\(bench.stderr)")
        #expect((json(bench.stdout)["kernels"] as? String)?.hasSuffix(",precision=fp32") == true, "\(bench.stdout)")
    }
    let dir = try scratchFolder("precision")
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = dir.appendingPathComponent("doc.txt")
    try Data("w5 w6 w7 w8 w9".utf8).write(to: text)
    let ask = try run("rmt-ask", [text.path, "-q", "w40", "--model", tinyModel, "--json", "--precision", "auto"])
    #expect(ask.status == 0, "\(ask.stderr)")
    #expect((json(ask.stdout)["kernels"] as? String)?.hasSuffix(",precision=fp32") == true, "\(ask.stdout)")
    let info = try run("rmt-tool", ["sysinfo", "--json"])
    let available = json(info.stdout)["bf16_available"] as? String ?? ""
    #expect(hasBF16 ? available == BF16Kernel.best?.description : available.contains("lacks AVX512-BF16"), "\(info.stdout)")
    let bad = try run("rmt-tool", ["bench", "--config", "tiny", "--precision", "fp16"])
    #expect(bad.status != 0 && bad.status < 128 && bad.stderr.contains("fp16"), "\(bad.stderr)")
    let train = try run("rmt-tool", ["bench", "--config", "tiny", "--train", "--precision", "bf16"])
    #expect(train.status != 0 && train.status < 128 && train.stderr.contains("training runs fp32"), "\(train.stderr)")
}

@Test func bf16RunsOrIsRefusedNamingTheCPU() throws {
    let dir = try scratchFolder("bf16")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("rooms")
    let made = try createTinyModel(at: model, segmentLength: 32)
    #expect(made.status == 0, "\(made.stderr)")
    let text = dir.appendingPathComponent("doc.txt")
    try Data(String(repeating: "w5 w6 w7 w8 w9 w10 ", count: 20).utf8).write(to: text)
    let commands: [(String, [String])] = [
        ("rmt-ask", [text.path, "-q", "w40", "--model", model.path, "--json", "--precision", "bf16"]),
        ("rmt-train", ["eval", "--model", model.path, "--task", "memorize", "--segments", "1", "--samples", "2",
                       "--batch-size", "2", "--json", "--precision", "bf16"]),
        ("rmt-tool", ["bench", "--config", "tiny", "--segments", "1", "--warmup", "0", "--seq-len", "16", "--precision", "bf16"]),
        ("rmt-tool", ["precision-check", "--model", model.path, "--text", text.path, "--segments", "2"]),
        ("rmt-tool", ["profile", "--config", "tiny", "--repeats", "1", "--precision", "bf16"]),
    ]
    for (tool, args) in commands {
        let r = try run(tool, args)
        let what = "\(tool) \(args.joined(separator: " "))"
        if hasBF16 {
            #expect(r.status == 0, "\(what): \(r.stderr)")
            let line = json(String(r.stdout.split(separator: "\n").last ?? ""))
            if args.first == "profile" {
                #expect(r.stdout.hasPrefix("kernels ") && r.stdout.contains("precision=\(BF16Kernel.best?.description ?? "?")"), "\(what)")
            }
            if let kernels = line["kernels"] as? String {
                #expect(kernels.hasSuffix(",precision=\(BF16Kernel.best?.description ?? "?")"), "\(what)")
            }
            if args.first == "precision-check" {
                for key in ["hidden_max_abs_error", "hidden_mean_abs_error", "memory_max_abs_error", "memory_mean_abs_error"] {
                    #expect(line[key] is Double, "\(what): \(key) in \(r.stdout)")
                }
            }
        } else {
            #expect(r.status == 1, "\(what): status \(r.status)")
            #expect(isOneLine(r.stderr) && r.stderr.contains("lacks AVX512-BF16") && r.stderr.contains(CPUInfo.model),
                    "\(what): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(what): \(r.stdout)")
        }
    }
}

@Test func bf16KernelIsChosenByRMT_BF16_KERNEL() throws {
    let bench = ["bench", "--config", "tiny", "--segments", "1", "--warmup", "0", "--seq-len", "16", "--precision", "bf16"]
    let hasAMX = hasBF16 && CPUInfo.features.contains(.amxBF16) && CPUInfo.requestAMX()
    for (value, runs, name) in [("avx512", hasBF16, "bf16-avx512-12x32"), ("amx", hasAMX, "bf16-amx-32x32")] {
        let r = try run("rmt-tool", bench, environment: ["RMT_BF16_KERNEL": value])
        if runs {
            #expect(r.status == 0, "\(value): \(r.stderr)")
            #expect((json(r.stdout)["kernels"] as? String)?.hasSuffix(",precision=\(name)") == true, "\(value): \(r.stdout)")
        } else {
            #expect(r.status == 1 && isOneLine(r.stderr) && r.stderr.contains("--precision bf16: "), "\(value): \(r.stderr)")
            #expect(r.stderr.contains(hasBF16 ? "RMT_BF16_KERNEL=\(value) does not run on this CPU" : "lacks AVX512-BF16"), "\(r.stderr)")
        }
    }
    let bad = try run("rmt-tool", ["sysinfo"], environment: ["RMT_BF16_KERNEL": "sse"])
    #expect(bad.status == 1 && bad.stderr.contains("RMT_BF16_KERNEL=sse: expected amx or avx512"), "\(bad.stderr)")
}
