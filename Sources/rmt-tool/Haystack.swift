// rmt-tool haystack: writes a long text document (~N tokens of noise prose with a task's facts
// planted at sentence boundaries; the question is not in the file) and prints one JSON line
// describing it: {"task", "question", "answer", "label", "tokens", "segments", "facts",
// "distractor_answers", "noise", "file"}. --adversarial-rate mixes non-fact sentences that use the
// task's names, rooms and verbs into the noise (AdversarialProse).
// The text is streamed to the file in chunks, so a 2M-token document is never one String.
// Tokens are counted with an uncased BERT vocab: --vocab, else $RMT_VOCAB, else
// $RMT_MINILM_DIR/vocab.txt, else ~/.cache/rmt/all-MiniLM-L6-v2/vocab.txt (the MiniLM download;
// $XDG_CACHE_HOME replaces ~/.cache). With no --noise the built-in prose generator is used.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct Haystack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a long document with planted facts and print its question and answer as JSON.",
        discussion: """
            Tasks: \(TaskCatalog.names.joined(separator: ", ")) (custom needs --custom FILE.jsonl or custom:FILE).

            Vocab: --vocab, else $RMT_VOCAB, else $RMT_MINILM_DIR/vocab.txt, else \
            ~/.cache/rmt/all-MiniLM-L6-v2/vocab.txt. Without --noise, built-in prose is used.
            """)

    @Option(help: "Task name (memorize, detect, reasoning, babi-qa1, babi-qa2, babi-qa3 (each [:N] or [:N-M] story sentences), memorize-distract[:N], detect-distract[:N], unknown, custom; position tasks: counting, flip-flop, passkey, needle, recall, parity, even-pairs, cycle).")
    var task: String

    @Option(help: "Approximate document length in tokens (the document ends with a whole sentence; exact for the position tasks).")
    var tokens: Int

    @Option(parsing: .upToNextOption, help: "Noise prose: UTF-8 text files or folders of .txt files.")
    var noise: [String] = []

    @Option(help: "Share of noise sentences that are adversarial non-facts using the task's words, in [0, 1).")
    var adversarialRate: Double = 0

    @Option(help: "Share of noise sentences that use words near the rooms (no task word), in runs of 4–12, in [0, 1).")
    var neighbourRate: Double = 0

    @Option(help: "Random seed (the same seed gives the same document).")
    var seed: UInt64 = 0

    @Option(help: "Segment length S, used to check the question and report the segment count.")
    var segmentLength: Int = 499

    @Option(help: "Question layout of the model that will read it (final-segment or every-segment), for the segment count.")
    var questionLayout: QuestionLayout = .finalSegment

    @Option(help: "Output text file.")
    var out: String

    @Option(help: "WordPiece vocab.txt or tokenizer.json of a BERT (see the discussion for the default).")
    var vocab: String?

    @Option(help: "JSON Lines file for --task custom.")
    var custom: String?

    func run() throws {
        try ErrorReporter.run("rmt-tool") {
            guard tokens > 0 else { throw DataError("--tokens", "must be positive, got \(tokens)") }
            guard segmentLength >= 2 else { throw DataError("--segment-length", "must be at least 2, got \(segmentLength)") }
            try AdversarialProse.validate(rate: adversarialRate)
            try RoomNeighbourProse.validate(rate: neighbourRate)
            let task = try TaskCatalog.task(list: self.task, customFile: custom)
            let definition = try TokenizerDefinition(contentsOf: URL(fileURLWithPath: try Self.vocabularyPath(vocab)))
            let tokenizer = BertTokenizer(vocabulary: definition.vocabulary, lowercase: definition.lowercase ?? true)
            let corpus: NoiseCorpus
            if noise.isEmpty {
                // Enough built-in sentences that the noise rarely repeats (capped).
                let sentences = min(max(20_000, tokens / 14 + 1_000), 200_000)
                corpus = NoiseCorpus.builtin(tokenizer: tokenizer, seed: seed, sentenceCount: sentences,
                                             adversarialRate: adversarialRate, neighbourRate: neighbourRate)
            } else {
                corpus = try NoiseCorpus(paths: noise, tokenizer: tokenizer, adversarialRate: adversarialRate,
                                         neighbourRate: neighbourRate, seed: seed)
            }
            let stream = try DataStream(task: task, noise: corpus, tokenizer: tokenizer, seed: seed,
                                        segmentLength: segmentLength, questionLayout: questionLayout)
            let plan = try stream.haystack(index: 0, tokens: tokens)
            try Self.write(plan, to: out)
            print(try Self.json(plan, file: out))
        }
    }

    /// The vocab file: the flag, else the environment, else the MiniLM cache.
    static func vocabularyPath(_ flag: String?) throws -> String {
        if let flag { return flag }
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["RMT_VOCAB"], !path.isEmpty { return path }
        let candidates = [DefaultLocations.vocabulary.path]
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw DataError("--vocab", "no vocabulary found (looked for \(candidates.joined(separator: ", "))); pass --vocab FILE or set RMT_VOCAB")
    }

    /// Streams the document's text to `path` (one trailing line break).
    static func write(_ plan: DocumentPlan, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw DataError(path, "cannot be written")
        }
        defer { try? handle.close() }
        do {
            try plan.writeText(chunkSize: 1 << 20) { try handle.write(contentsOf: Data($0)) }
            try handle.write(contentsOf: Data("\n".utf8))
        } catch {
            throw DataError(path, "cannot be written (\(error.localizedDescription))")
        }
    }

    /// The JSON line describing `plan` written to `file` (JSONLine: keys in this order).
    static func json(_ plan: DocumentPlan, file: String) throws -> String {
        // A position task's one fact is the whole document (in the file): not repeated here.
        let facts = plan.wholeDocument ? [] : plan.facts.map { fact in
            JSONLine.Value.object(JSONLine([("text", .string(fact.text)), ("offset", .int(fact.offset)),
                                            ("tokens", .int(fact.tokens.count))]))
        }
        return try JSONLine([
            ("task", .string(plan.task)), ("question", .string(plan.question)), ("answer", .string(plan.answer)),
            ("label", .int(plan.label)), ("tokens", .int(plan.documentTokenCount)), ("segments", .int(plan.segmentCount)),
            ("facts", .array(facts)), ("distractor_answers", .array(plan.distractorAnswers.map { .string($0) })),
            ("noise", .string(plan.wholeDocument ? "none (the task writes the whole document)" : plan.noise.name)), ("file", .string(file)),
        ]).text()
    }
}
