// PrecisionComparison: the same tokens read twice — once with the encoder's linear layers in fp32,
// once in bf16 — and how far apart the results are: the last hidden state of the first segment
// (every position; the last layer is not pruned) and the memory after the last segment. What
// `rmt-tool precision-check` prints; the evidence `--precision auto` waits for (Docs/Architecture.md).
import RMTKernels
import RMTModel

/// Max and mean absolute differences between an fp32 and a bf16 reading of the same tokens.
public struct PrecisionComparison: Sendable, Equatable {
    /// Positions of the first segment ([CLS] memory [SEP] text [SEP]) and segments read.
    public var positions: Int, segments: Int
    /// |h_bf16 − h_fp32| over the first segment's last hidden state (positions × hidden), and max |h_fp32|.
    public var hiddenMaxAbsError: Double, hiddenMeanAbsError: Double, hiddenMaxAbs: Double
    /// |m_bf16 − m_fp32| over the memory after `segments` segments, and max |m_fp32|.
    public var memoryMaxAbsError: Double, memoryMeanAbsError: Double, memoryMaxAbs: Double
    /// The kernel sets of the two readings (`KernelSet.description`).
    public var fp32Kernels: String, bf16Kernels: String
}

extension RecurrentMemoryModel {
    /// Reads `segments` segments of `tokens` (consecutive runs of the segment length, taken
    /// cyclically from `tokens`) from the initial memory twice: with `bf16` as given and with its
    /// precision set to fp32. The model's own `compute` is restored afterwards.
    /// - Throws: `ModelError` when `tokens` is empty, `segments` < 1, or `bf16` does not run the
    ///   linear layers in bf16 on this CPU (`linearBF16` is nil).
    public func comparePrecision(tokens: [Int32], segments: Int, bf16: ComputeOptions) throws -> PrecisionComparison {
        guard !tokens.isEmpty else { throw ModelError("precision check", "the text has no tokens") }
        guard segments >= 1 else { throw ModelError("precision check", "segments must be at least 1, got \(segments)") }
        guard bf16.linearBF16 != nil else {
            throw ModelError("precision check", BF16Kernel.unavailableReason ?? "the options do not choose bf16 (precision \(bf16.precision))")
        }
        var fp32 = bf16
        fp32.precision = .fp32
        let saved = compute
        defer { compute = saved }
        let S = settings.segmentLength
        let pieces = (0..<segments).map { s in (0..<S).map { tokens[(s * S + $0) % tokens.count] } }
        func read(_ options: ComputeOptions) throws -> (hidden: [Float], memory: [Float]) {
            compute = options
            let processor = SegmentProcessor(model: self)
            processor.prunesLastLayer = false  // the whole first hidden state is compared
            var memory = processor.initialMemory(batch: 1)
            var hidden: [Float] = []
            for (s, piece) in pieces.enumerated() {
                try memory.withUnsafeMutableBufferPointer { try processor.step(contents: [piece], memory: $0.baseAddress!) }
                if s == 0 {
                    hidden = Array(UnsafeBufferPointer(start: processor.activations.lastHiddenState,
                                                       count: processor.seqLen * config.hiddenSize))
                }
            }
            return (hidden, memory)
        }
        let a = try read(fp32), b = try read(bf16)
        func stats(_ x: [Float], _ y: [Float]) -> (max: Double, mean: Double, scale: Double) {
            var maxError = 0.0, sum = 0.0, scale = 0.0
            for i in x.indices {
                let e = abs(Double(y[i]) - Double(x[i]))
                maxError = max(maxError, e.isNaN ? .infinity : e)
                sum += e
                scale = max(scale, abs(Double(x[i])))
            }
            return (maxError, sum / Double(max(1, x.count)), scale)
        }
        let h = stats(a.hidden, b.hidden), m = stats(a.memory, b.memory)
        return PrecisionComparison(positions: a.hidden.count / config.hiddenSize, segments: segments,
                                   hiddenMaxAbsError: h.max, hiddenMeanAbsError: h.mean, hiddenMaxAbs: h.scale,
                                   memoryMaxAbsError: m.max, memoryMeanAbsError: m.mean, memoryMaxAbs: m.scale,
                                   fp32Kernels: fp32.kernels.description, bf16Kernels: bf16.kernels.description)
    }
}
