// rmt-tool bench: times the BERT encoder over 512-token segments (batch 1) and prints one
// JSON line — ms/segment (median; also the process's CPU ms per segment, all threads), tokens/s,
// GFLOP/s, the kernel set, CPU model, OpenBLAS core name and threads.
// Random weights (timing does not depend on values). Scripts/bench_torch.py runs the same
// shapes in PyTorch; Scripts/bench.sh runs both in one go.
//
// rmt-tool bench --train: times one full RMT training step — forward over every segment,
// BPTT backward through the memory, gradient clipping (global norm 1) and an AdamW update —
// on a random small/base RMT (10 memory tokens, 499-token segments of random tokens,
// 6 labels) and prints one JSON line: ms/step (median), tokens/s (= batch × segments × 512
// / step), the split of the step into forward+backward, clipping and AdamW, and peak RSS.
// Scripts/bench_train_torch.py is the PyTorch reference. See Docs/benchmarks.md.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the encoder on 512-token segments (or, with --train, one RMT training step) and print one JSON line.")

    @Option(help: "Model size: tiny, small (4×256) or base (12×768).")
    var config: BertConfig.Preset = .small

    @Option(help: "A model folder (Hugging Face BERT or RMT): time an encoder of its config.json's shapes (random weights) instead of --config.")
    var model: String?

    @Option(help: "Inference: number of timed segments (default 20). With --train: segments per document (default 4).")
    var segments: Int?

    @Option(help: "Untimed warm-up segments (inference, default 3) or steps (--train, default 1).")
    var warmup: Int?

    @Option(help: "Tokens per segment (inference only).")
    var seqLen: Int = 512

    @Flag(help: "Time a full training step (forward, BPTT backward, clipping, AdamW) instead of inference.")
    var train = false

    @Option(help: "Training: documents per batch.")
    var batch: Int = 4

    @Option(help: "Training: timed steps.")
    var steps: Int = 5

    @Option(help: "Training: gradient flow through the memory: full, memory-efficient or truncated:K.")
    var bptt = BPTTModeArgument(.full)

    @Option(help: ArgumentHelp(PositionSchemeArgument.help))
    var position = PositionSchemeArgument.absolute

    @Option(help: "Logit temperature: none, per_head, log_n or per_head_log_n.")
    var positionTemperature: String?

    @Flag(help: "Time the --position scheme (and/or --associative memory) against plain absolute positions, alternating in one process (--steps pairs); prints the overhead.")
    var againstAbsolute = false

    @Option(help: ArgumentHelp("With --against-absolute: give the timed model an associative memory with key size D (Docs/associative-memory.md).",
                               valueName: "D"))
    var associative: Int?

    @Option(help: ArgumentHelp("With --associative: which rows write, memory or all (AssociativeSettings.WriteRows). (default: memory)",
                               valueName: "memory|all"))
    var associativeWrite: AssociativeSettings.WriteRows?

    @Option(help: ArgumentHelp(PrecisionArgument.help + " With --train: bf16 is mixed-precision training (rmt-train --precision bf16), auto is fp32."))
    var precision: Precision = .auto

    @Flag(help: "Time the fused forward kernels against the unfused ones (RMT_FUSED=0), alternating segment by segment in one process; prints both medians and the speedup.")
    var againstUnfused = false

    /// The --model folder's config.json, or the --config preset.
    func baseConfig() throws -> BertConfig {
        try model.map { try BertConfig.load(contentsOf: requireFile(URL(fileURLWithPath: $0), "config.json")) }
            ?? BertConfig.preset(config)
    }

    /// The base config with the chosen position scheme, for segments of S text tokens in T positions.
    func benchConfig(textTokens S: Int, positions T: Int) throws -> BertConfig {
        var c = try baseConfig().withPosition(try PositionSettings.fromCommandLine(
            scheme: position.name, temperature: positionTemperature, textTokens: S, positions: T))
        if let associative = associativeSettings {
            c.associative = associative
            try c.validate(source: "--associative")
        }
        return c
    }

    /// The --associative memory the timed model gets (nil: none).
    var associativeSettings: AssociativeSettings? {
        associative.map { AssociativeSettings(keySize: $0, write: associativeWrite ?? .memory) }
    }

    /// The JSON lines' "config": the model folder, or the preset's name.
    var configName: String { model ?? config.rawValue }

    func validate() throws {
        if let s = segments, s < 1 { throw ValidationError("--segments must be at least 1") }
        if let w = warmup, w < 0 { throw ValidationError("--warmup must not be negative") }
        guard (1...512).contains(seqLen) else { throw ValidationError("--seq-len must be in 1...512") }
        try AssociativeSettings.WriteRows.check(associativeWrite, associative: associative)
        if associative != nil && !againstAbsolute {
            throw ValidationError("--associative times the associative memory's cost: use it with --against-absolute")
        }
        if againstUnfused && (train || againstAbsolute) {
            throw ValidationError("--against-unfused times inference only; drop --train and --against-absolute")
        }
        if againstAbsolute {
            guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
            guard position != .absolute || positionTemperature != nil || associative != nil else {
                throw ValidationError("--against-absolute compares a --position scheme (or --position-temperature, or an --associative memory) with absolute positions")
            }
        }
        if train {
            guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
            guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
            _ = try bpttMode()
        }
    }

    func bpttMode() throws -> BPTTMode { bptt.mode }

    func run() throws {
        if againstAbsolute { try runAgainstAbsolute(); return }
        if againstUnfused { try runAgainstUnfused(); return }
        if train { try runTrain() } else { try runInference() }
    }

    func runInference() throws {
        let segments = self.segments ?? 20, warmup = self.warmup ?? 3
        let cfg = try benchConfig(textTokens: seqLen, positions: seqLen)
        var compute = try ComputeOptions.fromEnvironment(tool: "rmt-tool")
        try ErrorReporter.run("rmt-tool") { compute = try compute.with(precision: precision) }
        let encoder = BertEncoder(config: cfg, seed: 1)
        encoder.compute = compute
        let acts = BertActivations(config: cfg, batchCapacity: 1, seqCapacity: seqLen, keepAllLayers: false)
        var rng = SplitMix64(seed: 2)
        let ids = (0..<seqLen).map { _ in Int32(rng.next() % UInt64(cfg.vocabSize)) }
        var times: [Double] = [], cpuTimes: [Double] = []
        times.reserveCapacity(segments)  // no allocation inside the timed loop but the encoder's
        cpuTimes.reserveCapacity(segments)  // (Scripts/count-allocations.sh counts those)
        for i in 0..<(warmup + segments) {
            let t0 = DispatchTime.now().uptimeNanoseconds, c0 = processCPUSeconds()
            try encoder.gatherWordEmbeddings(acts, ids: ids, batch: 1, seqLen: seqLen)
            try encoder.forward(acts)
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            if i >= warmup { times.append(dt); cpuTimes.append(processCPUSeconds() - c0) }
        }
        let median = times.sorted()[times.count / 2]
        let flops = encoderFLOPs(cfg, seqLen: seqLen)
        let result: [(String, JSONLine.Value)] = [
            ("impl", .string("swift")), ("config", .string(configName)), ("position", .string(position.name)),
            ("seq_len", .int(seqLen)),
            ("segments", .int(segments)), ("ms_per_segment", .fixed(median * 1000)),
            ("ms_min", .fixed(times.min()! * 1000)),
            ("cpu_ms_per_segment", .fixed(cpuTimes.sorted()[cpuTimes.count / 2] * 1000)),
            ("tokens_per_second", .fixed(Double(seqLen) / median)), ("gflops", .fixed(flops / median / 1e9)),
            ("kernels", .string("\(compute.kernels)")), ("cpu", .string(CPUInfo.model)),
            ("blas_core", .string(BLAS.coreName)), ("blas_threads", .int(BLAS.threadCount)),
            ("threads", .int(compute.threads)),
        ]
        try JSONLine(result).print()
    }

    func runTrain() throws {
        let N = segments ?? 4, warmup = self.warmup ?? 1, B = batch
        let mode = try bpttMode()
        let labelNames = Array(defaultLabels.prefix(6))  // Scripts/bench_train_torch.py: LABELS = 6
        let cfg = try benchConfig(textTokens: 499, positions: 512)
        // A synthetic vocabulary of the preset's size: the tokenizer is not used, only the ids.
        let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        let vocabulary = try Vocabulary(tokens: specials + (specials.count..<cfg.vocabSize).map { "w\($0)" })
        let settings = RMTSettings(memoryTokens: 10, segmentLength: 499, labels: labelNames)
        var compute = try ComputeOptions.fromEnvironment(tool: "rmt-tool")
        try ErrorReporter.run("rmt-tool") { compute = try compute.training(precision: precision) }
        let model = try RecurrentMemoryModel(config: cfg, settings: settings,
                                             tokenizer: BertTokenizer(vocabulary: vocabulary), seed: 1)
        model.compute = compute
        let engine = BPTTEngine(model: model, batchCapacity: B, mode: mode)
        let optimizer = AdamW(layout: model.parameters.layout, settings: AdamWSettings(weightDecay: 0.01))
        var rng = SplitMix64(seed: 2)
        let S = settings.segmentLength, V = UInt64(cfg.vocabSize - specials.count)
        func randomBatch() -> SegmentBatch {
            let contents = (0..<N).map { _ in
                (0..<B).map { _ in (0..<S).map { _ in Int32(specials.count) + Int32(rng.next() % V) } }
            }
            return SegmentBatch(contents: contents, labels: (0..<B).map { _ in Int32(rng.next() % UInt64(labelNames.count)) })
        }
        var total: [Double] = [], fb: [Double] = [], clip: [Double] = [], adam: [Double] = []
        // No allocation in the loop but the step's own (Scripts/count-allocations.sh counts those).
        total.reserveCapacity(steps); fb.reserveCapacity(steps); clip.reserveCapacity(steps); adam.reserveCapacity(steps)
        let batches = (0..<(warmup + steps)).map { _ in randomBatch() }  // built before the loop
        var loss: Float = 0
        for i in 0..<(warmup + steps) {
            let data = batches[i]
            let t0 = DispatchTime.now().uptimeNanoseconds
            engine.gradients.storage.zero()
            let result = try engine.lossAndGradients(data)
            let t1 = DispatchTime.now().uptimeNanoseconds
            clipGradients(engine.gradients, maxNorm: 1.0, maxValue: nil, compute: model.compute)
            let t2 = DispatchTime.now().uptimeNanoseconds
            optimizer.update(parameters: model.parameters, gradients: engine.gradients, learningRate: 1e-4, compute: model.compute)
            model.parameters.projectPositionParameters(model.config)
            let t3 = DispatchTime.now().uptimeNanoseconds
            loss = result.loss
            if i >= warmup {
                total.append(Double(t3 - t0) / 1e9)
                fb.append(Double(t1 - t0) / 1e9)
                clip.append(Double(t2 - t1) / 1e9)
                adam.append(Double(t3 - t2) / 1e9)
            }
        }
        func median(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }
        let T = settings.positionsPerSegment
        let step = median(total)
        let result: [(String, JSONLine.Value)] = [
            ("impl", .string("swift")), ("bench", .string("train")), ("config", .string(configName)),
            ("position", .string(position.name)),
            ("bptt", .string("\(BPTTModeArgument(mode))")), ("segments", .int(N)), ("batch", .int(B)), ("seq_len", .int(T)),
            ("steps", .int(steps)), ("ms_per_step", .fixed(step * 1000)), ("ms_min", .fixed(total.min()! * 1000)),
            ("tokens_per_second", .fixed(Double(B * N * T) / step)),
            ("ms_forward_backward", .fixed(median(fb) * 1000)), ("ms_clip", .fixed(median(clip) * 1000)),
            ("ms_adamw", .fixed(median(adam) * 1000)), ("loss", .fixed(Double(loss))),
            ("parameters", .int(model.parameters.layout.count)), ("max_rss_kib", .int(peakRSSKiB())),
            ("kernels", .string("\(compute.kernels)")), ("cpu", .string(CPUInfo.model)),
            ("blas_core", .string(BLAS.coreName)), ("blas_threads", .int(BLAS.threadCount)),
            ("threads", .int(compute.threads)),
        ]
        try JSONLine(result).print()
    }
}

/// CPU seconds used by every thread of this process so far (CLOCK_PROCESS_CPUTIME_ID): on a
/// shared, overloaded machine, work per segment without the time spent waiting for a core.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Peak resident set size of this process in KiB (getrusage; Linux reports KiB).
func peakRSSKiB() -> Int {
    var usage = rusage()
    #if canImport(Darwin)
    getrusage(RUSAGE_SELF, &usage)
    return Int(usage.ru_maxrss) / 1024
    #else
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss)
    #endif
}

/// Floating-point operations of one encoder forward over `seqLen` tokens (multiply-add = 2).
func encoderFLOPs(_ c: BertConfig, seqLen T: Int) -> Double {
    let C = Double(c.hiddenSize), F = Double(c.intermediateSize), t = Double(T)
    let perLayer = 2 * t * C * 3 * C + 2 * 2 * t * t * C + 2 * t * C * C + 2 * 2 * t * C * F
    return perLayer * Double(c.numHiddenLayers)
}
