// EvaluationLedger: a resumable record of an evaluation, one JSON line per evaluated batch.
//
// A point at 4096 segments costs 2M tokens per document — hours on a laptop — so evaluation
// must survive being stopped. `rmt-train eval --ledger FILE` appends a line after every batch
// (flushed to disk) and, when run again, skips the documents already counted. The first line
// identifies the run (model fingerprint, seed, noise); a ledger of another run is refused
// rather than mixed. A torn last line (the process killed mid-write) is ignored.
//
//   {"ledger":"rmt-eval","version":1,"model_fnv":"…","seed":1,"noise":["…/valid"]}
//   {"task":"memorize","segments":2048,"first":0,"count":8,"correct":8,"tokens":1021942}
import Foundation
import RMTModel
import RMTRecurrence

public final class EvaluationLedger {
    /// What makes two evaluations comparable: same weights, data seed and noise.
    public struct Identity: Codable, Equatable, Sendable {
        public var ledger = "rmt-eval"
        public var version = 1
        /// FNV-1a 64 (hex) of the model's model.safetensors bytes.
        public var modelFNV: String
        public var seed: UInt64
        public var noise: [String]
        enum CodingKeys: String, CodingKey { case ledger, version, modelFNV = "model_fnv", seed, noise }
        public init(modelFNV: String, seed: UInt64, noise: [String]) {
            self.modelFNV = modelFNV
            self.seed = seed
            self.noise = noise
        }
    }

    public let url: URL
    public let identity: Identity
    /// Every batch recorded so far, in file order.
    public private(set) var batches: [EvaluationBatch] = []
    private let handle: FileHandle

    /// Opens (or creates) the ledger at `url` for `identity`.
    /// - Throws: `ModelError` when the file belongs to another evaluation or is not a ledger.
    public init(url: URL, identity: Identity) throws {
        self.url = url
        self.identity = identity
        let fm = FileManager.default
        if fm.fileExists(atPath: url.path) {
            let data = try Data(contentsOf: url)
            let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            guard let head = lines.first, let found = try? JSONDecoder().decode(Identity.self, from: Data(head)) else {
                throw ModelError(url.path, "is not an rmt-train eval ledger (its first line is not the ledger header)")
            }
            guard found == identity else {
                throw ModelError(url.path, "records another evaluation (model, seed or noise differ); use a new --ledger file")
            }
            let complete = data.last == UInt8(ascii: "\n") ? lines.count : lines.count - 1  // drop a torn last line
            for line in lines[1..<max(1, complete)] {
                guard let batch = try? JSONDecoder().decode(EvaluationBatch.self, from: Data(line)) else {
                    throw ModelError(url.path, "has a line that is not an evaluated batch: \(String(decoding: line.prefix(80), as: UTF8.self))")
                }
                batches.append(batch)
            }
            // Rewrite without the torn tail so appends start on a fresh line.
            if complete < lines.count {
                var clean = Data()
                for line in lines[0..<complete] { clean.append(contentsOf: line); clean.append(UInt8(ascii: "\n")) }
                try clean.write(to: url, options: .atomic)
            }
        } else {
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            try (try enc.encode(identity) + Data("\n".utf8)).write(to: url, options: .atomic)
        }
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    deinit { try? handle.close() }

    /// Documents of (task, segments) counted so far: the length of the prefix 0..<n covered.
    public func done(task: String, segments: Int) -> Int {
        let ranges = batches.filter { $0.task == task && $0.segments == segments }
            .map { $0.first..<($0.first + $0.count) }.sorted { $0.lowerBound < $1.lowerBound }
        var end = 0
        for r in ranges where r.lowerBound <= end { end = max(end, r.upperBound) }
        return end
    }

    /// Appends one batch and flushes it to disk.
    public func record(_ batch: EvaluationBatch) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        try handle.write(contentsOf: try enc.encode(batch) + Data("\n".utf8))
        try handle.synchronize()
        batches.append(batch)
    }

    /// The accuracy of (task, segments) over documents 0..<limit (each document counted once).
    public func accuracy(task: String, segments: Int, limit: Int = .max) -> LengthAccuracy? {
        Self.accuracy(of: batches, task: task, segments: segments, limit: limit)
    }

    /// The accuracy of (task, segments) in `batches` over documents 0..<limit, each document
    /// counted once (a batch counts whole when it lies within the limit; a re-run of documents
    /// already counted is skipped). nil when no batch matches.
    public static func accuracy(of batches: [EvaluationBatch], task: String, segments: Int,
                                limit: Int = .max) -> LengthAccuracy? {
        var seen = Set<Int>(), correct = 0, tokens = 0
        for b in batches where b.task == task && b.segments == segments && b.first + b.count <= limit {
            let fresh = (b.first..<(b.first + b.count)).filter { !seen.contains($0) }
            guard fresh.count == b.count else { continue }
            seen.formUnion(fresh)
            correct += b.correct
            tokens = b.tokens
        }
        return seen.isEmpty ? nil : LengthAccuracy(task: task, segments: segments, tokens: tokens, samples: seen.count, correct: correct)
    }

    /// FNV-1a 64 of a file's bytes, as 16 hex digits (the model fingerprint).
    public static func fingerprint(of file: URL) throws -> String {
        let data = try Data(contentsOf: file, options: .alwaysMapped)
        var h = MemoryState.fnvOffset
        data.withUnsafeBytes { raw in
            for byte in raw.bindMemory(to: UInt8.self) { MemoryState.mix(byte: byte, into: &h) }
        }
        return String(format: "%016llx", h)
    }
}
