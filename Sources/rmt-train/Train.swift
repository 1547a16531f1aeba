// rmt-train (train): the curriculum driver's flags → TrainingOptions, model, data streams.
import ArgumentParser
import Foundation
import RMT

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Curriculum training: start with --start-segments, add one when validation converges.")

    @OptionGroup var data: DataOptions

    @Option(help: "Start from this model folder (an RMT checkpoint, or a Hugging Face BERT folder).")
    var model: String?

    @Option(help: "Start from a random model of this size: tiny, small or base.")
    var preset: BertConfig.Preset?

    @Option(help: "vocab.txt for --preset (default: the MiniLM vocabulary).")
    var vocab: String?

    @Option(parsing: .upToNextOption, help: "Prose for validation haystacks (default: the training noise, other seed).")
    var evalNoise: [String] = []

    @Option(help: "Memory tokens for a new model.") var memoryTokens = 10
    @Option(help: "Document tokens per segment for a new model.") var segmentLength = 499
    @Option(help: ArgumentHelp("Document tokens per training and validation segment (default: the model's segment length).",
                               discussion: "A shorter length is a cheap warm-up for a task the model cannot learn yet at full length: less noise around the facts and shorter steps. At most the model's segment length."))
    var dataSegmentLength: Int?
    @Option(help: "Segments per document in the first stage.") var startSegments = 1
    @Option(help: "Segments per document in the last stage.") var maxSegments = 2
    @Option(help: "Advance when validation accuracy reaches this, in (0, 1].") var targetAccuracy: Float = 0.95
    @Option(help: "Step budget of one stage.") var maxStepsPerStage = 1000
    @Option(help: "Evaluate and checkpoint every N steps.") var evalEvery = 100
    @Option(help: "Validation documents per evaluation.") var evalSamples = 200
    @Option(help: "Advance (or stop) after N evaluations without improvement.") var patience = 5
    @Option(help: "Documents per batch.") var batchSize = 8
    @Option(help: "Peak learning rate.") var lr: Float = 1e-4
    @Option(help: "Warm-up steps (linear), then linear decay.") var warmup = 100
    @Option(help: "AdamW weight decay (not on biases or LayerNorm).") var weightDecay: Float = 0.01
    @Option(help: "Clip the gradient's global norm (0 = off).") var clip: Float = 1.0
    @Option(help: "Clip each gradient value to ±this (off by default).") var clipValue: Float?
    @Option(help: "Back-propagate through the last N segments only (default: all).") var bpttDepth: Int?
    @Flag(help: "Keep only memory states and recompute segments in the backward pass.") var memoryEfficient = false
    @Flag(help: "Sum the answer loss over every segment, not only the final one.") var sumLoss = false
    @Flag(help: "Keep the optimizer state and schedule across stages.") var keepOptimizer = false
    @Option(help: "Output folder: metrics.jsonl, checkpoint/, stages/, model/.") var out: String = "rmt-run"
    @Flag(help: "Continue the run saved in --out.") var resume = false

    func validate() throws {
        if resume && (model != nil || preset != nil) { throw ValidationError("--resume continues --out; do not combine it with --model or --preset") }
        if !resume && (model == nil) == (preset == nil) { throw ValidationError("give exactly one of --model DIR or --preset tiny|small|base") }
        if let n = dataSegmentLength, n < 2 { throw ValidationError("--data-segment-length must be at least 2") }
        do { try options().validate() } catch { throw ValidationError(error.description) }
    }

    func options() -> TrainingOptions {
        var o = TrainingOptions()
        o.startSegments = startSegments
        o.maxSegments = maxSegments
        o.targetAccuracy = targetAccuracy
        o.maxStepsPerStage = maxStepsPerStage
        o.evalEvery = evalEvery
        o.evalSamples = evalSamples
        o.patience = patience
        o.batchSize = batchSize
        o.learningRate = lr
        o.warmup = warmup
        o.weightDecay = weightDecay
        o.clipNorm = clip > 0 ? clip : nil
        o.clipValue = clipValue
        o.bpttDepth = bpttDepth
        o.memoryEfficient = memoryEfficient
        o.sumLoss = sumLoss
        o.keepOptimizer = keepOptimizer
        o.seed = data.seed
        return o
    }

    func run() throws {
        try reportingErrors {
            let collective = try Distributed.collective(tool: "rmt-train")  // ranks under mpirun (Docs/distributed.md)
            let root = collective.isRoot
            let outURL = URL(fileURLWithPath: out)
            let runData = try resolveRunData(outURL)
            let task = try TaskCatalog.task(list: runData.task)
            let rmt: RecurrentMemoryModel
            if resume {
                let checkpoint = outURL.appendingPathComponent("checkpoint")
                guard FileManager.default.fileExists(atPath: checkpoint.appendingPathComponent("trainer-state.json").path) else {
                    throw ModelError(outURL.path, "no checkpoint to resume (expected \(checkpoint.path)/trainer-state.json)")
                }
                rmt = try RecurrentMemoryModel.load(directory: checkpoint)
            } else {
                rmt = try makeModel(labels: task.labels)
            }
            guard rmt.settings.labels == task.labels else {
                throw ModelError(model ?? out, "model labels \(rmt.settings.labels) differ from the task's \(task.labels)")
            }
            let trainNoise = try data.makeNoise(runData.noise, tokenizer: rmt.tokenizer, seed: runData.seed)
            let validNoise = runData.evalNoise.isEmpty ? trainNoise
                : try data.makeNoise(runData.evalNoise, tokenizer: rmt.tokenizer, seed: runData.seed)
            let S = runData.segmentLength ?? rmt.settings.segmentLength
            guard S <= rmt.settings.segmentLength else {
                throw ModelError(model ?? out, "--data-segment-length \(S) exceeds the model's segment length \(rmt.settings.segmentLength)")
            }
            let trainStream = try DataStream(task: task, noise: trainNoise, tokenizer: rmt.tokenizer,
                                             seed: DataStream.seed(runData.seed, for: .train), segmentLength: S)
            let validStream = try DataStream(task: task, noise: validNoise, tokenizer: rmt.tokenizer,
                                             seed: DataStream.seed(runData.seed, for: .validation), segmentLength: S)
            let trainer = resume
                ? try Trainer(resuming: outURL, train: TaskBatchSource(stream: trainStream), valid: TaskValidationSource(stream: validStream),
                              collective: collective)
                : try Trainer(model: rmt, options: options(), out: outURL, train: TaskBatchSource(stream: trainStream),
                              valid: TaskValidationSource(stream: validStream), collective: collective)
            if !resume && root { try runData.save(in: outURL) }
            if root { try recordCommand(in: outURL, startingAt: trainer.state.step) }
            let stop = StopFlag()
            stop.install()
            trainer.shouldStop = { stop.isRaised }
            let terminal = isatty(STDERR_FILENO) == 1
            var lastLine = Date.distantPast
            if root { trainer.onProgress = { line in
                if line.hasPrefix("step") {
                    guard terminal || Date().timeIntervalSince(lastLine) > 10 else { return }
                    lastLine = Date()
                    FileHandle.standardError.write(Data((terminal ? "\r\(line)\u{1B}[K" : line + "\n").utf8))
                } else {
                    FileHandle.standardError.write(Data(((terminal ? "\r\u{1B}[K" : "") + line + "\n").utf8))
                }
            } }
            if root { note("rmt-train: \(task.name), \(trainer.options.startSegments)→\(trainer.options.maxSegments) segments, " +
                 "\(rmt.parameters.layout.count) parameters, out \(outURL.path)\(resume ? " (resumed at step \(trainer.state.step))" : "")"
                 + (collective.size > 1 ? ", \(collective.size) ranks × \(Parallel.threadCount) threads; "
                    + "to stop with a checkpoint: kill -TERM \(getpid())" : "")) }
            let outcome = try trainer.run()
            Distributed.endNormally()
            switch outcome {
            case .finished:
                if root { note("rmt-train: done; best model in \(outURL.appendingPathComponent("model").path)") }
            case .interrupted:
                if root { note("rmt-train: interrupted at step \(trainer.state.step); continue with: rmt-train --resume --out \(out)") }
                throw ExitCode(130)
            }
        }
    }

    /// The run's data: the flags for a new run; for --resume, what OUT/data.json recorded (a
    /// conflicting --task, --seed or noise flag is refused rather than silently changing the
    /// data mid-run). Runs from before data.json take their seed from checkpoint/options.json.
    func resolveRunData(_ out: URL) throws -> RunData {
        let absolute = { (paths: [String]) in paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path } }
        let given = RunData(task: data.task, noise: absolute(data.noise), evalNoise: absolute(evalNoise), seed: data.seed,
                            segmentLength: dataSegmentLength)
        guard resume else { return given }
        guard let recorded = try? JSONDecoder().decode(RunData.self, from: Data(contentsOf: out.appendingPathComponent("data.json"))) else {
            var legacy = given
            let options = out.appendingPathComponent("checkpoint/options.json")
            if data.seedFlag == nil, let saved = try? JSONDecoder().decode(TrainingOptions.self, from: Data(contentsOf: options)) {
                legacy.seed = saved.seed
            }
            return legacy
        }
        func conflict(_ flag: String, _ recordedValue: String) -> ModelError {
            ModelError(out.path, "this run was started with \(flag) \(recordedValue); resume without \(flag) (or with the same value)")
        }
        if let t = data.taskFlag, t != recorded.task { throw conflict("--task", recorded.task) }
        if let s = data.seedFlag, s != recorded.seed { throw conflict("--seed", String(recorded.seed)) }
        if !data.noise.isEmpty && given.noise != recorded.noise { throw conflict("--noise", recorded.noise.joined(separator: " ")) }
        if !evalNoise.isEmpty && given.evalNoise != recorded.evalNoise { throw conflict("--eval-noise", recorded.evalNoise.joined(separator: " ")) }
        if let n = dataSegmentLength, n != recorded.segmentLength {
            throw conflict("--data-segment-length", recorded.segmentLength.map(String.init) ?? "unset")
        }
        return recorded
    }

    /// Appends this invocation (UTC time, starting step, the exact argv) to OUT/commands.txt,
    /// so a run's folder says how it was made and resumed.
    func recordCommand(in out: URL, startingAt step: Int) throws {
        let url = out.appendingPathComponent("commands.txt")
        let quoted = CommandLine.arguments.map { a in
            a.allSatisfy({ $0.isLetter || $0.isNumber || "-_./,=:+@%".contains($0) }) ? a : "'" + a.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        let line = "\(ISO8601DateFormatter().string(from: Date()))  step \(step)  \(quoted.joined(separator: " "))\n"
        if !FileManager.default.fileExists(atPath: url.path) { try Data().write(to: url) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
    }

    func makeModel(labels: [String]) throws -> RecurrentMemoryModel {
        let settings = RMTSettings(memoryTokens: memoryTokens, segmentLength: segmentLength, labels: labels)
        if let model {
            return try RecurrentMemoryModel.load(directory: URL(fileURLWithPath: model), wrapSettings: settings, seed: data.seed)
        }
        let vocabURL = vocab.map { URL(fileURLWithPath: $0) } ?? DefaultLocations.vocabulary
        let vocabulary = try Vocabulary(contentsOf: vocabURL)
        var config = BertConfig.preset(preset!)
        config.vocabSize = vocabulary.count
        return try RecurrentMemoryModel(config: config, settings: settings,
                                        tokenizer: BertTokenizer(vocabulary: vocabulary, lowercase: true), seed: data.seed)
    }
}

extension BertConfig.Preset: ExpressibleByArgument {}

/// What a training run reads, recorded in OUT/data.json when it starts and reused by --resume.
struct RunData: Codable, Equatable {
    var task: String
    /// Absolute paths; empty = the built-in prose generator.
    var noise: [String]
    var evalNoise: [String]
    var seed: UInt64
    /// Document tokens per segment of the data (nil = the model's segment length).
    var segmentLength: Int?
    enum CodingKeys: String, CodingKey { case task, noise, evalNoise = "eval_noise", seed, segmentLength = "data_segment_length" }

    func save(in out: URL) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try enc.encode(self).write(to: out.appendingPathComponent("data.json"), options: .atomic)
    }
}
