// rmt-tool bench --position SCHEME --against-absolute: the cost of a position scheme (and/or, with
// --associative D, of the associative memory) measured as an A/B in one process — an
// absolute-position RMT and the same RMT with the scheme (and/or memory), same
// seed and shapes (10 memory tokens, 499-token segments, T = 512), timed alternately step by
// step, so a busy machine slows both alike. Prints one JSON line with both medians and the
// median of the per-pair ratios (the overhead), in wall time and in the process's CPU time (all
// threads; the workers park rather than spin, so CPU time is work done, and a loaded machine
// inflates it far less than wall time). Inference: one segment step (batch 1);
// --train: a full training step (forward, BPTT backward, clipping, AdamW).
import Foundation
import RMT
import RMTCommandLine

extension Bench {
    func runAgainstAbsolute() throws {
        let pairs = steps, warmup = self.warmup ?? 1, B = train ? batch : 1, N = train ? (segments ?? 2) : 1
        let mode = try bpttMode()
        let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        let base = try baseConfig()
        let vocabulary = try Vocabulary(tokens: specials + (specials.count..<base.vocabSize).map { "w\($0)" })
        let settings = RMTSettings(memoryTokens: 10, segmentLength: 499, labels: defaultLabels)
        let configs = [base, try benchConfig(textTokens: 499, positions: settings.positionsPerSegment)]
        let compute = try ComputeOptions.fromEnvironment(tool: "rmt-tool")
        let models = try configs.map {
            try RecurrentMemoryModel(config: $0, settings: settings, tokenizer: BertTokenizer(vocabulary: vocabulary), seed: 1)
        }
        for model in models { model.compute = compute }
        var rng = SplitMix64(seed: 2)
        let V = UInt64(base.vocabSize - specials.count)
        let contents = (0..<N).map { _ in (0..<B).map { _ in (0..<499).map { _ in Int32(specials.count) + Int32(rng.next() % V) } } }
        let data = SegmentBatch(contents: contents, labels: (0..<B).map { Int32($0 % defaultLabels.count) })

        // One timed unit per model: a training step, or one inference segment step.
        var units: [() throws -> Void] = []
        for model in models {
            if train {
                let engine = BPTTEngine(model: model, batchCapacity: B, mode: mode)
                let optimizer = AdamW(layout: model.parameters.layout, settings: AdamWSettings(weightDecay: 0.01))
                units.append {
                    engine.gradients.storage.zero()
                    _ = try engine.lossAndGradients(data)
                    clipGradients(engine.gradients, maxNorm: 1.0, maxValue: nil, compute: model.compute)
                    optimizer.update(parameters: model.parameters, gradients: engine.gradients, learningRate: 1e-6, compute: model.compute)
                    model.parameters.projectPositionParameters(model.config)
                }
            } else {
                let processor = SegmentProcessor(model: model, batchCapacity: 1)
                var memory = processor.initialMemory(batch: 1)
                units.append {
                    try memory.withUnsafeMutableBufferPointer { try processor.step(contents: contents[0], memory: $0.baseAddress!) }
                }
            }
        }
        var times: [[Double]] = [[], []], cpuTimes: [[Double]] = [[], []]  // (2, pairs) ms: absolute, scheme
        for i in 0..<(warmup + pairs) {
            for k in (i % 2 == 0 ? [0, 1] : [1, 0]) {  // alternate which goes first
                let t0 = DispatchTime.now().uptimeNanoseconds, c0 = processCPUSeconds()
                try units[k]()
                if i >= warmup {
                    times[k].append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                    cpuTimes[k].append((processCPUSeconds() - c0) * 1e3)
                }
            }
        }
        func median(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }
        let ratios = zip(times[1], times[0]).map { $0 / $1 }, cpuRatios = zip(cpuTimes[1], cpuTimes[0]).map { $0 / $1 }
        let result: [(String, JSONLine.Value)] = [
            ("impl", .string("swift")), ("bench", .string(train ? "train-ab" : "inference-ab")), ("config", .string(configName)),
            ("position", .string(position.name)), ("temperature", .string(positionTemperature ?? "none")),
            ("associative_key_size", .int(associative ?? 0)),  // 0: none
            ("associative_write", .string(associativeSettings?.write.rawValue ?? "none")),
            ("seq_len", .int(settings.positionsPerSegment)), ("batch", .int(B)), ("segments", .int(N)), ("pairs", .int(pairs)),
            ("ms_absolute", .fixed(median(times[0]))), ("ms_scheme", .fixed(median(times[1]))),
            ("overhead_percent", .fixed(100 * (median(ratios) - 1))),
            ("overhead_percent_min_ratio", .fixed(100 * (times[1].min()! / times[0].min()! - 1))),
            ("cpu_ms_absolute", .fixed(median(cpuTimes[0]))), ("cpu_ms_scheme", .fixed(median(cpuTimes[1]))),
            ("cpu_overhead_percent", .fixed(100 * (median(cpuRatios) - 1))),
            ("kernels", .string("\(compute.kernels)")), ("threads", .int(compute.threads)),
        ]
        try JSONLine(result).print()
    }
}
