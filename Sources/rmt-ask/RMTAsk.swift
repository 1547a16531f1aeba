// rmt-ask: ask a question about a long text file. Streams the file (or stdin) through a
// recurrent memory transformer segment by segment in constant memory and prints the
// answer with its probability (or one JSON object with --json).
import ArgumentParser
import Foundation
import RMT

@main
struct RMTAsk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rmt-ask",
        abstract: "Ask a question about a long text file with a Recurrent Memory Transformer.",
        discussion: """
            The file is read in chunks and tokenized as it streams, so its size is not limited by memory.
            Without --model, the model bundled with the package is used (Models/default); if there is none,
            all-MiniLM-L6-v2 from Scripts/fetch-minilm.sh is wrapped with untrained memory (answers are random).
            """)

    @Argument(help: "Text file to read, or - for standard input.")
    var file: String

    @Option(name: .shortAndLong, help: "The question, e.g. \"Where is Mary?\".")
    var question: String

    @Option(help: "Model folder (an RMT model, or any Hugging Face BERT folder, wrapped untrained).")
    var model: String?

    @Option(help: "How many labels to show, most probable first.")
    var topK: Int = 1

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: "Never show the progress bar.")
    var quiet = false

    func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1") }
        guard !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("--question must not be empty")
        }
    }

    func run() throws {
        do {
            try ask()
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("rmt-ask: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    func ask() throws {
        let input = try InputCheck.check(file)
        let modelURL = try ModelLocator.resolve(model)
        let rmt = try RecurrentMemoryModel.load(directory: modelURL)
        if let note = SkippedTensors.note(folder: modelURL.path, rmt.skippedTensors) { warn(note) }
        if rmt.isUntrained {
            warn("warning: \(modelURL.path) has no trained RMT head; answers are untrained")
        }
        let session = DocumentSession(model: rmt)
        let reader = try rmt.segmentReader(path: file)
        let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) == 1, totalBytes: input.size)
        let start = Date()
        let stats = try session.read(from: reader, totalBytes: input.size) { bar.update($0) }
        bar.finish()
        guard session.state.tokensRead > 0 else {
            throw ModelError(file, input.size == 0 ? "the file is empty" : "the file contains no text (no tokens)")
        }
        if stats.invalidUTF8Sequences > 0 {
            warn("warning: \(file): \(stats.invalidUTF8Sequences) invalid UTF-8 sequence(s) replaced with U+FFFD")
        }
        if stats.nulBytes > 0 { warn("warning: \(file): \(stats.nulBytes) NUL byte(s) ignored") }
        let answer = try session.answer(question: question)
        let seconds = Date().timeIntervalSince(start)
        let top = Array(answer.top.prefix(topK))
        if json {
            let object = AskOutput(answer: answer.answer, probability: answer.probability,
                                   top: top, tokens: answer.tokens, segments: answer.segments, seconds: seconds,
                                   tokensPerSecond: seconds > 0 ? Double(answer.tokens) / seconds : 0)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(object), as: UTF8.self))
        } else {
            print("\(answer.answer)\t\(String(format: "%.4f", answer.probability))")
            for other in top.dropFirst() { print("\(other.label)\t\(String(format: "%.4f", other.probability))") }
            warn(String(format: "%d tokens, %d segments, %.1f s, %.0f tokens/s", answer.tokens, answer.segments,
                        seconds, Double(answer.tokens) / max(seconds, 1e-9)))
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
    enum CodingKeys: String, CodingKey {
        case answer, probability, top, tokens, segments, seconds, tokensPerSecond = "tokens_per_second"
    }
}

func warn(_ message: String) { FileHandle.standardError.write(Data((message + "\n").utf8)) }
