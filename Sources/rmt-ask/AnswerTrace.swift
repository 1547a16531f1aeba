// AnswerTrace: `rmt-ask --trace FILE`, the answer the model would give if the document ended
// after each N-th segment, and how far the memory moved since the previous point — to see where
// a long reading decides its answer (the one memorize-distract miss at 2048 segments was decided
// within the first 256 and then held: Docs/results.md, "Session 26").
//
// One JSON line per point — after every N pieces of the document (a piece = one segment's text) and
// at its end: {"segments","tokens","answer","probability","memory_change"}; segments and tokens as
// in rmt-ask's --json (segments with the question's final segment(s)), and
// memory_change = ‖m − m_prev‖ / ‖m_prev‖ over the carried memory (the initial memory for the
// first point); a model with a memory gate adds "gate": the mean of its Z (the share of the new
// memory a segment hands on, 0 = the memory kept, 1 = replaced) over the segments read since the
// previous point (under the every-segment layout a piece is read when the next one arrives, so a
// point covers the segments read by then). Each point asks the question once more (the final
// segment(s) of the question layout, on a copy of the state), so --trace-every 1 about doubles the
// reading time; the file is written atomically when the reading ends.
import Foundation
import RMT
import RMTCommandLine

final class AnswerTrace {
    struct Point: Encodable {
        let segments: Int
        let tokens: Int
        let answer: String
        let probability: Float
        let memoryChange: Double
        /// The memory gate's mean Z since the previous point; nil (left out) without a gate.
        let gate: Double?
        enum CodingKeys: String, CodingKey {
            case segments, tokens, answer, probability, memoryChange = "memory_change", gate
        }
    }

    let path: String
    let every: Int
    private(set) var points: [Point] = []
    private var previous: [Float]
    /// The first error an answer raised inside the reading's progress callback (which cannot throw).
    private(set) var failure: (any Error)?

    init(path: String, every: Int, session: DocumentSession) {
        self.path = path
        self.every = every
        previous = session.state.memory
    }

    /// Pieces read so far (the session's progress callbacks), and the count at the last point.
    private var pieces = 0, recordedAt = 0

    /// Called after each piece is read: every `every` pieces, the answer so far and the memory's move.
    func observe(_ session: DocumentSession) {
        pieces += 1
        if session.state.segmentsRead != segmentsSeen, let share = session.gateShare {  // a segment was read
            segmentsSeen = session.state.segmentsRead
            gate.sum += Double(share)
            gate.count += 1
        }
        guard failure == nil, pieces % every == 0 else { return }
        do { try record(session) } catch { failure = error }
    }

    /// Segments read at the last piece, and the gate's Z summed over the segments since the last point.
    private var segmentsSeen = 0, gate = (sum: 0.0, count: 0)

    /// The answer at the last point (the document's state then).
    private var lastAnswer: Answer?

    /// The point at the document's end, unless the last piece already made one; returns the
    /// document's answer (that point's), which rmt-ask prints.
    func finish(_ session: DocumentSession) throws -> Answer {
        if let failure { throw failure }
        if recordedAt != pieces || lastAnswer == nil { try record(session) }
        return lastAnswer!
    }

    private func record(_ session: DocumentSession) throws {
        recordedAt = pieces
        let answer = try session.answer()
        lastAnswer = answer
        let memory = session.state.memory
        var moved = 0.0, size = 0.0
        for (a, b) in zip(memory, previous) { moved += Double(a - b) * Double(a - b); size += Double(b) * Double(b) }
        previous = memory
        points.append(Point(segments: answer.segments, tokens: answer.tokens, answer: answer.answer,
                            probability: answer.probability, memoryChange: size > 0 ? (moved / size).squareRoot() : 0,
                            gate: gate.count > 0 ? gate.sum / Double(gate.count) : nil))
        gate = (0, 0)
    }

    /// Writes the points, one JSON line each, atomically.
    func write() throws {
        let data = try JSONLine.file(points)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ModelError(path, "cannot write the trace: \(error.localizedDescription)")
        }
    }
}
