// rmt-train (train): the curriculum driver's flags → TrainingOptions, model, data streams.
// A new run refuses a non-empty --out unless --overwrite; --resume continues the run in --out
// (ResumeFlags.swift checks the flags repeated with it against the saved run). One process
// at a time trains in an --out: it holds the folder's RunLock while it runs.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Curriculum training: start with --start-segments, add one when validation converges.",
        discussion: """
        A new run needs an empty or new --out (or --overwrite). To continue a run, repeat its command \
        with --resume (or give just --resume --out DIR): flags that agree with the saved run are \
        accepted, a conflicting one is refused. One process at a time may train in an --out \
        (a second is refused while the first runs).
        """)

    @OptionGroup var data: DataOptions

    @Option(help: "Start from this model folder (an RMT checkpoint, or a Hugging Face BERT folder).")
    var model: String?

    @Option(help: "Start from a random model of this size: tiny, small or base.")
    var preset: BertConfig.Preset?

    @Option(help: "vocab.txt or tokenizer.json for --preset (default: the MiniLM vocabulary).")
    var vocab: String?

    @Flag(help: "Cased tokenizer for --preset: no lowercasing, no accent stripping (recorded in the model).")
    var cased = false

    @Option(parsing: .upToNextOption, help: "Prose for validation haystacks (default: the training noise, other seed).")
    var evalNoise: [String] = []

    @Option(help: ArgumentHelp("\(PositionSchemeArgument.help) For a new (--preset) model, or to give an absolute-position --model this scheme (its weights kept, the scheme's own tensors new; Docs/position-encodings.md)."))
    var position: PositionSchemeArgument?
    @Option(help: "Logit temperature of a new model: none, per_head, log_n or per_head_log_n.")
    var positionTemperature: String?
    @Option(help: ArgumentHelp("How --position t5 on an absolute --model starts its biases: zero (T5's default) or attention (each head's bias by offset from where the absolute model's head looks, measured on [CLS] [MASK]… [SEP]; Docs/position-encodings.md).",
                               valueName: "zero|attention"))
    var positionInit: PositionInit?
    // Optional underneath (defaults from TrainingOptions / RMTSettings) so that --resume can
    // tell a flag given from a default.
    @Option(help: ArgumentHelp("Where the question goes in a new run's model: final-segment (after the document, the paper's layout) or every-segment (before every segment). (default: the model's, else final-segment)",
                               discussion: "every-segment: each segment is `Q [SEP] text`, so the memory only carries what the question asks for (Docs/question-layout.md). Given with --model, it re-lays out that model's reading (the weights are kept)."))
    var questionLayout: QuestionLayout?
    @Option(help: ArgumentHelp("Readings of each document: the model reads it N times, the memory leaving one reading entering the next, and is scored after the last (1…8; recorded in the model as rmt.passes). (default: the model's, else 1)",
                               discussion: "A second reading knows from the first which facts will matter (whose room, once someone picks the object up). Training, validation, rmt-train eval and rmt-ask then read every document N times (N× the time). Not with --prefix-loss, --state-loss or --distill-memory, which score one reading's segments (Docs/training.md).",
                               valueName: "N"))
    var passes: Int?
    @Flag(help: "With --model: give the model the task's answers it lacks (e.g. unknown) as new classifier rows, instead of refusing the task.")
    var addLabels = false
    @Option(help: ArgumentHelp("Memory tokens of the model: a new one's, or a --model's changed to N. (default: 10, or the model's)",
                               discussion: "Given with --model, the trained memory rows are kept and each new row starts as a copy of an existing one plus small seeded noise (Docs/training.md, \"More memory tokens\"); with absolute positions a segment's M + S + 3 positions must fit the position table, so a larger memory shortens the segment's text unless --segment-length says otherwise.",
                               valueName: "N"))
    var memoryTokens: Int?
    @Option(help: ArgumentHelp("Give the starting model an associative memory with keys of D features before the feature map (ARMT's d_mem; 64 in its paper), beside its memory tokens.",
                               discussion: "A key-value state per layer that every row reads before the layer and the memory rows write after it (Docs/associative-memory.md). Added to a --model without one with its value projection at zero, so the model starts answering exactly as before; a model that has one keeps it (D must then match).",
                               valueName: "D"))
    var associative: Int?
    @Option(help: ArgumentHelp("With --associative: which rows write into the associative memory, memory or all. (default: memory)",
                               discussion: "memory: the memory rows, as ARMT. all: the memory rows, [SEP] and every text row, so each fact is stored as it is read, before the question makes it relevant (Docs/associative-memory.md); about four times the added cost of memory-row writes (Docs/benchmarks.md).",
                               valueName: "memory|all"))
    var associativeWrite: AssociativeSettings.WriteRows?
    @Flag(help: ArgumentHelp("Give the starting model a memory gate: each segment hands on Z ⊙ its new memory + (1 − Z) ⊙ the memory that entered it, Z learned per slot and channel.",
                             discussion: "GRU's update gate on the recurrence (rmt.memory_gate; Docs/training.md, \"The memory gate\"): a segment of noise can leave the memory as it found it. Added to a --model without one with zero weights and the bias --memory-gate-bias, so the model starts near its ungated answers; a model that has one keeps it. Train the gate at its own rate (--gate-lr). Not with --state-loss."))
    var memoryGate = false
    @Option(help: ArgumentHelp("With --memory-gate: the new gate's bias in every channel; σ(B) of each segment's new memory is handed on at first. (default: 3, σ = 0.953)",
                               valueName: "B"))
    var memoryGateBias: Float?
    @Option(help: "Document tokens per segment of the model: a new one's, or a --model's changed to N. (default: 499, or the model's)") var segmentLength: Int?
    @Option(help: ArgumentHelp("Document tokens per training and validation segment: N, or a range LO-HI from which each batch draws its length (default: the model's segment length).",
                               discussion: "A shorter length is a cheap warm-up for a task the model cannot learn yet at full length: less noise around the facts and shorter steps. A range (e.g. 16-64) reads each batch at one length drawn uniformly from LO…HI by the data seed and the batch's first document, the same on --resume; validation batches too, each by its first document (Docs/training.md). At most the model's segment length; LO at least 2.",
                               valueName: "N|LO-HI"))
    var dataSegmentLength: String?
    @Option(help: ArgumentHelp("Share of training documents whose final segment asks about another person of the story instead (a memory probe), in [0, 1]. (default: 0)",
                               discussion: "For models with the question in every segment: the segments before the last read with the document's own question, the last asks e.g. \"Where is John?\" about a person the story placed (bAbI tasks, the distractor tasks), and the loss is against that person's room — so the memory must keep every person's room, not only what the question names. Validation never probes (Docs/training.md).",
                               valueName: "R"))
    var probeRate: Double?
    @Flag(help: ArgumentHelp("With --probe-rate: a probe asks where another object of a bAbI story is (\"Where is the milk?\", answered through its holder's room) whenever one is known, a person otherwise.",
                             discussion: "Off, the probes are the persons' only, as in runs from before the flag (Docs/training.md)."))
    var probeObjects = false
    @Option(help: ArgumentHelp("Share of training documents whose supporting facts would share one segment that are placed again until they do not, in [0, 1]. (default: 0)",
                               discussion: "Tasks that name the facts an answer rests on (babi-qa2: the object's last get or drop and its holder's move that fixed the room): with two or more segments such a document is placed again (noise start and fact offsets) until no one segment holds those facts, so its answer needs the memory — more practice of what documents of many segments ask. Other tasks' documents are unchanged; validation is not re-placed (rmt-train eval --cross-segment measures it; Docs/training.md).",
                               valueName: "R"))
    var crossSegmentRate: Double?
    @Option(help: ArgumentHelp("Share of training documents whose question only the final segment reads, in [0, 1]. (default: 0)",
                               discussion: "For models with the question in every segment: the segments before the last read [MASK]s in the question's place (the same number of tokens), so the memory cannot keep only what the question names and must carry whatever the final question may ask — every person's room, every object's holder. The final segment reads the question and is scored as usual. Validation keeps the question in view (rmt-train eval --hidden-question measures the hidden kind; Docs/training.md).",
                               valueName: "R"))
    var hiddenQuestionRate: Double?
    @Option(help: ArgumentHelp("Share of training documents whose segments before the last read a decoy question, in [0, 1]. (default: 0)",
                               discussion: "For models with the question in every segment: the segments before the last read the question with one task word replaced (\"Where is the apple?\" for \"Where is the milk?\", as many tokens), the last reads the real question and is scored as usual — like --hidden-question-rate, but on documents that look like any other until their end, so the memory cannot learn a separate mode for them. Validation keeps the question (rmt-train eval --decoy-question measures the decoyed kind; Docs/training.md).",
                               valueName: "R"))
    var decoyQuestionRate: Double?
    @Option(help: ArgumentHelp(TrainingPrecisionArgument.help)) var precision: Precision = .auto
    @OptionGroup(title: "Curriculum") var curriculum: CurriculumFlags
    @OptionGroup(title: "Optimizer") var optimizer: OptimizerFlags
    @OptionGroup(title: "Back-propagation through the memory") var backprop: BackpropFlags
    @Option(help: "Output folder: metrics.jsonl, checkpoint/, stages/, model/, data.json, commands.txt.") var out: String = "rmt-run"
    @Flag(help: "Continue the run saved in --out.") var resume = false
    @Flag(help: "Start a new run in an --out that holds one: its run files are deleted first (other files stay).")
    var overwrite = false

    func validate() throws {
        if resume && overwrite { throw ValidationError("--resume continues the run in --out and --overwrite deletes it; give one") }
        if model != nil && preset != nil { throw ValidationError("give exactly one of --model DIR or --preset tiny|small|base") }
        if !resume && model == nil && preset == nil { throw ValidationError("give exactly one of --model DIR or --preset tiny|small|base") }
        if vocab != nil && model != nil { throw ValidationError("--vocab is for --preset; a --model folder brings its own vocab.txt") }
        if cased && model != nil { throw ValidationError("--cased is for --preset; a model folder's casing comes from its own tokenizer files") }
        try AssociativeSettings.WriteRows.check(associativeWrite, associative: associative)
        if let bias = memoryGateBias {
            if !memoryGate { throw ValidationError("--memory-gate-bias sets the starting bias of --memory-gate; give --memory-gate too") }
            if !bias.isFinite { throw ValidationError("--memory-gate-bias must be a finite number") }
        }
        if associative != nil && backprop.movePenalty != nil {
            throw ValidationError("--associative and --move-penalty cannot be combined (the penalty prices the memory tokens' move, not the associative state's)")
        }
        if memoryGate && backprop.stateLoss != nil {
            throw ValidationError("--memory-gate and --state-loss cannot be combined (the state readout reads the memory rows before the gate)")
        }
        if let text = dataSegmentLength {
            do { _ = try SegmentLengthRange(parsing: text) } catch let error as DataError {
                throw ValidationError("--data-segment-length \(error.problem)")
            }
        }
        if backprop.distillWeight != nil && backprop.distillMemory == nil && !resume {  // a resume compares it with the run's
            throw ValidationError("--distill-weight weighs the loss --distill-memory adds; give --distill-memory DIR too")
        }
        try PassesArgument.check(passes)
        if let clash = multiPassClash(passes ?? 1) { throw ValidationError(clash) }
        if probeObjects && !resume && !((probeRate ?? 0) > 0) {
            throw ValidationError("--probe-objects widens the probes --probe-rate asks; give --probe-rate R (R > 0) too")
        }
        if let r = probeRate {
            guard r >= 0 && r <= 1 else { throw ValidationError("--probe-rate must be in [0, 1], got \(r)") }
            if r > 0 && (backprop.sumLoss || backprop.prefixLoss) {
                throw ValidationError("--probe-rate scores the final segment against another question; it cannot be combined with --\(backprop.prefixLoss ? "prefix" : "sum")-loss, which scores every segment against the document's own")
            }
        }
        if let r = crossSegmentRate, !(r >= 0 && r <= 1) {
            throw ValidationError("--cross-segment-rate must be in [0, 1], got \(r)")
        }
        for (flag, rate) in [("--hidden-question-rate", hiddenQuestionRate), ("--decoy-question-rate", decoyQuestionRate)] {
            guard let r = rate else { continue }
            guard r >= 0 && r <= 1 else { throw ValidationError("\(flag) must be in [0, 1], got \(r)") }
            if r > 0 && (backprop.sumLoss || backprop.prefixLoss) {
                throw ValidationError("\(flag) hides the question from every segment but the last; it cannot be combined with --\(backprop.prefixLoss ? "prefix" : "sum")-loss, which scores every segment against it")
            }
        }
        // A resume compares them with the checkpoint's scheme (ResumeFlags), as every other flag.
        if (position != nil || positionTemperature != nil) && preset == nil && model == nil {
            throw ValidationError("--position and --position-temperature choose the scheme of a new model (--preset) or give an absolute-position --model a new one")
        }
        // A resume takes its options from the checkpoint; the flags given are compared with them later.
        if !resume { do { try options().validate() } catch { throw ValidationError(error.description) } }
    }

    /// The training options the flags give, with TrainingOptions' defaults for the rest.
    func options() -> TrainingOptions {
        var o = TrainingOptions()
        curriculum.apply(to: &o)
        optimizer.apply(to: &o)
        backprop.apply(to: &o)
        o.seed = data.seed
        o.memoryGateBias = memoryGateBias
        return o
    }

    func run() throws {
        try ErrorReporter.run("rmt-train") {
            let collective = try Distributed.collective(tool: "rmt-train")  // ranks under mpirun (Docs/distributed.md)
            let root = collective.isRoot
            let compute = try ComputeOptions(environment: ProcessInfo.processInfo.environment)  // after `collective`: it may set RMT_THREADS
                .training(precision: precision)
            let outURL = URL(fileURLWithPath: out)
            // One process per run folder: rank 0 holds OUT/.lock from before it writes anything
            // there (recovery, data.json) until it exits. A folder that does not exist yet is
            // locked when it is made, below.
            var lock = root && ModelFolder.isFolder(outURL) ? try RunLock(acquiring: outURL) : nil
            defer { lock?.release() }
            let restart = try restartsUnstarted(outURL)
            let resume = self.resume && !restart
            if restart { note("rmt-train: \(outURL.path) was stopped before its first checkpoint; starting it again") }
            let runData: RunData
            let rmt: RecurrentMemoryModel
            let firstSegments: Int  // the fewest segments the first batch this process trains on can have
            if resume {
                // Rank 0 recovers and validates the run folder first; the other ranks then read it
                // as recovered (one barrier on each side).
                if !root { try collective.barrier() }
                (runData, rmt, firstSegments) = try prepareResume(outURL)
                if root { try collective.barrier() }
                if cased && rmt.settings.lowercase {
                    throw ModelError(outURL.path, "this run's model is uncased; resume without --cased")
                }
            } else {
                if !restart { try checkNewRunFolder(outURL) }
                runData = givenRunData()
                let given = options()
                firstSegments = given.fewestSegments(stage: given.startSegments)
                rmt = try makeModel(task: try TaskCatalog.task(list: runData.task))
                if let model, let skipped = SkippedTensors.note(folder: model, rmt.skippedTensors) { note(skipped) }
            }
            if resume, let n = passes, n != rmt.settings.readingPasses {
                throw ModelError(outURL.path, "this run reads each document \(rmt.settings.readingPasses) time\(rmt.settings.readingPasses == 1 ? "" : "s"); resume without --passes \(n)")
            }
            if !resume, let clash = multiPassClash(rmt.settings.readingPasses) {
                throw ModelError(model ?? out, "reads each document \(rmt.settings.readingPasses) times (rmt.passes): " + clash)
            }
            rmt.compute = compute
            let task = try TaskCatalog.task(list: runData.task)
            if !resume, let names = options().advanceTasks { try checkTasks(names, of: task, flag: "--advance-on") }
            if !resume, let pairs = options().lossTemperatures { try checkTasks(pairs.map(\.task), of: task, flag: "--loss-temperature") }
            let rate = runData.adversarialRate ?? 0, neighbourRate = runData.neighbourRate ?? 0
            let trainNoise = try data.makeNoise(runData.noise, tokenizer: rmt.tokenizer, seed: runData.seed, adversarialRate: rate,
                                                neighbourRate: neighbourRate)
            let validNoise = runData.evalNoise.isEmpty ? trainNoise
                : try data.makeNoise(runData.evalNoise, tokenizer: rmt.tokenizer, seed: runData.seed, adversarialRate: rate,
                                     neighbourRate: neighbourRate)
            let lengths = try runData.segmentLengths ?? SegmentLengthRange(rmt.settings.segmentLength)
            // The model's segment length bounds its position table (absolute positions) and buffers.
            guard lengths.upperBound <= rmt.settings.segmentLength else {
                throw ModelError(model ?? out, "--data-segment-length \(lengths) exceeds the model's segment length \(rmt.settings.segmentLength)")
            }
            // Samples are numbered by the model's labels; a model lacking an answer of the task
            // (e.g. `unknown`) is refused here. Each batch is read at the length `lengths` gives it.
            var trainStream = try DataStream(task: task, noise: trainNoise, tokenizer: rmt.tokenizer,
                                             seed: DataStream.seed(runData.seed, for: .train), segmentLength: lengths.upperBound,
                                             questionLayout: rmt.settings.questionLayout, labels: rmt.settings.labels)
            let validStream = try DataStream(task: task, noise: validNoise, tokenizer: rmt.tokenizer,
                                             seed: DataStream.seed(runData.seed, for: .validation), segmentLength: lengths.upperBound,
                                             questionLayout: rmt.settings.questionLayout, labels: rmt.settings.labels)
            if let rate = runData.probeRate, rate > 0 {
                guard rmt.settings.questionLayout == .everySegment else {
                    throw ModelError(model ?? out, "--probe-rate needs a model that reads the question in every segment (--question-layout every-segment); this one reads it after the document")
                }
                trainStream.probeRate = rate
                trainStream.probeObjects = runData.probeObjects ?? false
            }
            if let rate = runData.crossSegmentRate, rate > 0 {
                guard task.namesSupportingFacts else {
                    throw ErrorReporter.exit("rmt-train", "--cross-segment-rate: none of the tasks \(task.name) names the facts its answers rest on (babi-qa2 does)")
                }
                trainStream.crossSegmentRate = rate
            }
            // Hiding the question (either way) needs earlier segments that read it.
            for (flag, rate) in [("--hidden-question-rate", runData.hiddenQuestionRate), ("--decoy-question-rate", runData.decoyQuestionRate)]
            where (rate ?? 0) > 0 && rmt.settings.questionLayout != .everySegment {
                throw ModelError(model ?? out, "\(flag) needs a model that reads the question in every segment (--question-layout every-segment); this one reads it only after the document already")
            }
            if (runData.hiddenQuestionRate ?? 0) > 0 && rmt.tokenizer.vocabulary.maskID == nil {
                throw ModelError(model ?? out, "--hidden-question-rate reads a hidden question as [MASK] tokens; this model's vocab.txt has no [MASK]")
            }
            trainStream.hiddenQuestionRate = runData.hiddenQuestionRate ?? 0
            trainStream.decoyQuestionRate = runData.decoyQuestionRate ?? 0
            let trainSource = TaskBatchSource(stream: trainStream, lengths: lengths)
            let validSource = TaskValidationSource(stream: validStream, lengths: lengths)
            // A length the task cannot use (facts that fit in none of the first documents, or a
            // question longer than LO tokens) is refused before the run folder changes, whichever
            // length the first batch draws; one that only some stories overflow is run, and the
            // documents that do not fit are skipped (said here, counted in metrics.jsonl).
            // Validation documents of --eval-segments too (a resumed run was checked as it began).
            let evalSegments = resume ? nil : options().evalSegments
            let shortest = min(firstSegments, evalSegments ?? firstSegments)
            let checked = TaskBatchSource.checkedDocuments
            let overflowing = try trainSource.checkShortestLength(segments: shortest, documents: checked)
            if overflowing > 0 && root {
                note("rmt-train: note: \(overflowing) of the first \(checked) documents do not fit in \(shortest) segment"
                     + "\(shortest == 1 ? "" : "s") of \(lengths.lowerBound) tokens; documents whose facts"
                     + " do not fit are skipped (use more segments or longer segments to keep them)")
            }
            // A teacher that cannot be read, or cannot read this model's segments, too.
            if !resume, let teacher = options().memoryTeacher {
                _ = try MemoryDistillation(loading: teacher, student: rmt, batchCapacity: 1)
            }
            try collective.barrier()  // every rank has checked the folder before rank 0 changes it
            if !resume && root {
                // Only now, with the new run's model and data known good, is the old run deleted.
                if overwrite || restart { try RunFolder.clear(outURL) }
                try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
                if lock == nil {
                    lock = try RunLock(acquiring: outURL)
                    // The folder was new when this run started: a run found in it now was made meanwhile.
                    if RunFolder.contents(outURL).contains(where: RunFolder.isRunEntry) {
                        throw ModelError(outURL.path, "another training run started in it while this one was loading; give --out a new or empty folder")
                    }
                }
                try runData.save(in: outURL)  // before the step-0 checkpoint: a checkpoint always has its data.json
            }
            let trainer = resume
                ? try Trainer(resuming: outURL, train: trainSource, valid: validSource, collective: collective, compute: compute,
                              lock: lock)
                : try Trainer(model: rmt, options: options(), out: outURL, train: trainSource, valid: validSource,
                              collective: collective, lock: lock)
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
            if root { note("rmt-train: \(task.name), \(trainer.options.startSegments)→\(trainer.options.maxSegments) segments" +
                 (trainer.options.varySegmentsFrom.map { " (batches from \($0))" } ?? "") +
                 (trainer.options.evalSegments.map { ", validated at \($0)" } ?? "") + ", " +
                 "\(rmt.parameters.layout.count) parameters, out \(outURL.path)\(resume ? " (resumed at step \(trainer.state.step))" : "")"
                 + (compute.linearTrainingBF16.map { ", mixed precision (\($0))" } ?? "")
                 + (collective.size > 1 ? ", \(collective.size) ranks × \(compute.threads) threads; "
                    + "to stop with a checkpoint: kill -TERM \(getpid())" : "")) }
            let outcome: TrainingOutcome
            do { outcome = try trainer.run() } catch let error as NonFiniteLossError {
                let advice = error.checkpoint.map { "lower --lr and start again with --overwrite, or from that checkpoint with --model \($0.path) and a new --out" }
                    ?? "lower --lr and start again with --overwrite"
                throw ModelError(outURL.path, "\(error); \(advice)")
            }
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

    /// --advance-on and --loss-temperature must name tasks of the run's --task, as the tasks name
    /// themselves (a count other than the default stays in the name: detect-distract:0-3).
    func checkTasks(_ names: [String], of task: any MemoryTask, flag: String) throws {
        let trained = (task as? TaskMixture)?.tasks.map(\.name) ?? [task.name]
        let unknown = names.filter { !trained.contains($0) }
        guard unknown.isEmpty else {
            throw ValidationError("\(flag) \(unknown.joined(separator: ",")): not a task of this run (--task \(task.name))")
        }
    }

    /// True for the original command with --resume appended on a run killed before its step-0
    /// checkpoint (data.json equal to this command's, no checkpoint): nothing was trained, so
    /// the run starts again.
    func restartsUnstarted(_ out: URL) throws -> Bool {
        guard resume, model != nil || preset != nil else { return false }
        let checkpoint = out.appendingPathComponent("checkpoint")
        guard !FileManager.default.fileExists(atPath: checkpoint.path),
              !RunFolder.contents(out).contains(where: { $0.hasPrefix(AtomicDirectory.oldPrefix(checkpoint)) }),
              let recorded = try RunData.load(from: out) else { return false }
        return recorded == givenRunData()
    }

    /// --data-segment-length as a range (checked by `validate`); nil when not given.
    var dataSegmentLengths: SegmentLengthRange? { dataSegmentLength.flatMap { try? SegmentLengthRange(parsing: $0) } }

    /// The run's data as the flags give it (a new run records it in data.json), every path in it
    /// absolute (a custom task's file too), so that the run resumes from any directory.
    func givenRunData() -> RunData {
        RunData(task: TaskCatalog.absoluteFiles(in: data.task), noise: absolutePaths(data.noise), evalNoise: absolutePaths(evalNoise), seed: data.seed,
                segmentLengths: dataSegmentLengths, adversarialRate: data.adversarialRateFlag, neighbourRate: data.neighbourRateFlag,
                probeRate: probeRate,
                crossSegmentRate: crossSegmentRate, hiddenQuestionRate: hiddenQuestionRate,
                decoyQuestionRate: decoyQuestionRate,
                model: model.map { absolutePaths([$0])[0] }, preset: preset?.rawValue, probeObjects: probeObjects ? true : nil)
    }

    /// A new run writes into an empty or new folder; a folder holding anything needs --overwrite
    /// (or --resume, to continue the run it holds).
    func checkNewRunFolder(_ out: URL) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: out.path, isDirectory: &isDir) else { return }
        guard isDir.boolValue else { throw ModelError(out.path, "is a file, not a folder; give --out a new or empty folder") }
        let names = RunFolder.contents(out).filter { $0 != RunLock.fileName }  // left by every run; not the run's
        if overwrite {
            // --overwrite must not delete what the new run reads (e.g. --model OUT/model).
            let doomed = absolutePaths(names.filter(RunFolder.isRunEntry).map { out.appendingPathComponent($0).path })
            let reads = [("--model", model.map { [$0] } ?? []), ("--vocab", vocab.map { [$0] } ?? []),
                         ("--noise", data.noise), ("--eval-noise", evalNoise)]
            for (flag, paths) in reads {
                for path in absolutePaths(paths) where doomed.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) {
                    throw ModelError(out.path, "--overwrite would delete \(path), which \(flag) reads; copy it elsewhere first")
                }
            }
        }
        guard !names.isEmpty, !overwrite else { return }
        let run = names.filter(RunFolder.isRunEntry)
        if run.isEmpty {
            throw ModelError(out.path, "is not empty (\(names.prefix(3).joined(separator: ", "))\(names.count > 3 ? ", …" : "")); " +
                             "give --out a new or empty folder, or add --overwrite to write the run beside these files")
        }
        let shown = run.contains { !$0.hasPrefix(".") } ? run.filter { !$0.hasPrefix(".") } : run
        throw ModelError(out.path, "already holds a training run (\(shown.prefix(4).joined(separator: ", "))); " +
                         "continue it with --resume, or add --overwrite to delete it and start again")
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

    /// What refuses to train a model that reads each document `passes` times: the losses that
    /// score one reading's segments (SegmentBatch.read(passes:)); nil when nothing does.
    func multiPassClash(_ passes: Int) -> String? {
        guard passes > 1 else { return nil }
        let given = [("--prefix-loss", backprop.prefixLoss), ("--state-loss", backprop.stateLoss != nil),
                     ("--distill-memory", backprop.distillMemory != nil)].filter(\.1).map(\.0)
        guard let first = given.first else { return nil }
        return "\(first) scores the segments of one reading; it cannot be combined with --passes \(passes)"
    }

    /// The run's starting model, recording the task's question domain (`recordingDomain`).
    /// Answer temperatures (`rmt.answer_temperatures`) describe the starting model's logits, not the
    /// trained one's: they are dropped, with a note.
    func makeModel(task: any MemoryTask) throws -> RecurrentMemoryModel {
        let made = try makeModel(labels: task.labels)
        let start = try recordingDomain(of: task, in: try passes.map { try made.reading(passes: $0) } ?? made)
        guard start.settings.answerTemperatures != nil else { return start }
        note("rmt-train: the starting model's answer temperatures (rmt.answer_temperatures) describe its answers before training; the trained model records none (fit new ones with rmt-tool calibrate)")
        return try start.withQuestionTemperatures(nil)
    }

    /// `model` recording what it is trained on: the task's question domain, joined to the
    /// domain the model already records (a fine-tune keeps its earlier forms). A model without
    /// one (untrained, or older) records the task's alone; a task whose questions cannot be
    /// listed (`questionDomain` nil) leaves the model with none.
    func recordingDomain(of task: any MemoryTask, in model: RecurrentMemoryModel) throws -> RecurrentMemoryModel {
        guard let domain = task.questionDomain else {
            if model.questionDomain != nil {
                note("rmt-train: \(task.name) has too many distinct questions to list; the trained model records no question domain")
            }
            return try model.recording(domain: nil)
        }
        return try model.recording(domain: model.questionDomain.map { $0.union(domain) } ?? domain)
    }

    func makeModel(labels: [String]) throws -> RecurrentMemoryModel {
        if positionInit == .attention && (model == nil || position?.name != "t5") {
            throw ErrorReporter.exit("rmt-train", "--position-init attention starts the t5 scheme's biases from an absolute --model's attention: give --model DIR --position t5")
        }
        let defaults = RMTSettings(labels: labels)
        let settings = RMTSettings(memoryTokens: memoryTokens ?? defaults.memoryTokens,
                                   segmentLength: segmentLength ?? defaults.segmentLength, labels: labels,
                                   questionLayout: questionLayout ?? defaults.questionLayout)
        if let model {
            var loaded = try RecurrentMemoryModel.load(directory: URL(fileURLWithPath: model), wrapSettings: settings,
                                                     fittingSegment: segmentLength == nil, seed: data.seed)
            let missing = labels.filter { !loaded.settings.labels.contains($0) }
            if addLabels && !missing.isEmpty {
                loaded = try loaded.answering(labels: loaded.settings.labels + missing)
                note("rmt-train: \(model): added the label\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) (new classifier rows)")
            }
            loaded = try withAssociative(loaded)
            loaded = try withPositionScheme(loaded, model: model)  // first: a relative scheme may then read longer segments
            loaded = try resized(loaded, model: model)
            loaded = try withStateReadout(loaded)  // after resizing, which drops a readout of another memory size
            loaded = try withMemoryGate(loaded)
            return try questionLayout.map { try loaded.reading(questionLayout: $0) } ?? loaded
        }
        let vocabURL = vocab.map { URL(fileURLWithPath: $0) } ?? DefaultLocations.vocabulary
        let positions = try PositionSettings.fromCommandLine(
            scheme: position?.name ?? "absolute", temperature: positionTemperature, textTokens: settings.segmentLength,
            positions: settings.positionsPerSegment)
        return try withMemoryGate(withStateReadout(withAssociative(RecurrentMemoryModel.preset(
            preset!, vocabulary: vocabURL, cased: cased, settings: settings, position: positions, seed: data.seed))))
    }

    /// A `--model` with the memory size and segment length `--memory-tokens` and `--segment-length`
    /// ask for (each defaults to the model's; a new memory row copies an old one, see
    /// `RecurrentMemoryModel.carrying`). Says on stderr what changed.
    func resized(_ loaded: RecurrentMemoryModel, model: String) throws -> RecurrentMemoryModel {
        guard memoryTokens != nil || segmentLength != nil else { return loaded }
        let (M, S) = (loaded.settings.memoryTokens, loaded.settings.segmentLength)
        let out: RecurrentMemoryModel
        if let memoryTokens {
            out = try loaded.carrying(memoryTokens: memoryTokens, segmentLength: segmentLength, seed: data.seed)
        } else {
            out = try loaded.readingSegments(of: segmentLength!)
        }
        let (m, s) = (out.settings.memoryTokens, out.settings.segmentLength)
        var changes: [String] = []
        if m != M { changes.append("\(M) → \(m) memory tokens (\(m > M ? "new rows copy old ones, plus noise" : "the first \(m) kept"))") }
        if s != S { changes.append("segment length \(S) → \(s)") }
        if !changes.isEmpty { note("rmt-train: \(model): \(changes.joined(separator: ", "))") }
        return out
    }

    /// A `--model` with absolute positions under the scheme `--position` / `--position-temperature`
    /// ask for (PositionSchemeChange.swift): its tensors kept, the scheme's own new. Says on stderr
    /// what starts fresh.
    func withPositionScheme(_ loaded: RecurrentMemoryModel, model: String) throws -> RecurrentMemoryModel {
        guard position != nil || positionTemperature != nil else { return loaded }
        // The scheme's defaults follow the segment the run will train with (--segment-length, --memory-tokens).
        let S = segmentLength ?? loaded.settings.segmentLength, M = memoryTokens ?? loaded.settings.memoryTokens
        guard let positions = try PositionSettings.fromCommandLine(
            scheme: position?.name ?? "absolute", temperature: positionTemperature, textTokens: S,
            positions: M + S + 3) else {  // absolute, no temperature
            if let kept = loaded.config.position {
                throw ErrorReporter.exit("rmt-train", "--position: \(model) has the position scheme \(kept.commandLineName); a scheme replaces only absolute positions")
            }
            return loaded
        }
        // Every tensor of the absolute model is in the new layout (the position table is kept, unread).
        if positionInit == .attention {
            let sequence = try loaded.contentFreeSequence()
            let profile = try loaded.attentionOffsetProfile(sequences: [sequence], reach: positions.t5MaxDistance)
            let (changed, _) = try loaded.withPositionScheme(positions, seed: data.seed, t5From: profile)
            note("rmt-train: \(model): position scheme \(positions.commandLineName); its biases from the model's attention "
                 + "on [CLS] [MASK]×\(sequence.count - 2) [SEP], offsets to ±\(profile.reach)")
            return changed
        }
        let (changed, fresh) = try loaded.withPositionScheme(positions, seed: data.seed)
        note("rmt-train: \(model): position scheme \(positions.commandLineName)"
             + (fresh.isEmpty ? "" : "; \(fresh.count) new tensor\(fresh.count == 1 ? "" : "s") (the scheme's)"))
        return changed
    }

    /// `model` with the state readout `--state-loss` scores: added (WorldStates.entities; a hidden
    /// layer of `--state-hidden` units) when it has none; a model that has one keeps it when it places
    /// the same entities and `--state-hidden` (if given) is its width.
    func withStateReadout(_ model: RecurrentMemoryModel) throws -> RecurrentMemoryModel {
        guard backprop.stateLoss != nil else { return model }
        if let current = model.settings.stateEntities {
            guard current == WorldStates.entities else {
                throw ModelError("--state-loss", "the model's state readout places \(current.joined(separator: ", ")), not the task world's \(WorldStates.entities.joined(separator: ", "))")
            }
            if let asked = backprop.stateHidden, asked != model.settings.stateHidden {
                let has = model.settings.stateHidden.map { "a hidden layer of \($0)" } ?? "no hidden layer (a linear probe)"
                throw ModelError("--state-hidden", "the model's state readout has \(has), not \(asked); leave --state-hidden out to keep it")
            }
            return model
        }
        let added = try model.withStateReadout(entities: WorldStates.entities, hidden: backprop.stateHidden, seed: data.seed)
        note("rmt-train: added a state readout (\(WorldStates.entities.joined(separator: ", "))\(backprop.stateHidden.map { "; hidden layer \($0)" } ?? ""); \(added.parameters.layout.count - model.parameters.layout.count) parameters, used in training only)")
        return added
    }

    /// `model` with the memory gate `--memory-gate` asks for: added (zero weights, bias
    /// `--memory-gate-bias`, default 3) when it has none; kept when it has one (a new bias refused).
    func withMemoryGate(_ model: RecurrentMemoryModel) throws -> RecurrentMemoryModel {
        guard memoryGate else { return model }
        if model.settings.hasMemoryGate {
            if memoryGateBias != nil { throw ModelError("--memory-gate-bias", "the model already has a trained memory gate; leave --memory-gate-bias out to keep it") }
            return model
        }
        let bias = memoryGateBias ?? 3
        let added = try model.withMemoryGate(bias: bias)
        let share = 1 / (1 + exp(-Double(bias)))
        note("rmt-train: added a memory gate (\(added.parameters.layout.count - model.parameters.layout.count) parameters; bias \(bias): each segment hands on \(String(format: "%.3f", share)) of its new memory at first)")
        return added
    }

    /// `model` with the associative memory `--associative` asks for: added when it has none, kept
    /// when it has the same key size, refused when another.
    func withAssociative(_ model: RecurrentMemoryModel) throws -> RecurrentMemoryModel {
        guard let D = associative else { return model }
        let write = associativeWrite ?? model.config.associative?.write ?? .memory
        if let current = model.config.associative {
            guard current.keySize == D else {
                throw ModelError("--associative", "the model's associative memory has key size \(current.keySize), not \(D)")
            }
            guard current.write == write else {
                throw ModelError("--associative-write", "the model's associative memory is written by \(current.write.rawValue) rows, not \(write.rawValue)")
            }
            return model
        }
        let added = try model.withAssociativeMemory(AssociativeSettings(keySize: D, write: write), seed: data.seed)
        note("rmt-train: added an associative memory (key size \(D), written by \(write.rawValue) rows, \(added.parameters.layout.count - model.parameters.layout.count) parameters; value projection 0: the model answers as before until it trains)")
        return added
    }
}

/// Paths made absolute and standard, as data.json records them.
func absolutePaths(_ paths: [String]) -> [String] { paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path } }

/// How `--position t5` on an absolute `--model` starts its biases (`--position-init`).
enum PositionInit: String, ExpressibleByArgument, CaseIterable {
    case zero, attention
}
