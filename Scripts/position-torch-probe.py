#!/usr/bin/env python3
"""PyTorch reference for Experiment 1's training dynamics (Docs/position-encodings.md).

Issue 11's Experiment 1 found that `recall` (and passkey, parity, cycle, even-pairs) stays at its
content-only plateau in the tiny encoder for 30,000 steps. This script asks whether that is the
task and setup, or our trainer: it trains the same model in PyTorch/transformers — BERT post-LN,
`--preset tiny` (2 x 128, 2 heads, FFN 512, no dropout), 2 learned memory embeddings, the
final-segment layout `[CLS] m1 m2 [SEP] document [SEP] question [SEP]`, pooler + classifier on
[CLS], AdamW (weight decay 0.01 off biases/LayerNorm), linear warm-up then linear decay, global
norm clip 1 — on documents drawn like RMTData's RecallTask (2-6 `key digit` pairs among the same
32 filler words, 32 - 1 - |Q| document tokens), and prints validation accuracy as it goes.

Variants (flags) test what might unblock the task: --lr, --steps, --batch, --layers, --heads,
--readout query (read the answer at the question's key token instead of [CLS]), --task needle
(RMTData's NeedleTask: the digit after the one word `key`, among 2-6 distractor digits).

Needs the MiniLM vocab (every word used is one WordPiece). Not part of the test suite; a
research probe. Example:
  python Scripts/position-torch-probe.py --steps 3000 --lr 1e-3
"""
import argparse, json, math, os, random, sys, time

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel

FILLER = ["the", "grass", "is", "green", "and", "sky", "sun", "warm", "day", "night", "tree",
          "river", "hill", "road", "house", "stone", "wind", "rain", "field", "cloud", "bird",
          "song", "light", "dark", "old", "new", "long", "small", "water", "fire", "door", "wall"]
KEYS = list("bcdefghjklmnopqrstuvwxyz")
DIGITS = [str(d) for d in range(10)]


def block_offsets(rng, count, width, tokens):
    """count non-overlapping blocks of `width` at random places in `tokens` positions."""
    free = tokens - count * width
    gaps = sorted(rng.randint(0, free) for _ in range(count))
    return [g + i * width for i, g in enumerate(gaps)]


def recall_example(rng, segment):
    key = rng.randrange(len(KEYS))
    question = ["what", "is", KEYS[key], "?"]
    tokens = segment - 1 - len(question)
    count = rng.randint(2, 6)
    others = [k for k in range(len(KEYS)) if k != key]
    rng.shuffle(others)
    keys = [key] + others[:count - 1]
    rng.shuffle(keys)
    values = [rng.randrange(10) for _ in keys]
    words = [rng.choice(FILLER) for _ in range(tokens)]
    for j, off in enumerate(block_offsets(rng, count, 2, tokens)):
        words[off], words[off + 1] = KEYS[keys[j]], DIGITS[values[j]]
    return words, question, values[keys.index(key)]


def needle_example(rng, segment):
    """RMTData's NeedleTask: `key d` once and 2-6 other digits (each != d) among filler."""
    question = ["what", "is", "the", "key", "?"]
    tokens = segment - 1 - len(question)
    answer = rng.randrange(10)
    blocks = [["key", DIGITS[answer]]] + [[DIGITS[(answer + 1 + rng.randrange(9)) % 10]] for _ in range(rng.randint(2, 6))]
    rng.shuffle(blocks)
    words = [rng.choice(FILLER) for _ in range(tokens - sum(len(b) for b in blocks))]
    places = sorted(rng.randint(0, len(words)) for _ in blocks)
    for place, block in reversed(list(zip(places, blocks))):
        words[place:place] = block
    return words, question, answer


EXAMPLES = {"recall": recall_example, "needle": needle_example}


class Probe(torch.nn.Module):
    def __init__(self, args, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=args.hidden, num_hidden_layers=args.layers,
                         num_attention_heads=args.heads, intermediate_size=4 * args.hidden,
                         hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
                         max_position_embeddings=64)
        self.bert = BertModel(cfg, add_pooling_layer=True)
        self.memory = torch.nn.Parameter(torch.randn(args.memory, args.hidden) * 0.02)
        self.classifier = torch.nn.Linear(args.hidden, 11)
        self.memory_tokens = args.memory
        self.readout = args.readout

    def forward(self, ids, read_at):
        emb = self.bert.embeddings.word_embeddings(ids)                      # (B, T, C)
        m = self.memory_tokens
        emb = torch.cat([emb[:, :1], self.memory.expand(ids.shape[0], m, -1), emb[:, 1 + m:]], 1)
        out = self.bert(inputs_embeds=emb)
        if self.readout == "cls":
            pooled = out.pooler_output                                       # (B, C)
        else:
            h = out.last_hidden_state[torch.arange(ids.shape[0]), read_at]  # (B, C)
            pooled = torch.tanh(self.bert.pooler.dense(h))
        return self.classifier(pooled)                                       # (B, 11)


def batch(rng, args, vocab):
    ids, labels, read_at = [], [], []
    for _ in range(args.batch):
        words, question, label = EXAMPLES[args.task](rng, args.segment)
        seq = ["[CLS]"] + ["[unused0]"] * args.memory + ["[SEP]"] + words + ["[SEP]"] + question + ["[SEP]"]
        ids.append([vocab[w] for w in seq])
        read_at.append(len(seq) - 3)              # the question's last word (recall: the key)
        labels.append(label)
    return torch.tensor(ids), torch.tensor(labels), torch.tensor(read_at)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vocab", default=os.path.expanduser("~/.cache/rmt/all-MiniLM-L6-v2/vocab.txt"))
    p.add_argument("--task", choices=sorted(EXAMPLES), default="recall")
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--heads", type=int, default=2)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--memory", type=int, default=2)
    p.add_argument("--segment", type=int, default=32)
    p.add_argument("--readout", choices=["cls", "query"], default="cls")
    p.add_argument("--eval-every", type=int, default=250)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--compact-vocab", action="store_true",
                   help="an embedding row per word the task uses (not the 30,522 of the vocab): same dynamics for "
                        "those rows, several times faster steps")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    vocab = {w.rstrip("\n"): i for i, w in enumerate(open(args.vocab, encoding="utf-8"))}
    if args.compact_vocab:
        used = ["[PAD]", "[CLS]", "[SEP]", "[unused0]", "what", "is", "the", "key", "?"] + FILLER + KEYS + DIGITS
        vocab = {w: i for i, w in enumerate(dict.fromkeys(used))}
    model = Probe(args, len(vocab))
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "LayerNorm" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "LayerNorm" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / args.warmup if s < args.warmup else max(0.0, (args.steps - s) / (args.steps - args.warmup)))
    train_rng, valid_rng = random.Random(args.seed), random.Random(10_000 + args.seed)
    valid = [batch(valid_rng, argparse.Namespace(**{**vars(args), "batch": 100}), vocab) for _ in range(3)]
    start, losses = time.time(), []
    for step in range(1, args.steps + 1):
        ids, labels, read_at = batch(train_rng, args, vocab)
        loss = F.cross_entropy(model(ids, read_at), labels)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        losses.append(loss.item())
        if step % args.eval_every == 0 or step == args.steps:
            with torch.no_grad():
                right = sum((model(i, r).argmax(-1) == l).sum().item() for i, l, r in valid)
            print(json.dumps({"step": step, "loss": round(sum(losses) / len(losses), 4),
                              "valid_accuracy": right / 300, "seconds": round(time.time() - start, 1)}), flush=True)
            losses = []


if __name__ == "__main__":
    main()
