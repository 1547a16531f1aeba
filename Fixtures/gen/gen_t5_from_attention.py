"""gen_t5_from_attention.py — reference for T5 biases started from an absolute model's attention.

Writes Fixtures/position/t5-from-attention.json: the tiny RMT of Fixtures/tiny-rmt (BERT 2 layers,
hidden 32, 4 heads, 16 positions) read by Hugging Face BertModel (eager attention, positions
0…T−1, token type 0) on three fixed sequences of 16 token ids, and from its attention
probabilities p (layers × [B, H, T, T]):
  profile[l][r + R][h] = mean over sequences b and rows i ∈ [1 + R, 1 + (T − 2) − R) of
                         ln max(p[b, h, i, i + r], 1e-9),  r ∈ −R…R,
  R = min(max_distance, (T − 2 − 1) // 2);
  t5[l][bucket][h]     = mean of profile over the offsets in that bucket (Hugging Face's
                         bidirectional `_relative_position_bucket`); an empty bucket takes the
                         farthest measured bucket of its side; then per head the mean of buckets
                         buckets/2 − 1 and buckets − 1 is subtracted;
for two T5 settings: (8 buckets, max distance 5: every bucket measured, two log buckets averaged)
and (8 buckets, max distance 64: bucket 3 and 7 empty, copied). The Swift side
(RMTRecurrence/PositionFromAttention.swift) must agree to 1e-4.
Run once in a throwaway venv (torch, transformers, safetensors):
    python Fixtures/gen/gen_t5_from_attention.py
"""
import json, os
import torch
import transformers
from safetensors.torch import load_file
from transformers import BertConfig, BertModel
from transformers.models.t5.modeling_t5 import T5Attention

root = os.path.join(os.path.dirname(__file__), "..")
rmt = os.path.join(root, "tiny-rmt")
raw = json.load(open(os.path.join(rmt, "config.json")))
cfg = BertConfig(**{k: v for k, v in raw.items() if k not in ("rmt", "architectures")}, attn_implementation="eager")
bert = BertModel(cfg, add_pooling_layer=False).eval()
state = {k: v for k, v in load_file(os.path.join(rmt, "model.safetensors")).items() if not k.startswith(("rmt.", "pooler."))}
missing, unexpected = bert.load_state_dict(state, strict=False)
assert not unexpected and all("position_ids" in m for m in missing), (missing, unexpected)

torch.manual_seed(2911)
T = cfg.max_position_embeddings
sequences = torch.randint(0, cfg.vocab_size, (3, T))
with torch.no_grad():
    attentions = bert(sequences, output_attentions=True).attentions


def bucket(r, buckets, max_distance):
    return int(T5Attention._relative_position_bucket(torch.tensor(r), bidirectional=True, num_buckets=buckets,
                                                     max_distance=max_distance))


out = {"generator": "Fixtures/gen/gen_t5_from_attention.py", "torch": torch.__version__,
       "transformers": transformers.__version__, "sequences": sequences.tolist(), "settings": []}
for buckets, max_distance in [(8, 5), (8, 64)]:
    text = T - 2
    R = min(max_distance, (text - 1) // 2)
    rows = torch.arange(1 + R, 1 + text - R)
    profiles, tables = [], []
    for a in attentions:
        logp = torch.log(a.double().clamp_min(1e-9))  # [B, H, T, T]
        H = logp.shape[1]
        profile = torch.stack([logp[:, :, rows, rows + r].mean(dim=(0, 2)) for r in range(-R, R + 1)])  # [2R+1, H]
        table = torch.zeros(buckets, H, dtype=torch.float64)
        count = [0] * buckets
        for k, r in enumerate(range(-R, R + 1)):
            b = bucket(r, buckets, max_distance)
            table[b] += profile[k]
            count[b] += 1
        for b in range(buckets):
            if count[b]:
                table[b] /= count[b]
        half = buckets // 2
        for b in range(buckets):
            if count[b] == 0:
                side = range(half) if b < half else range(half, buckets)
                measured = [c for c in side if count[c]]
                if measured:
                    table[b] = table[max(measured)]
        table -= (table[half - 1] + table[buckets - 1]) / 2
        profiles.append(profile.tolist())
        tables.append(table.tolist())
    out["settings"].append({"buckets": buckets, "max_distance": max_distance, "reach": R,
                            "empty_buckets": [b for b in range(buckets) if count[b] == 0],
                            "profile": profiles, "t5_bias": tables})
path = os.path.join(root, "position", "t5-from-attention.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path, [(s["buckets"], s["max_distance"], s["reach"], s["empty_buckets"]) for s in out["settings"]])
