"""bench_train_torch.py — the PyTorch reference for `rmt-tool bench --train`: one full RMT
training step on a random-weight model, fp32 (or bf16 autocast: --precision bf16), 2 threads.

The step is the project's (and the official RMT code's) recipe, as in
Fixtures/gen/gen_rmt_gradients.py:
  for each of N segments [CLS] m1..m10 [SEP] x1..x499 [SEP] (batch B, random tokens):
      emb = word_embeddings(ids) with rows 1..M replaced by the memory
      h   = BertModel(inputs_embeds=emb)            (HF BertModel, dropout off)
      memory = h[:, 1..M]
  loss = cross_entropy(classifier(tanh(pooler(h_cls))) of the final segment, labels)
  loss.backward()                                   (full BPTT through the memory)
  clip_grad_norm_(params, 1.0); AdamW.step() (weight decay 0.01 on matrices/embeddings only,
  as the Swift AdamW); zero_grad
Prints one JSON line with the same fields as the Swift bench.

    python Scripts/bench_train_torch.py --config small --segments 4 --batch 4 [--attn eager]
        [--bptt full|truncated:K|memory-efficient] [--steps 5]
`memory-efficient` recomputes each segment in the backward pass (torch.utils.checkpoint per
segment), the PyTorch counterpart of the Swift mode. Needs torch + transformers (never in CI).
"""
import argparse, json, resource, statistics, time
import torch
from transformers import BertConfig, BertModel
from torch.utils.checkpoint import checkpoint

PRESETS = {
    "tiny": dict(hidden_size=128, num_hidden_layers=2, num_attention_heads=2, intermediate_size=512),
    "small": dict(hidden_size=256, num_hidden_layers=4, num_attention_heads=4, intermediate_size=1024),
    "minilm": dict(hidden_size=384, num_hidden_layers=6, num_attention_heads=12, intermediate_size=1536),  # Models/default
    "base": dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072),
}
M, S, LABELS = 10, 499, 6
PAD, UNK, CLS, SEP = 0, 1, 2, 3


class RMT(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=True)
        self.memory = torch.nn.Parameter(0.02 * torch.randn(M, cfg.hidden_size))
        self.classifier = torch.nn.Linear(cfg.hidden_size, LABELS)

    def segment(self, ids, memory):
        emb = self.bert.embeddings.word_embeddings(ids)
        emb = torch.cat([emb[:, :1], memory, emb[:, 1 + M:]], dim=1)
        out = self.bert(inputs_embeds=emb, token_type_ids=torch.zeros_like(ids))
        return out.last_hidden_state[:, 1:1 + M], out.pooler_output

    def forward(self, segments, bptt):
        B = segments[0].shape[0]
        memory = self.memory[None].expand(B, M, -1)
        N = len(segments)
        depth = N if bptt in ("full", "memory-efficient") else min(max(int(bptt.split(":")[1]), 1), N)
        for k, ids in enumerate(segments):
            if k < N - depth:
                with torch.no_grad():
                    memory, _ = self.segment(ids, memory)
                continue
            if k == N - depth and depth < N:
                memory = memory.detach()
            if bptt == "memory-efficient":
                memory, pooled = checkpoint(self.segment, ids, memory, use_reentrant=False)
            else:
                memory, pooled = self.segment(ids, memory)
        return self.classifier(pooled)


def segment_ids(B, vocab):
    x = torch.randint(5, vocab, (B, S))
    cls = torch.full((B, 1), CLS)
    sep = torch.full((B, 1), SEP)
    return torch.cat([cls, torch.full((B, M), PAD), sep, x, sep], dim=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="small", choices=PRESETS)
    ap.add_argument("--segments", type=int, default=4)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--attn", default="sdpa", choices=["sdpa", "eager"])
    ap.add_argument("--bptt", default="full")
    ap.add_argument("--precision", default="fp32", choices=["fp32", "bf16"],
                    help="bf16: the forward under torch.autocast('cpu', bfloat16) (mixed precision; fp32 weights, "
                         "gradients and AdamW), the peer of rmt-train --precision bf16")
    a = ap.parse_args()
    if not (a.bptt in ("full", "memory-efficient") or (a.bptt.startswith("truncated:") and a.bptt[10:].isdigit())):
        ap.error("--bptt must be full, memory-efficient or truncated:K")
    torch.manual_seed(1)
    torch.set_num_threads(a.threads)
    cfg = BertConfig(vocab_size=30522, max_position_embeddings=512, attn_implementation=a.attn,
                     hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, **PRESETS[a.config])
    model = RMT(cfg).train()
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.999), eps=1e-8)
    params = list(model.parameters())
    total, fb, clip, adam = [], [], [], []
    for i in range(a.warmup + a.steps):
        segments = [segment_ids(a.batch, cfg.vocab_size) for _ in range(a.segments)]
        labels = torch.randint(0, LABELS, (a.batch,))
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16"):
            logits = model(segments, a.bptt)
        loss = torch.nn.functional.cross_entropy(logits.float(), labels)
        loss.backward()
        t1 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        t2 = time.perf_counter()
        opt.step()
        t3 = time.perf_counter()
        if i >= a.warmup:
            total.append(t3 - t0); fb.append(t1 - t0); clip.append(t2 - t1); adam.append(t3 - t2)
    med = statistics.median(total)
    T = M + S + 3
    print(json.dumps({
        "impl": "pytorch", "bench": "train", "config": a.config, "bptt": a.bptt, "segments": a.segments,
        "batch": a.batch, "seq_len": T, "steps": a.steps,
        "ms_per_step": round(med * 1000, 3), "ms_min": round(min(total) * 1000, 3),
        "tokens_per_second": round(a.batch * a.segments * T / med, 3),
        "ms_forward_backward": round(statistics.median(fb) * 1000, 3),
        "ms_clip": round(statistics.median(clip) * 1000, 3), "ms_adamw": round(statistics.median(adam) * 1000, 3),
        "loss": round(loss.item(), 4), "parameters": sum(p.numel() for p in params),
        "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(), "threads": a.threads, "attn": a.attn, "precision": a.precision,
        "torch": torch.__version__}))


if __name__ == "__main__":
    main()
