// FuzzTokenizer: libFuzzer harness for RMTTokenizer (built by Scripts/fuzz-tokenizer.sh together
// with Sources/RMTTokenizer/*.swift, with -sanitize=fuzzer,address). Not part of the package.
//
// For each input (arbitrary bytes), with one of the uncased, cased and specials-off tokenizers
// (picked from the input), it checks:
//   - encode(utf8:) never crashes, every id is in the vocabulary, ids never outnumber bytes;
//   - streaming in chunks whose sizes are drawn from a seed taken from the input equals the
//     whole-text ids, and the ill-formed-UTF-8 / NUL counters agree with a byte-by-byte stream;
//   - encode(String(decoding:as:UTF8.self)) equals encode(utf8:) (Swift's own U+FFFD replacement);
//   - TokenSegmenter segments have the requested length and concatenate to the whole.
// Any failed check calls fatalError, which libFuzzer reports as a crash with the input saved.
// The vocabulary is Fixtures/tokenizer/vocab.txt (override with RMT_FUZZ_VOCAB).
import Foundation

private let tokenizers: [BertTokenizer] = {
    let path = ProcessInfo.processInfo.environment["RMT_FUZZ_VOCAB"] ?? "Fixtures/tokenizer/vocab.txt"
    do {
        let vocabulary = try Vocabulary(contentsOf: URL(fileURLWithPath: path))
        return [
            BertTokenizer(vocabulary: vocabulary, lowercase: true),
            BertTokenizer(vocabulary: vocabulary, lowercase: false),
            BertTokenizer(vocabulary: vocabulary, lowercase: true, matchesSpecialTokens: false),
        ]
    } catch {
        fatalError("fuzz harness: cannot load the vocabulary: \(error)")
    }
}()

/// A tiny deterministic generator (xorshift64*) seeded from the input.
private struct ChunkSizes {
    var state: UInt64
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
    var hash: UInt64 = 0x9E37_79B9_7F4A_7C15
    for byte in bytes.prefix(16) { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
    state = hash | 1
    }
    mutating func next(max: Int) -> Int {
    state ^= state >> 12
    state ^= state << 25
    state ^= state >> 27
    return Int((state &* 0x2545_F491_4F6C_DD1D) >> 33) % max + 1
    }
}

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("fuzz check failed: \(message())") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    var sizes = ChunkSizes(bytes)
    let tokenizer = tokenizers[sizes.next(max: tokenizers.count) - 1]
    let whole = tokenizer.encode(utf8: UnsafeRawBufferPointer(bytes))
    let vocabularySize = Int32(tokenizer.vocabulary.count)
    check(whole.allSatisfy { $0 >= 0 && $0 < vocabularySize }, "id out of range")
    check(whole.count <= size, "more ids (\(whole.count)) than bytes (\(size))")

    // Streaming in input-derived chunk sizes.
    let maxChunk = [1, 2, 3, 7, 64, 4096][sizes.next(max: 6) - 1]
    let stream = tokenizer.makeIncrementalTokenizer()
    var streamed: [Int32] = []
    var start = 0
    while start < size {
        let end = min(size, start + sizes.next(max: maxChunk))
        stream.feed(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<end]), into: &streamed)
        check(stream.bufferedByteCount <= 1024, "buffered \(stream.bufferedByteCount) bytes")
        start = end
    }
    stream.finish(into: &streamed)
    check(streamed == whole, "streamed ids differ from whole-text ids (max chunk \(maxChunk))")

    // Counters do not depend on chunking either.
    let byteByByte = tokenizer.makeIncrementalTokenizer()
    var ids: [Int32] = []
    let raw = UnsafeRawBufferPointer(bytes)
    for index in 0..<size { byteByByte.feed(UnsafeRawBufferPointer(rebasing: raw[index..<(index + 1)]), into: &ids) }
    byteByByte.finish(into: &ids)
    check(ids == whole, "byte-by-byte ids differ")
    check(byteByByte.invalidSequenceCount == stream.invalidSequenceCount, "invalid counts differ")
    check(byteByByte.nulByteCount == bytes.filter { $0 == 0 }.count, "NUL count wrong")

    // Swift's own UTF-8 repair (U+FFFD per maximal subpart) gives the same ids.
    let text = String(decoding: bytes, as: UTF8.self)
    check(tokenizer.encode(text) == whole, "String path differs from bytes path")

    // Segments: exact lengths, same concatenation.
    let length = sizes.next(max: 17)
    let segmenter = TokenSegmenter(tokenizer: tokenizer, segmentLength: length)
    var segments: [[Int32]] = []
    start = 0
    while start < size {
        let end = min(size, start + sizes.next(max: maxChunk))
        segmenter.feed(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<end]))
        while let segment = segmenter.nextSegment() { segments.append(segment) }
        start = end
    }
    segmenter.finish()
    while let segment = segmenter.nextSegment() { segments.append(segment) }
    check(segments.dropLast().allSatisfy { $0.count == length }, "short segment before the end")
    check(segments.last.map { !$0.isEmpty && $0.count <= length } ?? true, "bad last segment")
    check(segments.flatMap { $0 } == whole, "segments do not concatenate to the whole")
    return 0
}
