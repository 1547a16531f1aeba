"""gen_minilm.py — reference last hidden states of the pretrained all-MiniLM-L6-v2.

Reads the model folder printed by Scripts/fetch-minilm.sh (or argv[1]) and writes
Fixtures/minilm/reference.safetensors: for each case i, `input_ids.i` (I64, [1, T]) and
`last_hidden_state.i` (F32, [1, T, 384]), plus a padded batch of two (`batch.*`).
Token ids come from Hugging Face `tokenizers` (BertWordPieceTokenizer, uncased) over the model's vocab.txt.
Run once in a throwaway venv: python Fixtures/gen/gen_minilm.py [MODEL_DIR]
"""
import os, subprocess, sys
import torch, transformers, tokenizers
from transformers import BertModel
from tokenizers import BertWordPieceTokenizer
from safetensors.torch import save_file

root = os.path.join(os.path.dirname(__file__), "..", "..")
model_dir = sys.argv[1] if len(sys.argv) > 1 else subprocess.check_output(
    [os.path.join(root, "Scripts", "fetch-minilm.sh")], text=True).strip()
out_dir = os.path.join(root, "Fixtures", "minilm")
os.makedirs(out_dir, exist_ok=True)

tok = BertWordPieceTokenizer(os.path.join(model_dir, "vocab.txt"), lowercase=True)
model = BertModel.from_pretrained(model_dir, attn_implementation="eager").eval()

sentences = [
    "The quick brown fox jumps over the lazy dog.",
    "Mary moved to the bathroom. Where is Mary?",
    "Émilie's café served crème brûlée — 3.14 euros!",
    "It is a truth universally acknowledged, that a single man in possession of a good fortune, "
    "must be in want of a wife. However little known the feelings or views of such a man may be on "
    "his first entering a neighbourhood, this truth is so well fixed in the minds of the surrounding "
    "families, that he is considered as the rightful property of some one or other of their daughters.",
]
tensors = {}
with torch.no_grad():
    for i, s in enumerate(sentences):
        ids = torch.tensor([tok.encode(s).ids])  # [CLS] ... [SEP]
        out = model(input_ids=ids)
        tensors[f"input_ids.{i}"] = ids
        tensors[f"last_hidden_state.{i}"] = out.last_hidden_state
    pair = [tok.encode(s).ids for s in (sentences[0], sentences[2])]  # 12 and 19 tokens: padding
    T = max(len(p) for p in pair)
    ids = torch.tensor([p + [0] * (T - len(p)) for p in pair])
    mask = torch.tensor([[1] * len(p) + [0] * (T - len(p)) for p in pair])
    out = model(input_ids=ids, attention_mask=mask)
    tensors["batch.input_ids"] = ids
    tensors["batch.attention_mask"] = mask
    tensors["batch.last_hidden_state"] = out.last_hidden_state
save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(out_dir, "reference.safetensors"),
          metadata={"generator": "Fixtures/gen/gen_minilm.py", "torch": torch.__version__,
                    "transformers": transformers.__version__, "tokenizers": tokenizers.__version__,
                    "cases": str(len(sentences))})
print("wrote", out_dir, file=sys.stderr)
