// ReservedWords: the words of the task world (actors, rooms, objects) and the whole-word check
// that keeps them out of noise prose, so that background text never mentions, and so never
// contradicts, a planted fact.
import RMTBase

/// The vocabulary of the memory tasks.
public enum TaskWords {
    /// The actors of memorize, detect and the bAbI tasks.
    public static let actors = ["Mary", "John", "Daniel", "Sandra"]
    /// The rooms, in label order: the shared label set of every task except custom.
    public static let rooms = ["bathroom", "hallway", "garden", "office", "bedroom", "kitchen"]
    /// The objects of bAbI qa2 and qa3.
    public static let objects = ["apple", "football", "milk"]
    /// The movement verbs of memorize and detect facts ("{name} {verb} to the {room}.").
    public static let moveVerbs = ["moved", "went", "went back", "journeyed", "travelled"]
    /// Compass directions of the reasoning task.
    public static let directions = ["north", "south", "east", "west"]

    /// The six rooms as a label set: what models made before `unknown` existed answer with
    /// (Models/small-memorize). Every room task can still be evaluated on such a model unless it
    /// answers `unknown` (DataStream maps answers to the model's labels by name).
    public static var roomLabels: [String] { rooms }

    /// The reserved answer for a question about someone or something the document never
    /// mentions (task `unknown`).
    public static let unknown = "unknown"

    /// The label set of every room task (memorize, detect, reasoning, babi-qa1/2/3, the
    /// distractor tasks, unknown): the six rooms in their old order, then `unknown`, appended
    /// last so a room has the same index here as in `roomLabels`. It is RMTBase's
    /// `defaultLabels`, the labels a new model answers with.
    public static var labels: [String] { defaultLabels }

    /// Words that noise may not contain as whole words (case-insensitive): the actors, rooms and
    /// objects, each also with a plural/possessive-free `s` ending ("kitchens", "Marys").
    public static let reserved: Set<String> = {
        var words = Set<String>()
        for word in actors + rooms + objects {
            words.insert(word.lowercased())
            words.insert(word.lowercased() + "s")
        }
        return words
    }()

    /// Whether `text` contains a reserved word as a whole word. Words are runs of ASCII letters
    /// and non-ASCII characters; anything else (space, punctuation, apostrophe, digit) separates
    /// them, so "Mary's" and "KITCHEN," match but "Maryland" and "officer" do not.
    public static func containsReservedWord(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { containsReservedWord(utf8: $0) }
    }

    static func containsReservedWord(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var word: [UInt8] = []
        word.reserveCapacity(16)
        var tooLong = false
        func check() -> Bool {
            defer { word.removeAll(keepingCapacity: true); tooLong = false }
            guard !tooLong, word.count >= 3 else { return false }
            return reservedBytes.contains(word)
        }
        for byte in bytes {
            let lower = byte | 0x20
            if (lower >= 0x61 && lower <= 0x7A) || byte >= 0x80 {
                if word.count < 10 { word.append(byte >= 0x80 ? byte : lower) } else { tooLong = true }
            } else if !word.isEmpty || tooLong {
                if check() { return true }
            }
        }
        return check()
    }

    private static let reservedBytes: Set<[UInt8]> = Set(reserved.map { Array($0.utf8) })
}
