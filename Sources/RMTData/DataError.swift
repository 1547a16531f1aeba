// DataError: every problem the data layer reports (unusable noise files, bad JSON Lines,
// facts that do not fit in a document). One line: `where[:line]: problem`.

/// Why noise prose, a task file or a document could not be built.
/// `description` is one line naming the file (or the task/flag) and, for JSON Lines, the line.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file, folder, task or flag the problem is about.
    public let path: String
    /// The 1-based line, for line-oriented files (JSON Lines).
    public let line: Int?
    /// What is wrong, in words.
    public let problem: String
    /// True when a document's facts (and question) do not fit in its length: a property of that
    /// one document at that length, not of the task or files (a training stream skips it).
    public let factsDoNotFit: Bool

    public init(_ path: String, line: Int? = nil, _ problem: String, factsDoNotFit: Bool = false) {
        self.path = path
        self.line = line
        self.problem = problem
        self.factsDoNotFit = factsDoNotFit
    }

    public var description: String {
        if let line { return "\(path):\(line): \(problem)" }
        return "\(path): \(problem)"
    }
}
