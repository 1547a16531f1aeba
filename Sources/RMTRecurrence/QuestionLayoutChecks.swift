// QuestionLayoutChecks: the question layout's checks as the recurrence layer reports them —
// `checkQuestion` and `finalSegments` throw ModelError (subject "question" or "document"),
// like every other problem a model or a document session finds. The layout itself, and the
// LayoutError these wrap, are in RMTBase (QuestionLayout.swift).
import RMTBase
import RMTModel

extension QuestionLayout {
    /// Checks that a question of `q` tokens fits a segment of S (with its [SEP], and for
    /// every-segment with at least one document token beside it).
    /// - Throws: `ModelError("question", …)` when it does not (`questionProblem`).
    public func checkQuestion(tokens q: Int, segmentLength S: Int) throws {
        if let problem = questionProblem(tokens: q, segmentLength: S) { throw ModelError("question", problem) }
    }

    /// The content of the segments that end a document (`endingSegments`).
    /// - Throws: `ModelError` when the question or `rest` does not fit.
    public func finalSegments(rest: [Int32], question: [Int32], segmentLength S: Int,
                              separator: Int32) throws -> [[Int32]] {
        do {
            return try endingSegments(rest: rest, question: question, segmentLength: S, separator: separator)
        } catch {
            throw ModelError(error.subject, error.problem)
        }
    }
}
