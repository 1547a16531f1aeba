"""gen_rmt_gradients.py — every parameter gradient of the tiny RMT over 3 segments.

Reads the model and documents of Fixtures/tiny-rmt (written by gen_tiny_rmt.py) and writes
Fixtures/tiny-rmt/gradients.safetensors with, for each mode, the loss and the gradient of
every tensor (named `{mode}.{tensor name}`):
  full        gradient through all three segments and into rmt.memory_embeddings;
  truncated2  the project's `--bptt-depth 2`: only the last two segments get gradient
              (the memory entering segment 1 is detached; the official code's bptt_depth=1);
  sumloss     full BPTT with the answer loss summed over the three segments.
Loss: mean cross-entropy over the batch of two documents (labels 1 and 3) of the logits
classifier(tanh(pooler(h_cls))). Batched with padding exactly as the Swift batch is.
Run once in a throwaway venv:  python Fixtures/gen/gen_rmt_gradients.py
"""
import json, os
import torch
import transformers
from transformers import BertConfig, BertModel
from safetensors.torch import load_file, save_file

d = os.path.join(os.path.dirname(__file__), "..", "tiny-rmt")
cfg_json = json.load(open(os.path.join(d, "config.json")))
rmt = cfg_json.pop("rmt")
M = rmt["memory_tokens"]
cfg = BertConfig(**{k: v for k, v in cfg_json.items() if k not in ("model_type", "position_embedding_type")},
                 attn_implementation="eager")
weights = load_file(os.path.join(d, "model.safetensors"))
ref = load_file(os.path.join(d, "reference.safetensors"))
torch.set_default_dtype(torch.float64)  # gradients in double; the Swift float result is compared with a tolerance

def build():
    bert = BertModel(cfg).double().eval()
    bert.load_state_dict({k: v.double() for k, v in weights.items() if not k.startswith("rmt.")}, strict=True)
    params = {k: p for k, p in bert.named_parameters()}
    mem = weights["rmt.memory_embeddings"].double().clone().requires_grad_(True)
    cw = weights["rmt.classifier.weight"].double().clone().requires_grad_(True)
    cb = weights["rmt.classifier.bias"].double().clone().requires_grad_(True)
    params.update({"rmt.memory_embeddings": mem, "rmt.classifier.weight": cw, "rmt.classifier.bias": cb})
    return bert, params

PAD, CLS, SEP = 0, 2, 3
labels = torch.tensor([1, 3])
segments = [[ref[f"doc{b}.segment{k}"] for b in range(2)] for k in range(3)]

def segment_batch(contents):
    T = M + 3 + max(len(c) for c in contents)
    ids, mask = [], []
    for c in contents:
        row = [CLS] + [PAD] * M + [SEP] + c.tolist() + [SEP]
        mask.append([1] * len(row) + [0] * (T - len(row)))
        ids.append(row + [PAD] * (T - len(row)))
    return torch.tensor(ids), torch.tensor(mask)

def run(mode):
    bert, params = build()
    N = len(segments)
    depth = {"full": N, "truncated2": 2, "sumloss": N}[mode]
    memory = params["rmt.memory_embeddings"][None].expand(2, M, -1)
    loss = 0
    for k in range(N):
        if k <= N - depth and depth < N:
            memory = memory.detach()
        ids, mask = segment_batch(segments[k])
        emb = bert.embeddings.word_embeddings(ids)
        emb = torch.cat([emb[:, :1], memory, emb[:, 1 + M:]], dim=1)
        out = bert(inputs_embeds=emb, attention_mask=mask, token_type_ids=torch.zeros_like(ids))
        memory = out.last_hidden_state[:, 1:1 + M]
        if mode == "sumloss" or k == N - 1:
            logits = out.pooler_output @ params["rmt.classifier.weight"].T + params["rmt.classifier.bias"]
            loss = loss + torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()
    res = {f"{mode}.loss": loss.detach().reshape(1)}
    for name, p in params.items():
        res[f"{mode}.{name}"] = (p.grad if p.grad is not None else torch.zeros_like(p)).detach()
    return res

out = {}
for mode in ["full", "truncated2", "sumloss"]:
    out.update(run(mode))
save_file({k: v.float().contiguous() for k, v in out.items()}, os.path.join(d, "gradients.safetensors"),
          metadata={"generator": "Fixtures/gen/gen_rmt_gradients.py", "torch": torch.__version__,
                    "transformers": transformers.__version__, "labels": "1,3", "precision": "float64"})
print({k: float(v) for k, v in out.items() if k.endswith(".loss")})
