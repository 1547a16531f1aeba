// Memory distillation (`rmt-train --distill-memory DIR`): a frozen teacher RMT reads every
// training document beside the model being trained, and the memory each segment of the student
// hands on is pulled toward the teacher's for the same document read so far:
//
//   loss_distill = w · (1/N) Σ_k mean over (b, slot, channel) of (S_k − T_k)²
//   S_k, T_k: (B, M·C) the memory tokens leaving segment k (student, teacher)
//
// Its gradient reaches the student only through the memory rows of each segment's last hidden
// state (BPTT.swift adds it there), so the answer loss can still change how the model reads and
// answers while the memory it writes stays near the teacher's. A fine-tune that would otherwise
// rewrite the memory (Docs/results.md, sessions 40–44) is held to the teacher's. The teacher reads
// in fp32 and its memory never receives a gradient. An associative state, where a model has one,
// is not distilled: only the M memory tokens.
import Foundation
import RMTKernels
import RMTModel
import RMTRecurrence

/// A frozen teacher and the weight of the distillation loss.
public final class MemoryDistillation: @unchecked Sendable {
    public let teacher: RecurrentMemoryModel
    /// w > 0.
    public let weight: Float
    let processor: SegmentProcessor
    /// (B, teacher.carriedCount) the teacher's memory leaving the segment last read.
    var memory: [Float] = []
    /// gradients[k]: (B, M·C) the term's gradient of the memory tokens leaving segment k of the
    /// batch being read (rows reused from batch to batch, grown on demand).
    private(set) var gradients: [[Float]] = []

    /// - Throws: `OptionsError` when the teacher cannot read the student's segments as the
    ///   student does (another memory size, hidden size, vocabulary or question layout), or
    ///   the weight is not a positive number.
    public init(teacher: RecurrentMemoryModel, weight: Float, student: RecurrentMemoryModel, batchCapacity: Int) throws {
        guard weight > 0 && weight.isFinite else {
            throw OptionsError(message: "--distill-weight must be a positive number, got \(weight)")
        }
        let (t, s) = (teacher, student)
        if let problem = s.memoryHandOffProblem(from: t) {
            throw OptionsError(message: "--distill-memory: the teacher cannot stand beside the model: \(problem); it must hand on memory of the model's shape and read the same tokens")
        }
        t.compute = s.compute
        t.compute.precision = .fp32
        self.teacher = t
        self.weight = weight
        processor = SegmentProcessor(model: t, batchCapacity: batchCapacity)
    }

    /// The teacher of `t.path` (a model folder), its weights' FNV-1a 64 checked against
    /// `t.fingerprint` when one is recorded: a teacher changed since the run began is refused.
    public convenience init(loading t: MemoryTeacher, student: RecurrentMemoryModel, batchCapacity: Int) throws {
        let folder = URL(fileURLWithPath: t.path)
        if let recorded = t.fingerprint, let now = try? Self.fingerprint(folder), now != recorded {
            throw ModelError(t.path, "the --distill-memory teacher's weights changed since this run began (fingerprint \(recorded), now \(now)); restore that model or start a new run")
        }
        let teacher = try RecurrentMemoryModel.load(directory: folder)
        if teacher.isUntrained {
            throw ModelError(t.path, "--distill-memory needs a trained RMT as the teacher; this folder's memory tensors are new (a Hugging Face BERT?)")
        }
        try self.init(teacher: teacher, weight: t.weight, student: student, batchCapacity: batchCapacity)
    }

    /// `t` with the fingerprint of its folder's weights as they are now.
    static func recorded(_ t: MemoryTeacher) throws -> MemoryTeacher {
        var t = t
        t.fingerprint = try fingerprint(URL(fileURLWithPath: t.path))
        return t
    }

    /// FNV-1a 64 of a model folder's model.safetensors (what the evaluation ledgers fingerprint).
    static func fingerprint(_ folder: URL) throws -> String {
        let weights = folder.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weights.path) else {
            throw ModelError(folder.path, "--distill-memory needs an RMT model folder (no model.safetensors here)")
        }
        return try EvaluationLedger.fingerprint(of: weights)
    }

    /// Starts a batch of B documents of N segments: the teacher's memory embeddings, and a
    /// gradient row for each segment.
    func begin(batch B: Int, segments N: Int) {
        memory = processor.initialMemory(batch: B)
        let width = B * teacher.memoryCount
        if gradients.count < N { gradients += [[Float]](repeating: [], count: N - gradients.count) }
        for k in 0..<N where gradients[k].count != width { gradients[k] = [Float](repeating: 0, count: width) }
    }

    /// Reads segment k of N with the teacher, then scores the student's memory leaving it
    /// (`student`: (B, stride) carried rows, the memory tokens first) against the teacher's.
    /// Writes w · (1/N) · ∂mean/∂S into `gradients[k]` (B, M·C) and returns the segment's mean
    /// squared difference (before w and 1/N). `begin(batch: B, segments: N)` first.
    func score(contents: [[Int32]], student: UnsafePointer<Float>, stride: Int, segment k: Int, of N: Int) throws -> Float {
        let B = contents.count, n = teacher.memoryCount, teacherStride = teacher.carriedCount
        try memory.withUnsafeMutableBufferPointer { try processor.step(contents: contents, memory: $0.baseAddress!) }
        let scale = 2 * weight / Float(B * n * N)
        var sum: Double = 0
        memory.withUnsafeBufferPointer { t in
            gradients[k].withUnsafeMutableBufferPointer { g in
                for b in 0..<B {
                    for i in 0..<n {
                        let d = student[b * stride + i] - t[b * teacherStride + i]
                        sum += Double(d) * Double(d)
                        g[b * n + i] = scale * d
                    }
                }
            }
        }
        return Float(sum / Double(B * n))
    }
}
