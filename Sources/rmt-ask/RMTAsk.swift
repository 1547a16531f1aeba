// rmt-ask: ask a question about a long text file. Streams the file (or stdin, a pipe, a FIFO,
// process substitution — opened once, read once) through a recurrent memory transformer segment
// by segment in constant memory and prints the answer with its probability (or one JSON object
// with --json; with --state also where the memory places each person and object). A question of none of the forms the model was trained on (its recorded question
// domain) gets a warning that names those forms and the labels the model answers from.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

@main
struct RMTAsk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rmt-ask",
        abstract: "Ask a question about a long text file with a Recurrent Memory Transformer.",
        discussion: """
            The file is read in chunks and tokenized as it streams, so its size is not limited by \
            memory. FILE may be a regular file, a pipe, a named FIFO, process substitution \
            (<(zcat doc.gz)) or - for standard input: it is opened once and read once. Its first \
            8 KiB decide whether it is text.

            Without --model, $RMT_MODEL is used when set (it must name a model folder), else the \
            model bundled with the package (Models/default); if there is none, all-MiniLM-L6-v2 \
            from Scripts/fetch-minilm.sh is wrapped with untrained memory (answers are random).

            A trained model records the question forms it was trained on (e.g. "Where is \
            {actor}?"); a question of none of them is still answered, from the model's labels \
            only, with a warning on stderr (--json: "in_domain": false; null when the model \
            records no forms; "labels": the label set).

            A model calibrated with `rmt-tool calibrate --by-question-form` reports each answer's \
            probabilities at its question form's temperature for the document's length, \
            softmax(logits / T) (--json: "temperature"; 1 without one); the answer itself is the same.
            """,
        version: BuildInfo.versionLine)

    static func main() { ArgumentChecks.main(Self.self) }

    @Argument(help: "Text file (or pipe, FIFO, /dev/fd/N) to read, or - for standard input.")
    var file: String

    @Option(name: .shortAndLong, help: "The question, e.g. \"Where is Mary?\".")
    var question: String

    @Option(help: "Model folder (an RMT model, or any Hugging Face BERT folder, wrapped untrained). (default: $RMT_MODEL, else Models/default)")
    var model: String?

    @Option(help: "How many labels to show, most probable first.")
    var topK: Int = 1

    @Option(help: "Read with segments of N document tokens instead of the model's own (a relative position scheme runs at any length; absolute positions refuse a longer one).")
    var segmentLength: Int?

    @Option(help: ArgumentHelp(PrecisionArgument.help))
    var precision: Precision = .auto

    @Option(help: ArgumentHelp("Read the file N times (1…8), the memory carried from one reading to the next, instead of as often as the model was trained to (rmt.passes; rmt-train --passes). More than once needs a regular file. (default: the model's, else 1)",
                               valueName: "N"))
    var passes: Int?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: ArgumentHelp("Also print where the model's memory places each person and object after the text (a model trained with rmt-train --state-loss).",
                             discussion: "One line per entity after the answer: state, the entity, its place (or unknown) and the readout's probability; --json: \"state\": [{\"entity\", \"place\", \"probability\"}]. What the memory holds, whatever the question asked."))
    var state = false

    @Flag(help: "Show no progress: no bar on a terminal, no line a minute into a log.")
    var quiet = false

    @Option(help: ArgumentHelp("Write one JSON line per --trace-every segments: the answer if the document ended there, its probability, and how far the memory moved (relative L2) since the previous line; written when the reading ends.",
                               valueName: "FILE"))
    var trace: String?

    @Option(help: ArgumentHelp("With --trace: a line every N segments (each asks the question once more: N = 1 about doubles the time).", valueName: "N"))
    var traceEvery: Int = 16

    func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1") }
        guard traceEvery >= 1 else { throw ValidationError("--trace-every must be at least 1") }
        if let n = segmentLength, n < 2 { throw ValidationError("--segment-length must be at least 2") }
        try PassesArgument.check(passes)
        guard !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("--question must not be empty")
        }
    }

    func run() throws {
        try ErrorReporter.run("rmt-ask") { try ask() }
    }

    func ask() throws {
        if let trace, let problem = OutputFile.problem(trace) { throw ModelError("--trace", problem) }
        if let trace, file != "-", OutputFile.same(trace, file) { throw ModelError("--trace", "\(trace) is the input file; give another file name") }
        let compute = try ComputeOptions(environment: ProcessInfo.processInfo.environment).answering(precision: precision)
        let source = try ByteChunkReader.openText(file)  // refuses missing, directory, binary: before any model work
        let modelURL = try ModelLocator.resolve(model)
        let loaded = try RecurrentMemoryModel.load(directory: modelURL)
        if let note = SkippedTensors.note(folder: modelURL.path, loaded.skippedTensors) { warn(note) }
        if state && loaded.settings.stateEntities == nil {
            throw ModelError("--state", "\(modelURL.path) has no state readout (a model trained with rmt-train --state-loss has one)")
        }
        let resplit = try segmentLength.map { try loaded.readingSegments(of: $0) } ?? loaded
        let rmt = try passes.map { try resplit.reading(passes: $0) } ?? resplit
        rmt.compute = compute
        if rmt.isUntrained {
            warn("warning: \(modelURL.path) has no trained RMT head; answers are untrained")
        }
        let session = try DocumentSession(model: rmt, question: question)
        let inDomain = session.questionIsInDomain
        if inDomain == false, let domain = rmt.questionDomain {
            warn("warning: \"\(question)\" matches none of the question forms \(modelURL.path) was trained on ("
                 + domain.formList() + "); it answers only from: " + rmt.settings.labels.joined(separator: ", "))
        }
        let bar = try ProgressBar(enabled: !quiet)
        let start = Date()
        let traced = trace.map { AnswerTrace(path: $0, every: traceEvery, session: session) }
        let passes = rmt.settings.readingPasses
        var opened: ByteChunkReader? = source  // the first reading's input, opened before any model work
        let stats = try session.readEveryPass(opening: {
            defer { opened = nil }  // a later reading opens the file again
            return SegmentReader(source: try opened ?? ByteChunkReader.openText(file), tokenizer: rmt.tokenizer,
                                 segmentLength: session.textLength)
        }) { progress, reading in
            if reading == passes { traced?.observe(session) }  // the trace follows the reading that answers
            bar.update(progress)
        }
        bar.finish()
        guard session.state.tokensRead > 0 else { throw ModelError(source.name, stats.emptyProblem) }
        if stats.invalidUTF8Sequences > 0 {
            warn("warning: \(source.name): \(plural(stats.invalidUTF8Sequences, "invalid UTF-8 sequence")) replaced with U+FFFD")
        }
        if stats.nulBytes > 0 { warn("warning: \(source.name): \(plural(stats.nulBytes, "NUL byte")) ignored") }
        let answer = try traced?.finish(session) ?? session.answer()  // a trace's last point is the answer
        try traced?.write()
        let seconds = Date().timeIntervalSince(start)
        let top = Array(answer.top.prefix(topK))
        if json {
            let object = AskOutput(answer: answer.answer, probability: answer.probability,
                                   top: top, tokens: answer.tokens, segments: answer.segments, seconds: seconds,
                                   tokensPerSecond: seconds > 0 ? Double(answer.tokens * passes) / seconds : 0,
                                   kernels: compute.kernels.description, labels: rmt.settings.labels,
                                   temperature: answer.temperature, inDomain: JSONNullable(value: inDomain),
                                   state: state ? answer.places : nil, passes: answer.passes)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(object), as: UTF8.self))
        } else {
            print("\(answer.answer)\t\(String(format: "%.4f", answer.probability))")
            for other in top.dropFirst() { print("\(other.label)\t\(String(format: "%.4f", other.probability))") }
            for place in state ? answer.places ?? [] : [] {
                print("state\t\(place.entity)\t\(place.place)\t\(String(format: "%.4f", place.probability))")
            }
            warn("\(plural(answer.tokens, "token")), \(plural(answer.segments, "segment"))"
                 + (passes > 1 ? ", read \(passes) times" : "") + ", "
                 + String(format: "%.1f s, %.0f tokens/s", seconds, Double(answer.tokens * passes) / max(seconds, 1e-9)))
        }
    }
}

/// The --json output.
struct AskOutput: Encodable {
    let answer: String
    let probability: Float
    let top: [LabelProbability]
    let tokens: Int
    let segments: Int
    let seconds: Double
    let tokensPerSecond: Double
    /// The kernels that computed it (`rmt-tool sysinfo` explains them), e.g. "gemm=own-avx2-6x16,rows=avx2,precision=fp32".
    let kernels: String
    /// The label set the answer comes from, in classifier order.
    let labels: [String]
    /// The temperature T the probabilities are at, softmax(logits / T): the question form's in the
    /// model's rmt.answer_temperatures, else 1.
    let temperature: Double
    /// Whether the question has one of the forms the model was trained on; nil (JSON null) when
    /// the model records none.
    let inDomain: JSONNullable<Bool>
    /// With --state: where the memory places each entity (absent otherwise).
    let state: [EntityPlace]?
    /// Readings of the file (`tokens` and `segments` are one reading's).
    let passes: Int
    enum CodingKeys: String, CodingKey {
        case answer, probability, top, tokens, segments, seconds, tokensPerSecond = "tokens_per_second", kernels
        case labels, temperature, inDomain = "in_domain", state, passes
    }
}

/// An optional written as JSON null when absent (a synthesized Encodable would leave the key out).
struct JSONNullable<Value: Encodable>: Encodable {
    let value: Value?
    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let value { try c.encode(value) } else { try c.encodeNil() }
    }
}

func warn(_ message: String) { FileHandle.standardError.write(Data((message + "\n").utf8)) }
