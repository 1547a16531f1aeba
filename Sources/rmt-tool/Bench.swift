// rmt-tool bench: times the BERT encoder over 512-token segments (batch 1) and prints one
// JSON line — ms/segment (median), tokens/s, GFLOP/s, OpenBLAS core name and threads.
// Random weights (timing does not depend on values). Scripts/bench_torch.py runs the same
// shapes in PyTorch; Scripts/bench.sh runs both in one go.
import ArgumentParser
import Foundation
import RMT

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the encoder on 512-token segments and print one JSON line.")

    @Option(help: "Model size: tiny, small (4×256) or base (12×768).")
    var config: BertConfig.Preset = .small

    @Option(help: "Number of timed segments.")
    var segments: Int = 20

    @Option(help: "Untimed warm-up segments.")
    var warmup: Int = 3

    @Option(help: "Tokens per segment.")
    var seqLen: Int = 512

    func validate() throws {
        guard segments >= 1 else { throw ValidationError("--segments must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
        guard (1...512).contains(seqLen) else { throw ValidationError("--seq-len must be in 1...512") }
    }

    func run() throws {
        let cfg = BertConfig.preset(config)
        let encoder = BertEncoder(config: cfg, seed: 1)
        let acts = BertActivations(config: cfg, batchCapacity: 1, seqCapacity: seqLen, keepAllLayers: false)
        var rng = SplitMix64(seed: 2)
        let ids = (0..<seqLen).map { _ in Int32(rng.next() % UInt64(cfg.vocabSize)) }
        var times: [Double] = []
        for i in 0..<(warmup + segments) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try encoder.gatherWordEmbeddings(acts, ids: ids, batch: 1, seqLen: seqLen)
            try encoder.forward(acts)
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            if i >= warmup { times.append(dt) }
        }
        let median = times.sorted()[times.count / 2]
        let flops = encoderFLOPs(cfg, seqLen: seqLen)
        let result: [(String, String)] = [
            ("impl", "\"swift\""), ("config", "\"\(config.rawValue)\""), ("seq_len", "\(seqLen)"),
            ("segments", "\(segments)"), ("ms_per_segment", fmt(median * 1000)),
            ("ms_min", fmt(times.min()! * 1000)),
            ("tokens_per_second", fmt(Double(seqLen) / median)), ("gflops", fmt(flops / median / 1e9)),
            ("blas_core", "\"\(BLAS.coreName)\""), ("blas_threads", "\(BLAS.threadCount)"),
            ("threads", "\(Parallel.threadCount)"),
        ]
        print("{" + result.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
    }
}

/// Floating-point operations of one encoder forward over `seqLen` tokens (multiply-add = 2).
func encoderFLOPs(_ c: BertConfig, seqLen T: Int) -> Double {
    let C = Double(c.hiddenSize), F = Double(c.intermediateSize), t = Double(T)
    let perLayer = 2 * t * C * 3 * C + 2 * 2 * t * t * C + 2 * t * C * C + 2 * 2 * t * C * F
    return perLayer * Double(c.numHiddenLayers)
}

func fmt(_ x: Double) -> String { String(format: "%.3f", x) }

extension BertConfig.Preset: ExpressibleByArgument {}
