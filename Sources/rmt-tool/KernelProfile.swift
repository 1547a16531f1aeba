// rmt-tool profile: times each kernel of one encoder layer at a preset's shapes (batch 1,
// 512 tokens) and prints milliseconds per call, calls per segment and GFLOP/s — where a
// segment's time goes. A diagnostic, not a benchmark of record. Rows with 0 calls per segment
// (attention with position terms, attention backward, the path ComputeOptions.fused did not
// pick) are shown for comparison, not summed. The last line splits the sum into GEMM time (the
// projections and attention's two products per head) and the rest (issue 10's 1.25× goal).
// --model profiles a model folder's shapes (e.g. all-MiniLM-L6-v2: 12 heads of 32); --cpu-time
// times with the process's CPU clock (all threads), the work on a loaded machine; --precision bf16
// times the projections in bf16 (weights converted once; the kernels line names the bf16 kernel).
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct KernelProfile: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "profile",
                                                    abstract: "Time each encoder kernel at a preset's shapes.")

    @Option(help: "Model size: tiny, small or base.") var config: BertConfig.Preset = .small
    @Option(help: "A model folder (Hugging Face BERT or RMT): profile at the shapes of its config.json instead of --config.")
    var model: String?
    @Option(help: "Repetitions per kernel (median reported), 1...1000.") var repeats = 20
    @Flag(help: "Time with the process's CPU clock (all threads) instead of the wall clock: the work, on a loaded machine.")
    var cpuTime = false
    @Option(help: ArgumentHelp(PrecisionArgument.help + " Here: the precision the projections are timed in."))
    var precision: Precision = .auto

    func validate() throws {
        guard (1...1000).contains(repeats) else { throw ValidationError("--repeats must be in 1...1000") }
    }

    func run() throws {
        var compute = try ComputeOptions.fromEnvironment(tool: "rmt-tool")
        try ErrorReporter.run("rmt-tool") { compute = try compute.with(precision: precision) }
        let c = try model.map { try BertConfig.load(contentsOf: requireFile(URL(fileURLWithPath: $0), "config.json")) }
            ?? BertConfig.preset(config)
        // Milliseconds on the chosen clock.
        let cpuTime = self.cpuTime
        func now() -> Double { cpuTime ? processCPUSeconds() * 1e3 : Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }
        let T = 512, C = c.hiddenSize, F = c.intermediateSize, NH = c.numAttentionHeads, L = c.numHiddenLayers
        var rng = SplitMix64(seed: 1)
        func buffer(_ n: Int) -> FloatBuffer { FloatBuffer(rng.normals(n, std: 0.5)) }
        let x = buffer(T * F), w = buffer(3 * C * F), b = buffer(3 * C + F), out = buffer(T * 3 * C + T * F)
        let qkv = buffer(T * 3 * C), probs = buffer(NH * T * T), mean = buffer(T), rstd = buffer(T)
        // bf16: the weights converted once, as BertEncoder holds them (every projection reads a prefix).
        let w16 = compute.linearBF16 == nil ? nil : BF16Matrix(converting: w.pointer, rows: 3 * C, cols: F)
        func time(_ body: () -> Void) -> Double {
            body()
            var ts: [Double] = []
            for _ in 0..<repeats {
                let t0 = now()
                body()
                ts.append(now() - t0)
            }
            return ts.sorted()[ts.count / 2]
        }
        /// Times a and b alternately: their medians and the median per-pair difference b − a (ms),
        /// so a load change on the shared machine hits both alike.
        func timeAB(_ a: () -> Void, _ b: () -> Void) -> (a: Double, b: Double, delta: Double) {
            a(); b()
            var ta: [Double] = [], tb: [Double] = []
            func ms(_ body: () -> Void) -> Double {
                let t0 = now()
                body()
                return now() - t0
            }
            for _ in 0..<repeats {
                ta.append(ms(a))
                tb.append(ms(b))
            }
            func median(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }
            return (median(ta), median(tb), median(zip(tb, ta).map { $0 - $1 }))
        }
        var rows: [(String, Double, Int, Double)] = []  // name, ms, calls per segment, flops per call
        var gemmMS = 0.0  // per segment: the projections and attention's two products per head
        // A projection as the encoder runs it: bias copied in first (qkv, and all when unfused),
        // or left to the fused epilogue that follows.
        func linear(_ name: String, _ inDim: Int, _ outDim: Int, bias: Bool) {
            let ms = time { linearForward(out: out.pointer, inp: x.pointer, weight: w.pointer, bias: bias ? b.pointer : nil, rows: T, inDim: inDim, outDim: outDim, weightBF16: w16, compute: compute) }
            rows.append((name, ms, L, 2.0 * Double(T * inDim * outDim)))
            gemmMS += ms * Double(L)
        }
        let fused = compute.fused
        var unfused = compute
        unfused.fused = false
        var fusedOn = compute
        fusedOn.fused = true
        withExtendedLifetime([x, w, b, out, qkv, probs, mean, rstd]) {
            linear("linear qkv \(C)→\(3 * C)", C, 3 * C, bias: true)
            linear("linear attn-out \(C)→\(C)", C, C, bias: !fused)
            linear("linear ffn-in \(C)→\(F)", C, F, bias: !fused)
            linear("linear ffn-out \(F)→\(C)", F, C, bias: !fused)
            // Attention's GEMMs alone (S = Q·Kᵀ and P·V per head, whole heads per core, no
            // softmax): the floor the fused and unfused attention rows are held against.
            let d = C / NH
            let attentionGEMMs = time {
                Parallel.forEachRange(NH, costPerItem: .max / NH, threads: compute.threads) { range in
                    for h in range {
                        let p = probs.pointer + h * T * T
                        gemm(transA: false, transB: true, m: T, n: T, k: d, alpha: 0.125, a: qkv.pointer + h * d, lda: 3 * C,
                             b: qkv.pointer + C + h * d, ldb: 3 * C, beta: 0, c: p, ldc: T, parallel: false, compute: compute)
                        gemm(transA: false, transB: false, m: T, n: d, k: T, alpha: 1, a: p, lda: T,
                             b: qkv.pointer + 2 * C + h * d, ldb: 3 * C, beta: 0, c: out.pointer + h * d, ldc: C,
                             parallel: false, compute: compute)
                    }
                }
            }
            softmaxForward(probs.pointer, additiveMask: nil, rows: NH * T, cols: T, compute: compute)  // sane values for P·V
            rows.append(("attention GEMMs only (\(NH) heads)", attentionGEMMs, 0, 4.0 * Double(T * T * C)))
            gemmMS += attentionGEMMs * Double(L)
            rows.append(("attention fused (\(NH) heads)", time {
                attentionForward(out: out.pointer, probs: probs.pointer, qkv: qkv.pointer, additiveMask: nil,
                                 batch: 1, seqLen: T, channels: C, heads: NH, compute: fusedOn)
            }, fused ? L : 0, 4.0 * Double(T * T * C)))
            rows.append(("attention unfused (\(NH) heads)", time {
                attentionForward(out: out.pointer, probs: probs.pointer, qkv: qkv.pointer, additiveMask: nil,
                                 batch: 1, seqLen: T, channels: C, heads: NH, compute: unfused)
            }, fused ? 0 : L, 4.0 * Double(T * T * C)))
            // The position seam (Docs/position-encodings.md) on an RMT layout (10 memory slots,
            // 499 text tokens): a text-offset table + type-pair bias, then also a learned logit scale.
            let layout = SegmentProcessor.positionLayout([[Int32](repeating: 0, count: T - 13)], memoryTokens: 10,
                                                         seqLen: T, span: T - 13)
            let table = buffer(NH * (2 * (T - 13) - 1)), beta = buffer(NH * 25), lambda = FloatBuffer([Float](repeating: 1.1, count: NH))
            let dTable = buffer(table.count), dBeta = buffer(beta.count), dLambda = buffer(NH)
            let dqkv = buffer(T * 3 * C), dout = buffer(T * C), scratch = buffer(T * T)
            layout.kinds.withUnsafeBufferPointer { k in
                layout.textIndex.withUnsafeBufferPointer { t in
                    for scaled in [false, true] {
                        let terms = AttentionPositionTerms(kinds: k.baseAddress!, textIndex: t.baseAddress!, span: T - 13,
                                                           textBias: table.pointer, typeBias: beta.pointer,
                                                           scale: scaled ? lambda.pointer : nil)
                        let grads = AttentionPositionGradients(dTextBias: dTable.pointer, dTypeBias: dBeta.pointer,
                                                               dScale: scaled ? dLambda.pointer : nil)
                        let tag = scaled ? "+bias+λ" : "+bias"
                        let fwd = timeAB({
                            attentionForward(out: out.pointer, probs: probs.pointer, qkv: qkv.pointer, additiveMask: nil,
                                             batch: 1, seqLen: T, channels: C, heads: NH, compute: compute)
                        }, {
                            attentionForward(out: out.pointer, probs: probs.pointer, qkv: qkv.pointer, additiveMask: nil,
                                             batch: 1, seqLen: T, channels: C, heads: NH, position: terms, compute: compute)
                        })
                        rows.append(("attention \(tag) (Δ \(String(format: "%+.2f", fwd.delta)) ms)", fwd.b, 0, 4.0 * Double(T * T * C)))
                        let bwd = timeAB({
                            attentionBackward(dqkv: dqkv.pointer, dprobs: scratch.pointer, dout: dout.pointer, qkv: qkv.pointer,
                                              probs: probs.pointer, batch: 1, seqLen: T, channels: C, heads: NH, compute: compute)
                        }, {
                            attentionBackward(dqkv: dqkv.pointer, dprobs: scratch.pointer, dout: dout.pointer, qkv: qkv.pointer,
                                              probs: probs.pointer, batch: 1, seqLen: T, channels: C, heads: NH,
                                              position: terms, positionGradients: grads, compute: compute)
                        })
                        if !scaled { rows.append(("attention backward", bwd.a, 0, 8.0 * Double(T * T * C))) }
                        rows.append(("attn backward \(tag) (Δ \(String(format: "%+.2f", bwd.delta)) ms)", bwd.b, 0, 8.0 * Double(T * T * C)))
                    }
                }
            }
            withExtendedLifetime([table, beta, lambda, dTable, dBeta, dLambda, dqkv, dout, scratch]) {}
            rows.append(("softmax \(NH)×\(T)×\(T) (in attention)", time { softmaxForward(probs.pointer, additiveMask: nil, rows: NH * T, cols: T, compute: compute) }, 0, 0))
            rows.append(("layernorm \(T)×\(C)", time {
                layerNormForward(out: out.pointer, mean: mean.pointer, rstd: rstd.pointer, inp: x.pointer, weight: w.pointer,
                                 bias: b.pointer, rows: T, channels: C, eps: 1e-12, compute: compute)
            }, fused ? 1 : 2 * L + 1, 0))
            rows.append(("gelu \(T)×\(F)", time { geluForward(out: out.pointer, inp: x.pointer, count: T * F, compute: compute) }, fused ? 0 : L, 0))
            rows.append(("residual add \(T)×\(C)", time { addForward(out: out.pointer, a: out.pointer, b: x.pointer, count: T * C) }, fused ? 0 : 2 * L, 0))
            // The fused epilogues work in place on their GEMM output: refill it each time (the
            // copy is timed too, a small overestimate).
            let pre = buffer(T * F), act = buffer(T * F), res = buffer(T * C), skip = buffer(T * C)
            rows.append(("bias+gelu \(T)×\(F) (+copy)", time {
                pre.pointer.update(from: x.pointer, count: T * F)
                biasGELUForward(act: act.pointer, pre: pre.pointer, bias: b.pointer, rows: T, cols: F, compute: compute)
            }, fused ? L : 0, 0))
            rows.append(("residual+layernorm \(T)×\(C) (+copy)", time {
                res.pointer.update(from: x.pointer, count: T * C)
                residualLayerNormForward(out: out.pointer, mean: mean.pointer, rstd: rstd.pointer, res: res.pointer, bias: b.pointer,
                                         skip: skip.pointer, weight: w.pointer, lnBias: b.pointer, rows: T, channels: C,
                                         eps: 1e-12, compute: compute)
            }, fused ? 2 * L : 0, 0))
            withExtendedLifetime([pre, act, res, skip]) {}
        }
        print("kernels \(compute.kernels) on \(CPUInfo.model) (OpenBLAS core \(BLAS.coreName), \(compute.threads) workers)")
        print("\(model ?? config.rawValue): \(L)×\(C), \(NH) heads of \(C / NH), FFN \(F), \(T) positions; "
              + (cpuTime ? "CPU time of all threads (GFLOP/s per CPU-second)" : "wall time"))
        print("kernel                                  ms/call  calls  ms/segment  GFLOP/s")
        var total = 0.0
        for (name, ms, calls, flops) in rows {
            total += ms * Double(calls)
            print(name.padding(toLength: 38, withPad: " ", startingAt: 0) + String(format: "%9.3f  %5d  %10.2f  %7.1f", ms, calls, ms * Double(calls),
                                                                                  flops > 0 ? flops / ms / 1e6 : 0))
        }
        print(String(format: "sum of kernels: %.2f ms per segment", total))
        print(String(format: "of which GEMMs (projections + attention products): %.2f ms; the rest: %.2f ms; sum / GEMM = %.2f×",
                     gemmMS, total - gemmMS, total / gemmMS))
    }
}
