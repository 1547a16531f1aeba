#!/usr/bin/env python3
"""Each room's nearest whole-word neighbours by cosine in a model's input word embeddings (top 60),
and the cosine of a few words to every room: the source of RoomNeighbourProse's word lists
(curated from this output: common nouns kept; task words, proper nouns, other rooms and
inflections left out) and of the note that "path"'s nearest room is hallway (0.26).
Usage: neighbours.py MODEL_DIR (model.safetensors + vocab.txt; needs numpy and safetensors)."""
import sys
import numpy as np
from safetensors.numpy import load_file

folder = sys.argv[1] if len(sys.argv) > 1 else "Models/default"
E = load_file(f"{folder}/model.safetensors")["embeddings.word_embeddings.weight"].astype(np.float32)
vocab = [l.rstrip("\n") for l in open(f"{folder}/vocab.txt", encoding="utf-8")]
index = {t: i for i, t in enumerate(vocab)}
E /= np.linalg.norm(E, axis=1, keepdims=True)
rooms = ["hallway", "kitchen", "bathroom", "bedroom", "garden", "office"]
for room in rooms:
    cos = E @ E[index[room]]
    print(room + ":", " ".join(vocab[i] for i in np.argsort(-cos)[1:61] if vocab[i].isalpha()))
for word in ["path", "paths", "entry", "entries", "directory", "string", "argument", "value"]:
    cos = E @ E[index[word]]
    print(word, {r: round(float(cos[index[r]]), 3) for r in rooms})
