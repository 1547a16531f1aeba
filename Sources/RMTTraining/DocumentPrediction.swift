// DocumentPrediction: one evaluated document's answer beside its recipe — the question, the
// answer, what the model predicted and how sure it was, and where each planted fact sits (token
// offset and reading segment). `rmt-train eval --predictions FILE` writes one per line (JSON), the
// raw material of an error analysis ("are qa2's errors the stories whose facts straddle
// segments?") that accuracy counts cannot answer.
import RMTData

public struct DocumentPrediction: Codable, Sendable, Equatable {
    /// A planted fact: its text, first document token and the reading segment holding that token.
    public struct Fact: Codable, Sendable, Equatable {
        public var text: String
        public var offset: Int
        public var segment: Int
    }

    public var task: String
    /// The document's index in the task's seeded stream (`--seed`), and the segments it was read in.
    public var index: Int
    public var segments: Int
    public var documentTokens: Int
    /// The question the final segment asked, which `answer` answers.
    public var question: String
    /// A memory probe's document (`rmt-train eval --probe`): the question its other segments read
    /// with; nil otherwise.
    public var documentQuestion: String?
    /// Whether only the final segment read the question (`rmt-train eval --hidden-question`);
    /// nil (not written) otherwise.
    public var questionHidden: Bool?
    /// The decoy question the earlier segments read (`rmt-train eval --decoy-question`); nil otherwise.
    public var decoyQuestion: String?
    public var answer: String
    public var predicted: String
    /// softmax probability of `predicted`.
    public var probability: Double
    /// The answer head's logit of every label the model answers (its config's `rmt.labels`), the raw
    /// material of calibration (`rmt-train eval --calibrate`); nil in files written before session 43.
    public var logits: [String: Double]?
    public var correct: Bool
    /// The prediction is another person's answer (a distractor fact's room).
    public var otherPerson: Bool
    public var facts: [Fact]

    enum CodingKeys: String, CodingKey {
        case task, index, segments, question, answer, predicted, probability, logits, correct, facts
        case documentTokens = "document_tokens", otherPerson = "other_person", documentQuestion = "document_question"
        case questionHidden = "question_hidden", decoyQuestion = "decoy_question"
    }

    /// The record of `plan` (as read: re-split plans give their own segments) answered `predicted`
    /// with probability `probability`, the answer head's `logits` by label.
    public init(plan: DocumentPlan, index: Int, predicted: String, probability: Double, logits: [String: Double]? = nil) {
        task = plan.task
        self.index = index
        segments = plan.segmentCount
        documentTokens = plan.documentTokenCount
        question = plan.askedQuestion
        documentQuestion = plan.finalQuestion == nil ? nil : plan.question
        questionHidden = plan.hiddenQuestionTokens == nil ? nil : true
        decoyQuestion = plan.decoyQuestion
        answer = plan.answer
        self.predicted = predicted
        self.probability = probability
        self.logits = logits
        correct = predicted == plan.answer
        otherPerson = !correct && plan.distractorAnswers.contains(predicted)
        facts = plan.facts.map { Fact(text: $0.text, offset: $0.offset, segment: plan.segment(ofDocumentOffset: $0.offset)) }
    }
}
