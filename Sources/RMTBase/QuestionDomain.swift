// QuestionDomain: the questions a model was trained on — its tasks, their question forms
// (templates such as "Where is {actor}?") and each slot's values — stored as `rmt.domain` in
// the model's config.json (Docs/file-formats.md). The data layer's tasks declare theirs with it
// and the recurrence layer records and checks it, so it sits in RMTBase. Matching a question
// against it needs a tokenizer: QuestionMatcher, in the recurrence layer (QuestionMatcher.swift).
//
// Form syntax: `{name}` is a slot (a whole word or words; `name` must be a key of `slots`),
// `{{` and `}}` are a literal `{` and `}`; everything else is literal text.

/// The tasks and question forms a model was trained on.
public struct QuestionDomain: Codable, Sendable, Equatable {
    /// The task names, in training order (`memorize`, `detect`, `babi-qa2`, …).
    public var tasks: [String]
    /// The question templates, e.g. "Where is {actor}?".
    public var questionForms: [String]
    /// Each slot's values, e.g. "actor": ["Mary", "John", "Daniel", "Sandra"].
    public var slots: [String: [String]]

    enum CodingKeys: String, CodingKey {
        case tasks, questionForms = "question_forms", slots
    }

    public init(tasks: [String], questionForms: [String], slots: [String: [String]] = [:]) {
        self.tasks = tasks
        self.questionForms = questionForms
        self.slots = slots
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tasks = try c.decodeIfPresent([String].self, forKey: .tasks) ?? []
        questionForms = try c.decode([String].self, forKey: .questionForms)
        slots = try c.decodeIfPresent([String: [String]].self, forKey: .slots) ?? [:]
    }

    /// One piece of a form.
    public enum Part: Sendable, Equatable {
        case text(String)
        case slot(String)
    }

    /// The parts of `form`, or why it is malformed (an unclosed `{`, an empty or nested slot name).
    public static func parts(of form: String) -> Result<[Part], FormError> {
        var parts: [Part] = []
        var text = ""
        var chars = form[...]
        while let c = chars.popFirst() {
            if c == "{" {
                if chars.first == "{" { chars.removeFirst(); text.append("{"); continue }
                guard let close = chars.firstIndex(of: "}") else { return .failure(FormError("an unclosed \"{\" in \"\(form)\"")) }
                let name = String(chars[..<close])
                guard !name.isEmpty, !name.contains("{") else {
                    return .failure(FormError("an empty or nested slot name in \"\(form)\""))
                }
                if !text.isEmpty { parts.append(.text(text)); text = "" }
                parts.append(.slot(name))
                chars = chars[chars.index(after: close)...]
            } else {
                if c == "}" && chars.first == "}" { chars.removeFirst() }
                text.append(c)
            }
        }
        if !text.isEmpty { parts.append(.text(text)) }
        return .success(parts)
    }

    /// A malformed form.
    public struct FormError: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// `literal` as a form without slots: its braces doubled.
    public static func literal(_ literal: String) -> String {
        // Character by character, as `parts(of:)` reads a form.
        var doubled = ""
        for c in literal {
            if c == "{" || c == "}" { doubled.append(c) }
            doubled.append(c)
        }
        return doubled
    }

    /// The question `form` asks with `values` in its slots ("Where is {actor}?" with
    /// actor = Mary: "Where is Mary?"). Tasks make their questions with it, so a task's questions
    /// have its declared forms by construction.
    /// - Precondition: `form` is well formed and `values` has every slot it names (task code).
    public static func fill(_ form: String, _ values: [String: String]) -> String {
        guard case .success(let parts) = parts(of: form) else { preconditionFailure("malformed question form \"\(form)\"") }
        return parts.map { part in
            switch part {
            case .text(let text): return text
            case .slot(let name):
                guard let value = values[name] else { preconditionFailure("no value for {\(name)} in \"\(form)\"") }
                return value
            }
        }.joined()
    }

    /// This domain and `other` together: tasks, forms and each slot's values without repeats, in
    /// first-seen order.
    public func union(_ other: QuestionDomain) -> QuestionDomain {
        func merged(_ a: [String], _ b: [String]) -> [String] {
            var seen = Set<String>()
            return (a + b).filter { seen.insert($0).inserted }
        }
        var slots = self.slots
        for (name, values) in other.slots { slots[name] = merged(slots[name] ?? [], values) }
        return QuestionDomain(tasks: merged(tasks, other.tasks), questionForms: merged(questionForms, other.questionForms),
                              slots: slots)
    }

    /// The tasks of `part` this domain does not record (empty when `part` is a sub-domain by
    /// task name) — what narrowing a model's recorded domain to `part` must refuse.
    public func unrecordedTasks(of part: QuestionDomain) -> [String] {
        let recorded = Set(tasks)
        return part.tasks.filter { !recorded.contains($0) }
    }

    /// Why the domain is unusable (no forms, a malformed form, a slot without values), or nil.
    public func problem() -> String? {
        if questionForms.isEmpty { return "has no question_forms" }
        for (name, values) in slots.sorted(by: { $0.key < $1.key }) {
            if values.isEmpty { return "slot \"\(name)\" has no values" }
            if values.contains(where: { $0.allSatisfy(\.isWhitespace) }) { return "slot \"\(name)\" has an empty value" }
        }
        for form in questionForms {
            if form.allSatisfy(\.isWhitespace) { return "has an empty question form" }
            switch Self.parts(of: form) {
            case .failure(let error): return "question form: \(error.description)"
            case .success(let parts):
                for case .slot(let name) in parts where slots[name] == nil {
                    return "question form \"\(form)\" names slot {\(name)}, which slots does not define"
                }
            }
        }
        return nil
    }

    /// The forms written out for a message: `"Where is {actor}?", "Where is the {object}?"`,
    /// at most `limit` of them, then "and N more".
    public func formList(limit: Int = 8) -> String {
        let shown = questionForms.prefix(limit).map { "\"\($0)\"" }.joined(separator: ", ")
        return questionForms.count > limit ? "\(shown) and \(questionForms.count - limit) more" : shown
    }
}
