// DocumentReading: the one-call and streaming entry points — read a file, stdin or any
// async byte sequence through the model segment by segment (constant memory), resume a
// saved memory state, and answer a question.
//
//   let answer = try model.answer(question: "Where is Mary?", file: "book.txt")
//   let answer = try await model.answer(question: q, bytes: someAsyncByteSequence)
import Foundation
import RMTBase
import RMTModel
import RMTTokenizer

/// Progress of a read, reported after each segment.
public struct ReadProgress: Sendable {
    public var bytesRead: Int
    /// Size of the input when known (a regular file), for an ETA.
    public var totalBytes: Int?
    public var tokens: Int
    public var segments: Int
    public var seconds: Double
    /// The segment count expected for the whole input (SegmentReader.estimatedSegmentCount),
    /// when its size is known: `segments` against it is the fraction done.
    public var estimatedSegments: Int? = nil
    public var tokensPerSecond: Double { seconds > 0 ? Double(tokens) / seconds : 0 }
}

/// What the reader noticed about the input bytes.
public struct InputStats: Sendable, Equatable {
    public var bytes = 0
    /// Invalid UTF-8 sequences, each replaced by U+FFFD (which BERT's clean-up then drops).
    public var invalidUTF8Sequences = 0
    public var nulBytes = 0

    /// What an input that gave no token is, for its one-line error: empty, or without text.
    public var emptyProblem: String { bytes == 0 ? "the input is empty" : "the input contains no text (no tokens)" }
}

extension DocumentSession {
    /// Reads every segment `reader` produces. With a resumed state, the segments already
    /// read are skipped (tokenized, not run) and checked against the saved fingerprint.
    /// `totalBytes` defaults to the reader's file size (nil for a pipe or stdin from a pipe).
    /// - Returns: input statistics.
    @discardableResult
    public func read(from reader: SegmentReader, totalBytes: Int? = nil,
                     progress: ((ReadProgress) -> Void)? = nil) throws -> InputStats {
        let start = Date()
        let T = textLength
        var skipped = 0, skipHash = Self.initialHash(layout: layout, question: questionTokens ?? [])
        let toSkip = state.segmentsRead
        // Every-segment: a saved state may hold back a full piece, which the input repeats next.
        var heldToSkip = layout.needsQuestionFirst && state.pending.count == T
        if !state.pending.isEmpty && !heldToSkip {
            throw ModelError("memory state", "the saved document was already read to its end")
        }
        let differs = layout.needsQuestionFirst ? "the document (or question) differs from the one the state was saved for"
            : "the document differs from the one the state was saved for"
        if toSkip == 0 && state.tokenHash != skipHash { throw ModelError("memory state", differs) }
        while let segment = try reader.next() {
            if skipped < toSkip {
                guard segment.count == T else {
                    throw ModelError("memory state", "the document is shorter than the saved state")
                }
                skipHash = FNV1a.hash(segment, into: skipHash)
                skipped += 1
                if skipped == toSkip, skipHash != state.tokenHash { throw ModelError("memory state", differs) }
                continue
            }
            if heldToSkip {
                heldToSkip = false
                guard segment == state.pending else { throw ModelError("memory state", differs) }
                continue
            }
            try read(segment)
            progress?(ReadProgress(bytesRead: reader.bytesRead, totalBytes: totalBytes ?? reader.fileSize,
                                   tokens: state.tokensRead, segments: state.segmentsRead,
                                   seconds: Date().timeIntervalSince(start), estimatedSegments: reader.estimatedSegmentCount))
        }
        if heldToSkip { throw ModelError("memory state", "the document is shorter than the saved state") }
        if skipped < toSkip { throw ModelError("memory state", "the document is shorter than the saved state") }
        return InputStats(bytes: reader.bytesRead, invalidUTF8Sequences: reader.invalidSequenceCount,
                          nulBytes: reader.nulByteCount)
    }
}

extension DocumentSession {
    /// Reads a document as often as the model reads each one (`settings.passes`), from the
    /// reading the session's state is in: `open()` gives a new reader of the document for each
    /// reading (the first is refused, before any reading, when the model reads more than once and
    /// it cannot be read again: `checkRereadable`), `endReading()` between them. `progress` sees
    /// every segment with its reading's number (from 1; the last one answers).
    /// - Throws: `ModelError` naming the input when a reading before the last finds no token.
    /// - Returns: the last reading's input statistics.
    @discardableResult
    public func readEveryPass(opening open: () throws -> SegmentReader,
                              progress: ((ReadProgress, _ reading: Int) -> Void)? = nil) throws -> InputStats {
        let passes = model.settings.readingPasses
        guard state.passesRead < passes else {
            throw ModelError("memory state", "has finished \(state.passesRead) readings of its document, and this model reads each document \(passes == 1 ? "once" : "\(passes) times")")
        }
        var reader = try open()
        try model.checkRereadable(reader)
        while true {
            let reading = state.passesRead + 1
            let stats = try read(from: reader) { progress?($0, reading) }
            guard reading < passes else { return stats }
            guard state.tokensRead > 0 else { throw ModelError(reader.name, stats.emptyProblem) }
            try endReading()
            reader = try open()
        }
    }
}

extension RecurrentMemoryModel {
    /// Opens a file (or "-" for standard input) as a segment reader for this model, cutting
    /// pieces of `textLength` tokens (default: the segment length; a session's `textLength`
    /// under the every-segment layout).
    /// - Throws: `TextSourceError` (one line naming the input) if it is missing, a directory,
    ///   unreadable or starts like a binary file (`ByteChunkReader.openText`), as rmt-ask does.
    public func segmentReader(path: String, textLength: Int? = nil, chunkSize: Int = 64 * 1024) throws -> SegmentReader {
        SegmentReader(source: try ByteChunkReader.openText(path, chunkSize: chunkSize), tokenizer: tokenizer,
                      segmentLength: textLength ?? settings.segmentLength)
    }

    /// Reads `path` ("-" = stdin) and answers `question` about it — as many times as the model
    /// reads each document (`settings.passes`; then `path` must be a regular file).
    public func answer(question: String, file path: String,
                       progress: ((ReadProgress) -> Void)? = nil) throws -> Answer {
        let session = try DocumentSession(model: self, question: question)
        try session.readEveryPass(opening: { try segmentReader(path: path, textLength: session.textLength) },
                                  progress: progress.map { report in { p, _ in report(p) } })
        return try session.answer()
    }

    /// Refuses an input that cannot be read again (standard input, a pipe) for a model that
    /// reads each document more than once.
    public func checkRereadable(_ reader: SegmentReader) throws {
        guard settings.readingPasses > 1, reader.fileSize == nil else { return }
        throw ModelError(reader.name, "this model reads each document \(settings.readingPasses) times (rmt.passes): give a regular file, not standard input or a pipe")
    }

    /// Reads any async sequence of bytes and answers `question` about it (a model that reads each
    /// document once: a sequence cannot be read again).
    public func answer<Bytes: AsyncSequence>(question: String, bytes: Bytes) async throws -> Answer
    where Bytes.Element == UInt8 {
        guard settings.readingPasses == 1 else {
            throw ModelError("document", "this model reads each document \(settings.readingPasses) times (rmt.passes): a byte sequence is read once; answer(question:file:) reads a file again")
        }
        let session = try DocumentSession(model: self, question: question)
        for try await segment in tokenizer.segments(of: bytes, segmentLength: session.textLength) {
            try session.read(segment)
        }
        return try session.answer()
    }
}
