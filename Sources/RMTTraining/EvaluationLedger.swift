// EvaluationLedger: a resumable record of an evaluation, one JSON line per evaluated batch.
//
// A point at 4096 segments costs 2M tokens per document — hours on a laptop — so evaluation
// must survive being stopped. `rmt-train eval --ledger FILE` appends a line after every batch
// (flushed to disk) and, when run again, skips the documents already counted. The first line
// identifies the run (model fingerprint, seed, noise fingerprint); a ledger of another run is
// refused rather than mixed. The noise is identified by its content (NoiseCorpus.fingerprint),
// so a clone elsewhere, with the corpus at another path, continues the same ledger; the paths
// are kept for people. A version-1 header (paths only) is accepted when its paths match and is
// upgraded. A torn last line (the process killed mid-write) is ignored and cut off. One process
// writes a ledger at a time: the writer holds an exclusive flock on the file, and a second
// `rmt-train eval` on the same ledger is refused in one line; `--report` only reads it.
//
//   {"ledger":"rmt-eval","version":2,"model_fnv":"…","seed":1,"noise":["…/valid"],"noise_fnv":"…"}
//   (+ "segment_length", "data_segment_length", "interpolated_positions" for a re-split reading)
//   {"task":"memorize","segments":2048,"first":0,"count":8,"correct":8,"tokens":1021942}
import Foundation
import RMTBase
import RMTKernels
import RMTModel
import RMTRecurrence
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public final class EvaluationLedger {
    /// What makes two evaluations comparable: same weights, data seed and noise.
    public struct Identity: Codable, Equatable, Sendable {
        public var ledger = "rmt-eval"
        /// 2 with a noise fingerprint, 1 without (older headers).
        public var version: Int
        /// FNV-1a 64 (hex) of the model's model.safetensors bytes.
        public var modelFNV: String
        public var seed: UInt64
        /// Where the noise was read from (informational since version 2).
        public var noise: [String]
        /// The noise's content fingerprint (`NoiseCorpus.fingerprint`); nil in version-1 headers.
        public var noiseFNV: String?
        /// "bf16" when the linear layers ran in bf16 (--precision bf16); absent (nil) for fp32,
        /// so fp32 headers are those written before precision existed.
        public var precision: String?
        /// `rmt-train eval --segment-length N`: the documents were read in segments of N tokens
        /// (made for `dataSegmentLength`'s, nil = the model's own), with the trained text positions
        /// stretched when `interpolatedPositions`. All nil: read as the model was made, as every
        /// ledger written before these existed.
        public var segmentLength: Int?
        public var dataSegmentLength: Int?
        public var interpolatedPositions: Bool?
        /// Readings of each document (`RMTSettings.passes`, `rmt-train eval --passes`) when more
        /// than one; nil: once, as every ledger written before passes existed.
        public var passes: Int?
        enum CodingKeys: String, CodingKey {
            case ledger, version, modelFNV = "model_fnv", seed, noise, noiseFNV = "noise_fnv", precision
            case segmentLength = "segment_length", dataSegmentLength = "data_segment_length"
            case interpolatedPositions = "interpolated_positions", passes
        }
        public init(modelFNV: String, seed: UInt64, noise: [String], noiseFNV: String? = nil, precision: String? = nil,
                    segmentLength: Int? = nil, dataSegmentLength: Int? = nil, interpolatedPositions: Bool? = nil,
                    passes: Int? = nil) {
            self.passes = passes
            self.modelFNV = modelFNV
            self.seed = seed
            self.noise = noise
            self.noiseFNV = noiseFNV
            self.precision = precision
            self.segmentLength = segmentLength
            self.dataSegmentLength = dataSegmentLength
            self.interpolatedPositions = interpolatedPositions
            version = noiseFNV == nil ? 1 : 2
        }

        /// Whether a ledger written under `recorded` may be continued under `self`: the same
        /// model, seed, precision and reading (segment lengths, interpolation, passes), and the same noise
        /// content — or, for a header without a noise fingerprint, the same noise paths.
        func continues(_ recorded: Identity) -> Bool {
            guard recorded.ledger == ledger, recorded.modelFNV == modelFNV, recorded.seed == seed,
                  recorded.precision == precision, recorded.segmentLength == segmentLength,
                  recorded.dataSegmentLength == dataSegmentLength,
                  recorded.interpolatedPositions == interpolatedPositions, recorded.passes == passes else { return false }
            if let a = recorded.noiseFNV, let b = noiseFNV { return a == b }
            return recorded.noise == noise
        }
    }

    public let url: URL
    public let identity: Identity
    /// Every batch recorded so far, in file order.
    public private(set) var batches: [EvaluationBatch] = []
    /// The locked file appended to; nil when opened for reading only.
    private let handle: FileHandle?

    /// Opens (or creates) the ledger at `url` for `identity`: to continue it (`writing`, the
    /// default), or only to read what it holds (`writing: false`, for a report while a run goes on).
    /// A writer holds an exclusive lock on the file (flock, released when the process ends
    /// however it ends) so that two evaluations never append to one ledger at once.
    /// - Throws: `ModelError` when the file belongs to another evaluation, is not a ledger, is
    ///   being written by another process (`writing`), or does not exist (`writing: false`).
    public init(url: URL, identity: Identity, writing: Bool = true) throws {
        self.url = url
        self.identity = identity
        let fm = FileManager.default
        guard writing else {
            guard fm.fileExists(atPath: url.path) else { throw ModelError(url.path, "no such ledger; run the evaluation with --ledger first") }
            let contents = try Self.read(url, for: identity)
            batches = contents.batches
            handle = nil
            return
        }
        // Created and locked through one descriptor, and the header written under the lock (an
        // empty file is a ledger created by a process that stopped before its header): two
        // evaluations starting a new ledger at once get one file, and one of them the lock.
        try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var locked = try Self.lock(url, create: true)
        if try locked.seekToEnd() == 0 {
            try locked.write(contentsOf: try Self.headerLine(identity))
            try locked.synchronize()
        }
        let contents = try Self.read(url, for: identity)
        batches = contents.batches
        if contents.rewrite {
            // A version-1 header is rewritten as version 2 (same batches, now with the noise
            // fingerprint), or a header line gets its newline: written whole to a new file that
            // is locked before it takes the ledger's name, so the lock never leaves this process.
            var clean = try Self.headerLine(identity)
            for line in contents.lines { clean.append(contentsOf: line); clean.append(UInt8(ascii: "\n")) }
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
            try? fm.removeItem(at: temporary)
            let replacement = try Self.lock(temporary, create: true)
            try replacement.write(contentsOf: clean)
            try replacement.synchronize()
            guard rename(temporary.path, url.path) == 0 else {
                let cause = String(cString: strerror(errno)).lowercased()
                try? fm.removeItem(at: temporary)
                throw ModelError(url.path, "cannot rewrite the ledger: \(cause)")
            }
            try? locked.close()
            locked = replacement
        } else if contents.completeBytes < contents.fileBytes {
            // A torn last line (a kill mid-write) is cut off in place, under the lock, so that
            // appends start on a fresh line.
            try locked.truncate(atOffset: UInt64(contents.completeBytes))
        }
        handle = locked
        try locked.seekToEnd()
    }

    /// The precision the ledger at `url` was written in — `.bf16` or `.fp32` (a header without
    /// one) — or nil when there is no readable ledger there (opening it reports why).
    public static func recordedPrecision(at url: URL) -> Precision? {
        guard let data = try? Data(contentsOf: url), let head = data.split(separator: UInt8(ascii: "\n")).first,
              let found = try? JSONDecoder().decode(Identity.self, from: Data(head)) else { return nil }
        return found.precision == "bf16" ? .bf16 : .fp32
    }

    /// What a ledger file holds: its batches (complete lines after the header), those lines, the
    /// bytes up to the last complete line, and whether the file must be rewritten whole (a
    /// version-1 header to upgrade, or a header line without its newline).
    private static func read(_ url: URL, for identity: Identity) throws
        -> (batches: [EvaluationBatch], lines: [Data], completeBytes: Int, fileBytes: Int, rewrite: Bool) {
        let data = try Data(contentsOf: url)
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map { Data($0) }
        guard let head = lines.first, let found = try? JSONDecoder().decode(Identity.self, from: head) else {
            throw ModelError(url.path, "is not an rmt-train eval ledger (its first line is not the ledger header)")
        }
        guard identity.continues(found) else {
            throw ModelError(url.path, "records another evaluation (model, seed, noise, precision or segment lengths differ); use a new --ledger file")
        }
        var completeBytes = data.count
        let newline = data.lastIndex(of: UInt8(ascii: "\n"))
        if data.last != UInt8(ascii: "\n"), let newline {  // drop a torn last line (not the header)
            completeBytes = newline - data.startIndex + 1
            lines.removeLast()
        }
        lines.removeFirst()
        let batches = try lines.map { line in
            guard let batch = try? JSONDecoder().decode(EvaluationBatch.self, from: line) else {
                throw ModelError(url.path, "has a line that is not an evaluated batch: \(String(decoding: line.prefix(80), as: UTF8.self))")
            }
            return batch
        }
        // Rewritten whole: a version-1 header, or a header whose line was never ended.
        let rewrite = (found.noiseFNV == nil && identity.noiseFNV != nil) || newline == nil
        return (batches, lines, completeBytes, data.count, rewrite)
    }

    /// Opens the ledger (made when `create` and missing) for writing with an exclusive lock
    /// (ExclusiveFileLock, RunLock.swift), or throws when another process holds it.
    private static func lock(_ url: URL, create: Bool = false) throws -> FileHandle {
        switch try ExclusiveFileLock.take(url.path, openFlags: O_WRONLY | (create ? O_CREAT : 0), naming: "the ledger") {
        case .held(let fd):
            close(fd)
            throw ModelError(url.path, "is being written by another rmt-train eval; wait for it to end, or give another --ledger")
        case .locked(let fd):
            return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        }
    }

    deinit { try? handle?.close() }

    private static func headerLine(_ identity: Identity) throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return try enc.encode(identity) + Data("\n".utf8)
    }

    /// Documents of (task, segments) counted so far: the length of the prefix 0..<n covered.
    public func done(task: String, segments: Int) -> Int {
        let ranges = batches.filter { $0.task == task && $0.segments == segments }
            .map { $0.first..<($0.first + $0.count) }.sorted { $0.lowerBound < $1.lowerBound }
        var end = 0
        for r in ranges where r.lowerBound <= end { end = max(end, r.upperBound) }
        return end
    }

    /// The documents of (task, segments) still to read in `range`, as runs of whole batches of
    /// `batchSize` aligned at `range.lowerBound` (the last may be shorter): a batch whose every
    /// document some recorded batch already holds — read elsewhere and appended, or by an earlier
    /// run after a gap — is left out, and the batches kept next to each other are joined. So a
    /// run resumed at its first gap reads each missing document once and none twice.
    public func unread(task: String, segments: Int, in range: Range<Int>, batchSize: Int) -> [Range<Int>] {
        var held = Set<Int>()
        for b in batches where b.task == task && b.segments == segments { held.formUnion(b.first..<(b.first + b.count)) }
        var runs: [Range<Int>] = []
        for start in stride(from: range.lowerBound, to: range.upperBound, by: max(1, batchSize)) {
            let batch = start..<min(start + max(1, batchSize), range.upperBound)
            guard !batch.allSatisfy(held.contains) else { continue }
            if let last = runs.last, last.upperBound == batch.lowerBound {
                runs[runs.count - 1] = last.lowerBound..<batch.upperBound
            } else {
                runs.append(batch)
            }
        }
        return runs
    }

    /// Appends one batch and flushes it to disk.
    public func record(_ batch: EvaluationBatch) throws {
        guard let handle else { throw ModelError(url.path, "was opened for reading only") }
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
        var otherPerson: Int? = 0, answeredUnknown: Int? = 0, state: StateCounts? = StateCounts()  // nil once any batch lacks them
        for b in batches where b.task == task && b.segments == segments && b.first + b.count <= limit {
            let fresh = (b.first..<(b.first + b.count)).filter { !seen.contains($0) }
            guard fresh.count == b.count else { continue }
            seen.formUnion(fresh)
            correct += b.correct
            tokens = b.tokens
            otherPerson = otherPerson.flatMap { sum in b.otherPerson.map { sum + $0 } }
            answeredUnknown = answeredUnknown.flatMap { sum in b.answeredUnknown.map { sum + $0 } }
            state = state.flatMap { sum in b.state.map { sum + $0 } }
        }
        return seen.isEmpty ? nil : LengthAccuracy(task: task, segments: segments, tokens: tokens, samples: seen.count,
                                                   correct: correct, otherPerson: otherPerson, answeredUnknown: answeredUnknown,
                                                   state: state)
    }

    /// FNV-1a 64 of a file's bytes, as 16 hex digits (the model fingerprint).
    public static func fingerprint(of file: URL) throws -> String {
        let data = try Data(contentsOf: file, options: .alwaysMapped)
        var h = FNV1a.offset
        data.withUnsafeBytes { raw in
            for byte in raw.bindMemory(to: UInt8.self) { FNV1a.mix(byte: byte, into: &h) }
        }
        return String(format: "%016llx", h)
    }
}
