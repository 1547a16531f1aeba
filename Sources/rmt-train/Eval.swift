// rmt-train eval: accuracy per task and document length — a table (or JSON) and, with --plot, an
// SVG plot of accuracy against tokens on a log scale, the paper's extrapolation figure.
// With --ledger FILE the evaluation is resumable: every batch is appended to FILE as it
// finishes, a rerun skips what is counted, and --report prints the ledger without evaluating
// (several --ledger files of one model, seed and noise make one table: LedgerReport).
// Under mpirun (MPI build) the batches are shared out over the ranks; rank 0 alone opens the
// ledger, records every batch in order and prints (Docs/distributed.md).
// With --segment-length N[,N…] the same documents (made for the model's own segment length, or
// for --data-segment-length's) are re-split and read in segments of N tokens: a relative-position model at any N, an absolute one
// only at N ≤ its own, or beyond with --interpolate-positions (its trained text positions
// stretched; segment-length extrapolation, Docs/position-encodings.md). One reading length also
// goes with --ledger (its header records the lengths), --report and --plot; several print one table.
// With --probe each document's final segment asks its memory probe (where another person of the
// story is) instead of its question: what the memory kept beyond the question it read with.
// With --cross-segment the documents' supporting facts are placed in different segments.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accuracy per task and document length, as a table and an SVG plot.",
        discussion: """
        Each task of a comma list is evaluated on its own. Long points are slow (2048 segments \
        ≈ 1M tokens per document), so use --ledger: stop any time, run the same command again \
        to continue, raise --samples later to add documents, and --report to print the table.
        """)

    @OptionGroup var data: DataOptions

    @Option(help: "Model folder.") var model: String
    @Option(help: ArgumentHelp(PrecisionArgument.help)) var precision: Precision = .auto
    @Option(help: "Comma-separated segment counts.") var segments = "1,2,4,8"
    @Option(help: "Documents per length (the first N of the seeded stream).") var samples = 100
    @Option(help: ArgumentHelp("Start at document N of the seeded stream: read documents N ..< N + --samples (a document a ledger lists as wrong, read again with --predictions; not with --ledger).",
                               valueName: "N"))
    var first = 0
    @Option(help: "Documents read together (bigger GEMMs; memory grows with it).") var batchSize = 8
    @Option(name: .customLong("ledger"),
            help: "Resumable record of evaluated batches (JSON lines); created if missing. With --report, repeat it to show several ledgers of one model, seed and noise as one table.")
    var ledgers: [String] = []
    @Flag(help: "Evaluate nothing: print and plot every point the --ledger files hold (a cell held by several: the one with the most documents).") var report = false
    @Flag(help: "Add published accuracies to the plot, dashed: the paper's (Bulatov et al. 2023) for memorize, detect and reasoning, and BABILong's RMT and ARMT (mean of qa1–qa5) when a bAbI task is plotted.") var paper = false
    @Option(help: "SVG plot to write (none unless given).") var plot: String?
    @Flag(help: "Print JSON lines instead of a table.") var json = false
    @Option(help: ArgumentHelp("Write one JSON line per document evaluated by this run: task, index, segments, question, answer, predicted, its probability, every label's logit (what rmt-tool calibrate fits), and each fact's text, token offset and reading segment (error analysis; written when the run ends).",
                               valueName: "FILE"))
    var predictions: String?
    @Option(help: ArgumentHelp("Write each document this run evaluates as text into this existing folder, as TASK-SEGMENTS-INDEX.txt (atomically; ~5 MB per 2048 segments): a document read again with `rmt-ask FILE --question Q --trace OUT`. Not with --report, --probe, --cross-segment, --hidden-question, --decoy-question or --segment-length.",
                               valueName: "DIR"))
    var documents: String?
    @Option(help: "Comma-separated reading segment lengths: re-split the same documents into segments of N tokens (relative-position models; absolute ones only up to their own length).")
    var segmentLength: String?
    @Flag(help: "With --segment-length: an absolute-position model reads longer segments with its trained text positions linearly interpolated (Docs/position-encodings.md).")
    var interpolatePositions = false
    @Option(help: ArgumentHelp("Read each document N times (1…8), the memory carried from one reading to the next, instead of as often as the model records (rmt.passes; rmt-train --passes). A ledger records it. (default: the model's, else 1)",
                               valueName: "N"))
    var passes: Int?
    @Flag(help: "Memory probes: each document's final segment asks where another person of its story is (the probe rmt-train --probe-rate asks) instead of its question; documents without one are left out; rows are named TASK+probe (every-segment models; not with --ledger).")
    var probe = false
    @Flag(help: "With --probe: a probe asks where another object of a bAbI story is whenever one is known, a person otherwise (the probes rmt-train --probe-objects draws).")
    var probeObjects = false
    @Flag(help: "Supporting facts apart: each document whose answer rests on facts that would share one segment (babi-qa2: the object's last get or drop and its holder's move) is placed again until no segment holds them all, so the answer needs the memory (the placement rmt-train --cross-segment-rate trains on); rows are named TASK+cross (tasks that name supporting facts; not with --ledger).")
    var crossSegment = false
    @Flag(help: "Hidden question: every segment but the last reads [MASK]s in the question's place, so the answer rests on what the memory kept without knowing the question (the documents rmt-train --hidden-question-rate trains on); rows are named TASK+hidden (every-segment models; not with --ledger).")
    var hiddenQuestion = false
    @Flag(help: "Decoy question: every segment but the last reads the question with one task word replaced (\"Where is the apple?\" for \"Where is the milk?\"), the last the real one (the documents rmt-train --decoy-question-rate trains on); rows are named TASK+decoy (every-segment models; not with --ledger, nor with --hidden-question).")
    var decoyQuestion = false
    @Option(help: ArgumentHelp("With --segment-length: make the documents for segments of N tokens instead of the model's own (a model trained on a range of lengths, evaluated at multiples of N).",
                               valueName: "N"))
    var dataSegmentLength: Int?
    @Option(help: ArgumentHelp("Read every segment but the final one with this model, and the final one with --model from the memory it hands on.",
                               discussion: "Where two models' answers differ, each read with the other as --memory-from tells whether the difference lies in the memory written or in the final reading. Both must hand on memory of one shape (memory tokens, hidden size, associative state) and read the same tokens and question layout. Not with --ledger, --report or --segment-length.",
                               valueName: "DIR"))
    var memoryFrom: String?

    /// The one ledger an evaluation writes (or the first of a --report's).
    var ledger: String? { ledgers.first }

    func readingLengths() throws -> [Int]? {
        guard let segmentLength else { return nil }
        let parts = segmentLength.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.compactMap { Int($0) }
        guard values.count == parts.count, !values.isEmpty, values.allSatisfy({ $0 >= 2 && $0 <= 1_000_000 }) else {
            throw ValidationError("--segment-length must be a comma list of integers in 2…1000000, got \"\(segmentLength.prefix(40))\"")
        }
        return values
    }

    func lengths() throws -> [Int] {
        let parts = segments.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.compactMap { Int($0) }
        guard values.count == parts.count, !values.isEmpty, values.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--segments must be a comma list of positive integers, got \"\(segments)\"")
        }
        return values
    }

    func validate() throws {
        _ = try lengths()
        if let reading = try readingLengths(), reading.count > 1, ledger != nil || plot != nil || report {
            throw ValidationError("--ledger, --report and --plot take one --segment-length (several print one table)")
        }
        try PassesArgument.check(passes)
        if interpolatePositions && segmentLength == nil {
            throw ValidationError("--interpolate-positions needs --segment-length (the lengths to read with)")
        }
        if let n = dataSegmentLength {
            if segmentLength == nil { throw ValidationError("--data-segment-length needs --segment-length (the lengths to read the documents with)") }
            if n < 2 { throw ValidationError("--data-segment-length must be at least 2, got \(n)") }
        }
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
        guard first >= 0, first <= Int.max - samples else { throw ValidationError("--first must be a document index ≥ 0") }
        if first > 0 && ledger != nil { throw ValidationError("--first does not go with --ledger (a ledger counts documents from 0)") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        if report && ledger == nil { throw ValidationError("--report needs --ledger") }
        if ledgers.count > 1 && !report { throw ValidationError("several --ledger files go only with --report (an evaluation writes one ledger)") }
        for (i, a) in ledgers.enumerated() where ledgers[..<i].contains(where: { OutputFile.same($0, a) }) {
            throw ValidationError("--ledger: the same file is given twice")
        }
        if paper && plot == nil { throw ValidationError("--paper draws the paper's accuracies on the plot; give --plot FILE") }
        if predictions != nil && report { throw ValidationError("--predictions records what this run evaluates, and --report evaluates nothing") }
        if probeObjects && !probe { throw ValidationError("--probe-objects widens the probes --probe asks; give --probe too") }
        if probe && (ledger != nil || report) { throw ValidationError("--probe does not go with --ledger or --report (a ledger records the documents' own questions)") }
        if crossSegment && (ledger != nil || report) { throw ValidationError("--cross-segment does not go with --ledger or --report (a ledger records the documents as placed)") }
        if decoyQuestion && (ledger != nil || report || hiddenQuestion) { throw ValidationError("--decoy-question does not go with --ledger, --report or --hidden-question") }
        if documents != nil && (report || probe || crossSegment || hiddenQuestion || decoyQuestion || segmentLength != nil) {
            throw ValidationError("--documents writes the documents as made, read with the model's own segments and their own question: not with --report, --probe, --cross-segment, --hidden-question, --decoy-question or --segment-length")
        }
        if memoryFrom != nil && (ledger != nil || report || segmentLength != nil) {
            throw ValidationError("--memory-from does not go with --ledger, --report or --segment-length (a ledger records one model's reading)")
        }
        if hiddenQuestion && (ledger != nil || report) { throw ValidationError("--hidden-question does not go with --ledger or --report (a ledger records the documents as read with their question)") }
    }

    /// Output files are written when the run ends, possibly hours later: a path that cannot be
    /// written is refused now (one line, exit 1) rather than then.
    func checkOutputPaths() throws {
        for case let (flag, path?) in [("--plot", plot), ("--predictions", predictions)] {
            if let problem = OutputFile.problem(path) { throw ErrorReporter.exit("rmt-train", "\(flag): \(problem)") }
            if let kept = ledgers.first(where: { OutputFile.same($0, path) }) {
                throw ErrorReporter.exit("rmt-train", "\(flag): \(path) is the --ledger \(kept); give another file name")
            }
        }
        if let plot, let predictions, OutputFile.same(plot, predictions) {
            throw ErrorReporter.exit("rmt-train", "--plot and --predictions name the same file \(plot)")
        }
        if let documents, let problem = OutputFile.folderProblem(documents) {
            throw ErrorReporter.exit("rmt-train", "--documents: \(problem)")
        }
    }

    func run() throws {
        try ErrorReporter.run("rmt-train") {
            try checkOutputPaths()
            let collective = try Distributed.collective(tool: "rmt-train eval")
            let root = collective.isRoot
            let modelURL = URL(fileURLWithPath: model)
            // auto continues a ledger in the precision it was written in (fp32 before auto chose bf16).
            let continued = precision == .auto ? ledger.flatMap { EvaluationLedger.recordedPrecision(at: URL(fileURLWithPath: $0)) } : nil
            let compute = try ComputeOptions(environment: ProcessInfo.processInfo.environment)  // after `collective`: it may set RMT_THREADS
                .answering(precision: continued ?? precision)
            let loaded = try RecurrentMemoryModel.load(directory: modelURL)
            let rmt = try passes.map { try loaded.reading(passes: $0) } ?? loaded
            rmt.compute = compute
            let writer = try memoryFrom.map { try RecurrentMemoryModel.load(directory: URL(fileURLWithPath: $0)) }
            writer?.compute = compute
            if let writer, let problem = rmt.memoryWriterProblem(from: writer) {
                throw ErrorReporter.exit("rmt-train", "--memory-from \(memoryFrom!): cannot hand its memory to \(model): \(problem)")
            }
            if let skipped = SkippedTensors.note(folder: modelURL.path, rmt.skippedTensors), root { note(skipped) }
            if rmt.isUntrained && root { note("warning: \(model) has no trained RMT head; accuracy will be chance") }
            if probe && rmt.settings.questionLayout != .everySegment {
                throw ErrorReporter.exit("rmt-train", "--probe: \(model) reads the question after the document (final-segment layout); memory probes need a model that reads it with every segment")
            }
            for (flag, asked) in [("--hidden-question", hiddenQuestion), ("--decoy-question", decoyQuestion)]
            where asked && rmt.settings.questionLayout != .everySegment {
                throw ErrorReporter.exit("rmt-train", "\(flag): \(model) reads the question only after the document already (final-segment layout); hiding it needs a model that reads it with every segment")
            }
            if hiddenQuestion && rmt.tokenizer.vocabulary.maskID == nil {
                throw ErrorReporter.exit("rmt-train", "--hidden-question: \(model)'s vocab.txt has no [MASK], which a hidden question is read as")
            }
            // Each task once, by the name it records in the ledger: a task named twice (as a
            // training mixture weights it), or once with its default count spelled out, is one evaluation.
            var seen = Set<String>()
            let tasks = try TaskCatalog.names(inList: data.task).map { try TaskCatalog.task(named: $0) }.filter { seen.insert($0.name).inserted }
            if crossSegment, let plain = tasks.first(where: { !$0.namesSupportingFacts }) {
                throw ErrorReporter.exit("rmt-train", "--cross-segment: task \(plain.name) does not name the facts its answers rest on (babi-qa2 does)")
            }
            let names = tasks.map { evaluatedTaskName($0.name, probe: probe, crossSegment: crossSegment, hiddenQuestion: hiddenQuestion, decoyQuestion: decoyQuestion) }
            let noise = try data.makeNoise(data.noise, tokenizer: rmt.tokenizer, seed: data.seed, adversarialRate: data.adversarialRate,
                                           neighbourRate: data.neighbourRate)
            let readingLengths = try readingLengths()
            if let readingLengths, ledger == nil && plot == nil {
                try evaluateResplit(rmt, tasks: tasks, noise: noise, readingLengths: readingLengths, collective: collective)
                Distributed.endNormally()
                return
            }
            // From here on, one reading: the model's own segments, or one --segment-length N.
            let reading = readingLengths?.first
            let identity = EvaluationLedger.Identity(
                modelFNV: try EvaluationLedger.fingerprint(of: modelURL.appendingPathComponent("model.safetensors")),
                seed: data.seed, noise: data.noise.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                noiseFNV: noise.fingerprint, precision: compute.linearBF16 == nil ? nil : "bf16",
                segmentLength: reading, dataSegmentLength: dataSegmentLength,  // validate(): only with --segment-length
                interpolatedPositions: reading != nil && interpolatePositions ? true : nil, passes: rmt.settings.passes)
            let record = root && !report ? try ledger.map { try EvaluationLedger(url: URL(fileURLWithPath: $0), identity: identity) } : nil
            let predicted = PredictionLog(path: root && !report ? predictions : nil)

            if !report {
                let reader = try reading.map { try rmt.readingSegments(of: $0, interpolatingPositions: interpolatePositions) } ?? rmt
                let streams = try evaluationStreams(rmt, tasks: tasks, noise: noise,
                                                    segmentLength: dataSegmentLength ?? rmt.settings.segmentLength)
                var memoryOnly: [EvaluationBatch] = []
                // Inside a batch (minutes for 1M-token documents): where it is — redrawn on a
                // terminal, a line a minute into a log.
                let status = try StatusLine.forStandardError(when: root)
                defer { status.clear() }
                for n in try lengths() {
                    for stream in streams {  // tasks inside lengths: every task advances together
                        // From the ledger's first gap (the root's; every rank gets its ranges), the
                        // batches it does not already hold.
                        let from = record?.done(task: stream.task.name, segments: n) ?? first, end = first + samples
                        let unread = from < end ? record?.unread(task: stream.task.name, segments: n, in: from..<end,
                                                                 batchSize: batchSize) ?? [from..<end] : []
                        let ranges = try Self.broadcast(unread, over: collective)
                        guard !ranges.isEmpty else { continue }
                        let started = Date()
                        var batchStarted = (first: -1, at: Date())
                        for range in ranges {
                            try evaluateBatches(model: reader, stream: stream, segments: n, range: range,
                                                batchSize: batchSize, collective: collective, readingLength: reading, probe: probe,
                                                memoryWriter: writer, onSegment: { p in
                                if p.first != batchStarted.first { batchStarted = (p.first, Date()) }
                                status.show { Self.progressLine(task: stream.task.name, segments: n, p,
                                                                seconds: Date().timeIntervalSince(batchStarted.at)) }
                            }, onDocument: predicted.collector) { batch in
                                if root, let documents { try Self.writeDocuments(stream, segments: n, batch: batch, into: documents) }
                                if let record { try record.record(batch) } else { memoryOnly.append(batch) }
                                guard root else { return }
                                status.clear()
                                note(String(format: "%@ %d segments: documents %d..<%d, %d correct (%.0f s)",
                                            batch.task, n, batch.first, batch.first + batch.count, batch.correct,
                                            Date().timeIntervalSince(started)))
                            }
                        }
                    }
                }
                if probe && root { noteUnprobed(tasks.map(\.name), memoryOnly) }
                if ledger == nil && root { try printAndPlot(points(tasks: names, from: memoryOnly, lengths: try lengths())) }
                try predicted.write()
            }
            if let record {
                let lengths = try lengths()
                try printAndPlot(names.flatMap { t in lengths.compactMap { record.accuracy(task: t, segments: $0, limit: samples) } })
            }
            if report && root { try printReport(identity: identity, tasks: names) }
            Distributed.endNormally()
        }
    }

    /// The root's `ranges`, the same on every rank (the root has the ledger): their count, then
    /// each one's bounds.
    static func broadcast(_ ranges: [Range<Int>], over collective: any Collective) throws -> [Range<Int>] {
        let count = try collective.broadcast(ranges.count)
        return try (0..<count).map { i in
            let lower = try collective.broadcast(i < ranges.count ? ranges[i].lowerBound : 0)
            let upper = try collective.broadcast(i < ranges.count ? ranges[i].upperBound : 0)
            return lower..<upper
        }
    }

    /// The status line inside a batch: task, length, documents, segments read, tokens/s, ETA.
    static func progressLine(task: String, segments: Int, _ p: EvaluationProgress, seconds: Double) -> String {
        let head = "\(task) \(segments) segments: documents \(p.first)..<\(p.first + p.count), segment \(p.segment)/\(p.segments)"
        guard p.segment > 0, seconds > 0 else { return head }
        let read = Double(p.count * p.tokens) * Double(p.segment) / Double(max(1, p.segments))  // document tokens so far
        let eta = seconds * Double(p.segments - p.segment) / Double(p.segment)
        return head + String(format: ", %.0f tokens/s, ETA %d:%02d", read / seconds, Int(eta) / 60, Int(eta) % 60)
    }

    /// One validation-seeded document stream per task, made for `segmentLength`-token segments
    /// and laid out as `rmt` reads them (its question layout and labels) — the one place both
    /// evaluation paths make their documents.
    func evaluationStreams(_ rmt: RecurrentMemoryModel, tasks: [any MemoryTask], noise: NoiseCorpus,
                           segmentLength: Int) throws -> [DataStream] {
        try tasks.map {
            var stream = try DataStream(task: $0, noise: noise, tokenizer: rmt.tokenizer, seed: DataStream.seed(data.seed, for: .validation),
                                        segmentLength: segmentLength, questionLayout: rmt.settings.questionLayout, labels: rmt.settings.labels)
            stream.crossSegmentRate = crossSegment ? 1 : 0
            stream.hiddenQuestionRate = hiddenQuestion ? 1 : 0
            stream.decoyQuestionRate = decoyQuestion ? 1 : 0
            stream.probeObjects = probeObjects
            return stream
        }
    }

    /// The same documents re-split at every reading length: one row per (length, task, segments).
    func evaluateResplit(_ rmt: RecurrentMemoryModel, tasks: [any MemoryTask], noise: NoiseCorpus,
                         readingLengths: [Int], collective: any Collective) throws {
        // Refuses before any work (an absolute model past its length, unless interpolating).
        let models = try readingLengths.map { try rmt.readingSegments(of: $0, interpolatingPositions: interpolatePositions) }
        let streams = try evaluationStreams(rmt, tasks: tasks, noise: noise,
                                            segmentLength: dataSegmentLength ?? rmt.settings.segmentLength)
        var rows: [(length: Int, result: LengthAccuracy)] = []
        var all: [EvaluationBatch] = []  // for --probe's note on tasks without probes
        let predicted = PredictionLog(path: collective.isRoot ? predictions : nil)
        for (N, model) in zip(readingLengths, models) {
            for n in try lengths() {
                for stream in streams {
                    var batches: [EvaluationBatch] = []
                    try evaluateBatches(model: model, stream: stream, segments: n, range: first..<(first + samples), batchSize: batchSize,
                                        collective: collective, readingLength: N, probe: probe,
                                        onDocument: predicted.collector) { batches.append($0) }
                    all += batches
                    let name = evaluatedTaskName(stream.task.name, probe: probe, crossSegment: crossSegment, hiddenQuestion: hiddenQuestion, decoyQuestion: decoyQuestion)
                    if let r = EvaluationLedger.accuracy(of: batches, task: name, segments: n) { rows.append((N, r)) }
                }
            }
        }
        if probe && collective.isRoot { noteUnprobed(tasks.map(\.name), all) }
        try predicted.write()
        guard collective.isRoot else { return }
        let width = max(10, rows.map(\.1.task.count).max() ?? 0)
        func pad(_ s: String) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
        if !json { print(pad("task") + "  seg_len  segments      tokens  samples  accuracy   95% interval") }
        for (N, r) in rows {
            let ci = r.wilsonInterval()
            if json {
                var line: [String: Any] = ["task": r.task, "segment_length": N, "trained_segment_length": rmt.settings.segmentLength,
                                           "interpolated_positions": interpolatePositions && rmt.config.usesAbsolutePositions
                                               && N > rmt.settings.segmentLength,
                                           "segments": r.segments, "tokens": r.tokens, "samples": r.samples, "correct": r.correct,
                                           "accuracy": r.accuracy, "ci95_low": ci.lowerBound, "ci95_high": ci.upperBound]
                if let dataSegmentLength { line["data_segment_length"] = dataSegmentLength }
                print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print(pad(r.task) + String(format: "  %7d  %8d  %10d  %7d  %8.4f   %.3f–%.3f", N, r.segments, r.tokens, r.samples,
                                    r.accuracy, ci.lowerBound, ci.upperBound))
            }
        }
    }

    /// `--probe`: a note for each task none of whose documents asked a probe (only bAbI qa1–qa3
    /// and the distractor tasks define them), which would otherwise be a missing row.
    func noteUnprobed(_ tasks: [String], _ batches: [EvaluationBatch]) {
        for task in tasks where !batches.contains(where: { $0.task == evaluatedTaskName(task, probe: true, crossSegment: crossSegment, hiddenQuestion: hiddenQuestion, decoyQuestion: decoyQuestion) }) {
            note("warning: \(task): none of the \(samples) documents has a memory probe (bAbI qa1–qa3 and the distractor tasks define them)")
        }
    }

    /// `--report`: every cell the --ledger files hold, opened for reading only — each under the
    /// precision it records unless --precision names one — as one table (LedgerReport). With
    /// several ledgers, stderr says which file and precision each cell came from when that is
    /// not the first's, and which cells another ledger also held (left out, not added).
    func printReport(identity: EvaluationLedger.Identity, tasks: [String]) throws {
        let urls = ledgers.map { URL(fileURLWithPath: $0) }
        let readers = try urls.map { url in
            var own = identity
            if precision == .auto, let recorded = EvaluationLedger.recordedPrecision(at: url) { own.precision = recorded == .bf16 ? "bf16" : nil }
            return try EvaluationLedger(url: url, identity: own, writing: false)
        }
        let rows = LedgerReport.rows(readers, tasks: tasks)
        if readers.count > 1 {
            func name(_ i: Int) -> String { "\(ledgers[i]) (\(readers[i].identity.precision ?? "fp32"))" }
            for (i, _) in readers.enumerated() { note("\(name(i)): \(rows.filter { $0.source == i }.count) of the \(rows.count) rows") }
            for row in rows where !row.leftOut.isEmpty {
                let also = row.leftOut.map { "\($0.samples) in \(name($0.ledger))" }.joined(separator: ", ")
                note("\(row.point.task) \(row.point.segments) segments: the \(row.point.samples) documents of \(name(row.source)); left out: \(also)")
            }
        }
        try printAndPlot(rows.map(\.point), sources: readers.count > 1 ? rows.map { ledgers[$0.source] } : nil)
    }

    /// Aggregates in-memory batches per (task, length), as the ledger does.
    func points(tasks: [String], from batches: [EvaluationBatch], lengths: [Int]) -> [LengthAccuracy] {
        tasks.flatMap { t in lengths.compactMap { EvaluationLedger.accuracy(of: batches, task: t, segments: $0) } }
    }

    /// The table (or --json lines) and the plot; `sources`, one per result, names the ledger each
    /// came from (a --report over several: the JSON lines' "ledger").
    func printAndPlot(_ results: [LengthAccuracy], sources: [String]? = nil) throws {
        if json {
            for (i, r) in results.enumerated() {
                let ci = r.wilsonInterval()
                var line: [String: Any] = ["task": r.task, "segments": r.segments, "tokens": r.tokens, "samples": r.samples,
                                           "correct": r.correct, "accuracy": r.accuracy, "ci95_low": ci.lowerBound,
                                           "ci95_high": ci.upperBound]
                if let other = r.otherPerson {  // the confusion matrix: right / other person's room / other
                    line["other_person"] = other
                    line["other"] = r.samples - r.correct - other
                }
                if let unknown = r.answeredUnknown { line["answered_unknown"] = unknown }
                if let state = r.state {  // a model with a state readout: places right, and carried places right
                    line["state_placed"] = state.placed
                    line["state_placed_right"] = state.placedRight
                    line["state_carried"] = state.carried
                    line["state_carried_right"] = state.carriedRight
                }
                if let sources { line["ledger"] = sources[i] }
                print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
            }
        } else {
            // Right / other person's room / other (the distractor tasks' confusion matrix) and
            // answerable questions answered `unknown`, when the ledger recorded them.
            let width = max(10, results.map(\.task.count).max() ?? 0)
            func pad(_ s: String) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
            print(pad("task") + "  segments      tokens  samples  accuracy   95% interval  other-person  other  unknown")
            for r in results {
                let ci = r.wilsonInterval()
                let other = r.otherPerson.map { String(format: "  %12d  %5d", $0, r.samples - r.correct - $0) } ?? "  \(String(repeating: " ", count: 11))-      -"
                let unknown = r.answeredUnknown.map { String(format: "  %7d", $0) } ?? "        -"
                print(pad(r.task) + String(format: "  %8d  %10d  %7d  %8.4f   %.3f–%.3f", r.segments, r.tokens,
                                           r.samples, r.accuracy, ci.lowerBound, ci.upperBound) + other + unknown
                      + (r.state.map { s in
                          String(format: "  state: placed %d/%d, carried %d/%d", s.placedRight, s.placed, s.carriedRight, s.carried)
                      } ?? ""))
            }
        }
        guard let plot else { return }
        var series: [SVGPlot.Series] = []
        var tasks: [String] = []
        for r in results where !tasks.contains(r.task) { tasks.append(r.task) }
        for (i, task) in tasks.enumerated() {
            let color = SVGPlot.palette[i % SVGPlot.palette.count]  // a task and the paper's line share it
            let mine = results.filter { $0.task == task }.sorted { $0.segments < $1.segments }
            series.append(.init(name: task, points: mine.map { (Double(max($0.tokens, 1)), $0.accuracy) }, color: color))
            if paper, let reference = PaperResults.accuracy[task] {
                series.append(.init(name: "paper: \(task)", points: reference.map { (Double($0.segments * 499), $0.accuracy) },
                                    dashed: true, color: color))
            }
        }
        if paper && tasks.contains(where: { $0.hasPrefix("babi-qa") }) {
            for (model, points) in PaperResults.babilongMean {
                series.append(.init(name: "BABILong \(model), qa1–qa5 mean", points: points.map { (Double($0.tokens), $0.accuracy) },
                                    dashed: true, color: model == "ARMT" ? "#555555" : "#aaaaaa"))
            }
        }
        let svg = SVGPlot(title: "Accuracy against document length", xLabel: "document tokens (log scale)",
                          yLabel: "accuracy", logX: true, yRange: 0...1, series: series)
        try Data(svg.render().utf8).write(to: URL(fileURLWithPath: plot), options: .atomic)
        note("wrote \(plot)")
    }
}

/// Published accuracies, read off the authors' figures (≈; shared/research/anchors.md, "Headline
/// results"). The paper: Bulatov et al., "Scaling Transformer to 1M tokens and beyond with RMT"
/// (2023), BERT-base trained on 7 segments (6 for reasoning), at 64–4096 segments of 499 tokens.
/// BABILong (Kuratov et al. 2024, the babilong README's all-models figure): fine-tuned 137M RMT and
/// ARMT, accuracy averaged over bAbI qa1–qa5 at each length (1K = 1,000 tokens here, as labelled).
enum PaperResults {
    static let accuracy: [String: [(segments: Int, accuracy: Double)]] = [
        "memorize": [(64, 0.98), (128, 0.965), (512, 0.93), (1024, 0.925), (2048, 0.90), (4096, 0.905)],
        "detect": [(64, 0.995), (128, 0.99), (512, 0.985), (1024, 0.97), (2048, 0.97), (4096, 0.96)],
        "reasoning": [(64, 0.89), (128, 0.87), (512, 0.85), (1024, 0.835), (2048, 0.835), (4096, 0.82)],
    ]
    static let babilongMean: [(model: String, points: [(tokens: Int, accuracy: Double)])] = [
        ("RMT", [(1_000, 0.97), (2_000, 0.95), (4_000, 0.92), (8_000, 0.90), (16_000, 0.86), (32_000, 0.78), (64_000, 0.70),
                 (128_000, 0.59), (512_000, 0.46), (1_000_000, 0.43), (10_000_000, 0.34)]),
        ("ARMT", [(1_000, 0.96), (2_000, 0.98), (4_000, 0.98), (8_000, 0.98), (16_000, 0.98), (32_000, 0.98), (64_000, 0.98),
                  (128_000, 0.97), (512_000, 0.95), (1_000_000, 0.93), (10_000_000, 0.77)]),
    ]
}

extension Eval {
    /// `--documents DIR`: the batch's documents as text, DIR/TASK-SEGMENTS-INDEX.txt, each written
    /// atomically (`DocumentPlan.writeText`: the noise sentence cut at the end is written whole, so
    /// the text's tokens begin with the document's and read in the same segments).
    static func writeDocuments(_ stream: DataStream, segments: Int, batch: EvaluationBatch, into folder: String) throws {
        for index in batch.first..<(batch.first + batch.count) {
            let plan = try stream.plan(index: index, segments: segments)
            var text = Data()
            plan.writeText { text.append(contentsOf: $0) }
            let path = URL(fileURLWithPath: folder).appendingPathComponent("\(stream.task.name)-\(segments)-\(index).txt").path
            do {
                try text.write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw ValidationError("--documents: cannot write \(path): \(error.localizedDescription)")
            }
            note("wrote \(path) (question: \(plan.question))")
        }
    }
}

/// `--predictions FILE`: the documents of this run, collected as they are scored and written as
/// JSON lines in one atomic write when the run ends (an interrupted run leaves the file as it was).
final class PredictionLog {
    let path: String?
    private(set) var lines: [DocumentPrediction] = []

    init(path: String?) { self.path = path }

    /// The `onDocument` callback of `evaluateBatches`, or nil when nothing is written.
    var collector: ((DocumentPrediction) throws -> Void)? {
        guard path != nil else { return nil }
        return { [unowned self] in self.lines.append($0) }
    }

    func write() throws {
        guard let path else { return }
        let data = try JSONLine.file(lines)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ValidationError("--predictions: cannot write \(path): \(error.localizedDescription)")
        }
        note("wrote \(lines.count) predictions to \(path)")
    }
}
