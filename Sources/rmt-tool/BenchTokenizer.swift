// rmt-tool bench-tokenizer: single-threaded tokenizer throughput on one text file.
// Reads the whole file into memory (it is a benchmark, not a pipeline), encodes it `--repeat`
// times with BertTokenizer.encode(utf8:) and prints one JSON line with the median time.
// Compare with Scripts/bench_tokenizer.py (Hugging Face tokenizers, single-threaded).
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct BenchTokenizer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-tokenizer",
        abstract: "Tokenize a text file single-threaded and print one JSON line of throughput.")

    @Option(name: .long, help: "WordPiece vocab.txt (one token per line).")
    var vocab: String

    @Option(name: .long, help: "UTF-8 text file to tokenize.")
    var text: String

    @Option(name: .long, help: "Timed repetitions (the median is reported), 1...1000.")
    var `repeat`: Int = 5

    @Flag(name: .long, help: "Cased model: no lowercasing, no accent stripping.")
    var cased = false

    func validate() throws {
        // Bounded like profile's --repeats: a huge count would run for days and hold one time per repeat.
        guard (1...1000).contains(`repeat`) else { throw ValidationError("--repeat must be in 1...1000") }
    }

    func run() throws {
        let tokenizer = try commandLineTokenizer(vocab: vocab, cased: cased)
        guard let data = FileManager.default.contents(atPath: text) else {
            throw ErrorReporter.exit("rmt-tool", "\(text): cannot read the text file")
        }
        let bytes = [UInt8](data)
        var tokens = tokenizer.encode(utf8: bytes).count  // warm-up
        var seconds: [Double] = []
        for _ in 0..<`repeat` {
            let start = DispatchTime.now().uptimeNanoseconds
            tokens = tokenizer.encode(utf8: bytes).count
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        seconds.sort()
        let median = seconds.count % 2 == 1
            ? seconds[seconds.count / 2]
            : (seconds[seconds.count / 2 - 1] + seconds[seconds.count / 2]) / 2
        let fields: [(String, JSONLine.Value)] = [
            ("tool", .string("rmt-tool")),
            ("lowercase", .bool(tokenizer.lowercase)),
            ("bytes", .int(bytes.count)),
            ("tokens", .int(tokens)),
            ("repeat", .int(`repeat`)),
            ("seconds", .fixed(median, decimals: 6)),
            ("tokens_per_second", .fixed(Double(tokens) / median, decimals: 0)),
            ("mb_per_second", .fixed(Double(bytes.count) / 1e6 / median, decimals: 3)),
        ]
        try JSONLine(fields).print()
    }
}
