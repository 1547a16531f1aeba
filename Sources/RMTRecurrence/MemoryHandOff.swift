// MemoryHandOff: whether the memory one RMT hands on means the same buffer to another — the same
// memory tokens and hidden size (the (M, C) rows a segment hands on), the same vocabulary (both
// read the same token ids) and question layout (both read the same segments), and a segment at
// least as long. Used where two models read the same documents side by side: memory distillation
// (rmt-train --distill-memory: the teacher's memory beside the student's) and `rmt-train eval
// --memory-from` (one model writes the memory, another reads the final segment from it).

extension RecurrentMemoryModel {
    /// Why `other`'s memory tokens cannot stand for this model's on the same segments (a phrase
    /// naming the first difference, "other's X is A, this model's B"), or nil when they can.
    /// An associative state is not compared: callers that hand it on check `carriedCount` too.
    public func memoryHandOffProblem(from other: RecurrentMemoryModel) -> String? {
        func differs(_ what: String, _ a: Any, _ b: Any) -> String { "its \(what) is \(a), the model's \(b)" }
        let (o, s) = (other, self)
        if o.settings.memoryTokens != s.settings.memoryTokens {
            return differs("memory", "\(o.settings.memoryTokens) tokens", "\(s.settings.memoryTokens)")
        }
        if o.config.hiddenSize != s.config.hiddenSize { return differs("hidden size", o.config.hiddenSize, s.config.hiddenSize) }
        if o.settings.segmentLength < s.settings.segmentLength { return differs("segment length", o.settings.segmentLength, s.settings.segmentLength) }
        if o.settings.questionLayout != s.settings.questionLayout {
            return differs("question layout", o.settings.questionLayout.rawValue, s.settings.questionLayout.rawValue)
        }
        if o.tokenizer.vocabulary.tokens != s.tokenizer.vocabulary.tokens {
            return differs("vocabulary", "\(o.tokenizer.vocabulary.count) tokens", "\(s.tokenizer.vocabulary.count) others")
        }
        return nil
    }

    /// Why `writer` cannot write the memory this model reads a final segment from (`rmt-train eval
    /// --memory-from`): `memoryHandOffProblem`, or another carried count (an associative state,
    /// handed on with the memory tokens, of another size or on one side only); nil when it can.
    public func memoryWriterProblem(from writer: RecurrentMemoryModel) -> String? {
        memoryHandOffProblem(from: writer) ?? (writer.carriedCount == carriedCount ? nil
            : "it hands on \(writer.carriedCount) floats per document (its associative memory), the model reads \(carriedCount)")
    }
}
