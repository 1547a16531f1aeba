// rmt-tool and rmt-train on bad input: one-line errors naming the file, non-zero exits.
import Foundation
import Testing
import RMT
import RMTTestSupport

@Test func inspectAndTokenizeRejectCorruptFiles() throws {
    let dir = try scratchFolder("tool")
    defer { try? FileManager.default.removeItem(at: dir) }
    let bad = dir.appendingPathComponent("bad.safetensors")
    try Data([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x7B]).write(to: bad)
    let r1 = try run("rmt-tool", ["inspect", bad.path])
    #expect(r1.status == 1 && r1.stderr.contains(bad.path) && isOneLine(r1.stderr), "\(r1.stderr)")
    let vocab = dir.appendingPathComponent("vocab.txt")
    try Data("[PAD]\n[UNK]\n\nhello\n".utf8).write(to: vocab)
    let r2 = try run("rmt-tool", ["tokenize", "--vocab", vocab.path], stdin: Data("hello\n".utf8))
    #expect(r2.status != 0 && r2.stderr.contains(vocab.path) && isOneLine(r2.stderr), "\(r2.stderr)")
    let good = try run("rmt-tool", ["inspect", fixture("tiny-rmt").path])
    #expect(good.status == 0 && good.stdout.contains("rmt.memory_embeddings"))
}

@Test func inspectStatsGivesEachTensorsRmsAndLargestValue() throws {
    let dir = try scratchFolder("inspect-stats")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("w.safetensors")
    var w = SafetensorsWriter(metadata: [:])
    try w.add("layer.value.weight", shape: [2, 2], floats: [3, -4, 0, 0])   // rms √(25/4) = 2.5, max 4
    try w.addFloat16("layer.key.weight", shape: [2], floats: [1, -1])       // rms 1, max 1
    try w.add("positions", shape: [2], int64s: [0, 1])                      // not floating: no stats
    try w.write(to: file)
    let r = try run("rmt-tool", ["inspect", file.path, "--stats"])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.contains("layer.value.weight") && $0.contains("rms 2.5  max|x| 4") }, "\(r.stdout)")
    #expect(lines.contains { $0.contains("layer.key.weight") && $0.contains("rms 1  max|x| 1") }, "\(r.stdout)")
    #expect(lines.contains { $0.contains("positions") && !$0.contains("rms") }, "\(r.stdout)")
    let only = try run("rmt-tool", ["inspect", file.path, "--stats", "--match", "value"])
    #expect(only.status == 0 && only.stdout.contains("layer.value.weight") && !only.stdout.contains("layer.key.weight")
            && only.stdout.contains("tensors: 1 (of 3"), "\(only.stdout)")
    let none = try run("rmt-tool", ["inspect", file.path, "--match", "nothing"])
    #expect(none.status == 1 && isOneLine(none.stderr) && none.stderr.contains("no tensor name contains"), "\(none.stderr)")
}

@Test func trainRejectsImpossibleFlagsAndBadInputs() throws {
    let dir = try scratchFolder("train")
    defer { try? FileManager.default.removeItem(at: dir) }
    let tiny = fixture("tiny-rmt").path
    for (args, phrase) in [(["--model", tiny, "--max-segments", "0"], "--max-segments"),
                           (["--model", tiny, "--start-segments", "3", "--max-segments", "2"], "greater than"),
                           (["--model", tiny, "--target-accuracy", "1.5"], "--target-accuracy"),
                           (["--model", tiny, "--preset", "tiny"], "exactly one")] {
        let r = try run("rmt-train", args + ["--out", dir.appendingPathComponent("o").path])
        #expect(r.status != 0 && r.stderr.contains(phrase), "\(args): \(r.stderr)")
    }
    let r1 = try run("rmt-train", ["--resume", "--out", dir.path])
    #expect(r1.status == 1 && r1.stderr.contains("no checkpoint") && isOneLine(r1.stderr), "\(r1.stderr)")
    // A model whose labels are the rooms of the memory tasks.
    let rooms = dir.appendingPathComponent("rooms")
    let made = try createTinyModel(at: rooms, segmentLength: 64)
    #expect(made.status == 0, "\(made.stderr)")
    let r2 = try run("rmt-train", ["--model", rooms.path, "--noise", dir.appendingPathComponent("nope.txt").path, "--out", dir.appendingPathComponent("o").path])
    #expect(r2.status == 1 && r2.stderr.contains("nope.txt") && isOneLine(r2.stderr), "\(r2.stderr)")
    let short = dir.appendingPathComponent("short.txt")
    try Data("Too little text. Far too little.".utf8).write(to: short)
    let r3 = try run("rmt-train", ["--model", rooms.path, "--noise", short.path, "--out", dir.appendingPathComponent("o").path])
    #expect(r3.status == 1 && r3.stderr.contains("short.txt") && isOneLine(r3.stderr), "\(r3.stderr)")
}

@Test func exportWritesAFloat16FolderThatAnswersTheSame() throws {
    let dir = try scratchFolder("export")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("half")
    let r = try run("rmt-tool", ["export", fixture("tiny-rmt").path, "--out", out.path, "--float16", "--metadata", "run=test"])
    #expect(r.status == 0, "\(r.stderr)")
    let inspected = try run("rmt-tool", ["inspect", out.path])
    #expect(inspected.stdout.contains("F16") && inspected.stdout.contains("run=test"), "\(inspected.stdout)")
    let text = dir.appendingPathComponent("doc.txt")
    try Data(String(repeating: "Mary went to the garden. The weather was mild. ", count: 40).utf8).write(to: text)
    func answer(_ model: String) throws -> [String: Any] {
        let a = try run("rmt-ask", [text.path, "-q", "Where is Mary?", "--model", model, "--json"])
        #expect(a.status == 0, "\(a.stderr)")
        return try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as! [String: Any]
    }
    let full = try answer(fixture("tiny-rmt").path), half = try answer(out.path)
    #expect(full["answer"] as? String == half["answer"] as? String)
    #expect(abs((full["probability"] as! Double) - (half["probability"] as! Double)) < 0.01)
    let bad = try run("rmt-tool", ["export", fixture("tiny-rmt").path, "--out", out.path, "--metadata", "novalue"])
    #expect(bad.status != 0 && bad.stderr.contains("KEY=VALUE"))
}

@Test func sysinfoNamesTheCPUAndFollowsTheKernelSwitches() throws {
    func info(_ environment: [String: String]) throws -> [String: Any] {
        let r = try run("rmt-tool", ["sysinfo", "--json"], environment: environment)
        #expect(r.status == 0, "\(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    }
    let plain = try info([:])
    for key in ["cpu", "vendor", "features", "kernels", "gemm_available", "openblas_core", "openblas_config"] {
        #expect((plain[key] as? String).map { !$0.isEmpty } == true, "\(key): \(plain)")
    }
    let features = plain["features"] as? String ?? ""
    let kernels = plain["kernels"] as? String ?? ""
    // With AVX2+FMA the default GEMM is the own kernel, whatever OPENBLAS_CORETYPE says.
    #expect(kernels.hasPrefix(features.contains("avx2+fma") ? "gemm=own-" : "gemm=openblas"), "\(plain)")
    let forced = try info(["RMT_GEMM": "openblas", "OPENBLAS_CORETYPE": "Prescott"])
    #expect((forced["kernels"] as? String)?.hasPrefix("gemm=openblas,") == true, "\(forced)")
    #expect((forced["environment"] as? [String: String])?["RMT_GEMM"] == "openblas")
    let portable = try info(["RMT_VECTOR": "swift"])
    #expect(portable["kernels"] as? String == "gemm=openblas,rows=swift,precision=fp32", "\(portable)")
    let text = try run("rmt-tool", ["sysinfo"])
    #expect(text.status == 0 && text.stdout.contains("kernels") && text.stdout.contains(plain["cpu"] as? String ?? "?"))
}

@Test func benchAndProfileNameTheKernelSet() throws {
    let r = try run("rmt-tool", ["bench", "--config", "tiny", "--segments", "1", "--warmup", "0", "--seq-len", "16"],
                    environment: ["RMT_GEMM": "openblas"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    #expect((json["kernels"] as? String)?.hasPrefix("gemm=openblas,rows=") == true, "\(r.stdout)")
    #expect((json["cpu"] as? String).map { !$0.isEmpty } == true && json["cpu_ms_per_segment"] is Double, "\(r.stdout)")
    let p = try run("rmt-tool", ["profile", "--config", "tiny", "--repeats", "1"])
    #expect(p.status == 0 && p.stdout.hasPrefix("kernels gemm="), "\(p.stdout)")
    // --repeats 0 trapped (SIGILL) before it was validated; found by Scripts/fuzz_cli.py.
    for bad in ["0", "1001"] {
        let refused = try run("rmt-tool", ["profile", "--config", "tiny", "--repeats", bad])
        #expect(refused.status != 0 && refused.status < 128 && refused.stderr.contains("--repeats must be in 1...1000"), "\(refused.stderr)")
    }
}

@Test func benchTimesFusedAgainstUnfusedAndProfileSplitsOffTheGEMMs() throws {
    let r = try run("rmt-tool", ["bench", "--config", "tiny", "--against-unfused", "--segments", "2", "--warmup", "0", "--seq-len", "16"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    for key in ["ms_fused", "ms_unfused", "cpu_ms_fused", "cpu_ms_unfused", "speedup"] {
        #expect((json[key] as? Double).map { $0 > 0 } == true, "\(key): \(r.stdout)")
    }
    #expect(json["bench"] as? String == "fused-ab")
    let refused = try run("rmt-tool", ["bench", "--config", "tiny", "--against-unfused", "--train"])
    #expect(refused.status != 0 && refused.stderr.contains("--against-unfused times inference only"), "\(refused.stderr)")
    for fused in ["1", "0"] {
        let p = try run("rmt-tool", ["profile", "--config", "tiny", "--repeats", "1"], environment: ["RMT_FUSED": fused])
        #expect(p.status == 0 && p.stdout.contains("of which GEMMs (projections + attention products)"), "\(p.stdout)")
        // The summed rows are the path the options pick: fused epilogues or the separate kernels.
        let summed = p.stdout.split(separator: "\n").filter { $0.hasPrefix("bias+gelu") }.first ?? ""
        let calls = summed.split(separator: " ").filter { !$0.isEmpty }.dropFirst(4).first  // name, shape, "(+copy)", ms, calls
        #expect(calls == (fused == "1" ? "2" : "0"), "\(summed)")
    }
}

/// --model: bench and profile take a model folder's shapes (config.json) instead of a preset;
/// --cpu-time times the profile on the process's CPU clock; a folder without config.json is a
/// one-line error.
@Test func benchAndProfileTakeAModelFoldersShapes() throws {
    let folder = fixture("tiny-bert").path
    let p = try run("rmt-tool", ["profile", "--model", folder, "--cpu-time", "--repeats", "1"])
    #expect(p.status == 0, "\(p.stderr)")
    #expect(p.stdout.contains("\(folder): 2×32, 4 heads of 8, FFN 37, 512 positions"), "\(p.stdout)")
    #expect(p.stdout.contains("CPU time of all threads") && p.stdout.contains("linear ffn-in 32→37"), "\(p.stdout)")
    let b = try run("rmt-tool", ["bench", "--model", folder, "--segments", "1", "--warmup", "0", "--seq-len", "16"])
    #expect(b.status == 0, "\(b.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(b.stdout.utf8)) as? [String: Any] ?? [:]
    #expect(json["config"] as? String == folder, "\(b.stdout)")
    #expect((json["gflops"] as? Double).map { $0 > 0 } == true, "\(b.stdout)")
    let missing = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-no-model-\(UUID().uuidString)").path
    for command in [["profile", "--model", missing], ["bench", "--model", missing]] {
        let r = try run("rmt-tool", command)
        #expect(r.status != 0 && r.stderr.contains(missing) && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    }
}

@Test func benchTokenizerBoundsItsRepeatCount() throws {
    let vocab = fixture("tiny-rmt").appendingPathComponent("vocab.txt").path
    let ok = try run("rmt-tool", ["bench-tokenizer", "--vocab", vocab, "--text", vocab, "--repeat", "1"])
    #expect(ok.status == 0 && ok.stdout.contains("\"repeat\":1"), "\(ok.stderr)")
    for bad in ["0", "1001", "2147483648"] {  // the last ran for days in the fuzz pass
        let refused = try run("rmt-tool", ["bench-tokenizer", "--vocab", vocab, "--text", vocab, "--repeat", bad])
        #expect(refused.status != 0 && refused.status < 128 && refused.stderr.contains("--repeat must be in 1...1000"), "\(refused.stderr)")
    }
}
