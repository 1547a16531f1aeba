#!/usr/bin/env python3
"""Seed memory slots with words: a copy of an RMT model folder whose memory embedding rows
0..K-1 are the word embeddings of K given words (the rest unchanged).

An experiment of issue 12 (Scripts/train-memory.sh phase 36): a memory slot that starts as the
embedding of "mary" attends, in a pretrained encoder, to where Mary is mentioned, so a state
readout has a slot per person and object to read instead of asking the encoder to invent one.

  seed-memory.py MODEL OUT WORD[,WORD...]

MODEL: an RMT model folder (config.json, model.safetensors with float32 or float16
`rmt.memory_embeddings` and `embeddings.word_embeddings.weight`, vocab.txt); OUT: a new folder
(must not exist). Each word must be one entry of vocab.txt (lowercased for an uncased model).
Stdlib + numpy; the safetensors header is read and written as the format defines it.
"""
import json, os, shutil, struct, sys, tempfile

import numpy as np


def fail(message):
    print(f"seed-memory.py: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 4:
        fail("usage: seed-memory.py MODEL OUT WORD[,WORD...]")
    model, out, words = sys.argv[1], sys.argv[2], [w for w in sys.argv[3].split(",") if w]
    if os.path.exists(out):
        fail(f"{out} exists; give a new folder")
    try:
        config = json.load(open(os.path.join(model, "config.json")))
        vocab = [line.rstrip("\n") for line in open(os.path.join(model, "vocab.txt"), encoding="utf-8")]
        blob = open(os.path.join(model, "model.safetensors"), "rb").read()
    except (OSError, ValueError) as error:
        fail(f"{model}: {error}")
    rmt = config.get("rmt", {})
    if rmt.get("lowercase", True):
        words = [w.lower() for w in words]
    memory_tokens = rmt.get("memory_tokens", 0)
    if not 0 < len(words) <= memory_tokens:
        fail(f"{len(words)} words for {memory_tokens} memory slots")
    index = {w: i for i, w in enumerate(vocab)}
    missing = [w for w in words if w not in index]
    if missing:
        fail(f"not one vocabulary entry each: {', '.join(missing)}")
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    base = 8 + n
    dtypes = {"F32": np.float32, "F16": np.float16}

    def tensor(name):
        entry = header.get(name) or fail(f"model.safetensors has no {name}")
        if entry["dtype"] not in dtypes:
            fail(f"{name} is {entry['dtype']}, not F32 or F16")
        start, end = entry["data_offsets"]
        return np.frombuffer(blob, dtype=dtypes[entry["dtype"]], count=(end - start) // np.dtype(dtypes[entry["dtype"]]).itemsize,
                             offset=base + start).reshape(entry["shape"]), start

    words_table, _ = tensor("embeddings.word_embeddings.weight")
    memory, memory_start = tensor("rmt.memory_embeddings")
    seeded = memory.copy()
    for row, word in enumerate(words):
        seeded[row] = words_table[index[word]].astype(seeded.dtype)
    data = bytearray(blob)
    data[base + memory_start: base + memory_start + seeded.nbytes] = seeded.tobytes()
    parent = os.path.dirname(os.path.abspath(out))
    staging = tempfile.mkdtemp(prefix=".seed-memory-", dir=parent)
    try:
        for name in os.listdir(model):
            if name != "model.safetensors" and os.path.isfile(os.path.join(model, name)):
                shutil.copy2(os.path.join(model, name), staging)
        with open(os.path.join(staging, "model.safetensors"), "wb") as f:
            f.write(data)
        os.rename(staging, out)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        fail(str(error))
    print(f"seed-memory.py: {out}: memory slots 0..{len(words) - 1} = {', '.join(words)}")


if __name__ == "__main__":
    main()
