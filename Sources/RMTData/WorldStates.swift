// WorldStates: what a reader of the story knows about every person and object of the task world
// after each fact — the targets of the state loss (`rmt-train --state-loss`, Docs/training.md),
// which asks the memory after every segment where each of them is, whatever the question.
//
// states[i][e] (i = 0 … facts.count, e over `entities`: the actors, then the objects) is the room
// entity e is known to be in after the first i facts, or `unknown` while the story has not placed
// it. The bAbI tasks take it from their world simulator (BabiWorld: an object's room is its
// holder's or where it was dropped); stories of moves (memorize, detect, the distractor tasks,
// `unknown` about a person) place each mover; the reasoning facts place no one, so everything
// stays unknown. Custom and position tasks define none (nil: nothing scored).

/// The per-fact world states of a story (see the file's header).
public enum WorldStates {
    /// The entities whose place a state lists, in order: the actors, then the objects.
    public static var entities: [String] { TaskWords.actors + TaskWords.objects }

    /// Nothing known after any of `count` facts.
    static func nothingKnown(facts count: Int) -> [[String]] {
        Array(repeating: Array(repeating: TaskWords.unknown, count: entities.count), count: count + 1)
    }

    /// The states of a story whose facts are `moves` in document order: actor index and room
    /// index of a fact that moves someone, nil for a fact that moves no one.
    static func ofMoves(_ moves: [(actor: Int, room: Int)?]) -> [[String]] {
        var state = Array(repeating: TaskWords.unknown, count: entities.count)
        var states = [state]
        for move in moves {
            if let move { state[move.actor] = TaskWords.rooms[move.room] }
            states.append(state)
        }
        return states
    }

    /// The states of known rooms: rows of actor rooms then object rooms (room indices, nil = unknown).
    static func ofRooms(_ rows: [(actors: [Int?], objects: [Int?])]) -> [[String]] {
        rows.map { row in (row.actors + row.objects).map { $0.map { TaskWords.rooms[$0] } ?? TaskWords.unknown } }
    }
}
