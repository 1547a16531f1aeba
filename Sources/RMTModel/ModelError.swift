// ModelError: the one error type of the model layer. Its description is a single line
// naming the file (or object) at fault and the problem, ready to print from a CLI.

/// A configuration, checkpoint or input problem, described in one line.
public struct ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    /// File path, folder or object the problem is about.
    public let subject: String
    /// What is wrong, in a few words.
    public let problem: String

    public init(_ subject: String, _ problem: String) {
        self.subject = subject
        self.problem = problem
    }

    public var description: String { "\(subject): \(problem)" }
}
