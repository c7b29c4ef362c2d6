# Hugging Face Transformers: a tiny BERT built from a config, given
# a checkpoint made with NumPy (nothing downloaded), run on tokens.
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


def checkpoint(seed=1):
    """A tiny BERT checkpoint in Hugging Face's names and layouts
    (a Linear weight is (out, in)), random, made with NumPy: the
    KerasHub side makes the same one and converts it."""
    rng = np.random.default_rng(seed)

    def draw(*shape, scale=0.2, mean=0.0):
        return (mean + scale * rng.standard_normal(shape)).astype(
            np.float32)

    def norm(name):  # LayerNorm: gamma near 1, beta near 0
        ckpt[f"{name}.weight"] = draw(32, scale=0.1, mean=1.0)
        ckpt[f"{name}.bias"] = draw(32, scale=0.1)

    def linear(name, n_out, n_in):
        ckpt[f"{name}.weight"] = draw(n_out, n_in)
        ckpt[f"{name}.bias"] = draw(n_out, scale=0.1)

    ckpt = {f"embeddings.{kind}_embeddings.weight": draw(n, 32)
            for kind, n in (("word", 100), ("position", 16),
                            ("token_type", 2))}
    norm("embeddings.LayerNorm")
    for i in range(2):
        layer = f"encoder.layer.{i}"
        for name in ("query", "key", "value"):
            linear(f"{layer}.attention.self.{name}", 32, 32)
        linear(f"{layer}.attention.output.dense", 32, 32)
        norm(f"{layer}.attention.output.LayerNorm")
        linear(f"{layer}.intermediate.dense", 64, 32)
        linear(f"{layer}.output.dense", 32, 64)
        norm(f"{layer}.output.LayerNorm")
    linear("pooler.dense", 32, 32)
    return ckpt

rng = np.random.default_rng(seed=0)
token_ids = rng.integers(1, 100, size=(2, 8))  # 2 sequences of 8
print("token ids:", token_ids.shape, token_ids.dtype)

weights = {name: torch.from_numpy(array)
           for name, array in checkpoint().items()}


def bert(hidden_act):  # the architecture comes from the config
    config = BertConfig(
        vocab_size=100, hidden_size=32, num_hidden_layers=2,
        num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=16, type_vocab_size=2,
        hidden_act=hidden_act)
    model = BertModel(config).eval()  # eval: dropout off
    model.load_state_dict(weights)  # strict: every name must fit
    with torch.no_grad():
        return model, model(
            input_ids=torch.from_numpy(token_ids),
            token_type_ids=torch.zeros(2, 8, dtype=torch.long),
            attention_mask=torch.ones(2, 8, dtype=torch.long))


# BERT's GELU is exact (erf); KerasHub's BertBackbone uses the
# tanh approximation. With the same weights, they differ by:
model, exact = bert("gelu")  # BertConfig's default
model, out = bert("gelu_pytorch_tanh")  # KerasHub's GELU
gap = (exact.last_hidden_state - out.last_hidden_state).abs()
print("model:", type(model).__name__, "with",
      len(weights), "tensors loaded")
print(f"max |exact GELU - tanh GELU| in the output: {gap.max():.1e}")
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

print("pooled output, sequence 0, first 4:",
      out.pooler_output[0, :4].numpy().round(4))

result = {  # compared with KerasHub's, from the same checkpoint
    "sequence": out.last_hidden_state, "pooled": out.pooler_output,
    "parameters": np.array(list(parts.values())),
}
