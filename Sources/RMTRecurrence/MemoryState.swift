// MemoryState: everything needed to continue reading a document later — the memory
// (M, C), how far the reader got, a fingerprint of the tokens read, and any document
// tokens held back for the final segment. Saved as a small safetensors file, so a
// 10M-token read can stop half-way and resume with the same answer.
import Foundation
import RMTBase
import RMTModel
import RMTSafetensors

public struct MemoryState: Sendable, Equatable {
    /// What the last segment read hands on (`RecurrentMemoryModel.carriedCount`): the (M, C)
    /// memory, then the associative memory's state (L, K·C + K) if the model has one.
    public var memory: [Float]
    /// Segments read so far (not counting the final question segment).
    public var segmentsRead: Int
    /// Document tokens read so far (including `pending`).
    public var tokensRead: Int
    /// FNV-1a 64 over every document token id read, to detect resuming on another document.
    public var tokenHash: UInt64
    /// Document tokens held back: a short last part waiting for the question, or (every-segment
    /// layout) the latest piece, read when the next one arrives or as the final segment.
    public var pending: [Int32]
    /// Readings of the document finished so far (`DocumentSession.endReading()`), for a model
    /// that reads each document more than once (`RMTSettings.passes`): the counts and fingerprint
    /// above are the current reading's.
    public var passesRead = 0

    public init(memory: [Float], tokenHash: UInt64 = FNV1a.offset) {
        self.memory = memory
        segmentsRead = 0
        tokensRead = 0
        self.tokenHash = tokenHash
        pending = []
    }

    /// Writes the state (and which model it belongs to) atomically.
    public func save(to url: URL, model: RecurrentMemoryModel) throws {
        var metadata = [
            "format": "rmt-memory-state", "version": "1",
            "segments_read": String(segmentsRead), "tokens_read": String(tokensRead),
            "token_hash": String(tokenHash), "model_fingerprint": model.fingerprint,
        ]
        if passesRead > 0 { metadata["passes_read"] = String(passesRead) }  // absent: the first reading
        var w = SafetensorsWriter(metadata: metadata)
        let tokens = model.memoryCount
        try w.add("memory", shape: [model.settings.memoryTokens, model.config.hiddenSize], floats: Array(memory.prefix(tokens)))
        if model.carriedCount > tokens {
            let L = model.config.numHiddenLayers
            try w.add("associative", shape: [L, (model.carriedCount - tokens) / L], floats: Array(memory.dropFirst(tokens)))
        }
        try w.add("pending", shape: [pending.count], int64s: pending.map { Int64($0) })
        try w.write(to: url)
    }

    /// Reads a state saved for `model`; a state from another model is an error.
    public static func load(from url: URL, model: RecurrentMemoryModel) throws -> MemoryState {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(contentsOf: url) } catch let e as SafetensorsError { throw ModelError(e.path, e.problem) }
        let meta = file.metadata
        guard meta["format"] == "rmt-memory-state" else { throw ModelError(url.path, "not an RMT memory state") }
        guard meta["model_fingerprint"] == model.fingerprint else {
            throw ModelError(url.path, "memory state was saved by a different model")
        }
        guard let segments = meta["segments_read"].flatMap(Int.init), let tokens = meta["tokens_read"].flatMap(Int.init),
              let hash = meta["token_hash"].flatMap(UInt64.init), segments >= 0, tokens >= 0 else {
            throw ModelError(url.path, "memory state metadata is incomplete")
        }
        let passesRead = try meta["passes_read"].map { text -> Int in
            guard let n = Int(text), n >= 0 else { throw ModelError(url.path, "memory state metadata passes_read is not a count: \(text)") }
            return n
        } ?? 0
        guard passesRead < model.settings.readingPasses else {
            throw ModelError(url.path, "memory state has finished \(passesRead) reading\(passesRead == 1 ? "" : "s") of its document, and this model reads each document \(model.settings.readingPasses == 1 ? "once" : "\(model.settings.readingPasses) times")")
        }
        do {
            var memory = try file.floats("memory")
            guard memory.count == model.memoryCount else { throw ModelError(url.path, "memory has the wrong size") }
            if model.carriedCount > model.memoryCount {
                guard file.info("associative") != nil else {
                    throw ModelError(url.path, "memory state has no associative state, and this model has an associative memory")
                }
                let associative = try file.floats("associative")
                guard associative.count == model.carriedCount - model.memoryCount else {
                    throw ModelError(url.path, "associative state has the wrong size")
                }
                memory += associative
            }
            var state = MemoryState(memory: memory)
            state.segmentsRead = segments
            state.tokensRead = tokens
            state.tokenHash = hash
            state.passesRead = passesRead
            state.pending = try file.int64s("pending").map { Int32(truncatingIfNeeded: $0) }
            guard state.pending.count < model.settings.segmentLength + 1 else {
                throw ModelError(url.path, "pending tokens exceed a segment")
            }
            return state
        } catch let e as SafetensorsError { throw ModelError(e.path, e.problem) }
    }
}

extension RecurrentMemoryModel {
    /// Identifies the model a memory state belongs to: sizes, settings and a hash of the
    /// memory embeddings and classifier (cheap, and changes whenever training does).
    public var fingerprint: String {
        var h = FNV1a.offset
        func mix(_ x: UInt32) { FNV1a.mix(x, into: &h) }
        for v in [config.hiddenSize, config.numHiddenLayers, config.vocabSize, settings.memoryTokens, settings.segmentLength] {
            mix(UInt32(truncatingIfNeeded: v))
        }
        if settings.questionLayout == .everySegment { mix(1) }  // (final-segment fingerprints stay as they were)
        if let a = config.associative { for v in [a.keySize, a.nu, 0xA550C] { mix(UInt32(truncatingIfNeeded: v)) } }
        for name in [RMTTensorName.memoryEmbeddings, RMTTensorName.classifierWeight, "embeddings.LayerNorm.weight"] {
            let e = parameters.layout.entry(name)!
            for i in 0..<e.count { mix(parameters.storage.pointer[e.offset + i].bitPattern) }
        }
        return String(h, radix: 16)
    }
}
