// SegmentTests: SegmentReader (file, file handle), TokenSegmenter and the AsyncSequence adapters
// yield segments of exactly segmentLength ids (the last may be shorter) that concatenate to the
// whole-text ids, report progress and counters, and fail with one-line errors naming the file.
import Foundation
import Testing
import RMTTokenizer

@Suite("Segments")
struct SegmentTests {
    static let text: [UInt8] = {
        let goldens = Fixtures.uncasedGoldens
        return Array(bigText(texts: goldens.cases.map(\.text), seed: 11, pieces: 600).utf8) + [0xFF, 0x00, 0x61]
    }()
    static let wholeIDs = Fixtures.uncased.encode(utf8: text)

    private func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-segments-\(UUID().uuidString).txt")
        try Data(bytes).write(to: url)
        return url.path
    }

    private func checkSegments(_ segments: [[Int32]], length: Int, whole: [Int32]) {
        #expect(segments.flatMap { $0 } == whole)
        for (index, segment) in segments.enumerated() {
            if index < segments.count - 1 {
                #expect(segment.count == length)
            } else {
                #expect(segment.count >= 1 && segment.count <= length)
            }
        }
        #expect(segments.count == (whole.count + length - 1) / length)
    }

    @Test("file reader: exact segment lengths, progress and counters")
    func fileReader() throws {
        let path = try temporaryFile(Self.text)
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<12 {
            let length = Int.random(in: 1...700, using: &rng)
            let chunk = Int.random(in: 1...9000, using: &rng)
            let reader = try SegmentReader(path: path, tokenizer: Fixtures.uncased, segmentLength: length, chunkSize: chunk)
            var segments: [[Int32]] = []
            while let segment = try reader.next() { segments.append(segment) }
            #expect(try reader.next() == nil)
            checkSegments(segments, length: length, whole: Self.wholeIDs)
            #expect(reader.bytesRead == Self.text.count)
            #expect(reader.tokensEmitted == Self.wholeIDs.count)
            #expect(reader.segmentsEmitted == segments.count)
            #expect(reader.invalidSequenceCount == 1)
            #expect(reader.nulByteCount == Self.text.filter { $0 == 0 }.count)
        }
    }

    @Test("empty and whitespace-only texts yield no segment")
    func emptyText() throws {
        for bytes in [[], Array(" \n\t\r\n".utf8)] as [[UInt8]] {
            let reader = try SegmentReader(path: temporaryFile(bytes), tokenizer: Fixtures.uncased, segmentLength: 8)
            #expect(try reader.next() == nil)
            #expect(reader.bytesRead == bytes.count)
        }
    }

    @Test("file handle source (as for stdin)")
    func fileHandle() throws {
        let path = try temporaryFile(Self.text)
        let handle = try #require(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        let source = ByteChunkReader(fileHandle: handle, name: "<stdin>", chunkSize: 777)
        let reader = SegmentReader(source: source, tokenizer: Fixtures.uncased, segmentLength: 128)
        var segments: [[Int32]] = []
        while let segment = try reader.next() { segments.append(segment) }
        checkSegments(segments, length: 128, whole: Self.wholeIDs)
    }

    @Test("peek over a pipe: the peeked bytes are handed out again, none lost, none twice")
    func peekPipe() throws {
        for (peekSize, chunk) in [(8192, 777), (8192, 65536), (1, 3), (100_000, 4096), (0, 512)] {
            let pipe = Pipe()
            let writer = pipe.fileHandleForWriting
            let bytes = Self.text
            let thread = Thread { writer.write(Data(bytes)); try? writer.close() }
            thread.start()
            let source = ByteChunkReader(fileHandle: pipe.fileHandleForReading, name: "<pipe>", chunkSize: chunk)
            #expect(source.fileSize == nil)
            let head = try source.peek(upTo: peekSize)
            #expect(Array(head) == Array(bytes.prefix(peekSize)))
            #expect(source.bytesRead == 0 && !source.reachedEnd)
            #expect(Array(try source.peek(upTo: peekSize)) == Array(head))  // peeking again reads nothing new
            let reader = SegmentReader(source: source, tokenizer: Fixtures.uncased, segmentLength: 64)
            var segments: [[Int32]] = []
            while let segment = try reader.next() { segments.append(segment) }
            checkSegments(segments, length: 64, whole: Self.wholeIDs)
            #expect(reader.bytesRead == bytes.count, "peek \(peekSize), chunk \(chunk)")
            try? pipe.fileHandleForReading.close()
        }
    }

    @Test("file size and the segment estimate: known for a file (exact at the end), unknown for a pipe")
    func estimate() throws {
        let path = try temporaryFile(Self.text)
        let reader = try SegmentReader(path: path, tokenizer: Fixtures.uncased, segmentLength: 50, chunkSize: 4096)
        #expect(reader.fileSize == Self.text.count)
        #expect(reader.estimatedSegmentCount == nil)  // nothing read yet
        let exact = (Self.wholeIDs.count + 49) / 50
        var estimates: [Int] = []
        while try reader.next() != nil { estimates.append(try #require(reader.estimatedSegmentCount)) }
        #expect(estimates.last == exact)
        // Mid-way estimates are proportional guesses: within 25% of the truth for this text.
        for e in estimates { #expect(abs(e - exact) * 4 <= exact, "estimate \(e) vs \(exact)") }
        #expect(reader.estimatedSegmentCount == exact)
    }

    @Test("the binary check: NUL-heavy or non-text starts are binary; text, UTF-8 and a few NULs are not")
    func sniff() {
        #expect(TextSniff.looksBinary([UInt8](repeating: 0, count: 8192)))
        #expect(TextSniff.looksBinary((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }))
        #expect(!TextSniff.looksBinary(Array("plain text, café 😀\n".utf8)))
        #expect(!TextSniff.looksBinary(Array("a few\u{0}NULs\u{0} in a line of text".utf8)))
        #expect(!TextSniff.looksBinary([UInt8]()))
        // A multi-byte character cut by the sample's end is not evidence of binary.
        #expect(!TextSniff.looksBinary(Array("ab".utf8) + [0xE2, 0x82]))
    }

    @Test("openText refuses a binary start in one line and hands a text's peeked bytes out again")
    func openTextChecksTheStart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-opentext-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = folder.appendingPathComponent("model.bin"), text = folder.appendingPathComponent("doc.txt")
        try Data(repeating: 0, count: 20_000).write(to: binary)
        let words = (0..<3000).map { "word\($0 % 97)" }.joined(separator: " ")
        try Data(words.utf8).write(to: text)
        do {
            _ = try ByteChunkReader.openText(binary.path)
            Issue.record("a binary file opened as text")
        } catch let error as TextSourceError {
            #expect(error.description.hasPrefix("\(binary.path): looks like a binary file"), "\(error)")
            #expect(!error.description.contains("\n"))
        }
        #expect(throws: TextSourceError.self) { try ByteChunkReader.openText(folder.path) }
        let reader = try ByteChunkReader.openText(text.path, chunkSize: 1000)
        var bytes: [UInt8] = []
        while let chunk = try reader.nextChunk() { bytes += chunk }
        #expect(bytes == Array(words.utf8), "the sniffed bytes are read again, nothing lost")
    }

    @Test("opening errors: one line naming the file")
    func openErrors() throws {
        #expect(throws: TextSourceError(file: "/nonexistent/text.txt", reason: "no such file")) {
            try SegmentReader(path: "/nonexistent/text.txt", tokenizer: Fixtures.uncased, segmentLength: 8)
        }
        let folder = FileManager.default.temporaryDirectory.path
        do {
            _ = try SegmentReader(path: folder, tokenizer: Fixtures.uncased, segmentLength: 8)
            Issue.record("a directory opened as text")
        } catch let error as TextSourceError {
            #expect(error.description == "\(folder): is a directory")
        }
    }

    @Test("async sequence of random-size chunks")
    func asyncChunks() async throws {
        var rng = SeededGenerator(seed: 8)
        var chunks: [[UInt8]] = []
        var start = 0
        while start < Self.text.count {
            let end = min(Self.text.count, start + Int.random(in: 1...300, using: &rng))
            chunks.append(Array(Self.text[start..<end]))
            start = end
        }
        let stream = AsyncStream<[UInt8]> { continuation in
            for chunk in chunks { continuation.yield(chunk) }
            continuation.finish()
        }
        var segments: [[Int32]] = []
        for try await segment in Fixtures.uncased.segments(of: stream, segmentLength: 100) {
            segments.append(segment)
        }
        checkSegments(segments, length: 100, whole: Self.wholeIDs)
    }

    @Test("async sequence of single bytes")
    func asyncBytes() async throws {
        let bytes = Array(Self.text.prefix(20_000))
        let whole = Fixtures.cased.encode(utf8: bytes)
        let stream = AsyncStream<UInt8> { continuation in
            for byte in bytes { continuation.yield(byte) }
            continuation.finish()
        }
        var segments: [[Int32]] = []
        for try await segment in Fixtures.cased.segments(of: stream, segmentLength: 33, chunkSize: 101) {
            segments.append(segment)
        }
        checkSegments(segments, length: 33, whole: whole)
    }

    @Test("SegmentReader.segments as an AsyncSequence")
    func readerAsync() async throws {
        let reader = try SegmentReader(path: temporaryFile(Self.text), tokenizer: Fixtures.uncased, segmentLength: 256)
        var segments: [[Int32]] = []
        for try await segment in reader.segments { segments.append(segment) }
        checkSegments(segments, length: 256, whole: Self.wholeIDs)
    }

    @Test("TokenSegmenter holds about one chunk of ids")
    func segmenterBounded() {
        let segmenter = TokenSegmenter(tokenizer: Fixtures.uncased, segmentLength: 64)
        let chunk = Array(String(repeating: "the cat sat on the mat. ", count: 200).utf8)
        var maxPending = 0
        var total = 0
        for _ in 0..<200 {
            segmenter.feed(chunk)
            maxPending = max(maxPending, segmenter.pendingTokenCount)
            while let segment = segmenter.nextSegment() { total += segment.count }
        }
        segmenter.finish()
        while let segment = segmenter.nextSegment() { total += segment.count }
        #expect(total == 200 * Fixtures.uncased.encode(utf8: chunk).count)
        #expect(maxPending <= 64 + chunk.count)
    }
}
