// ComputeOptions as a value: every kernel path in one process — the encoder at each row-kernel
// level this CPU runs, on each GEMM backend, with 1 and 2 threads, heads in parallel or
// threaded, OpenBLAS threading its own products, fused kernels on and off — against the Hugging Face fixtures
// (tiny-bert ≤ 1e-5; MiniLM ≤ 2e-4 where downloaded) and against each other.
import Foundation
import Testing
import RMTTestSupport
import RMTKernels
import RMTModel
import RMTSafetensors

/// Every combination of the switches a ComputeOptions holds, on the kernels this CPU has.
func everyComputePath() -> [ComputeOptions] {
    var all: [ComputeOptions] = []
    for level in VectorUnit.available {
        for gemm in ComputeOptions.GEMM.allCases {
            for threads in [1, 2] {
                for parallelHeads in [true, false] {
                    for threading in ComputeOptions.Threading.allCases {
                        for fused in [true, false] {
                            all.append(ComputeOptions(vector: level, gemm: gemm, threads: threads, gemmThreading: threading,
                                                      parallelHeads: parallelHeads, fused: fused))
                        }
                    }
                }
            }
        }
    }
    return all
}

@Test func everyComputePathMatchesTransformersOnTinyBert() throws {
    let f = try TinyBertFixture()
    let (config, encoder, ref, B, T) = (f.config, f.encoder, f.reference, f.batch, f.seqLen)
    let (ids, mask, types) = (f.ids, f.mask, f.types)
    let expected = try ref.floats("last_hidden_state")
    let paths = everyComputePath()
    var backends = Set<String>()
    for options in paths {
        encoder.compute = options
        backends.insert(options.kernels.description)
        for keep in [true, false] {
            let acts = BertActivations(config: config, batchCapacity: B, seqCapacity: T, keepAllLayers: keep)
            try encoder.gatherWordEmbeddings(acts, ids: ids, batch: B, seqLen: T)
            try encoder.forward(acts, attentionMask: mask, tokenTypeIDs: types)
            expectClose(UnsafeBufferPointer(start: acts.lastHiddenState, count: expected.count), expected, abs: 1e-5,
                        "\(options) keep \(keep)")
        }
    }
    // Each level runs its own row kernels, and the own GEMM wherever the CPU has it.
    #expect(backends.count == VectorUnit.available.count + GEMMBackend.available.count - 1, "\(backends)")
}

@Test(.enabled(if: MiniLM.available, "MiniLM not downloaded: run Scripts/fetch-minilm.sh"))
func miniLMMatchesTransformersOnEveryLevelBackendAndFusion() throws {
    let checkpoint = try BertCheckpoint.load(directory: MiniLM.directory)
    let ref = try SafetensorsFile(contentsOf: fixture("minilm/reference.safetensors"))
    let ids = try ref.int64s("input_ids.0").map { Int32($0) }
    let expected = try ref.floats("last_hidden_state.0")
    var outputs: [[Float]] = []
    for level in VectorUnit.available {
        for gemm in ComputeOptions.GEMM.allCases {
            for fused in [true, false] {
                checkpoint.encoder.compute = ComputeOptions(vector: level, gemm: gemm, fused: fused)
                let hidden = try checkpoint.encoder.encode(ids: ids)
                expectClose(hidden, expected, abs: 2e-4, "\(checkpoint.encoder.compute)")
                outputs.append(hidden)
            }
        }
    }
    for other in outputs.dropFirst() { expectClose(other, outputs[0], abs: 5e-5, "paths agree") }
}

@Test func computeOptionsCapTheLevelAndNameTheKernels() {
    let best = ComputeOptions.default
    #expect(best.rows == VectorUnit.supported && best.threads >= 1)
    #expect(ComputeOptions(vector: .swift).gemmBackend == .openblas)
    #expect(ComputeOptions(gemm: .openblas).description.hasPrefix("gemm=openblas,rows=\(VectorUnit.supported),precision=fp32 threads="))
    #expect(ComputeOptions(threads: 0).threads == 1)
    var o = ComputeOptions(parallelHeads: false, fullLastLayer: true)
    o.gemmThreading = .openblas
    #expect(o.description.hasSuffix("gemm_threading=openblas parallel_heads=0 full_last_layer=1"))
    o.fused = false
    #expect(o.description.hasSuffix("full_last_layer=1 fused=0"))
}

/// `forAnswers()`: `.auto` becomes bf16 on the kernel `BF16Kernel.readsDocuments` names here (AMX
/// where it runs, else AVX512-BF16 where it outruns fp32), whatever kernel the options held, fp32
/// elsewhere; a kernel the caller names (RMT_BF16_KERNEL) is run wherever it runs; `.fp32` and
/// `.bf16` are left alone, and plain `.auto` (the library's default) stays fp32.
@Test func forAnswersResolvesAutoToTheKernelThatOutrunsFP32() {
    let faster = BF16Kernel.readsDocuments
    #expect(ComputeOptions.default.linearBF16 == nil, "the library's auto is fp32")
    for held in [BF16Kernel.amx, .avx512, .twin] {
        let auto = ComputeOptions(precision: .auto, bf16Kernel: held).forAnswers()
        #expect(auto.precision == (faster != nil ? .bf16 : .fp32), "\(held)")
        #expect(auto.linearBF16 == faster, "\(held): the rule's kernel, not the one held")
    }
    let kept = ComputeOptions(precision: .auto, bf16Kernel: .amx).forAnswers(keepingKernel: true)
    #expect(kept.linearBF16 == (BF16Kernel.amx.isAvailable ? .amx : nil))
    let named = ComputeOptions(precision: .auto, bf16Kernel: .avx512).forAnswers(keepingKernel: true)
    #expect(named.linearBF16 == (BF16Kernel.avx512.isAvailable ? .avx512 : nil),
            "a kernel named by RMT_BF16_KERNEL runs wherever it runs, faster or not")
    #expect(ComputeOptions(precision: .auto, bf16Kernel: .twin).forAnswers(keepingKernel: true).linearBF16 == nil,
            "the twin is a test kernel, not an automatic choice")
    #expect(ComputeOptions(precision: .fp32).forAnswers().precision == .fp32)
    #expect(ComputeOptions(precision: .bf16, bf16Kernel: .twin).forAnswers().linearBF16 == .twin)
}

/// The rule `auto` reads documents by: the AMX kernel wherever it runs (1.7–2.1× fp32 on an Intel
/// Xeon with AMX); else bf16 on AMD's AVX512-BF16 cores (vdpbf16ps at the fp32 FMA's issue rate:
/// 1.04–1.63× on a Zen 5, 1.24–1.68× on a Zen 4), fp32 on Intel's without AMX (vdpbf16ps on one
/// port, fp32 FMAs on two: 0.71–0.78× on a Xeon) and on vendors not measured; never without a kernel.
@Test func bf16ReadsDocumentsOnlyWhereItOutrunsFP32() {
    #expect(BF16Kernel.outrunsFP32(vendor: "AuthenticAMD"))
    for vendor in ["GenuineIntel", "HygonGenuine", "CentaurHauls", "unknown", ""] {
        #expect(!BF16Kernel.outrunsFP32(vendor: vendor), "\(vendor)")
    }
    for vendor in ["GenuineIntel", "AuthenticAMD", "unknown"] {
        #expect(BF16Kernel.readsDocuments(amx: true, avx512: true, vendor: vendor) == .amx, "\(vendor)")
        #expect(BF16Kernel.readsDocuments(amx: false, avx512: false, vendor: vendor) == nil, "\(vendor)")
    }
    #expect(BF16Kernel.readsDocuments(amx: false, avx512: true, vendor: "AuthenticAMD") == .avx512)
    #expect(BF16Kernel.readsDocuments(amx: false, avx512: true, vendor: "GenuineIntel") == nil)
    #expect(BF16Kernel.readsDocuments == BF16Kernel.readsDocuments(amx: BF16Kernel.amx.isAvailable,
                                                                   avx512: BF16Kernel.avx512.isAvailable, vendor: CPUInfo.vendor))
    if !BF16Kernel.avx512.isAvailable { #expect(BF16Kernel.readsDocuments == nil) }
}
