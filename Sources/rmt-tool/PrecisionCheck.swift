// rmt-tool precision-check: the accuracy evidence for bf16 inference — reads the same text with
// the encoder's linear layers in fp32 and in bf16 (RecurrentMemoryModel.comparePrecision) and
// prints one JSON line: max and mean absolute error of the first segment's last hidden state
// and of the memory after --segments segments. Refuses (one line, exit 1) on a CPU without a
// bf16 kernel (AVX512-BF16).
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct PrecisionCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "precision-check",
        abstract: "Compare bf16 with fp32 inference on one text: max/mean error of the last hidden state and of the memory (one JSON line).",
        discussion: """
            The model folder may be an RMT model or a Hugging Face BERT folder (wrapped with \
            untrained memory, e.g. all-MiniLM-L6-v2 from Scripts/fetch-minilm.sh). The text \
            (--text FILE, else the built-in prose) is tokenized and cut into segments of the \
            model's segment length, repeated from its start when it is shorter than --segments \
            segments. Needs a CPU with AVX512-BF16.
            """)

    @Option(help: "Model folder (RMT model or Hugging Face BERT folder).")
    var model: String

    @Option(help: "UTF-8 text file to read (default: the built-in prose).")
    var text: String?

    @Option(help: "Segments to read; the memory is compared after the last (1...10000).")
    var segments = 4

    func validate() throws {
        guard (1...10000).contains(segments) else { throw ValidationError("--segments must be in 1...10000") }
    }

    func run() throws {
        try ErrorReporter.run("rmt-tool") {
            let bf16 = try ComputeOptions.fromEnvironment(tool: "rmt-tool").with(precision: .bf16)
            let rmt = try RecurrentMemoryModel.load(directory: URL(fileURLWithPath: model))
            let body: String
            if let text {
                let data = try Data(contentsOf: URL(fileURLWithPath: text))
                guard let s = String(data: data, encoding: .utf8) else { throw ModelError(text, "is not UTF-8 text") }
                body = s
            } else {
                body = BuiltinProse.sentences(count: 400, seed: 1).joined(separator: " ")
            }
            let tokens = rmt.tokenizer.encode(body)
            guard !tokens.isEmpty else { throw ModelError(text ?? "built-in prose", "contains no tokens") }
            let r = try rmt.comparePrecision(tokens: tokens, segments: segments, bf16: bf16)
            try JSONLine([
                ("check", .string("precision")), ("model", .string(model)), ("text", .string(text ?? "built-in prose")),
                ("tokens", .int(tokens.count)), ("segments", .int(r.segments)), ("positions", .int(r.positions)),
                ("hidden_max_abs_error", .double(r.hiddenMaxAbsError)), ("hidden_mean_abs_error", .double(r.hiddenMeanAbsError)),
                ("hidden_max_abs", .double(r.hiddenMaxAbs)),
                ("memory_max_abs_error", .double(r.memoryMaxAbsError)), ("memory_mean_abs_error", .double(r.memoryMeanAbsError)),
                ("memory_max_abs", .double(r.memoryMaxAbs)),
                ("kernels_fp32", .string(r.fp32Kernels)), ("kernels_bf16", .string(r.bf16Kernels)), ("cpu", .string(CPUInfo.model)),
            ]).print()
        }
    }
}
