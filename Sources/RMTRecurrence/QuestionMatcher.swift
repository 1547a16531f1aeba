// QuestionMatcher: whether a question has one of a QuestionDomain's forms, token by token with
// the model's own tokenizer, so case and punctuation spacing count exactly as the model sees
// them ("where is MARY ?" is "Where is Mary?" to an uncased model; "Where is Mary" without "?"
// is not). The domain itself is in RMTBase (QuestionDomain.swift).
import RMTBase
import RMTModel
import RMTTokenizer

extension QuestionDomain {
    /// The matcher for questions read by `tokenizer`.
    /// - Throws: `ModelError` when `problem()` finds one.
    public func matcher(tokenizer: BertTokenizer) throws -> QuestionMatcher {
        if let problem = problem() { throw ModelError("question domain", problem) }
        return QuestionMatcher(domain: self, tokenizer: tokenizer)
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
    public func matches(tokens question: [Int32]) -> Bool { form(ofTokens: question) != nil }

    /// The first of the domain's forms (as written in `domain.questionForms`) that the token
    /// sequence `question` has; nil when it has none.
    public func form(ofTokens question: [Int32]) -> String? {
        forms.indices.first { Self.has(form: forms[$0], question) }.map { domain.questionForms[$0] }
    }

    static func has(form: [Element], _ question: [Int32]) -> Bool {
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

    static func has(_ tokens: [Int32], in question: [Int32], at start: Int) -> Bool {
        start + tokens.count <= question.count && question[start..<(start + tokens.count)].elementsEqual(tokens)
    }
}
