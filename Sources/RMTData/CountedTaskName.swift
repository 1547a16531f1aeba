// CountedTaskName: task names that carry a count after a colon — `detect-distract:2` and
// `detect-distract:0-3` (distractors), `babi-qa3:8` and `babi-qa3:6-10` (story sentences). How such
// a name is written and read, in one place for every task that takes a count; each task checks
// its own bounds and words its own error.

enum CountedTaskName {
    /// `base` when `range` is the task's default, else `base:N` (one value) or `base:N-M`.
    static func spell(_ base: String, _ range: ClosedRange<Int>, default defaultRange: ClosedRange<Int>) -> String {
        if range == defaultRange { return base }
        if range.lowerBound == range.upperBound { return "\(base):\(range.lowerBound)" }
        return "\(base):\(range.lowerBound)-\(range.upperBound)"
    }

    /// What `name` says about the task `base`: nil when it is neither `base` nor `base:…`;
    /// otherwise the text after the colon (`spec`, nil for `base` alone) and the range it spells
    /// (`N` → N...N, `N-M` → N...M; nil for any other text, or N > M).
    static func read(_ name: String, base: String) -> (spec: Substring?, range: ClosedRange<Int>?)? {
        if name == base { return (nil, nil) }
        guard name.hasPrefix(base + ":") else { return nil }
        let spec = name.dropFirst(base.count + 1)
        let bounds = spec.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(bounds.count), let low = bounds.first!, let high = bounds.last!, low <= high else {
            return (spec, nil)
        }
        return (spec, low...high)
    }
}
