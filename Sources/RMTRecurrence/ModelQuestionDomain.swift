// ModelQuestionDomain: asking a model (or a document session) whether a question has one of the
// forms it was trained on (its `rmt.domain`, QuestionDomain), and giving a model a domain.
// A model answers every question from its labels; outside its domain that answer means little.
import RMTBase
import RMTModel

extension RecurrentMemoryModel {
    /// The tasks and question forms the model was trained on; nil when it records none.
    public var questionDomain: QuestionDomain? { settings.domain }

    /// The matcher of the model's domain with its own tokenizer (make it once to check many
    /// questions); nil when the model records no domain.
    public func questionMatcher() -> QuestionMatcher? {
        // validate() checked the domain when the model was made, so this cannot fail.
        settings.domain.flatMap { try? $0.matcher(tokenizer: tokenizer) }
    }

    /// Whether `question` has one of the question forms the model was trained on (compared as
    /// the model's tokens: case and punctuation spacing count as its tokenizer counts them);
    /// nil when the model records no domain.
    public func isInDomain(_ question: String) -> Bool? {
        questionMatcher()?.matches(question)
    }

    /// The same model (sharing its parameters) recording `domain` as what it was trained on;
    /// answer temperatures of forms `domain` lacks are dropped.
    /// - Throws: `ModelError` when the domain is malformed (see `QuestionDomain.problem()`).
    public func recording(domain: QuestionDomain?) throws -> RecurrentMemoryModel {
        guard domain != settings.domain else { return self }
        var s = settings
        s.domain = domain
        let kept = s.answerTemperatures?.filter { domain?.questionForms.contains($0.key) == true }
        s.answerTemperatures = kept?.isEmpty == false ? kept : nil
        try s.validate(against: config)
        let model = try RecurrentMemoryModel(config: config, settings: s, tokenizer: tokenizer, parameters: parameters,
                                             isUntrained: isUntrained)
        model.skippedTensors = skippedTensors
        return model
    }
}

extension DocumentSession {
    /// Whether `question` has one of the question forms the session's model was trained on;
    /// nil when the model records no domain.
    public func isInDomain(_ question: String) -> Bool? { model.isInDomain(question) }

    /// Whether the question the session was started with has one of the model's trained
    /// question forms; nil when the model records no domain or the session has no question.
    public var questionIsInDomain: Bool? {
        guard let questionTokens else { return nil }
        return model.questionMatcher()?.matches(tokens: questionTokens)
    }
}
