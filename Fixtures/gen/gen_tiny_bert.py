"""gen_tiny_bert.py — reference fixture for the Swift BERT forward pass.

Writes Fixtures/tiny-bert/:
  config.json, model.safetensors   a random tiny Hugging Face BertModel
                                   (2 layers, hidden 32, 4 heads, FFN 37, vocab 99)
  reference.safetensors            inputs (I64), layer-0 intermediates and the outputs

Every parameter, LayerNorm and biases included, is drawn at random so no term can hide
behind a default 0 or 1. Run once in a throwaway venv (torch, transformers, safetensors):
    python Fixtures/gen/gen_tiny_bert.py
CI never runs this; the outputs are committed.
"""
import json, os, sys
import torch
import transformers
from transformers import BertConfig, BertModel
from safetensors.torch import save_file

out_dir = os.path.join(os.path.dirname(__file__), "..", "tiny-bert")
os.makedirs(out_dir, exist_ok=True)
torch.manual_seed(1234)

cfg = BertConfig(vocab_size=99, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                 intermediate_size=37, max_position_embeddings=64, type_vocab_size=2,
                 hidden_act="gelu", layer_norm_eps=1e-12, attn_implementation="eager")
model = BertModel(cfg).eval()
with torch.no_grad():
    for name, p in model.named_parameters():
        if "LayerNorm.weight" in name:
            p.copy_(1 + 0.3 * torch.randn_like(p))
        elif p.dim() == 1:
            p.copy_(0.1 * torch.randn_like(p))
        else:
            p.copy_(0.2 * torch.randn_like(p))

B, T = 2, 13
input_ids = torch.randint(0, cfg.vocab_size, (B, T))
token_type_ids = torch.zeros(B, T, dtype=torch.long)
token_type_ids[:, 7:] = 1
attention_mask = torch.ones(B, T, dtype=torch.long)
attention_mask[1, 9:] = 0  # four padding positions in the second sequence

captured = {}
layer0 = model.encoder.layer[0]
hooks = [
    model.embeddings.register_forward_hook(lambda m, i, o: captured.__setitem__("embeddings", o)),
    layer0.attention.self.register_forward_hook(lambda m, i, o: captured.__setitem__("layer0.context", o[0])),
    layer0.attention.output.register_forward_hook(lambda m, i, o: captured.__setitem__("layer0.attention_output", o)),
    layer0.intermediate.register_forward_hook(lambda m, i, o: captured.__setitem__("layer0.intermediate", o)),
    layer0.output.register_forward_hook(lambda m, i, o: captured.__setitem__("layer0.output", o)),
]
with torch.no_grad():
    res = model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                output_attentions=True)
for h in hooks:
    h.remove()

tensors = {
    "input_ids": input_ids, "token_type_ids": token_type_ids, "attention_mask": attention_mask,
    "layer0.attention_probs": res.attentions[0],
    "last_hidden_state": res.last_hidden_state, "pooler_output": res.pooler_output,
}
tensors.update(captured)
tensors = {k: v.contiguous() for k, v in tensors.items()}
save_file(tensors, os.path.join(out_dir, "reference.safetensors"),
          metadata={"generator": "Fixtures/gen/gen_tiny_bert.py", "torch": torch.__version__,
                    "transformers": transformers.__version__})
model.save_pretrained(out_dir, safe_serialization=True)
# Keep config.json minimal and stable across transformers versions.
cfg_json = {k: getattr(cfg, k) for k in ["vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                                         "intermediate_size", "max_position_embeddings", "type_vocab_size",
                                         "hidden_act", "layer_norm_eps", "pad_token_id"]}
cfg_json.update({"model_type": "bert", "architectures": ["BertModel"], "position_embedding_type": "absolute"})
with open(os.path.join(out_dir, "config.json"), "w") as f:
    json.dump(cfg_json, f, indent=2)
    f.write("\n")
print("wrote", out_dir, {k: list(v.shape) for k, v in tensors.items()}, file=sys.stderr)
