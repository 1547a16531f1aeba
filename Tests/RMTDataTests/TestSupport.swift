// Shared fixtures for the RMTData tests: the MiniLM uncased vocab (Fixtures/tokenizer), a small
// built-in noise corpus, temporary folders, and independent checkers for the tasks' answers.
import Foundation
import Testing
import RMTData
import RMTTokenizer

enum TestData {
    /// The repository root (the folder holding Package.swift).
    static let root: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder }
            folder.deleteLastPathComponent()
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    static let tokenizer: BertTokenizer = {
        do {
            return try BertTokenizer(vocabularyFile: root.appendingPathComponent("Fixtures/tokenizer/vocab.txt"), lowercase: true)
        } catch { fatalError("cannot load the test vocabulary: \(error)") }
    }()

    static var sep: Int32 { tokenizer.vocabulary.sepID! }

    /// Built-in prose, small enough to build quickly (documents wrap around it).
    static let builtin = NoiseCorpus.builtin(tokenizer: tokenizer, seed: 11, sentenceCount: 3_000)

    static let roomTaskNames = ["memorize", "detect", "reasoning", "babi-qa1", "babi-qa2", "babi-qa3"]
    /// The tasks that need the question: distractors and unanswerable questions.
    static let questionTaskNames = ["memorize-distract", "detect-distract", "memorize-distract:0", "detect-distract:3", "unknown"]

    /// Token ids that can end a noise sentence or a fact.
    static let sentenceEnds: Set<Int32> = Set([".", "!", "?", "\"", "'", ")", "]", "_"].compactMap { tokenizer.vocabulary.id(for: $0) })

    static func stream(_ task: any MemoryTask, seed: UInt64 = 1, segmentLength: Int = 499,
                       noise: NoiseCorpus = builtin) throws -> DataStream {
        try DataStream(task: task, noise: noise, tokenizer: tokenizer, seed: seed, segmentLength: segmentLength)
    }

    /// Every named task of `names` without a world (custom, counting, …): does `defines` hold
    /// for its first 2-segment sample, every-segment layout, 96-token segments?
    static func expectNone(of names: [String], _ defines: (Sample) -> Bool, _ what: String) throws {
        for name in names {
            let stream = try DataStream(task: task(name), noise: builtin, tokenizer: tokenizer,
                                        seed: 3, segmentLength: 96, questionLayout: .everySegment)
            #expect(!defines(try stream.sample(index: 0, segments: 2)), "\(name) \(what)")
        }
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rmtdata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A custom task over a small JSON Lines file in a temporary folder.
    static let customTask: CustomTask = {
        do {
            let folder = try temporaryFolder()
            try "The treasure was hidden under the old oak tree behind the chapel.".write(
                to: folder.appendingPathComponent("oak.txt"), atomically: true, encoding: .utf8)
            let lines = [
                #"{"context": "The secret colour of the society is blue.", "question": "What is the secret colour?", "answer": "blue"}"#,
                #"{"context": "The password for the cellar door is red.", "question": "What is the password?", "answer": "red"}"#,
                #"{"context_file": "oak.txt", "question": "What was the treasure under?", "answer": "oak"}"#,
            ]
            let file = folder.appendingPathComponent("qa.jsonl")
            try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            return try CustomTask(file: file.path)
        } catch { fatalError("cannot build the custom task: \(error)") }
    }()

    static func task(_ name: String) throws -> any MemoryTask {
        name == "custom" ? customTask : try TaskCatalog.task(named: name)
    }
}

func regex(_ pattern: String) -> Regex<AnyRegexOutput> {
    do { return try Regex(pattern) } catch { fatalError("bad pattern \(pattern): \(error)") }
}

/// Regular expressions for the exact surface forms.
enum Forms {
    static let actor = "(Mary|John|Daniel|Sandra)"
    static let room = "(bathroom|hallway|garden|office|bedroom|kitchen)"
    static let object = "(apple|football|milk)"
    static let direction = "(north|south|east|west)"

    nonisolated(unsafe) static let roomFact = regex("^\(actor) (moved|went|went back|journeyed|travelled) to the \(room)\\.$")
    nonisolated(unsafe) static let whereActor = regex("^Where is \(actor)\\?$")
    nonisolated(unsafe) static let dirFact = regex("^The \(room) is \(direction) of the \(room)\\.$")
    nonisolated(unsafe) static let whatIsOf = regex("^What is \(direction) of the \(room)\\?$")
    nonisolated(unsafe) static let whatIsTheOf = regex("^What is the \(room) \(direction) of\\?$")
    nonisolated(unsafe) static let babiMove = regex("^\(actor) (moved|went|went back|journeyed|travelled) to the \(room)\\.$")
    nonisolated(unsafe) static let babiGet = regex("^\(actor) (got|grabbed|took|picked up) the \(object)( there)?\\.$")
    nonisolated(unsafe) static let babiDrop = regex("^\(actor) (dropped|put down|let go of|discarded|left) the \(object)( there)?\\.$")
    nonisolated(unsafe) static let whereObject = regex("^Where is the \(object)\\?$")
    nonisolated(unsafe) static let whereWas = regex("^Where was the \(object) before the \(room)\\?$")
}

extension Regex<AnyRegexOutput>.Match {
    func group(_ i: Int) -> String { output[i].substring.map(String.init) ?? "" }
}

/// An independent answer for an episode, computed from its text alone (nil: unanswerable).
func independentAnswer(_ episode: Episode) -> String? {
    switch episode.task {
    case "memorize", "detect":
        guard episode.facts.count == 1, let fact = episode.facts[0].wholeMatch(of: Forms.roomFact),
              let question = episode.question.wholeMatch(of: Forms.whereActor),
              fact.group(1) == question.group(1) else { return nil }
        return fact.group(3)
    case "reasoning", "reasoning:same-axis":
        return reasoningAnswer(facts: episode.facts, question: episode.question)
    case let name where name.hasPrefix("babi-qa"):  // babi-qa3, babi-qa3:6-10, …
        return babiAnswer(facts: episode.facts, question: episode.question)
    case let name where name.hasPrefix("memorize-distract") || name.hasPrefix("detect-distract"):
        return distractorAnswer(facts: episode.facts, question: episode.question)
    case "unknown":
        return mentionsQuestionSubject(facts: episode.facts, question: episode.question) ? nil : "unknown"
    case "custom":
        return TestData.customTask.records.first { $0.question == episode.question && episode.facts == [$0.context] }?.answer
    default:
        return nil
    }
}

/// The room of the one fact about the person the question names (nil: no such fact, or several).
func distractorAnswer(facts: [String], question: String) -> String? {
    guard let asked = question.wholeMatch(of: Forms.whereActor)?.group(1) else { return nil }
    let rooms = facts.compactMap { fact -> String? in
        guard let m = fact.wholeMatch(of: Forms.roomFact), m.group(1) == asked else { return nil }
        return m.group(3)
    }
    return rooms.count == 1 ? rooms[0] : nil
}

/// Whether a fact names the person, object or room the question is about.
func mentionsQuestionSubject(facts: [String], question: String) -> Bool {
    let subject: String
    if let m = question.wholeMatch(of: Forms.whereActor) { subject = m.group(1) }
    else if let m = question.wholeMatch(of: Forms.whereObject) { subject = m.group(1) }
    else if let m = question.wholeMatch(of: Forms.whatIsOf) { subject = m.group(2) }
    else if let m = question.wholeMatch(of: Forms.whatIsTheOf) { subject = m.group(1) }
    else { return true }
    let word = regex("\\b\(subject)\\b")
    return facts.contains { $0.contains(word) }
}

/// Answers a direction question from the stated relations; nil unless exactly one room fits.
func reasoningAnswer(facts: [String], question: String) -> String? {
    let opposite = ["north": "south", "south": "north", "east": "west", "west": "east"]
    var relations: [(String, String, String)] = []  // (x, d, y): x is d of y
    for fact in facts {
        guard let m = fact.wholeMatch(of: Forms.dirFact) else { return nil }
        relations.append((m.group(1), m.group(2), m.group(3)))
        relations.append((m.group(3), opposite[m.group(2)]!, m.group(1)))
    }
    var answers: Set<String> = []
    if let m = question.wholeMatch(of: Forms.whatIsOf) {          // What is d of the y? → x
        for (x, d, y) in relations where d == m.group(1) && y == m.group(2) { answers.insert(x) }
    } else if let m = question.wholeMatch(of: Forms.whatIsTheOf) { // What is the x d of? → y
        for (x, d, y) in relations where x == m.group(1) && d == m.group(2) { answers.insert(y) }
    } else {
        return nil
    }
    return answers.count == 1 ? answers.first : nil
}

/// Replays a bAbI story (knowledge from the text only) and answers its question. Records an
/// issue when the story breaks a world rule visible from the text.
func babiAnswer(facts: [String], question: String) -> String? {
    var actorRoom: [String: String] = [:]
    var holder: [String: String] = [:]
    var dropped: [String: String] = [:]
    var visited: [String: Set<String>] = [:]
    var history: [String: [String]] = [:]
    func objectRoom(_ object: String) -> String? {
        if let actor = holder[object] { return actorRoom[actor] }
        return dropped[object]
    }
    for fact in facts {
        if let m = fact.wholeMatch(of: Forms.babiMove) {
            let (actor, verb, room) = (m.group(1), m.group(2), m.group(3))
            if verb == "went back" { #expect(visited[actor, default: []].contains(room), "went back to a new room: \(fact)") }
            #expect(actorRoom[actor] != room, "moved to the room they are in: \(fact)")
            actorRoom[actor] = room
            visited[actor, default: []].insert(room)
        } else if let m = fact.wholeMatch(of: Forms.babiGet) {
            let (actor, object) = (m.group(1), m.group(3))
            #expect(holder[object] == nil, "got an object someone holds: \(fact)")
            if let a = actorRoom[actor], let o = objectRoom(object) { #expect(a == o, "got an object in another room: \(fact)") }
            holder[object] = actor
            dropped[object] = nil
        } else if let m = fact.wholeMatch(of: Forms.babiDrop) {
            let (actor, object) = (m.group(1), m.group(3))
            #expect(holder[object] == actor, "dropped an object they do not hold: \(fact)")
            holder[object] = nil
            dropped[object] = actorRoom[actor]
        } else {
            Issue.record("not a bAbI sentence: \(fact)")
            return nil
        }
        for object in TaskWords.objects {
            if let room = objectRoom(object), history[object, default: []].last != room {
                history[object, default: []].append(room)
            }
        }
    }
    if let m = question.wholeMatch(of: Forms.whereActor) { return actorRoom[m.group(1)] }
    if let m = question.wholeMatch(of: Forms.whereObject) { return objectRoom(m.group(1)) }
    if let m = question.wholeMatch(of: Forms.whereWas) {
        let rooms = history[m.group(1), default: []]
        guard rooms.count >= 2, rooms.last == m.group(2) else { return nil }
        return rooms[rooms.count - 2]
    }
    return nil
}
