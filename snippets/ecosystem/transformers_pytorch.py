# Hugging Face Transformers: a tiny BERT built from a config
# (random weights, nothing downloaded) and run on token ids.
# snippet: fresh
# (fresh: HF_HUB_OFFLINE is read when huggingface_hub is imported.)
import logging
import os

os.environ["HF_HUB_OFFLINE"] = "1"  # never reach the Hub
import numpy as np
import torch

# transformers imports torchao when it is installed; torchao then
# warns that its CUDA kernels do not load: noise on a CPU machine.
logging.getLogger("torchao").setLevel(logging.ERROR)
logging.getLogger("torch.utils._pytree").setLevel(logging.ERROR)
import transformers
from transformers import BertConfig, BertModel

print("transformers", transformers.__version__)
print("torch", torch.__version__)

rng = np.random.default_rng(seed=0)
token_ids = rng.integers(1, 100, size=(2, 8))  # 2 sequences of 8
print("token ids:", token_ids.shape, token_ids.dtype)

# The architecture comes from the config: no checkpoint needed.
config = BertConfig(
    vocab_size=100, hidden_size=32, num_hidden_layers=2,
    num_attention_heads=2, intermediate_size=64,
    max_position_embeddings=16, type_vocab_size=2)
torch.manual_seed(0)
model = BertModel(config).eval()  # eval: dropout off
print("model:", type(model).__name__)

with torch.no_grad():
    out = model(input_ids=torch.from_numpy(token_ids),
                token_type_ids=torch.zeros(2, 8, dtype=torch.long),
                attention_mask=torch.ones(2, 8, dtype=torch.long))
print("outputs:", type(out).__name__)
sequence = tuple(out.last_hidden_state.shape)  # one vector per token
pooled = tuple(out.pooler_output.shape)  # one per sequence ([CLS])
print("  last_hidden_state", sequence)
print("  pooler_output    ", pooled)

# Parameters by part: embeddings (word, position, token type,
# LayerNorm), the encoder layers, the pooler (Dense + tanh).
parts = {name: sum(p.numel() for p in child.parameters())
         for name, child in model.named_children()}
for name, count in parts.items():
    print(f"  {name:<10} {count:>6,} parameters")
print(f"  {'total':<10} {model.num_parameters():>6,} parameters")
query = model.encoder.layer[0].attention.self.query.weight
print("layer 0 query weight:", tuple(query.shape), "(out, in)")

result = {  # compared with KerasHub's
    "shapes": np.array(sequence + pooled),
    "parameters": np.array(list(parts.values())),
}
