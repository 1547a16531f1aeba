// rmt-tool bench --against-unfused: what the fused forward kernels (ComputeOptions.fused:
// attention per head over row blocks, bias + GELU, residual + LayerNorm) buy, as an A/B in one
// process — the same encoder and segment, one forward fused then one unfused, alternating, so a
// busy machine slows both alike. Prints one JSON line: both medians (wall and CPU ms per
// segment) and the median of the per-pair ratios unfused / fused (the speedup).
import Foundation
import RMT
import RMTCommandLine

extension Bench {
    func runAgainstUnfused() throws {
        let pairs = segments ?? 20, warmup = self.warmup ?? 3
        let compute = try ComputeOptions.fromEnvironment(tool: "rmt-tool")
        let cfg = try benchConfig(textTokens: seqLen, positions: seqLen)
        let encoder = BertEncoder(config: cfg, seed: 1)
        let acts = BertActivations(config: cfg, batchCapacity: 1, seqCapacity: seqLen, keepAllLayers: false)
        var rng = SplitMix64(seed: 2)
        let ids = (0..<seqLen).map { _ in Int32(rng.next() % UInt64(cfg.vocabSize)) }
        var wall: [[Double]] = [[], []], cpu: [[Double]] = [[], []]  // [fused, unfused]
        for i in 0..<(warmup + pairs) {
            for (k, fused) in [true, false].enumerated() {
                encoder.compute = compute
                encoder.compute.fused = fused
                let t0 = DispatchTime.now().uptimeNanoseconds, c0 = processCPUSeconds()
                try encoder.gatherWordEmbeddings(acts, ids: ids, batch: 1, seqLen: seqLen)
                try encoder.forward(acts)
                let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
                if i >= warmup { wall[k].append(dt); cpu[k].append((processCPUSeconds() - c0) * 1000) }
            }
        }
        func median(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }
        let speedup = median(zip(wall[1], wall[0]).map { $0 / $1 })
        var fusedOptions = compute
        fusedOptions.fused = true
        let result: [(String, JSONLine.Value)] = [
            ("impl", .string("swift")), ("bench", .string("fused-ab")), ("config", .string(configName)),
            ("seq_len", .int(seqLen)), ("pairs", .int(pairs)),
            ("ms_fused", .fixed(median(wall[0]))), ("ms_unfused", .fixed(median(wall[1]))),
            ("cpu_ms_fused", .fixed(median(cpu[0]))), ("cpu_ms_unfused", .fixed(median(cpu[1]))),
            ("speedup", .fixed(speedup)), ("kernels", .string("\(fusedOptions.kernels)")), ("cpu", .string(CPUInfo.model)),
            ("threads", .int(compute.threads)),
        ]
        try JSONLine(result).print()
    }
}
