// QuestionDomain and QuestionMatcher: forms are matched as the model's tokens (case and
// punctuation spacing as the tokenizer sees them), slots take any of their values, the whole
// question must match (a prefix is not a match); malformed domains are refused; `rmt.domain`
// round-trips through config.json, and folders without it load as before (no domain).
import Foundation
import Testing
import RMTTestSupport
import RMTBase
import RMTModel
import RMTRecurrence
import RMTTokenizer

private let uncased: BertTokenizer = {
    do { return try BertTokenizer(vocabularyFile: fixture("tokenizer/vocab.txt"), lowercase: true) } catch {
        fatalError("cannot load the test vocabulary: \(error)")
    }
}()

private let rooms = QuestionDomain(
    tasks: ["memorize", "babi-qa3"],
    questionForms: ["Where is {actor}?", "Where was the {object} before the {room}?"],
    slots: ["actor": ["Mary", "John", "Daniel", "Sandra"], "object": ["apple", "milk"], "room": ["garden", "office"]])

@Test func matcherFollowsTheTokenizerForCaseAndPunctuation() throws {
    let m = try rooms.matcher(tokenizer: uncased)
    for question in ["Where is Mary?", "where is mary?", "WHERE IS SANDRA ?", "  Where   is John?  ", "Where is\nDaniel ?",
                     "Where was the milk before the office?", "where was the APPLE before the garden ?"] {
        #expect(m.matches(question), "\(question)")
    }
    // A cased tokenizer keeps case apart (vocab.txt is uncased, so capitals become [UNK]
    // or other pieces: "where is Mary?" is not "Where is Mary?").
    let cased = BertTokenizer(vocabulary: uncased.vocabulary, lowercase: false)
    let c = try rooms.matcher(tokenizer: cased)
    #expect(c.matches("Where is Mary?"))
    #expect(!c.matches("where is Mary?"))
}

@Test func matcherNeedsASlotValueAndTheWholeQuestion() throws {
    let m = try rooms.matcher(tokenizer: uncased)
    for question in [
        "Where is Bob?",                            // not a value of {actor}
        "Where is Mary",                            // the "?" is part of the form
        "Where is Mary? And John?",                 // the form is only a prefix of the question
        "Tell me: Where is Mary?",                  // … or a suffix
        "Where is Mary John?",                      // two values in one slot
        "Where is the milk?",                       // a form of no listed task
        "Where was the milk before the kitchen?",   // kitchen is not a {room} value here
        "Where was the office before the milk?",    // slots in the wrong places
        "What is the capital of France?",
        "",
    ] {
        #expect(!m.matches(question), "\(question)")
    }
}

@Test func formsWithoutSlotsAndMultiTokenValuesMatch() throws {
    let domain = QuestionDomain(tasks: ["custom"],
                                questionForms: ["What is the password?", QuestionDomain.literal("What does {x} mean?")],
                                slots: [:])
    #expect(domain.problem() == nil)
    let m = try domain.matcher(tokenizer: uncased)
    #expect(m.matches("what is the password ?"))
    #expect(!m.matches("What is the password"))
    #expect(!m.matches("What is the password? Please"))
    #expect(m.matches("What does {x} mean?"))  // braces doubled by literal(_:) are literal text
    #expect(!m.matches("What does y mean?"))
    // Slot values of several words and word pieces, of different lengths, in one slot.
    let long = QuestionDomain(tasks: ["t"], questionForms: ["Is {thing} here?"],
                              slots: ["thing": ["the", "the old oak tree", "unbelievableness"]])
    let l = try long.matcher(tokenizer: uncased)
    for question in ["Is the here?", "Is the old oak tree here?", "is unbelievableness here ?"] { #expect(l.matches(question), "\(question)") }
    for question in ["Is the old here?", "Is here?", "Is the old oak tree"] { #expect(!l.matches(question), "\(question)") }
}

@Test func formsParseAndFill() throws {
    #expect(try QuestionDomain.parts(of: "Where is {actor}?").get() == [.text("Where is "), .slot("actor"), .text("?")])
    #expect(try QuestionDomain.parts(of: "{{a}} {b}").get() == [.text("{a} "), .slot("b")])
    #expect(QuestionDomain.fill("What is {direction} of the {room}?", ["direction": "east", "room": "garden"])
            == "What is east of the garden?")
    #expect(QuestionDomain.fill(QuestionDomain.literal("a {b} c"), [:]) == "a {b} c")
    let bad: [(QuestionDomain, String)] = [
        (QuestionDomain(tasks: ["t"], questionForms: []), "has no question_forms"),
        (QuestionDomain(tasks: ["t"], questionForms: ["Where is {actor}?"]), "slots does not define"),
        (QuestionDomain(tasks: ["t"], questionForms: ["Where is {actor?"], slots: ["actor": ["Mary"]]), "unclosed"),
        (QuestionDomain(tasks: ["t"], questionForms: ["Where is {}?"]), "empty or nested slot name"),
        (QuestionDomain(tasks: ["t"], questionForms: ["Where is {actor}?"], slots: ["actor": []]), "has no values"),
        (QuestionDomain(tasks: ["t"], questionForms: ["Where is {actor}?"], slots: ["actor": [" "]]), "empty value"),
        (QuestionDomain(tasks: ["t"], questionForms: ["  "]), "empty question form"),
    ]
    for (domain, phrase) in bad {
        #expect(domain.problem()?.contains(phrase) == true, "\(domain): \(domain.problem() ?? "accepted")")
        #expect(throws: ModelError.self) { try domain.matcher(tokenizer: uncased) }
    }
}

@Test func formListIsShortForManyForms() {
    #expect(rooms.formList() == "\"Where is {actor}?\", \"Where was the {object} before the {room}?\"")
    let many = QuestionDomain(tasks: ["custom"], questionForms: (1...20).map { "Question \($0)?" })
    #expect(many.formList(limit: 3) == "\"Question 1?\", \"Question 2?\", \"Question 3?\" and 17 more")
}

@Test func unrecordedTasksNameWhatANarrowingWouldAdd() {
    let part = QuestionDomain(tasks: ["memorize"], questionForms: ["Where is {actor}?"], slots: ["actor": ["Mary"]])
    #expect(rooms.unrecordedTasks(of: part).isEmpty)
    let wider = QuestionDomain(tasks: ["memorize", "counting", "babi-qa2"], questionForms: ["How many {marker}?"])
    #expect(rooms.unrecordedTasks(of: wider) == ["counting", "babi-qa2"])
}

@Test func unionKeepsEveryFormAndValueOnce() {
    let other = QuestionDomain(tasks: ["memorize", "babi-qa2"], questionForms: ["Where is {actor}?", "Where is the {object}?"],
                               slots: ["actor": ["Mary"], "object": ["milk", "football"]])
    let union = rooms.union(other)
    #expect(union.tasks == ["memorize", "babi-qa3", "babi-qa2"])
    #expect(union.questionForms == ["Where is {actor}?", "Where was the {object} before the {room}?", "Where is the {object}?"])
    #expect(union.slots["actor"] == ["Mary", "John", "Daniel", "Sandra"])
    #expect(union.slots["object"] == ["apple", "milk", "football"])
    #expect(union.problem() == nil)
}

@Test func domainRoundTripsThroughConfigAndOldFoldersHaveNone() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rmt-domain-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    // An old folder (no rmt.domain): loads, records no domain, answers nothing about it.
    let old = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    #expect(old.questionDomain == nil && old.isInDomain("Where is Mary?") == nil)
    let oldJSON = try JSONSerialization.jsonObject(with: old.configJSON()) as! [String: Any]
    #expect((oldJSON["rmt"] as! [String: Any])["domain"] == nil, "a model without a domain writes no domain key")
    // With one: written under rmt.domain with snake_case keys, loaded back equal.
    let domain = QuestionDomain(tasks: ["t"], questionForms: ["w5 {x} w7"], slots: ["x": ["w6", "w8 w9"]])
    let model = try old.recording(domain: domain)
    #expect(model.parameters === old.parameters, "recording a domain shares the weights")
    try model.save(to: dir)
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json"))) as! [String: Any]
    let stored = (json["rmt"] as! [String: Any])["domain"] as! [String: Any]
    #expect(stored["question_forms"] as? [String] == ["w5 {x} w7"] && stored["tasks"] as? [String] == ["t"])
    #expect(stored["slots"] as? [String: [String]] == ["x": ["w6", "w8 w9"]])
    let loaded = try RecurrentMemoryModel.load(directory: dir)
    #expect(loaded.questionDomain == domain)
    #expect(loaded.isInDomain("w5 w8 w9 w7") == true && loaded.isInDomain("w5 w8 w7") == false)
    // The model's other views keep it.
    #expect(try loaded.readingSegments(of: 4).questionDomain == domain)
    #expect(try loaded.answering(labels: loaded.settings.labels + ["epsilon"]).questionDomain == domain)
    // DocumentSession asks the same.
    let session = try DocumentSession(model: loaded, question: "w5 w6 w7")
    #expect(session.questionIsInDomain == true && session.isInDomain("w6") == false)
    #expect(DocumentSession(model: loaded).questionIsInDomain == nil)
    // A malformed domain in config.json is a one-line error naming the file.
    var rmt = json["rmt"] as! [String: Any]
    rmt["domain"] = ["tasks": ["t"], "question_forms": ["w5 {y}"], "slots": [String: [String]]()]
    var broken = json
    broken["rmt"] = rmt
    try JSONSerialization.data(withJSONObject: broken).write(to: dir.appendingPathComponent("config.json"))
    do {
        _ = try RecurrentMemoryModel.load(directory: dir)
        Issue.record("a domain naming an undefined slot was accepted")
    } catch {
        #expect("\(error)".contains("config.json") && "\(error)".contains("rmt.domain") && !"\(error)".contains("\n"), "\(error)")
    }
    rmt["domain"] = ["tasks": ["t"], "question_forms": "w5"]
    broken["rmt"] = rmt
    try JSONSerialization.data(withJSONObject: broken).write(to: dir.appendingPathComponent("config.json"))
    #expect(throws: ModelError.self) { try RecurrentMemoryModel.load(directory: dir) }
}

@Test func shippedModelsRecordTheirTrainingQuestions() throws {
    // Models/small-memorize (the former default): memorize and detect, one question form.
    let small = try RecurrentMemoryModel.load(directory: repositoryRoot().appendingPathComponent("Models/small-memorize"))
    #expect(small.questionDomain?.tasks == ["memorize", "detect"])
    #expect(small.isInDomain("Where is Sandra?") == true)
    #expect(small.isInDomain("Where is the milk?") == false)
    #expect(small.isInDomain("What is the capital of France?") == false)

    // Models/default: the nine tasks it was trained on (Scripts/train-default.sh, Docs/results.md),
    // every question form of the task world — qa3's too — with its words only.
    let shipped = try RecurrentMemoryModel.load(directory: repositoryRoot().appendingPathComponent("Models/default"))
    #expect(shipped.questionDomain?.tasks == ["memorize", "detect", "memorize-distract", "detect-distract", "unknown",
                                              "babi-qa1", "babi-qa2", "babi-qa3", "reasoning"])
    #expect(shipped.isInDomain("Where is Sandra?") == true)
    #expect(shipped.isInDomain("Where is the milk?") == true)
    #expect(shipped.isInDomain("What is north of the garden?") == true)
    #expect(shipped.isInDomain("Where was the milk before the garden?") == true)
    #expect(shipped.isInDomain("Where was the piano before the garden?") == false)
    #expect(shipped.isInDomain("Where is the piano?") == false)
    #expect(shipped.isInDomain("What is the capital of France?") == false)
}
