// QuestionForms: the question templates of the task world and the values of their slots (the
// TaskWords). The tasks make their questions by filling these templates, and declare them as
// their QuestionDomain, so a model records exactly the forms it was trained on (rmt-train) and
// rmt-ask can warn about a question of another form. Docs/tasks.md lists them per task.
import RMTBase

/// The question forms of the room tasks.
public enum QuestionForms {
    /// memorize, detect, the distractor tasks, babi-qa1, unknown.
    public static let whereIsActor = "Where is {actor}?"
    /// babi-qa2, unknown.
    public static let whereIsObject = "Where is the {object}?"
    /// babi-qa3.
    public static let whereWasObjectBefore = "Where was the {object} before the {room}?"
    /// reasoning, unknown: "What is east of the bathroom?"
    public static let whatIsDirectionOf = "What is {direction} of the {room}?"
    /// reasoning, unknown: "What is the bathroom west of?"
    public static let whatIsRoomDirectionOf = "What is the {room} {direction} of?"

    /// The slots' values: the task world's words.
    public static var slots: [String: [String]] {
        ["actor": TaskWords.actors, "object": TaskWords.objects, "room": TaskWords.rooms, "direction": TaskWords.directions]
    }

    /// The domain of `task` asking `forms`, with the slots those forms name.
    public static func domain(task: String, forms: [String]) -> QuestionDomain {
        var used: [String: [String]] = [:]
        for form in forms {
            guard case .success(let parts) = QuestionDomain.parts(of: form) else { continue }
            for case .slot(let name) in parts { used[name] = slots[name] }
        }
        return QuestionDomain(tasks: [task], questionForms: forms, slots: used)
    }

    /// Decoys of `question`: the same question with one task word (an actor, object, room or
    /// direction) replaced by another of its kind — "Where is the milk?" → "Where is the apple?",
    /// "Where is the football?" — each once, in word order; empty when it names no task word.
    /// What `DataStream.decoyQuestionRate` shows the segments before the last.
    public static func decoys(of question: String) -> [String] {
        let words = question.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        var seen: Set<String> = [question], found: [String] = []
        for (i, word) in words.enumerated() {
            let bare = word.hasSuffix("?") ? String(word.dropLast()) : word
            guard let kind = slots.values.first(where: { $0.contains(bare) }) else { continue }
            for other in kind where other != bare {
                var changed = words
                changed[i] = other + (word.hasSuffix("?") ? "?" : "")
                let decoy = changed.joined(separator: " ")
                if seen.insert(decoy).inserted { found.append(decoy) }
            }
        }
        return found
    }

    /// The question `form` asks with these slot values (QuestionDomain.fill).
    static func ask(_ form: String, _ values: [String: String]) -> String { QuestionDomain.fill(form, values) }
}
