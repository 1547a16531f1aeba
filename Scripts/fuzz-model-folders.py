#!/usr/bin/env python3
"""fuzz-model-folders.py — a mutation pass over Hugging Face / RMT model folders through the CLIs.

Writes a small valid BERT folder (pure Python, no dependencies), then N times mutates it — config.json
values (zero, negative, huge, wrong types, missing keys), tensors (dropped, reshaped, renamed,
`bert.`-prefixed, extra heads, F16, NaN), vocab.txt (short, no [PAD], blank lines), tokenizer.json
(in place of vocab.txt, with odd settings), tokenizer_config.json, and model.safetensors as a link to
/dev/zero, a folder, a pickle-only folder — and runs `rmt-ask --model` and `rmt-tool encode --model`
on it. A finding is a run that is killed by a signal, exits with another status than 0 or 1,
prints "Fatal error", takes longer than the timeout, or fails with more than one line on stderr.
Usage: python3 Scripts/fuzz-model-folders.py [--runs N] [--seed S] [--bin .build/release]
"""
import argparse, json, os, random, shutil, struct, subprocess, sys, tempfile

WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + "mary went to the kitchen garden where is ? . hello world ##s".split()


def tensors(C=8, L=2, F=12, P=32, V=len(WORDS), prefix=""):
    out = [("embeddings.word_embeddings.weight", [V, C]), ("embeddings.position_embeddings.weight", [P, C]),
           ("embeddings.token_type_embeddings.weight", [2, C]), ("embeddings.LayerNorm.weight", [C]), ("embeddings.LayerNorm.bias", [C])]
    for l in range(L):
        p = f"encoder.layer.{l}."
        for m in ("query", "key", "value"):
            out += [(p + f"attention.self.{m}.weight", [C, C]), (p + f"attention.self.{m}.bias", [C])]
        out += [(p + "attention.output.dense.weight", [C, C]), (p + "attention.output.dense.bias", [C]),
                (p + "attention.output.LayerNorm.weight", [C]), (p + "attention.output.LayerNorm.bias", [C]),
                (p + "intermediate.dense.weight", [F, C]), (p + "intermediate.dense.bias", [F]),
                (p + "output.dense.weight", [C, F]), (p + "output.dense.bias", [C]),
                (p + "output.LayerNorm.weight", [C]), (p + "output.LayerNorm.bias", [C])]
    out += [("pooler.dense.weight", [C, C]), ("pooler.dense.bias", [C])]
    return [(prefix + n, s) for n, s in out]


def write_safetensors(path, items, rng, dtype="F32", nan=False):
    header, blobs, offset = {}, [], 0
    for name, shape in items:
        count = 1
        for d in shape: count *= d
        if dtype == "F16":
            data = struct.pack(f"<{count}e", *[rng.uniform(-0.1, 0.1) for _ in range(count)])
        else:
            values = [rng.uniform(-0.1, 0.1) for _ in range(count)]
            if nan and values: values[0] = float("nan")
            data = struct.pack(f"<{count}f", *values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))


def config(**over):
    c = {"vocab_size": len(WORDS), "hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 12,
         "max_position_embeddings": 32, "type_vocab_size": 2, "hidden_act": "gelu", "layer_norm_eps": 1e-12, "pad_token_id": 0}
    c.update(over)
    return c


ODD = [0, -1, 1, 2, 3, 7, 1000, 1024, 4096, 65536, 10**7, 2**31, 2**62, "8", None, 1.5, True, [], {}]


def make(folder, rng):
    os.makedirs(folder)
    kind = rng.randrange(12)
    cfg, items, vocab, prefix = config(), None, list(WORDS), ""
    dtype, nan, extra = "F32", False, {}
    if kind == 0:  # odd config values
        for _ in range(rng.randint(1, 3)): cfg[rng.choice(list(cfg))] = rng.choice(ODD)
    elif kind == 1:  # consistent but bigger configs beside the small file
        cfg.update(num_hidden_layers=rng.choice([3, 1000, 1024]), hidden_size=rng.choice([8, 16, 4096]),
                   intermediate_size=rng.choice([12, 16384]))
    elif kind == 2: prefix = "bert."
    elif kind == 3: extra["heads"] = True; prefix = rng.choice(["", "bert."])
    elif kind == 4: vocab = vocab[: rng.randrange(len(vocab))]
    elif kind == 5: vocab = [w for w in vocab if w != rng.choice(["[PAD]", "[CLS]", "[SEP]", "[UNK]"])] + ["x1"]
    elif kind == 6: extra["tokjson"] = rng.choice(["ok", "cased", "mixed", "bpe", "badid", "garbage"])
    elif kind == 7: extra["tokcfg"] = rng.choice([True, False, "yes", None, 3])
    elif kind == 8: extra["weights"] = rng.choice(["zero", "dir", "pickle", "missing", "fifo", "h5"])
    elif kind == 9: dtype, nan = rng.choice([("F16", False), ("F32", True)])
    elif kind == 10:  # drop, reshape or rename a tensor
        items = tensors()
        i = rng.randrange(len(items))
        op = rng.randrange(3)
        if op == 0: items.pop(i)
        elif op == 1: items[i] = (items[i][0], [max(1, d + rng.choice([-1, 1])) for d in items[i][1]])
        else: items[i] = ("x." + items[i][0], items[i][1])
    else:  # an RMT section with odd values
        cfg["rmt"] = {"memory_tokens": rng.choice([0, 2, -1, 40, 10**6]), "segment_length": rng.choice([1, 8, 0, 10**6]),
                      "labels": rng.choice([["a", "b"], [], ["a", "a"], "a"]), "lowercase": rng.choice([True, False, "no"])}
    items = items or tensors(prefix=prefix)
    if extra.get("heads"):
        items += [("cls.predictions.bias", [len(WORDS)]), ("cls.seq_relationship.weight", [2, 8]), ("classifier.weight", [3, 8])]
    with open(os.path.join(folder, "config.json"), "w") as f: json.dump(cfg, f)
    write_safetensors(os.path.join(folder, "model.safetensors"), items, rng, dtype, nan)
    if "tokjson" in extra:
        t = {"model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                       "vocab": {w: i for i, w in enumerate(WORDS)}},
             "normalizer": {"type": "BertNormalizer", "lowercase": True, "strip_accents": None}, "pre_tokenizer": {"type": "BertPreTokenizer"}}
        mode = extra["tokjson"]
        if mode == "cased": t["normalizer"]["lowercase"] = False
        if mode == "mixed": t["normalizer"]["strip_accents"] = False
        if mode == "bpe": t["model"]["type"] = "BPE"
        if mode == "badid": t["model"]["vocab"]["hello"] = 999
        with open(os.path.join(folder, "tokenizer.json"), "w") as f:
            f.write("{ garbage" if mode == "garbage" else json.dumps(t))
    else:
        with open(os.path.join(folder, "vocab.txt"), "w") as f: f.write("\n".join(vocab) + "\n")
    if "tokcfg" in extra:
        with open(os.path.join(folder, "tokenizer_config.json"), "w") as f: json.dump({"do_lower_case": extra["tokcfg"]}, f)
    w = extra.get("weights")
    model = os.path.join(folder, "model.safetensors")
    if w:
        os.remove(model)
        if w == "zero": os.symlink("/dev/zero", model)
        elif w == "dir": os.mkdir(model)
        elif w == "pickle": open(os.path.join(folder, "pytorch_model.bin"), "wb").write(b"\x80\x04not read")
        elif w == "fifo": os.mkfifo(model)
        elif w == "h5": open(os.path.join(folder, "tf_model.h5"), "wb").write(b"x")
    return kind


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release"))
    ap.add_argument("--timeout", type=float, default=30)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="rmt-fuzz-folders-")
    doc = os.path.join(work, "doc.txt")
    open(doc, "w").write("mary went to the kitchen . where is mary ?\n")
    findings, outcomes = [], {}
    try:
        for run in range(args.runs):
            folder = os.path.join(work, f"m{run}")
            kind = make(folder, rng)
            for tool, argv in (("rmt-ask", [doc, "-q", "where is mary ?", "--model", folder]),
                               ("rmt-tool", ["encode", "--model", folder, "--text", "hello", "--output", os.path.join(work, "o.safetensors")])):
                try:
                    r = subprocess.run([os.path.join(args.bin, tool)] + argv, capture_output=True, timeout=args.timeout)
                except subprocess.TimeoutExpired:
                    findings.append((run, kind, tool, "timeout", ""))
                    continue
                err = r.stderr.decode(errors="replace")
                lines = [l for l in err.splitlines() if l.strip() and not l.startswith(("warning:", "note:")) and "tokens/s" not in l]
                outcomes[r.returncode] = outcomes.get(r.returncode, 0) + 1
                if r.returncode not in (0, 1) or "Fatal error" in err or (r.returncode == 1 and len(lines) != 1):
                    findings.append((run, kind, tool, r.returncode, err.strip()[:300]))
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"runs": args.runs, "seed": args.seed, "exit_codes": outcomes, "findings": len(findings)}))
    for f in findings: print("FINDING", f)
    sys.exit(1 if findings else 0)


if __name__ == "__main__":
    main()
