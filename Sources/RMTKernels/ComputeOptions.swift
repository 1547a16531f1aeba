// ComputeOptions: the run-time settings of the kernels as one value — row-kernel level, GEMM
// backend, worker threads, GEMM threading, attention over heads, the last-layer pruning, the
// fused forward kernels, and the precision of the encoder's linear layers in inference.
//
// Library code reads no environment variable: a model, session or trainer carries a
// ComputeOptions (`BertEncoder.compute`, `RecurrentMemoryModel.compute`) and passes it to
// every kernel it calls, so a test can run each path in one process and a library user can set
// them per model. `precision` comes from the CLIs' --precision flag (PrecisionArgument); the
// others: the CLIs build theirs from RMT_VECTOR, RMT_GEMM, RMT_THREADS,
// RMT_GEMM_THREADING, RMT_PARALLEL_HEADS, RMT_FULL_LAST_LAYER and RMT_FUSED (RMTCommandLine's
// `ComputeOptions.init(environment:)`); `.default` is what they get with none of them set.
import Foundation

public struct ComputeOptions: Sendable, Equatable, CustomStringConvertible {
    /// Where `gemm` computes a product.
    public enum GEMM: String, Sendable, CaseIterable {
        /// The own packed micro-kernels at the row-kernel level, where the CPU has AVX2+FMA.
        case own
        /// OpenBLAS cblas_sgemm (the portable fallback and the tests' reference).
        case openblas
    }

    /// Who splits a large OpenBLAS product over the cores.
    public enum Threading: String, Sendable, CaseIterable {
        /// `gemm` splits it into single-threaded calls on `threads` workers.
        case own
        /// OpenBLAS's own threads (its default count, OPENBLAS_NUM_THREADS).
        case openblas
    }

    /// The row kernels' (softmax, GELU) level asked for; capped at what the CPU runs
    /// (`rows`). It also caps the own GEMM: `.swift` means OpenBLAS GEMMs.
    public var vector: VectorUnit.Level
    /// GEMM backend preference.
    public var gemm: GEMM
    /// Worker threads of the row loops and of the GEMM split (≥ 1).
    public var threads: Int
    /// Who threads OpenBLAS products.
    public var gemmThreading: Threading
    /// Attention gives each core whole heads with single-threaded GEMMs inside (true), or
    /// threads every per-head GEMM and softmax (false, for A/B timing).
    public var parallelHeads: Bool
    /// Compute the last layer at every position even where the caller reads only a few rows
    /// (`SegmentProcessor.prunesLastLayer` off), for A/B timing.
    public var fullLastLayer: Bool
    /// The encoder's forward runs the fused kernels — attention per head over row blocks
    /// (rmt_attention_head, own GEMM backend, no position terms), bias + GELU and residual +
    /// LayerNorm in one pass (FusedEpilogues.swift) — or, false, the unfused sequence of
    /// GEMM, softmax, GEMM, bias copies, adds and LayerNorms (for A/B timing and as their twin).
    public var fused: Bool
    /// The encoder's linear layers (Q/K/V, attention output, FFN in and out) in inference:
    /// `.bf16` runs them on `bf16Kernel` with weights converted once (BertEncoder); `.auto` is
    /// fp32 here and bf16 where the CPU has AVX512-BF16 once `forAnswers()` resolves it (what
    /// rmt-ask and rmt-train eval do); training is always fp32 (BF16.swift).
    public var precision: Precision
    /// Mixed-precision training: the encoder's four linear layers per layer (Q/K/V, attention
    /// output, FFN in and out) run their training forward and both backward products with bf16
    /// inputs and fp32 sums on `bf16Kernel`; weights, gradients, optimizer state and everything
    /// else stay fp32 (`rmt-train --precision bf16`). false (the default) = fp32 training.
    public var trainsInBF16: Bool = false
    /// The bf16 kernel `.bf16` runs: `BF16Kernel.best` (nil where the CPU lacks AVX512-BF16:
    /// then `.bf16` computes in fp32 and `kernels` says so); tests set `.twin`.
    public var bf16Kernel: BF16Kernel?

    public init(vector: VectorUnit.Level = VectorUnit.supported, gemm: GEMM = .own,
                threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount),
                gemmThreading: Threading = .own, parallelHeads: Bool = true, fullLastLayer: Bool = false,
                fused: Bool = true, precision: Precision = .auto, bf16Kernel: BF16Kernel? = BF16Kernel.best) {
        self.vector = vector
        self.gemm = gemm
        self.threads = max(1, threads)
        self.gemmThreading = gemmThreading
        self.parallelHeads = parallelHeads
        self.fullLastLayer = fullLastLayer
        self.fused = fused
        self.precision = precision
        self.bf16Kernel = bf16Kernel
    }

    /// The best kernels this CPU runs, every core, own threading — what the CLIs use with no
    /// RMT_* variable set.
    public static let `default` = ComputeOptions()

    /// The row-kernel level that runs: `vector` capped at `VectorUnit.supported`.
    public var rows: VectorUnit.Level {
        vector.rawValue <= VectorUnit.supported.rawValue ? vector : VectorUnit.supported
    }

    /// The backend `gemm` uses: own kernels at `rows` when preferred and available, else OpenBLAS.
    public var gemmBackend: GEMMBackend {
        let own = GEMMBackend.own(rows)
        return gemm == .own && own.isAvailable ? own : .openblas
    }

    /// The bf16 kernel the encoder's linear layers run in inference, or nil for fp32: `bf16Kernel`
    /// when `precision` is `.bf16` and the kernel runs here (`.auto` is fp32; `forAnswers()`).
    public var linearBF16: BF16Kernel? {
        guard precision == .bf16, let kernel = bf16Kernel, kernel.isAvailable else { return nil }
        return kernel
    }

    /// These options for reading documents for their answers (rmt-ask, rmt-train eval; a library
    /// user who wants the same): `.auto` becomes `.bf16` on the kernel that reads faster than fp32
    /// here (`BF16Kernel.readsDocuments`: AMX where the CPU has it, else AVX512-BF16 on AMD's cores,
    /// not Intel's), and `.fp32` elsewhere; `.fp32` and `.bf16` stay. On the shipped model bf16 gave
    /// the same answers as fp32 on every document compared, up to 2048 segments, at 1.4–1.9× the
    /// speed on an AMD Zen 5 (Docs/Architecture.md, "bf16 inference"). `keepingKernel`: run
    /// `bf16Kernel` instead (RMT_BF16_KERNEL was set: a kernel asked for by name) where it runs, on
    /// any CPU. Plain `.auto` (the library's default, the encoder, HF parity) stays fp32.
    public func forAnswers(keepingKernel: Bool = false) -> ComputeOptions {
        guard precision == .auto else { return self }
        var options = automaticBF16Kernel(keepingKernel: keepingKernel)
        if let kernel = keepingKernel ? options.bf16Kernel : BF16Kernel.readsDocuments, kernel != .twin, kernel.isAvailable {
            options.bf16Kernel = kernel
            options.precision = .bf16
        } else {
            options.precision = .fp32
        }
        return options
    }

    /// These options with the bf16 kernel mixed-precision training runs without being asked for by
    /// name (and `forAnswers` where it reads in fp32): the AVX512-BF16 kernel where the CPU has it,
    /// never the AMX kernel (training on it has not been run on AMX hardware). `keepingKernel`: keep
    /// `bf16Kernel` (the one RMT_BF16_KERNEL named).
    public func automaticBF16Kernel(keepingKernel: Bool) -> ComputeOptions {
        var options = self
        if !keepingKernel && BF16Kernel.avx512.isAvailable { options.bf16Kernel = .avx512 }
        return options
    }

    /// The bf16 kernel the encoder's linear layers run in training (`trainsInBF16`), or nil for fp32.
    public var linearTrainingBF16: BF16Kernel? {
        guard trainsInBF16, let kernel = bf16Kernel, kernel.isAvailable else { return nil }
        return kernel
    }

    /// The kernels these options run.
    public var kernels: KernelSet { KernelSet(gemm: gemmBackend, rows: rows, linearBF16: linearBF16, trainingBF16: linearTrainingBF16) }

    /// These options with another GEMM backend: `.openblas`, or `.own(level)` (which also sets
    /// the row level) — for tests and benchmarks that compare backends.
    public func with(backend: GEMMBackend) -> ComputeOptions {
        var o = self
        switch backend {
        case .openblas: o.gemm = .openblas
        case .own(let level): o.gemm = .own; o.vector = level
        }
        return o
    }

    /// "gemm=own-avx2-6x16,rows=avx2,precision=fp32 threads=2" plus any non-default switch.
    public var description: String {
        var parts = ["\(kernels)", "threads=\(threads)"]
        if gemmThreading == .openblas { parts.append("gemm_threading=openblas") }
        if !parallelHeads { parts.append("parallel_heads=0") }
        if fullLastLayer { parts.append("full_last_layer=1") }
        if !fused { parts.append("fused=0") }
        return parts.joined(separator: " ")
    }
}
