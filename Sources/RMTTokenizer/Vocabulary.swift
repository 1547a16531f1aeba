// Vocabulary: a WordPiece vocabulary (vocab.txt), token <-> id.
