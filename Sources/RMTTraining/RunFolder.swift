// RunFolder: the training run folder (`rmt-train --out DIR`) as a whole — which entries are
// the run's, `data.json` (what the run reads: task, noise, seed, where it started) validated
// when read, recovery of the checkpoint and model folders after a kill (AtomicDirectory's
// states, Docs/training.md), and clearing a run for `--overwrite`.
import Foundation
import RMTData
import RMTModel
import RMTRecurrence

/// What a training run reads, recorded in OUT/data.json when it starts and reused by a resume.
public struct RunData: Codable, Equatable, Sendable {
    /// Task name or comma list (`memorize,detect`); a custom task's file is recorded absolute
    /// (`custom:/…/facts.jsonl`, TaskCatalog.absoluteFiles). Runs from before that may hold a
    /// relative one, read against the current directory as before.
    public var task: String
    /// Absolute paths; empty = the built-in prose generator.
    public var noise: [String]
    public var evalNoise: [String]
    public var seed: UInt64
    /// Document tokens per segment of the data: one length, or a range each batch draws its
    /// length from (`SegmentLengthRange`); nil = the model's segment length. data.json holds an
    /// integer for one length (as before ranges) and "LO-HI" for a range.
    public var segmentLengths: SegmentLengthRange?
    /// The share of adversarial non-fact sentences in the noise (nil = 0, and runs from before the flag).
    public var adversarialRate: Double?
    /// The share of room-neighbour sentences in the noise (`RoomNeighbourProse`; nil = 0, and
    /// runs from before the flag).
    public var neighbourRate: Double?
    /// The share of training documents turned into memory probes (`DataStream.probeRate`; nil = 0,
    /// and runs from before the flag).
    public var probeRate: Double?
    /// Whether the probes also ask where objects are (`DataStream.probeObjects`; nil = false, and
    /// runs from before the flag).
    public var probeObjects: Bool?
    /// The share of training documents whose supporting facts are placed apart
    /// (`DataStream.crossSegmentRate`; nil = 0, and runs from before the flag).
    public var crossSegmentRate: Double?
    /// The share of training documents whose question only the final segment reads
    /// (`DataStream.hiddenQuestionRate`; nil = 0, and runs from before the flag).
    public var hiddenQuestionRate: Double?
    /// The share of training documents whose earlier segments read a decoy question
    /// (`DataStream.decoyQuestionRate`; nil = 0, and runs from before the flag).
    public var decoyQuestionRate: Double?
    /// Where the run started: a model folder (absolute path) or a preset name; nil in runs
    /// from before these were recorded.
    public var model: String?
    public var preset: String?

    enum CodingKeys: String, CodingKey {
        case task, noise, evalNoise = "eval_noise", seed, segmentLengths = "data_segment_length", model, preset
        case adversarialRate = "adversarial_rate", neighbourRate = "neighbour_rate", probeRate = "probe_rate", crossSegmentRate = "cross_segment_rate"
        case hiddenQuestionRate = "hidden_question_rate", decoyQuestionRate = "decoy_question_rate"
        case probeObjects = "probe_objects"
    }

    public init(task: String, noise: [String], evalNoise: [String], seed: UInt64, segmentLengths: SegmentLengthRange? = nil,
                adversarialRate: Double? = nil, neighbourRate: Double? = nil, probeRate: Double? = nil, crossSegmentRate: Double? = nil,
                hiddenQuestionRate: Double? = nil, decoyQuestionRate: Double? = nil, model: String? = nil, preset: String? = nil,
                probeObjects: Bool? = nil) {
        self.probeObjects = probeObjects
        self.hiddenQuestionRate = hiddenQuestionRate
        self.decoyQuestionRate = decoyQuestionRate
        self.adversarialRate = adversarialRate
        self.neighbourRate = neighbourRate
        self.probeRate = probeRate
        self.crossSegmentRate = crossSegmentRate
        self.task = task
        self.noise = noise
        self.evalNoise = evalNoise
        self.seed = seed
        self.segmentLengths = segmentLengths
        self.model = model
        self.preset = preset
    }

    public static func url(in out: URL) -> URL { out.appendingPathComponent("data.json") }

    /// Reads and validates OUT/data.json. nil when the file does not exist; a file that is
    /// unreadable, not this format, or names an impossible task or length is an error
    /// naming the file and saying what to do.
    public static func load(from out: URL) throws -> RunData? {
        let url = url(in: out)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let advice = "restore it, or delete it and resume with the run's --task (and --noise, --eval-noise, --seed, --data-segment-length if it had them) to write it again"
        func corrupt(_ cause: String) -> ModelError { ModelError(url.path, "\(cause); \(advice)") }
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch { throw corrupt("unreadable") }
        let data: RunData
        do { data = try JSONDecoder().decode(RunData.self, from: bytes) } catch let error as DecodingError {
            // SegmentLengthRange says what is wrong with a length it refuses.
            if case .dataCorrupted(let context) = error, context.codingPath.last?.stringValue == CodingKeys.segmentLengths.stringValue {
                throw corrupt("data_segment_length \(context.debugDescription)")
            }
            throw corrupt("corrupt (\(describeDecodingError(error)))")
        } catch { throw corrupt("corrupt") }
        do { _ = try TaskCatalog.task(list: data.task) } catch { throw corrupt("names an impossible task (\(error))") }
        if let r = data.adversarialRate, !(r >= 0 && r < 1) { throw corrupt("adversarial_rate must be in [0, 1), got \(r)") }
        if let r = data.neighbourRate, !(r >= 0 && r < 1) { throw corrupt("neighbour_rate must be in [0, 1), got \(r)") }
        if let r = data.probeRate, !(r >= 0 && r <= 1) { throw corrupt("probe_rate must be in [0, 1], got \(r)") }
        if let r = data.crossSegmentRate, !(r >= 0 && r <= 1) { throw corrupt("cross_segment_rate must be in [0, 1], got \(r)") }
        if let r = data.hiddenQuestionRate, !(r >= 0 && r <= 1) { throw corrupt("hidden_question_rate must be in [0, 1], got \(r)") }
        if let r = data.decoyQuestionRate, !(r >= 0 && r <= 1) { throw corrupt("decoy_question_rate must be in [0, 1], got \(r)") }
        if data.model != nil && data.preset != nil { throw corrupt("names both a model and a preset") }
        if let p = data.preset, BertConfig.Preset(rawValue: p) == nil { throw corrupt("unknown preset \"\(p)\"") }
        return data
    }

    /// Writes OUT/data.json atomically.
    public func save(in out: URL) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try enc.encode(self).write(to: Self.url(in: out), options: .atomic)
    }
}

public enum RunFolder {
    /// The entries a training run writes in its folder.
    public static let entries = ["metrics.jsonl", "checkpoint", "stages", "model", "data.json", "commands.txt"]

    /// The temp file Foundation's atomic write makes beside data.json and metrics.jsonl
    /// (`.dat.nosyncXXXX.XXXXXX`), left behind by a kill during that write.
    static let atomicWriteTemporaryPrefix = ".dat.nosync"

    /// True for one of `entries`, a hidden temp/old sibling of one (`.checkpoint.tmp-…`), or
    /// an atomic-write temp file.
    public static func isRunEntry(_ name: String) -> Bool {
        entries.contains(name) || entries.contains { name.hasPrefix(".\($0).") } || name.hasPrefix(atomicWriteTemporaryPrefix)
    }

    /// The folder's entries (hidden ones too); empty when it does not exist.
    public static func contents(_ out: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).sorted()
    }

    /// Recovers every atomically written folder of the run (checkpoint/, model/, stages/N/)
    /// from whatever state a kill left (AtomicDirectory.recover): temp folders (and atomic-write
    /// temp files of data.json and metrics.jsonl) are removed,
    /// a folder moved aside between the two renames is put back. Returns one line per
    /// folder restored, for the log.
    @discardableResult
    public static func recover(_ out: URL) throws -> [String] {
        var targets = [out.appendingPathComponent("checkpoint"), out.appendingPathComponent("model")]
        let stages = out.appendingPathComponent("stages")
        var stageNames = Set(contents(stages))
        // A stage folder exists as N, or only as .N.old-… / .N.tmp-… after a kill.
        for name in stageNames where name.hasPrefix(".") {
            if let dot = name.dropFirst().firstIndex(of: ".") { stageNames.insert(String(name[name.index(after: name.startIndex)..<dot])) }
        }
        targets += stageNames.filter { !$0.hasPrefix(".") }.sorted().map { stages.appendingPathComponent($0) }
        var restored: [String] = []
        for name in contents(out) where name.hasPrefix(atomicWriteTemporaryPrefix) {
            try? FileManager.default.removeItem(at: out.appendingPathComponent(name))
        }
        for target in targets {
            let recovery: AtomicDirectory.Recovery
            do { recovery = try AtomicDirectory.recover(target) } catch {
                throw ModelError(target.path, "cannot recover after an interrupted write: \(error.localizedDescription)")
            }
            if let from = recovery.restoredFrom {
                restored.append("\(target.path) restored from \(from) (the run was killed while replacing it)")
            }
        }
        return restored
    }

    /// Removes the run's own entries (for `--overwrite`); other files stay.
    public static func clear(_ out: URL) throws {
        for name in contents(out) where isRunEntry(name) {
            let url = out.appendingPathComponent(name)
            do { try FileManager.default.removeItem(at: url) } catch {
                throw ModelError(url.path, "cannot remove it to start over: \(error.localizedDescription)")
            }
        }
    }

    /// The step of the complete checkpoint in OUT/checkpoint, nil when there is none.
    public static func checkpointStep(_ out: URL) -> Int? {
        let url = out.appendingPathComponent("checkpoint/trainer-state.json")
        guard let data = try? Data(contentsOf: url), let state = try? Trainer.checkpointDecoder.decode(TrainerState.self, from: data) else {
            return nil
        }
        return state.step
    }
}
