// TaskMixture and TaskCatalog: several tasks trained together (uniform over tasks, one shared
// label set), and tasks by name as the command lines spell them. A task's share of a mixture
// is raised by naming it more than once ("detect-distract,detect-distract,unknown").
import Foundation
import RMTBase

/// Tasks drawn uniformly per episode. All tasks must have the same labels (the room tasks do;
/// `custom` has its own and cannot be mixed with them).
public struct TaskMixture: MemoryTask {
    public let tasks: [any MemoryTask]
    public let labels: [String]
    public var name: String { tasks.map(\.name).joined(separator: ",") }
    /// Every answer any of the tasks can give, in label order.
    public var answers: [String] {
        let all = Set(tasks.flatMap(\.answers))
        return labels.filter(all.contains)
    }

    /// - Throws: `DataError` when `tasks` is empty or two tasks have different labels.
    public init(_ tasks: [any MemoryTask]) throws {
        guard let first = tasks.first else { throw DataError("task mixture", "no tasks") }
        for task in tasks.dropFirst() where task.labels != first.labels {
            throw DataError("task mixture", "\(first.name) and \(task.name) have different labels and cannot be mixed")
        }
        for task in tasks.dropFirst() where task.writesWholeDocument != first.writesWholeDocument {
            throw DataError("task mixture", "\(first.name) and \(task.name) cannot be mixed (position tasks write the whole document, the others plant facts in noise)")
        }
        self.tasks = tasks
        self.labels = first.labels
    }

    public func makeEpisode(using g: inout SplitMix64) -> Episode {
        tasks[g.below(tasks.count)].makeEpisode(using: &g)
    }

    public var namesSupportingFacts: Bool { tasks.contains { $0.namesSupportingFacts } }

    /// Position tasks only (all or none of a mixture write the whole document).
    public var writesWholeDocument: Bool { tasks[0].writesWholeDocument }

    public func makeWholeDocumentEpisode(documentTokens: (String) throws -> Int, using g: inout SplitMix64) throws -> Episode? {
        guard writesWholeDocument else { return nil }
        return try tasks[g.below(tasks.count)].makeWholeDocumentEpisode(documentTokens: documentTokens, using: &g)
    }

    /// The union of the tasks' domains; nil when one task's questions cannot be listed.
    public var questionDomain: QuestionDomain? {
        var domains = tasks.map(\.questionDomain)
        guard var union = domains.removeFirst() else { return nil }
        for domain in domains {
            guard let domain else { return nil }
            union = union.union(domain)
        }
        return union
    }
}

/// The tasks by name.
public enum TaskCatalog {
    /// Every task name.
    public static let names = ["memorize", "detect", "reasoning", "babi-qa1", "babi-qa2", "babi-qa3",
                               "memorize-distract", "detect-distract", "unknown", "custom",
                               "counting", "flip-flop", "passkey", "needle", "recall", "parity", "even-pairs", "cycle"]

    /// The task called `name`. `custom` needs a JSON Lines file: `customFile`, or the name
    /// `custom:PATH`. The distractor tasks take a count: `detect-distract:2`, `detect-distract:0-3`
    /// (default 1-3); the bAbI tasks a story length in sentences: `babi-qa3:8`, `babi-qa3:6-10`
    /// (defaults 2-10, 4-16, 6-24 for qa1, qa2, qa3); `reasoning:same-axis` only reasoning stories
    /// whose two relations lie on one axis.
    /// - Throws: `DataError` for an unknown name, a bad distractor count or story length, or a custom task
    ///   without (or with a bad) file.
    public static func task(named name: String, customFile: String? = nil) throws -> any MemoryTask {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("custom:") {
            return try CustomTask(file: String(trimmed.dropFirst("custom:".count)))
        }
        if let distractor = try DistractorTask.parse(trimmed) { return distractor }
        if let babi = try BabiTask.parse(trimmed) { return babi }
        switch trimmed {
        case "memorize": return MemorizeTask()
        case "detect": return DetectTask()
        case "reasoning": return ReasoningTask()
        case "reasoning:same-axis": return ReasoningTask(sameAxis: true)
        case "unknown": return UnknownTask()
        case "counting": return CountingTask()
        case "flip-flop": return FlipFlopTask()
        case "passkey": return PasskeyTask()
        case "needle": return NeedleTask()
        case "recall": return RecallTask()
        case "parity": return ParityTask()
        case "even-pairs": return EvenPairsTask()
        case "cycle": return CycleTask()
        case "custom":
            guard let customFile else {
                throw DataError("task custom", "needs a JSON Lines file (custom:FILE or --custom FILE)")
            }
            return try CustomTask(file: customFile)
        default:
            throw DataError("task \"\(trimmed)\"", "unknown task (known: \(names.joined(separator: ", ")))")
        }
    }

    /// `list` with the file of every `custom:FILE` made absolute and standard (against `directory`,
    /// default the current directory): `custom:data/facts.jsonl` → `custom:/home/me/data/facts.jsonl`,
    /// a spelling that names the same file from any directory (what a run folder records, so that
    /// `--resume` elsewhere reads the same file). Every other name is left as it is.
    public static func absoluteFiles(in list: String, relativeTo directory: URL? = nil) -> String {
        list.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let name = part.trimmingCharacters(in: .whitespaces)
            guard name.hasPrefix("custom:") else { return String(part) }
            let file = String(name.dropFirst("custom:".count))
            guard !file.isEmpty else { return String(part) }
            let base = directory.map { URL(fileURLWithPath: $0.path, isDirectory: true) }
            return "custom:" + URL(fileURLWithPath: file, relativeTo: base).standardizedFileURL.path
        }.joined(separator: ",")
    }

    /// The names of a comma-separated task list (`memorize, detect,,reasoning` → memorize,
    /// detect, reasoning): trimmed, empty ones dropped, repeats kept (a mixture's weights).
    public static func names(inList list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The task or mixture a comma-separated list names (`memorize,detect,reasoning`).
    public static func task(list: String, customFile: String? = nil) throws -> any MemoryTask {
        let parts = names(inList: list)
        guard !parts.isEmpty else { throw DataError("task", "no task named") }
        let tasks = try parts.map { try task(named: $0, customFile: customFile) }
        return tasks.count == 1 ? tasks[0] : try TaskMixture(tasks)
    }
}
