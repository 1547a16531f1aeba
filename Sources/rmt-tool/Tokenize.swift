// rmt-tool tokenize: UTF-8 text on stdin → one line of space-separated WordPiece ids per input
// line (no [CLS]/[SEP]). Input lines end at LF; a CR before it (CRLF) is whitespace and changes
// nothing; a lone CR does not end a line. Each output line equals tokenizing that input line alone.
// Streaming: stdin is read in 64 KiB chunks and ids are written as words complete, so memory stays
// bounded even for one endless line. A bad vocab file is one line on stderr and exit status 1.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tokenize stdin: one line of space-separated ids per input line.")

    @Option(name: .long, help: "WordPiece vocab.txt (one token per line) or a tokenizer.json.")
    var vocab: String

    @Flag(name: .long, help: "Cased model: no lowercasing, no accent stripping (default: uncased, or what a tokenizer.json says).")
    var cased = false

    func run() throws {
        let tokenizer = try commandLineTokenizer(vocab: vocab, cased: cased)
        let input = ByteChunkReader(fileHandle: .standardInput, name: "<stdin>")
        let output = IDLineWriter()
        let stream = tokenizer.makeIncrementalTokenizer()
        var ids: [Int32] = []
        var lineOpen = false  // bytes of the current line were read
        do {
            while let chunk = try input.nextChunk() {
                var start = chunk.startIndex
                while start < chunk.endIndex {
                    let newline = chunk[start...].firstIndex(of: 0x0A)
                    let end = newline ?? chunk.endIndex
                    stream.feed(chunk[start..<end], into: &ids)
                    if newline != nil {
                        stream.finish(into: &ids)
                        output.write(ids, endLine: true)
                        lineOpen = false
                        start = end + 1
                    } else {
                        output.write(ids, endLine: false)
                        lineOpen = true
                        start = end
                    }
                    ids.removeAll(keepingCapacity: true)
                }
            }
        } catch let error as TextSourceError {
            output.flush()
            throw ErrorReporter.exit("rmt-tool", error.description)
        }
        if lineOpen {
            stream.finish(into: &ids)
            output.write(ids, endLine: true)
        }
        output.flush()
    }
}

/// Buffered writer of id lines on stdout: ids separated by spaces, lines by LF.
final class IDLineWriter {
    private var buffer: [UInt8] = []
    private var lineHasIDs = false

    init() { buffer.reserveCapacity(1 << 17) }

    /// Appends ids to the current line, then ends it if asked.
    func write(_ ids: [Int32], endLine: Bool) {
        for id in ids {
            if lineHasIDs { buffer.append(0x20) }
            appendDecimal(id)
            lineHasIDs = true
        }
        if endLine {
            buffer.append(0x0A)
            lineHasIDs = false
        }
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    private func appendDecimal(_ id: Int32) {
        var value = Int(id)
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            value = -value
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[count] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
                count += 1
            } while value > 0
            for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(raw[index]) }
        }
    }
}

/// The tokenizer of --vocab (vocab.txt or tokenizer.json), cased with --cased, else as the file
/// says, else uncased; a bad file is one line "rmt-tool: …" and exit status 1.
func commandLineTokenizer(vocab: String, cased: Bool) throws -> BertTokenizer {
    do {
        let definition = try TokenizerDefinition(contentsOf: URL(fileURLWithPath: vocab))
        return BertTokenizer(vocabulary: definition.vocabulary, lowercase: cased ? false : definition.lowercase ?? true)
    } catch let error as VocabularyError {
        throw ErrorReporter.exit("rmt-tool", error.description)
    }
}
