"""bench_rmt_torch.py — the PyTorch reference for `rmt-ask`: read a long text file through
an RMT segment by segment and answer a question, the way a Python user would write it.

  tokens  = BertWordPieceTokenizer(MiniLM vocab.txt, lowercase).encode(file text)  (no specials)
  for each full 499-token segment:  [CLS] m1..m10 [SEP] x1..x499 [SEP]
      emb = word_embeddings(ids), rows 1..M replaced by the memory;  h = BertModel(inputs_embeds=emb)
      memory = h[:, 1..M]
  final segment(s) per Docs/question-layout.md: `R [SEP] Q` if |R| + 1 + |Q| ≤ 499, else R then `[SEP] Q`
  answer = softmax(classifier(tanh(pooler(h_cls)))) of the final segment
fp32, torch.inference_mode, 2 threads. With --model DIR (an RMT folder from
`rmt-tool create-model`) the weights, vocab and labels are that folder's, so the answer can
be compared with rmt-ask's; without it, a random small RMT (seed 1) with the MiniLM vocab.
`seconds` covers reading + tokenizing + the recurrence + the answer (as rmt-ask's does);
model loading is reported separately. Prints one JSON line (peak RSS from getrusage, KiB).

    python Scripts/bench_rmt_torch.py FILE [-q "Where is Mary?"] [--model DIR] [--attn eager]
Needs torch + transformers + tokenizers (e.g. /root/venv-ref); never needed by CI.
"""
import argparse, json, os, resource, sys, time

os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch  # noqa: E402
from tokenizers import BertWordPieceTokenizer  # noqa: E402
from transformers import BertConfig, BertModel  # noqa: E402

SMALL = dict(hidden_size=256, num_hidden_layers=4, num_attention_heads=4, intermediate_size=1024)
DEFAULT_LABELS = ["bathroom", "hallway", "garden", "office", "bedroom", "kitchen", "unknown"]  # = Swift defaultLabels


def default_vocab():
    d = os.environ.get("RMT_MINILM_DIR")
    if d:
        return os.path.join(d, "vocab.txt")
    cache = os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache"))
    return os.path.join(cache, "rmt", "all-MiniLM-L6-v2", "vocab.txt")


def load_model(args):
    """Returns (bert, memory_embeddings, classifier, settings, vocab path)."""
    if args.model:
        from safetensors.torch import load_file
        with open(os.path.join(args.model, "config.json")) as f:
            raw = json.load(f)
        rmt = raw["rmt"]
        keys = ["vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                "max_position_embeddings", "type_vocab_size", "layer_norm_eps", "hidden_act", "pad_token_id"]
        cfg = BertConfig(**{k: raw[k] for k in keys if k in raw}, attn_implementation=args.attn)
        weights = load_file(os.path.join(args.model, "model.safetensors"))
        bert = BertModel(cfg, add_pooling_layer=True)
        bert.load_state_dict({k: v.float() for k, v in weights.items() if not k.startswith("rmt.")}, strict=False)
        memory = weights["rmt.memory_embeddings"].float()
        classifier = torch.nn.Linear(cfg.hidden_size, len(rmt["labels"]))
        classifier.weight.data.copy_(weights["rmt.classifier.weight"].float())
        classifier.bias.data.copy_(weights["rmt.classifier.bias"].float())
        return bert.eval(), memory, classifier.eval(), rmt, os.path.join(args.model, "vocab.txt")
    torch.manual_seed(1)
    vocab = default_vocab()
    with open(vocab, encoding="utf-8") as f:
        vocab_size = sum(1 for _ in f)
    cfg = BertConfig(vocab_size=vocab_size, max_position_embeddings=512, attn_implementation=args.attn, **SMALL)
    bert = BertModel(cfg, add_pooling_layer=True).eval()
    memory = 0.02 * torch.randn(10, cfg.hidden_size)
    classifier = torch.nn.Linear(cfg.hidden_size, len(DEFAULT_LABELS)).eval()
    rmt = {"memory_tokens": 10, "segment_length": 499, "labels": DEFAULT_LABELS, "lowercase": True}
    return bert, memory, classifier, rmt, vocab


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("-q", "--question", default="Where is Mary?")
    ap.add_argument("--model", help="RMT model folder (rmt-tool create-model); default: random small RMT")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--attn", default="sdpa", choices=["sdpa", "eager"])
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    t_load = time.perf_counter()
    bert, memory_embeddings, classifier, rmt, vocab = load_model(args)
    M, S = rmt["memory_tokens"], rmt["segment_length"]
    tokenizer = BertWordPieceTokenizer(vocab, lowercase=rmt.get("lowercase", True))
    cls, sep, pad = (tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", "[PAD]"))
    load_seconds = time.perf_counter() - t_load

    start = time.perf_counter()
    with open(args.file, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    ids = tokenizer.encode(text, add_special_tokens=False).ids
    del text
    question = tokenizer.encode(args.question, add_special_tokens=False).ids
    tokenize_seconds = time.perf_counter() - start
    if not ids:
        sys.exit("the file contains no text")
    if len(question) + 1 > S:
        sys.exit("the question does not fit in one segment")

    full = len(ids) // S
    rest = ids[full * S:]
    if len(rest) + 1 + len(question) <= S:
        finals = [rest + [sep] + question]
    else:
        finals = [rest, [sep] + question]
    prefix = torch.tensor([cls] + [pad] * M + [sep])
    suffix = torch.tensor([sep])
    word_embeddings = bert.embeddings.word_embeddings
    segments = 0
    with torch.inference_mode():
        memory = memory_embeddings[None].clone()
        all_ids = torch.tensor(ids)

        def step(content):
            row = torch.cat([prefix, content, suffix])[None]
            emb = word_embeddings(row)
            emb[:, 1:1 + M] = memory
            return bert(inputs_embeds=emb, token_type_ids=torch.zeros_like(row))

        for k in range(full):
            out = step(all_ids[k * S:(k + 1) * S])
            memory = out.last_hidden_state[:, 1:1 + M]
            segments += 1
        for content in finals:
            out = step(torch.tensor(content, dtype=torch.long))
            memory = out.last_hidden_state[:, 1:1 + M]
            segments += 1
        logits = classifier(out.pooler_output)[0]
        probs = torch.softmax(logits, dim=0)
    seconds = time.perf_counter() - start
    best = int(torch.argmax(probs))
    print(json.dumps({
        "impl": "pytorch", "bench": "ask", "answer": rmt["labels"][best], "probability": round(float(probs[best]), 6),
        "logits": [round(float(x), 5) for x in logits], "tokens": len(ids), "segments": segments,
        "seconds": round(seconds, 3), "tokens_per_second": round(len(ids) / seconds, 3),
        "tokenize_seconds": round(tokenize_seconds, 3), "load_seconds": round(load_seconds, 3),
        "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "threads": args.threads, "attn": args.attn, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
