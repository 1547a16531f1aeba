// --precision on rmt-ask, rmt-train eval and rmt-tool bench, and rmt-tool precision-check: fp32 (and
// auto in rmt-tool) report "precision=fp32" with the kernels; auto in rmt-ask and rmt-train eval
// reads in bf16 on the AMX kernel, or the AVX512-BF16 kernel where it outruns fp32
// (BF16Kernel.readsDocuments: AMD's cores), fp32 elsewhere, and continues a ledger in the precision it was written in; bf16 runs
// where the CPU has AVX512-BF16 and elsewhere is refused with one line naming the CPU and what it
// lacks, exit status 1. Which of the two is asserted follows this CPU, so the tests hold on both.
import Foundation
import RMT
import RMTTestSupport
import Testing

private let hasBF16 = CPUInfo.features.contains(.avx512BF16)
/// Whether auto reads documents in bf16 here (the rule itself: ComputeOptionsTests).
private let autoReadsBF16 = BF16Kernel.readsDocuments != nil
/// The kernel auto reads documents on here, as the tools name it ("bf16-amx-32x32", "bf16-avx512-12x32").
private let autoKernel = BF16Kernel.readsDocuments?.description ?? "fp32"

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
    let autoPrecision = "precision=" + autoKernel
    for args in [["--precision", "auto"], []] {  // auto is the default
        let ask = try run("rmt-ask", [text.path, "-q", "w40", "--model", tinyModel, "--json"] + args)
        #expect(ask.status == 0, "\(ask.stderr)")
        #expect((json(ask.stdout)["kernels"] as? String)?.hasSuffix("," + autoPrecision) == true, "\(ask.stdout)")
    }
    let fp32 = try run("rmt-ask", [text.path, "-q", "w40", "--model", tinyModel, "--json", "--precision", "fp32"])
    #expect((json(fp32.stdout)["kernels"] as? String)?.hasSuffix(",precision=fp32") == true, "\(fp32.stdout)")
    let info = try run("rmt-tool", ["sysinfo", "--json"])
    let available = json(info.stdout)["bf16_available"] as? String ?? ""
    #expect(hasBF16 ? available == BF16Kernel.best?.description : available.contains("lacks AVX512-BF16"), "\(info.stdout)")
    let answers = json(info.stdout)["answers_precision"] as? String ?? ""
    #expect(autoReadsBF16 ? answers == autoKernel : answers.hasPrefix("fp32"), "\(info.stdout)")
    #expect(!hasBF16 || autoReadsBF16 || answers.contains("--precision bf16"), "says how to ask for bf16: \(answers)")
    let bad = try run("rmt-tool", ["bench", "--config", "tiny", "--precision", "fp16"])
    #expect(bad.status != 0 && bad.status < 128 && bad.stderr.contains("fp16"), "\(bad.stderr)")
    // bench --train: bf16 is mixed-precision training on the AVX512-BF16 kernel (refused without it).
    let train = try run("rmt-tool", ["bench", "--config", "tiny", "--train", "--batch", "1", "--segments", "1", "--steps", "1",
                                     "--warmup", "0", "--precision", "bf16"])
    if hasBF16 {
        #expect(train.status == 0, "\(train.stderr)")
        #expect((json(train.stdout)["kernels"] as? String)?.hasSuffix(",precision=fp32,training=bf16-avx512-12x32") == true, "\(train.stdout)")
    } else {
        #expect(train.status == 1 && isOneLine(train.stderr) && train.stderr.contains("lacks AVX512-BF16"), "\(train.stderr)")
    }
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

@Test func evalAutoReadsInBF16WhereItOutrunsFP32AndContinuesALedgerInItsOwnPrecision() throws {
    let dir = try scratchFolder("eval-auto-precision")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("rooms")
    let made = try createTinyModel(at: model, segmentLength: 32)
    #expect(made.status == 0, "\(made.stderr)")
    func header(_ ledger: URL) throws -> [String: Any] {
        json(String(try String(contentsOf: ledger, encoding: .utf8).split(separator: "\n").first ?? ""))
    }
    let eval = ["eval", "--model", model.path, "--task", "memorize", "--samples", "2", "--batch-size", "2", "--json"]
    // A new ledger under auto: written in bf16 where bf16 outruns fp32 here, else fp32 (no field).
    let fresh = dir.appendingPathComponent("auto.jsonl")
    let a = try run("rmt-train", eval + ["--segments", "1", "--ledger", fresh.path])
    #expect(a.status == 0, "\(a.stderr)")
    let freshHeader = try header(fresh)
    #expect(freshHeader["precision"] as? String == (autoReadsBF16 ? "bf16" : nil), "\(freshHeader)")
    if hasBF16 {  // A bf16 ledger continues in bf16 under auto, even where auto would start one in fp32.
        let bf16 = dir.appendingPathComponent("bf16.jsonl")
        let e = try run("rmt-train", eval + ["--segments", "1", "--ledger", bf16.path, "--precision", "bf16"])
        #expect(e.status == 0, "\(e.stderr)")
        let f = try run("rmt-train", eval + ["--segments", "1,2", "--ledger", bf16.path])
        #expect(f.status == 0, "auto continues the bf16 ledger: \(f.stderr)")
        #expect(try header(bf16)["precision"] as? String == "bf16")
        let continued = f.stdout.split(separator: "\n").map { json(String($0)) }
        #expect(continued.count == 2 && continued.allSatisfy { $0["samples"] as? Int == 2 }, "\(f.stdout)")
    }
    // An fp32 ledger (as every ledger before auto chose bf16) continues in fp32 under auto.
    let old = dir.appendingPathComponent("fp32.jsonl")
    let b = try run("rmt-train", eval + ["--segments", "1", "--ledger", old.path, "--precision", "fp32"])
    #expect(b.status == 0, "\(b.stderr)")
    let c = try run("rmt-train", eval + ["--segments", "1,2", "--ledger", old.path])
    #expect(c.status == 0, "auto continues the fp32 ledger: \(c.stderr)")
    let oldHeader = try header(old)
    #expect(oldHeader["precision"] == nil, "\(oldHeader)")
    let rows = c.stdout.split(separator: "\n").map { json(String($0)) }
    #expect(rows.count == 2 && rows.allSatisfy { $0["samples"] as? Int == 2 }, "\(c.stdout)")
    if hasBF16 {  // and asking for the other precision is refused as another evaluation
        let d = try run("rmt-train", eval + ["--segments", "1", "--ledger", old.path, "--precision", "bf16"])
        #expect(d.status == 1 && d.stderr.contains("records another evaluation") && isOneLine(d.stderr), "\(d.stderr)")
    }
}

@Test func rmtTrainPrecisionBF16TrainsInMixedPrecisionOrIsRefused() throws {
    let dir = try scratchFolder("train-bf16")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("rooms")
    let made = try createTinyModel(at: model, segmentLength: 32)
    #expect(made.status == 0, "\(made.stderr)")
    let out = dir.appendingPathComponent("run")
    let args = ["--model", model.path, "--task", "memorize", "--max-segments", "1", "--max-steps-per-stage", "2",
                "--eval-every", "2", "--eval-samples", "2", "--batch-size", "2", "--out", out.path, "--precision", "bf16"]
    let r = try run("rmt-train", args)
    if hasBF16 {
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("mixed precision (bf16-avx512-12x32)"), "\(r.stderr)")
        // The precision is the process's arithmetic, not the run's identity: resuming in fp32 is allowed.
        let resumed = try run("rmt-train", ["--resume", "--out", out.path, "--precision", "fp32"])
        #expect(resumed.status == 0 && !resumed.stderr.contains("mixed precision"), "\(resumed.stderr)")
    } else {
        #expect(r.status == 1 && isOneLine(r.stderr) && r.stderr.contains("lacks AVX512-BF16"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "refused before the run folder is made")
    }
    let plain = try run("rmt-train", Array(args.dropLast(2)) + ["--overwrite"])
    #expect(plain.status == 0 && !plain.stderr.contains("mixed precision"), "auto trains in fp32: \(plain.stderr)")
}
