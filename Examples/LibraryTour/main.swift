// LibraryTour: the three ways to use RMT from Swift, as shown in Docs/library.md.
// Run: swift run -c release rmt-library-tour MODEL_DIR TEXT_FILE
//   1. one call: answer a question about a file;
//   2. streaming: feed segments yourself (from a file, stdin or any async byte source);
//   3. stop half-way, save the memory state, resume later — same answer.
// It also asks whether the question is one of the forms the model was trained on.
import Foundation
import RMT

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: rmt-library-tour MODEL_DIR TEXT_FILE\n".utf8))
    exit(2)
}
let modelURL = URL(fileURLWithPath: arguments[1])
let textPath = arguments[2]
let question = "Where is Mary?"

do {
    let model = try RecurrentMemoryModel.load(directory: modelURL)

    // 1. One call.
    let answer = try model.answer(question: question, file: textPath)
    print("one call:  \(answer.answer) (p = \(answer.probability)), \(answer.tokens) tokens, \(answer.segments) segments")
    // Outside the forms the model was trained on, the answer means little (nil: none recorded).
    let inDomain = model.isInDomain(question).map { $0 ? "yes" : "no" } ?? "not recorded"
    print("in domain: \(inDomain); answers from: \(model.settings.labels.joined(separator: ", "))")

    // 2. Streaming from an async byte source: here the file's bytes, but any
    //    AsyncSequence of UInt8 works (a network body, a pipe, a decompressor…).
    let bytes = try Data(contentsOf: URL(fileURLWithPath: textPath))
    let source = AsyncStream<UInt8> { continuation in
        for b in bytes { continuation.yield(b) }
        continuation.finish()
    }
    let session = try DocumentSession(model: model, question: question)  // the question first: any layout
    for try await segment in model.tokenizer.segments(of: source, segmentLength: session.textLength) {
        try session.read(segment)
    }
    let streamed = try session.answer()
    print("streamed:  \(streamed.answer) (p = \(streamed.probability))")

    // 3. Stop half-way, save, resume.
    let first = try DocumentSession(model: model, question: question)
    let reader = try model.segmentReader(path: textPath, textLength: first.textLength)
    var read = 0
    while read < 2, let segment = try reader.next() { try first.read(segment); read += 1 }
    let stateURL = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-tour-state.safetensors")
    try first.state.save(to: stateURL, model: model)
    let restored = try MemoryState.load(from: stateURL, model: model)
    let second = try DocumentSession(model: model, question: question, resuming: restored)
    try second.read(from: try model.segmentReader(path: textPath, textLength: second.textLength))  // skips what was read, checks it is the same text
    let resumed = try second.answer()
    try? FileManager.default.removeItem(at: stateURL)
    print("resumed:   \(resumed.answer) (p = \(resumed.probability)), same as one call: \(resumed == answer)")
    exit(resumed == answer && streamed.answer == answer.answer ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("rmt-library-tour: \(error)\n".utf8))
    exit(1)
}
