"""gen_position_schemes.py — PyTorch reference of the in-segment position schemes for the Swift tests.

For every scheme below writes Fixtures/position/<name>/:
  config.json, model.safetensors, vocab.txt   the tiny RMT of Fixtures/tiny-rmt (BERT 2 layers,
        hidden 32, 4 heads; 3 memory tokens; segments of 8 tokens; 4 labels) with an
        `rmt_position` scheme and seeded random position tensors
        (`encoder.layer.{l}.attention.self.position.*`);
  reference.safetensors   the two documents of tiny-rmt (3 segments each, the last ones of
        different lengths so the batch pads), the memory after every segment, the final logits,
        and the loss (mean cross-entropy, labels 1 and 3) with the gradient of EVERY tensor
        under full BPTT, computed in float64 by autograd.

The encoder here is written out (not Hugging Face): embeddings = LN(word + token type) — no
absolute position for a relative scheme —, then per layer and head
  Z = λ[b,h]·QKᵀ/√d + bias,  λ[b,h] = temperature_h · log(n_b)/log(n0)  (each factor optional),
  bias[i,j] = table_h[t_j − t_i + W − 1] for two text positions, type_bias[h, kind_i, kind_j]
  otherwise (kinds: 0 [CLS], 1 memory, 2 first [SEP], 3 text, 4 final [SEP] and padding;
  the `none` scheme has no table: text–text pairs get 0),
with the distance tables of Docs/position-encodings.md. Two content-dependent schemes on top:
  cope  gates g = σ(QKᵀ/√d) on text keys, two-sided counts p (key at or left of the query:
        Σ_{t_j ≤ t_k ≤ t_i} g; right: Σ_{t_i ≤ t_k ≤ t_j} g, by cumulative sums), clamped at npos − 1,
        Z += interp(q·e_side[⌊p⌋], q·e_side[⌊p⌋+1]; p − ⌊p⌋)/√d on text–text pairs;
  dape  Z = X + B + Linear(32→H)(LeakyReLU(Linear(2H→w)([X; B]))) per pair, X = λ·QKᵀ/√d,
        B the base scheme's bias (table + type-pair bias).
A check at the start runs the same code with absolute positions and compares it with tiny-rmt's
Hugging Face logits.
Run:  /path/to/venv/bin/python Fixtures/gen/gen_position_schemes.py [FOLDER…]   (default: every folder)
"""
import json, math, os, shutil, sys
import torch
from safetensors.torch import load_file, save_file

torch.set_default_dtype(torch.float64)
here = os.path.dirname(__file__)
tiny = os.path.join(here, "..", "tiny-rmt")
cfg_json = json.load(open(os.path.join(tiny, "config.json")))
rmt = cfg_json["rmt"]
M, S, L, H, C = rmt["memory_tokens"], rmt["segment_length"], cfg_json["num_hidden_layers"], \
    cfg_json["num_attention_heads"], cfg_json["hidden_size"]
d_head = C // H
base = {k: v.double() for k, v in load_file(os.path.join(tiny, "model.safetensors")).items()}
ref = load_file(os.path.join(tiny, "reference.safetensors"))
PAD, CLS, SEP = 0, 2, 3
labels = torch.tensor([1, 3])
docs = [[ref[f"doc{b}.segment{k}"] for b in range(2)] for k in range(3)]
W = S  # the span: text offsets run over −(S−1)…S−1


def alibi_slopes(n):
    def p2(n):
        start = 2 ** (-2 ** -(math.log2(n) - 3))
        return [start ** (i + 1) for i in range(n)]
    if math.log2(n).is_integer():
        return p2(n)
    c = 2 ** math.floor(math.log2(n))
    return p2(c) + alibi_slopes(2 * c)[0::2][: n - c]


def t5_bucket(r, buckets, max_distance):
    """Bidirectional T5 bucket of key−query offsets r (a long tensor), in float32 like Hugging Face."""
    nb = buckets // 2
    out = (r > 0).long() * nb
    n = r.abs()
    max_exact = nb // 2
    large = max_exact + (torch.log(n.float() / max_exact) / math.log(max_distance / max_exact)
                         * (nb - max_exact)).to(torch.long)
    large = torch.minimum(large, torch.full_like(large, nb - 1))
    return out + torch.where(n < max_exact, n, large)


def table(pos, P):
    """(H, 2W−1) bias by key−query offset r = t_j − t_i."""
    r = torch.arange(-(W - 1), W)
    ad = r.abs().double()
    left = r < 0
    s = pos["dape_base"] if pos["scheme"] == "dape" else pos["scheme"]
    def side(x):  # x: (2, H) → (H, 2W−1), row 0 for keys left of the query
        return torch.where(left[None, :], x[0][:, None], x[1][:, None])
    if s == "alibi":
        m = torch.tensor(alibi_slopes(H))[:, None]
        return -m * ad[None] + pos.get("alibi_left_offset", 0.5) * m * left[None].double()
    if s == "kerple_log":
        r1, r2 = side(P["kerple_r1"].clamp(min=0.01)), side(P["kerple_r2"].clamp(min=0.01))
        return -r1 * torch.log(1 + r2 * ad[None])
    if s == "kerple_power":
        a, p = side(P["kerple_a"].clamp(min=0.01)), side(P["kerple_p"].clamp(0.01, 2))
        safe = ad.clamp(min=1)[None]
        return torch.where(ad[None] > 0, -a * safe ** p, torch.zeros_like(a))
    if s == "t5":
        k = t5_bucket(r, pos["t5_buckets"], pos["t5_max_distance"])
        return P["t5_bias"][k].T
    if s == "fire":
        c, lm = P["fire_c"][0], P["fire_l_multiplier"][0]
        n = torch.maximum(lm.abs() * pos["fire_init_l"], torch.tensor(float(W - 1)))
        u = torch.log(c.abs() * ad + 1) / (torch.log(c.abs() * n + 1) + 1e-6)
        h = torch.relu(u[:, None] * P["fire_w1"][None] + P["fire_b1"][None])
        y = h @ P["fire_w2"].T + P["fire_b2"]  # (2W−1, 2H)
        return torch.where(left[None, :], y[:, :H].T, y[:, H:].T)
    raise ValueError(s)


def cope_term(S, q, e, npos, text):
    """CoPE's logit term for every pair (used on text–text pairs only); text keys form one run."""
    g = torch.sigmoid(S) * text[:, None, None, :].double()         # gates on text keys only
    cum = g.cumsum(-1)                                              # inclusive prefix sums over keys
    cum_ii = cum.diagonal(dim1=-2, dim2=-1)[..., :, None]          # (B, H, T, 1)
    g_ii = g.diagonal(dim1=-2, dim2=-1)[..., :, None]
    T = S.shape[-1]
    left = (torch.arange(T)[None, :] <= torch.arange(T)[:, None])   # key j at or left of query i
    p = torch.where(left, cum_ii - cum + g, cum - cum_ii + g_ii).clamp(max=npos - 1)
    f = p.floor().long()
    c = (f + 1).clamp(max=npos - 1)
    w = p - f
    out = []
    for side in range(2):
        E = q @ e[side].T                                           # (B, H, T, npos)
        out.append(E.gather(-1, f) * (1 - w) + E.gather(-1, c) * w)
    return torch.where(left, out[0], out[1]) / math.sqrt(d_head)


def layout(contents, T):
    kinds, tix = [], []
    for c in contents:
        n = len(c)
        kinds.append([0] + [1] * M + [2] + [3] * n + [4] * (T - M - 2 - n))
        tix.append([-1] * (M + 2) + list(range(n)) + [-1] * (T - M - 2 - n))
    return torch.tensor(kinds), torch.tensor(tix)


def encoder(P, pos, ids, mask, kinds, tix, absolute):
    """The written-out BERT with position terms; returns the last hidden state (B, T, C)."""
    B, T = ids.shape
    x = P["emb"]
    x = x + P["embeddings.token_type_embeddings.weight"][torch.zeros_like(ids)]
    if absolute:
        x = x + P["embeddings.position_embeddings.weight"][torch.arange(T)][None]
    ln = lambda v, n: torch.nn.functional.layer_norm(v, (C,), P[n + ".weight"], P[n + ".bias"], eps=1e-12)
    x = ln(x, "embeddings.LayerNorm")
    add_mask = (1 - mask[:, None, None, :].double()) * torch.finfo(torch.float64).min
    n_valid = mask.sum(1).double()
    text = kinds == 3
    both = text[:, :, None] & text[:, None, :]                       # (B, T, T)
    off = (tix[:, None, :] - tix[:, :, None]).clamp(-(W - 1), W - 1) + W - 1
    for l in range(L):
        p = f"encoder.layer.{l}."
        def lin(v, n):
            return v @ P[p + n + ".weight"].T + P[p + n + ".bias"]
        q, k, v = (lin(x, f"attention.self.{m}").view(B, T, H, d_head).transpose(1, 2) for m in ("query", "key", "value"))
        S = q @ k.transpose(-1, -2) / math.sqrt(d_head)               # (B, H, T, T)
        z = S
        scale = torch.ones(B, H)
        if pos and pos["temperature"] in ("per_head", "per_head_log_n"):
            scale = scale * P[p + "attention.self.position.temperature"][None]
        if pos and pos["temperature"] in ("log_n", "per_head_log_n"):
            scale = scale * (torch.log(n_valid) / math.log(pos["log_n_base"]))[:, None]
        z = z * scale[:, :, None, None]
        if pos and pos["scheme"] != "absolute":
            pp = {n.split("position.")[1]: t for n, t in P.items() if n.startswith(p + "attention.self.position.")}
            beta = pp["type_bias"]                                    # (H, 5, 5)
            tb = beta[:, kinds[:, :, None], kinds[:, None, :]].permute(1, 0, 2, 3)  # (B, H, T, T)
            if pos["scheme"] == "cope":
                z = z + torch.where(both[:, None], cope_term(S, q, pp["cope_embeddings"], pos["cope_npos"], text),
                                    torch.zeros_like(z))
            if pos["scheme"] not in ("none", "cope") and not (pos["scheme"] == "dape" and pos["dape_base"] == "none"):
                tab = table(pos, pp)                                  # (H, 2W−1)
                db = tab[:, off].permute(1, 0, 2, 3)
            else:
                db = torch.zeros_like(tb)                             # no text positions at all
            tb = torch.where(both[:, None], db, tb)
            if pos["scheme"] == "dape":
                inp = torch.cat([z, tb], dim=1).permute(0, 2, 3, 1)   # (B, T, T, 2H): [X; B] per pair
                hid = torch.nn.functional.leaky_relu(inp @ pp["dape_w1"].T + pp["dape_b1"], 0.01)
                z = z + (hid @ pp["dape_w2"].T + pp["dape_b2"]).permute(0, 3, 1, 2)
            z = z + tb
        a = torch.softmax(z + add_mask, dim=-1)
        ctx = (a @ v).transpose(1, 2).reshape(B, T, C)
        x = ln(x + lin(ctx, "attention.output.dense"), p + "attention.output.LayerNorm")
        f = torch.nn.functional.gelu(lin(x, "intermediate.dense"))
        x = ln(x + lin(f, "output.dense"), p + "output.LayerNorm")
    return x


def run(P, pos, absolute):
    memory = P["rmt.memory_embeddings"][None].expand(2, M, -1)
    memories = []
    for contents in docs:
        T = M + 3 + max(len(c) for c in contents)
        ids, mask = [], []
        for c in contents:
            row = [CLS] + [PAD] * M + [SEP] + c.tolist() + [SEP]
            mask.append([1] * len(row) + [0] * (T - len(row)))
            ids.append(row + [PAD] * (T - len(row)))
        ids, mask = torch.tensor(ids), torch.tensor(mask)
        kinds, tix = layout(contents, T)
        emb = P["embeddings.word_embeddings.weight"][ids]
        P["emb"] = torch.cat([emb[:, :1], memory, emb[:, 1 + M:]], dim=1)
        h = encoder(P, pos, ids, mask, kinds, tix, absolute)
        memory = h[:, 1:1 + M]
        memories.append(memory)
    pooled = torch.tanh(h[:, 0] @ P["pooler.dense.weight"].T + P["pooler.dense.bias"])
    logits = pooled @ P["rmt.classifier.weight"].T + P["rmt.classifier.bias"]
    return memories, logits


# Sanity check of the written-out encoder: with absolute positions it reproduces tiny-rmt's logits,
# which gen_tiny_rmt.py computed with Hugging Face BertModel.
with torch.no_grad():
    mem, logits = run(dict(base), None, absolute=True)
    for d in range(2):
        assert torch.allclose(logits[d].float(), ref[f"doc{d}.logits"], atol=1e-5), "written-out BERT ≠ reference"

SCHEMES = {
    "alibi": {"scheme": "alibi", "temperature": "per_head", "alibi_left_offset": 0.5},
    "kerple_log": {"scheme": "kerple_log", "temperature": "log_n", "log_n_base": M + S + 3},
    "kerple_power": {"scheme": "kerple_power", "temperature": "none"},
    "t5": {"scheme": "t5", "temperature": "per_head_log_n", "t5_buckets": 8, "t5_max_distance": 6,
           "log_n_base": M + S + 3},
    "fire": {"scheme": "fire", "temperature": "none", "fire_width": 6, "fire_init_l": 6.0},
    "none": {"scheme": "none", "temperature": "per_head"},
    "cope": {"scheme": "cope", "temperature": "per_head", "cope_npos": 5},
    "dape_kerple_log": {"scheme": "dape", "temperature": "log_n", "log_n_base": M + S + 3, "dape_base": "kerple_log",
                        "dape_width": 6},
}


def shapes(pos):
    out = {"type_bias": (H, 5, 5)}
    if pos["temperature"] in ("per_head", "per_head_log_n"):
        out["temperature"] = (H,)
    s = pos["dape_base"] if pos["scheme"] == "dape" else pos["scheme"]
    if pos["scheme"] == "cope":
        out["cope_embeddings"] = (2, pos["cope_npos"], d_head)
    if pos["scheme"] == "dape":
        w = pos["dape_width"]
        out.update(dape_w1=(w, 2 * H), dape_b1=(w,), dape_w2=(H, w), dape_b2=(H,))
    if s == "kerple_log":
        out.update(kerple_r1=(2, H), kerple_r2=(2, H))
    if s == "kerple_power":
        out.update(kerple_a=(2, H), kerple_p=(2, H))
    if s == "t5":
        out["t5_bias"] = (pos["t5_buckets"], H)
    if s == "fire":
        w = pos["fire_width"]
        out.update(fire_w1=(w,), fire_b1=(w,), fire_w2=(2 * H, w), fire_b2=(2 * H,), fire_c=(1,),
                   fire_l_multiplier=(1,))
    return out


def init(name, shape, g):
    r = torch.randn(shape, generator=g)
    if name == "temperature":
        return 1 + 0.3 * r
    if name in ("kerple_r1", "kerple_r2", "kerple_a"):
        return 0.2 + 0.5 * r.abs()
    if name == "kerple_p":
        return 0.5 + 0.4 * torch.rand(shape, generator=g)
    if name == "fire_c":
        return torch.tensor([0.3])
    if name == "fire_l_multiplier":
        return torch.tensor([1.5])  # N = 1.5·6 = 9 > W − 1 = 7: the multiplier's gradient is live
    return 0.5 * r


out_root = os.path.join(here, "..", "position")
only = set(sys.argv[1:])
for i, (name, pos) in enumerate(SCHEMES.items()):
    if only and name not in only:
        continue
    g = torch.Generator().manual_seed(100 + i)
    P = {k: v.clone() for k, v in base.items()}
    for l in range(L):
        for t, shape in shapes(pos).items():
            P[f"encoder.layer.{l}.attention.self.position.{t}"] = init(t, shape, g)
    for v in P.values():
        v.requires_grad_(True)
    memories, logits = run(P, pos, absolute=False)
    loss = torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()
    P.pop("emb")
    res = {"loss": loss.detach().reshape(1), "logits": logits.detach()}
    for k, seg in enumerate(docs):
        res[f"memory{k}"] = memories[k].detach()
        for d in range(2):
            res[f"doc{d}.segment{k}"] = seg[d].to(torch.long)
    for n, t in P.items():
        res[f"grad.{n}"] = t.grad if t.grad is not None else torch.zeros_like(t)
    folder = os.path.join(out_root, name)
    os.makedirs(folder, exist_ok=True)
    save_file({k: (v.float() if v.is_floating_point() else v).contiguous() for k, v in res.items()},
              os.path.join(folder, "reference.safetensors"),
              metadata={"generator": "Fixtures/gen/gen_position_schemes.py", "torch": torch.__version__,
                        "labels": "1,3", "precision": "float64", "bptt": "full"})
    save_file({k: v.detach().float().contiguous() for k, v in P.items()}, os.path.join(folder, "model.safetensors"),
              metadata={"format": "pt"})
    config = dict(cfg_json)
    config["position_embedding_type"] = "rmt_relative"
    config["rmt_position"] = pos
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    shutil.copy(os.path.join(tiny, "vocab.txt"), os.path.join(folder, "vocab.txt"))
    print(name, "loss", loss.item())
