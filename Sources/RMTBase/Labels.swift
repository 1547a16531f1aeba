// Labels: the answer labels a new model answers with when none are given (a wrapped Hugging Face
// BERT, `rmt-tool create-model`).

/// The six bAbI rooms, then `unknown` (the answer to a question about someone the document never
/// mentions); RMTData's `TaskWords.labels`, the room tasks' labels, is this list. Model folders
/// made before `unknown` existed keep their six labels and load and answer as before.
public let defaultLabels = ["bathroom", "hallway", "garden", "office", "bedroom", "kitchen", "unknown"]
