"""gen_tiny_rmt.py — PyTorch reference of the RMT recurrence for the Swift tests.

Writes Fixtures/tiny-rmt/:
  config.json, model.safetensors, vocab.txt   a tiny random RMT model folder in the project's
        format (BERT 2 layers, hidden 32, 4 heads; 3 memory tokens; segments of 8 tokens;
        4 labels); RMT tensors are `rmt.memory_embeddings`, `rmt.classifier.{weight,bias}`.
  reference.safetensors   two documents of 3 segments each (the last ones shorter and of
        different lengths, so the Swift batch pads), the memory after every segment and the
        final logits, computed one document at a time with Hugging Face BertModel.

The recurrence follows the official RMT encoder code: segment = [CLS] m1..mM [SEP] x [SEP];
inputs_embeds = word_embeddings(ids) with rows 1..M replaced by the memory; position and
token-type embeddings and LayerNorm apply on top (BertEmbeddings); next memory = last hidden
state at rows 1..M; logits = classifier(pooler(h)) on the final segment
(BertForSequenceClassification's head, dropout off).
Run once in a throwaway venv:  python Fixtures/gen/gen_tiny_rmt.py
"""
import json, os
import torch
import transformers
from transformers import BertConfig, BertModel
from safetensors.torch import save_file

out_dir = os.path.join(os.path.dirname(__file__), "..", "tiny-rmt")
os.makedirs(out_dir, exist_ok=True)
torch.manual_seed(4321)

M, S, LABELS = 3, 8, ["alpha", "beta", "gamma", "delta"]
cfg = BertConfig(vocab_size=99, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                 intermediate_size=37, max_position_embeddings=16, type_vocab_size=2,
                 hidden_act="gelu", layer_norm_eps=1e-12, attn_implementation="eager")
bert = BertModel(cfg).eval()
with torch.no_grad():
    for name, p in bert.named_parameters():
        if "LayerNorm.weight" in name:
            p.copy_(1 + 0.3 * torch.randn_like(p))
        elif p.dim() == 1:
            p.copy_(0.1 * torch.randn_like(p))
        else:
            p.copy_(0.2 * torch.randn_like(p))
memory_embeddings = 0.5 * torch.randn(M, cfg.hidden_size)
classifier = torch.nn.Linear(cfg.hidden_size, len(LABELS))
with torch.no_grad():
    classifier.weight.copy_(0.3 * torch.randn_like(classifier.weight))
    classifier.bias.copy_(0.1 * torch.randn_like(classifier.bias))

PAD, UNK, CLS, SEP = 0, 1, 2, 3
docs = [[torch.randint(5, cfg.vocab_size, (n,)) for n in lens] for lens in ([S, S, 5], [S, S, 3])]

def run(segments):
    memory = memory_embeddings.clone()
    memories = []
    for seg in segments:
        ids = torch.cat([torch.tensor([CLS]), torch.full((M,), PAD), torch.tensor([SEP]), seg, torch.tensor([SEP])])
        emb = bert.embeddings.word_embeddings(ids).clone()
        emb[1:1 + M] = memory
        out = bert(inputs_embeds=emb[None], attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                   token_type_ids=torch.zeros(1, len(ids), dtype=torch.long))
        memory = out.last_hidden_state[0, 1:1 + M].clone()
        memories.append(memory)
    logits = classifier(out.pooler_output)[0]
    return memories, logits

ref = {}
with torch.no_grad():
    for d, segments in enumerate(docs):
        memories, logits = run(segments)
        for k, seg in enumerate(segments):
            ref[f"doc{d}.segment{k}"] = seg.to(torch.long)
            ref[f"doc{d}.memory{k}"] = memories[k]
        ref[f"doc{d}.logits"] = logits
save_file({k: v.contiguous() for k, v in ref.items()}, os.path.join(out_dir, "reference.safetensors"),
          metadata={"generator": "Fixtures/gen/gen_tiny_rmt.py", "torch": torch.__version__,
                    "transformers": transformers.__version__, "documents": "2", "segments": "3"})

tensors = {k: v.detach().contiguous() for k, v in bert.state_dict().items() if k != "embeddings.position_ids"}
tensors["rmt.memory_embeddings"] = memory_embeddings
tensors["rmt.classifier.weight"] = classifier.weight.detach()
tensors["rmt.classifier.bias"] = classifier.bias.detach()
save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(out_dir, "model.safetensors"),
          metadata={"format": "pt"})
config = {k: getattr(cfg, k) for k in ["vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                                       "intermediate_size", "max_position_embeddings", "type_vocab_size",
                                       "hidden_act", "layer_norm_eps", "pad_token_id"]}
config.update({"model_type": "bert", "position_embedding_type": "absolute",
               "rmt": {"memory_tokens": M, "segment_length": S, "labels": LABELS,
                       "question_layout": "final-segment", "lowercase": True, "format_version": 1}})
with open(os.path.join(out_dir, "config.json"), "w") as f:
    json.dump(config, f, indent=2)
    f.write("\n")
with open(os.path.join(out_dir, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"w{i}" for i in range(5, cfg.vocab_size)]) + "\n")
print("wrote", out_dir)
