// The tasks' question forms (QuestionForms): every question a task asks (500 episodes per task)
// matches the forms it declares, read with the test tokenizer; the forms are specific (a task's
// questions do not all match another task's forms); a mixture declares the union; a custom task
// declares its distinct questions literally, and none past CustomTask.maximumQuestionForms.
import Foundation
import Testing
import RMTData
import RMTBase
import RMTRecurrence

@Test func everyTaskQuestionMatchesTheTasksOwnForms() throws {
    let names = TestData.roomTaskNames + TestData.questionTaskNames + ["custom"] + PositionTaskTests.names
    for name in names {
        let task = try TestData.task(name)
        let domain = try #require(task.questionDomain, "\(name) declares no domain")
        #expect(domain.tasks == [task.name])
        #expect(domain.problem() == nil, "\(name): \(domain.problem() ?? "")")
        let matcher = try domain.matcher(tokenizer: TestData.tokenizer)
        var g = SplitMix64(seed: 41)
        var forms = Set<String>()
        for _ in 0..<500 {
            let episode = task.makeEpisode(using: &g)
            #expect(matcher.matches(episode.question), "\(name): \"\(episode.question)\" matches none of \(domain.questionForms)")
            // Which form asked it (each form alone), so that every declared form is really used.
            for form in domain.questionForms {
                let single = QuestionDomain(tasks: domain.tasks, questionForms: [form], slots: domain.slots)
                if try single.matcher(tokenizer: TestData.tokenizer).matches(episode.question) { forms.insert(form) }
            }
        }
        #expect(forms == Set(domain.questionForms), "\(name): forms never asked: \(Set(domain.questionForms).subtracting(forms))")
    }
}

@Test func taskFormsAreSpecificAndMixturesJoinThem() throws {
    let expected: [String: [String]] = [
        "memorize": ["Where is {actor}?"], "detect": ["Where is {actor}?"],
        "memorize-distract": ["Where is {actor}?"], "detect-distract:2": ["Where is {actor}?"], "babi-qa1": ["Where is {actor}?"],
        "babi-qa2": ["Where is the {object}?"], "babi-qa3": ["Where was the {object} before the {room}?"],
        "reasoning": ["What is {direction} of the {room}?", "What is the {room} {direction} of?"],
        "unknown": ["Where is {actor}?", "Where is the {object}?", "What is {direction} of the {room}?", "What is the {room} {direction} of?"],
    ]
    for (name, forms) in expected {
        let domain = try #require(try TaskCatalog.task(named: name).questionDomain)
        #expect(domain.questionForms == forms, "\(name)")
        // Only the slots the forms name, with the task world's words.
        for (slot, values) in domain.slots {
            #expect(forms.contains { $0.contains("{\(slot)}") }, "\(name): unused slot \(slot)")
            #expect(values == QuestionForms.slots[slot], "\(name): \(slot)")
        }
    }
    // qa3's questions are not memorize's form, and the reverse.
    let memorize = try #require(MemorizeTask().questionDomain).matcher(tokenizer: TestData.tokenizer)
    let qa3 = try #require(BabiTask(.qa3).questionDomain).matcher(tokenizer: TestData.tokenizer)
    var g = SplitMix64(seed: 5)
    for _ in 0..<50 {
        #expect(!memorize.matches(BabiTask(.qa3).makeEpisode(using: &g).question))
        #expect(!qa3.matches(MemorizeTask().makeEpisode(using: &g).question))
    }
    let mixture = try TaskCatalog.task(list: "memorize,babi-qa3,detect,memorize")
    let union = try #require(mixture.questionDomain)
    #expect(union.tasks == ["memorize", "babi-qa3", "detect"])
    #expect(union.questionForms == ["Where is {actor}?", "Where was the {object} before the {room}?"])
    #expect(Set(union.slots.keys) == ["actor", "object", "room"])
    let matcher = try union.matcher(tokenizer: TestData.tokenizer)
    for _ in 0..<200 { #expect(matcher.matches(mixture.makeEpisode(using: &g).question)) }
}

@Test func customTaskFormsAreItsDistinctQuestionsUpToTheCap() throws {
    let records = [
        CustomTask.Record(context: "The password is red.", question: "What is the password?", answer: "red"),
        CustomTask.Record(context: "The password is blue.", question: "What is the password?", answer: "blue"),
        CustomTask.Record(context: "Set {x} to blue.", question: "What is {x}?", answer: "blue"),
    ]
    let task = try CustomTask(records: records)
    let domain = try #require(task.questionDomain)
    #expect(domain.tasks == ["custom"] && domain.slots.isEmpty)
    #expect(domain.questionForms == ["What is the password?", "What is {{x}}?"])
    let matcher = try domain.matcher(tokenizer: TestData.tokenizer)
    #expect(matcher.matches("What is {x}?") && matcher.matches("what is the password ?"))
    #expect(!matcher.matches("What is the colour?"))

    let cap = CustomTask.maximumQuestionForms
    let many = (0...cap).map { CustomTask.Record(context: "Fact \($0).", question: "Question \($0)?", answer: "a") }
    #expect(try CustomTask(records: Array(many.prefix(cap))).questionDomain?.questionForms.count == cap)
    #expect(try CustomTask(records: many).questionDomain == nil, "more distinct questions than the cap: no domain")
    // A mixture with a task that lists none lists none.
    #expect(try TaskMixture([CustomTask(records: Array(many.prefix(2))), CustomTask(records: many)]).questionDomain == nil)
}
