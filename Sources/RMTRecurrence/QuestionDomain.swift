// QuestionDomain: the questions a model was trained on — its tasks, their question forms
// (templates such as "Where is {actor}?") and each slot's values — stored as `rmt.domain` in
// the model's config.json (Docs/file-formats.md). QuestionMatcher tells whether a question has
// one of those forms, token by token with the model's own tokenizer, so case and punctuation
// spacing count exactly as the model sees them ("where is MARY ?" is "Where is Mary?" to an
// uncased model; "Where is Mary" without "?" is not).
//
// Form syntax: `{name}` is a slot (a whole word or words; `name` must be a key of `slots`),
// `{{` and `}}` are a literal `{` and `}`; everything else is literal text.
import RMTModel
import RMTTokenizer

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
        literal.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
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

    /// The matcher for questions read by `tokenizer`.
    /// - Throws: `ModelError` when `problem()` finds one.
    public func matcher(tokenizer: BertTokenizer) throws -> QuestionMatcher {
        if let problem = problem() { throw ModelError("question domain", problem) }
        return QuestionMatcher(domain: self, tokenizer: tokenizer)
    }

    /// The forms written out for a message: `"Where is {actor}?", "Where is the {object}?"`,
    /// at most `limit` of them, then "and N more".
    public func formList(limit: Int = 8) -> String {
        let shown = questionForms.prefix(limit).map { "\"\($0)\"" }.joined(separator: ", ")
        return questionForms.count > limit ? "\(shown) and \(questionForms.count - limit) more" : shown
    }
}

/// Whether questions have one of a domain's forms, as token sequences of one tokenizer.
/// A question matches a form when its tokens are, in order and with nothing left over, the
/// tokens of the form's literal parts and, for each slot, the tokens of one of its values.
public struct QuestionMatcher: Sendable {
    enum Element: Sendable {
        case tokens([Int32])
        /// A slot: any one of these token sequences.
        case choice([[Int32]])
    }

    public let domain: QuestionDomain
    public let tokenizer: BertTokenizer
    let forms: [[Element]]

    init(domain: QuestionDomain, tokenizer: BertTokenizer) {
        self.domain = domain
        self.tokenizer = tokenizer
        let slotTokens = domain.slots.mapValues { $0.map(tokenizer.encode) }
        forms = domain.questionForms.map { form in
            guard case .success(let parts) = QuestionDomain.parts(of: form) else { return [] }
            return parts.map { part in
                switch part {
                case .text(let text): return .tokens(tokenizer.encode(text))
                case .slot(let name): return .choice(slotTokens[name] ?? [])
                }
            }
        }
    }

    /// Whether `question` has one of the domain's forms.
    public func matches(_ question: String) -> Bool { matches(tokens: tokenizer.encode(question)) }

    /// Whether the token sequence `question` has one of the domain's forms.
    public func matches(tokens question: [Int32]) -> Bool {
        forms.contains { form in
            guard !form.isEmpty else { return false }
            // Every position the form's elements so far can end at (slot values may differ in length).
            var ends: Set<Int> = [0]
            for element in form {
                var next = Set<Int>()
                for start in ends {
                    switch element {
                    case .tokens(let tokens):
                        if Self.has(tokens, in: question, at: start) { next.insert(start + tokens.count) }
                    case .choice(let values):
                        for value in values where Self.has(value, in: question, at: start) { next.insert(start + value.count) }
                    }
                }
                ends = next
                if ends.isEmpty { return false }
            }
            return ends.contains(question.count)
        }
    }

    static func has(_ tokens: [Int32], in question: [Int32], at start: Int) -> Bool {
        start + tokens.count <= question.count && question[start..<(start + tokens.count)].elementsEqual(tokens)
    }
}
