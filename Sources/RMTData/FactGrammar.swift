// FactGrammar: recognises the task world's fact sentences, so that noise can be checked never to
// state one. Two levels:
//   parse(_:)              — an exact fact sentence of some task: "{actor} {move verb} to the
//                            {room}.", "{actor} {get verb} the {object}[ there].", "{actor}
//                            {drop verb} the {object}[ there].", "The {room} is {direction} of
//                            the {room}." (case-insensitive, whitespace collapsed);
//   containsFactClause(_:) — the conservative check: any run of words, anywhere in the text, that
//                            starts like a fact ("{actor} {move verb} to the {room}", "{actor}
//                            {get|drop verb} the {object}", "the {room} is {direction} of the
//                            {room}"), whatever follows. "Mary went to the kitchen door" has one;
//                            "Mary's kitchen", "the postman went to the kitchen" do not.
// Adversarial noise (AdversarialProse) never contains a fact clause; the tests hold every task's
// facts to parse and every adversarial sentence to contain no clause.

/// The facts of the task world, as words.
public enum FactGrammar {
    /// A parsed fact.
    public enum Fact: Equatable, Sendable {
        case move(actor: String, room: String)
        case get(actor: String, object: String)
        case drop(actor: String, object: String)
        /// `room` is `direction` of `other`.
        case relation(room: String, direction: String, other: String)
    }

    /// The movement verbs of every task (memorize, detect, distractors, bAbI), as word lists.
    static let moveVerbs: [[String]] = (TaskWords.moveVerbs + BabiWorld.plainMoveVerbs).map(words)
    static let getVerbs: [[String]] = BabiWorld.getVerbs.map(words)
    static let dropVerbs: [[String]] = BabiWorld.dropVerbs.map(words)
    static let actors = Set(TaskWords.actors.map { $0.lowercased() })
    static let rooms = Set(TaskWords.rooms)
    static let objects = Set(TaskWords.objects)
    static let directions = Set(TaskWords.directions)

    /// Lowercase runs of ASCII letters and non-ASCII characters (as `TaskWords` splits words);
    /// the apostrophe ends a word, so "Mary's" is "mary", "s".
    static func words(_ text: String) -> [String] {
        var result: [String] = []
        var word = ""
        for scalar in text.unicodeScalars {
            let isLetter = (scalar.value >= 0x41 && scalar.value <= 0x5A) || (scalar.value >= 0x61 && scalar.value <= 0x7A)
                || scalar.value >= 0x80
            if isLetter {
                word.unicodeScalars.append(scalar)
            } else if !word.isEmpty {
                result.append(word.lowercased())
                word = ""
            }
        }
        if !word.isEmpty { result.append(word.lowercased()) }
        return result
    }

    /// The fact `sentence` states, when it is exactly a task fact sentence.
    public static func parse(_ sentence: String) -> Fact? {
        let trimmed = sentence.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard trimmed.hasSuffix("."), !trimmed.dropLast().contains(where: { !$0.isLetter && $0 != " " }) else { return nil }
        let w = words(trimmed)
        guard let (fact, length) = clause(w, at: 0) else { return nil }
        let rest = w[length...]
        switch fact {
        case .move, .relation: return rest.isEmpty ? fact : nil
        case .get, .drop: return rest.isEmpty || rest.elementsEqual(["there"]) ? fact : nil
        }
    }

    /// Whether `text` contains a fact clause anywhere (see the file comment).
    public static func containsFactClause(_ text: String) -> Bool {
        let w = words(text)
        return w.indices.contains { clause(w, at: $0) != nil }
    }

    /// The fact clause starting at word `start`, and its length in words.
    static func clause(_ w: [String], at start: Int) -> (Fact, Int)? {
        func matches(_ phrase: [String], at i: Int) -> Bool {
            i + phrase.count <= w.count && w[i..<(i + phrase.count)].elementsEqual(phrase)
        }
        func word(_ i: Int) -> String? { i < w.count ? w[i] : nil }
        guard let first = word(start) else { return nil }
        if actors.contains(first) {
            let actor = TaskWords.actors.first { $0.lowercased() == first }!
            for verb in moveVerbs where matches(verb, at: start + 1) {
                let i = start + 1 + verb.count
                if matches(["to", "the"], at: i), let room = word(i + 2), rooms.contains(room) {
                    return (.move(actor: actor, room: room), i + 3 - start)
                }
            }
            for (verbs, isGet) in [(getVerbs, true), (dropVerbs, false)] {
                for verb in verbs where matches(verb, at: start + 1) {
                    let i = start + 1 + verb.count
                    if word(i) == "the", let object = word(i + 1), objects.contains(object) {
                        return (isGet ? .get(actor: actor, object: object) : .drop(actor: actor, object: object), i + 2 - start)
                    }
                }
            }
            return nil
        }
        if first == "the", let room = word(start + 1), rooms.contains(room), word(start + 2) == "is",
           let direction = word(start + 3), directions.contains(direction), word(start + 4) == "of",
           word(start + 5) == "the", let other = word(start + 6), rooms.contains(other) {
            return (.relation(room: room, direction: direction, other: other), 7)
        }
        return nil
    }
}
