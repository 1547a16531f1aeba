// LedgerReport: one accuracy table over several ledgers of one evaluation.
//
// A model's long-context protocol grows in pieces — 200 documents per cell at 1–16 segments in
// one ledger, 2048 segments in another, a later one read in bf16 — and `rmt-train eval --report
// --ledger A --ledger B …` shows them as one table and one plot. Every ledger numbers its
// documents from 0 with the same seed, so two ledgers holding the same (task, segments) hold the
// same documents read twice (in another precision, or a rerun): they are never added. Each cell
// comes from the ledger with the most documents of it (the first given on a tie) and the others
// are named as left out.
//
//   ledgers  [L]   opened for reading, each under its own recorded precision
//   rows     one per (task, segments) in task order, then length order
public enum LedgerReport {
    /// One table row: the cell's accuracy, the ledger it was taken from, and the other ledgers
    /// holding the same cell with the documents they hold (left out, not added).
    public struct Row {
        public let point: LengthAccuracy
        public let source: Int
        public let leftOut: [(ledger: Int, samples: Int)]
    }

    /// The rows for `tasks` over `ledgers` (indices into it in `source` and `leftOut`): every
    /// length any ledger holds for the task, each cell from the ledger with the most documents.
    public static func rows(_ ledgers: [EvaluationLedger], tasks: [String]) -> [Row] {
        var rows: [Row] = []
        for task in tasks {
            let lengths = Set(ledgers.flatMap { $0.batches.filter { $0.task == task }.map(\.segments) }).sorted()
            for n in lengths {
                let held = ledgers.enumerated().compactMap { i, l in l.accuracy(task: task, segments: n).map { (i, $0) } }
                guard let best = held.max(by: { $0.1.samples < $1.1.samples || ($0.1.samples == $1.1.samples && $0.0 > $1.0) }) else { continue }
                rows.append(Row(point: best.1, source: best.0,
                                leftOut: held.filter { $0.0 != best.0 }.map { ($0.0, $0.1.samples) }))
            }
        }
        return rows
    }
}
