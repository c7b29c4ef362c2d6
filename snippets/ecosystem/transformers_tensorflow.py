# Transformers v5 has no TensorFlow classes: the same tiny BERT
# on the Keras side comes from KerasHub, built from arguments and
# given the same checkpoint, converted to KerasHub's layouts.
# snippet: fresh
# (fresh: HF_HUB_OFFLINE is read when huggingface_hub is imported.)
import os

os.environ["HF_HUB_OFFLINE"] = "1"  # never reach the Hub
import numpy as np
import keras
import keras_hub
import tensorflow as tf
import transformers

print("transformers", transformers.__version__)
print("tensorflow", tf.__version__, "keras", keras.__version__)
print("keras_hub", keras_hub.__version__)


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

# What the installed transformers offers for TensorFlow: nothing.
try:
    from transformers import TFBertModel
except ImportError as error:  # the message ends with a file path
    print(f"{type(error).__name__}: {str(error).split(' (')[0]}")
print("transformers.is_tf_available exists:",
      hasattr(transformers, "is_tf_available"))
print("names starting with TF:",
      sum(name.startswith("TF") for name in dir(transformers)))

rng = np.random.default_rng(seed=0)
token_ids = rng.integers(1, 100, size=(2, 8))  # 2 sequences of 8
print("token ids:", token_ids.shape, token_ids.dtype)

# The architecture comes from the arguments: no preset needed.
keras.utils.set_random_seed(0)
model = keras_hub.models.BertBackbone(
    vocabulary_size=100, hidden_dim=32, num_layers=2,
    num_heads=2, intermediate_dim=64,
    max_sequence_length=16, num_segments=2, name="bert")


def load(model, ckpt):  # what KerasHub's own converter does
    def put(variable, array):
        variable.assign(np.reshape(array, variable.shape))

    def layer(name):
        return model.get_layer(name)

    def norm(keras_norm, name):
        put(keras_norm.gamma, ckpt[f"{name}.weight"])
        put(keras_norm.beta, ckpt[f"{name}.bias"])

    def dense(keras_dense, name):  # (out, in) -> (in, [heads,] size)
        put(keras_dense.kernel, ckpt[f"{name}.weight"].T)
        put(keras_dense.bias, ckpt[f"{name}.bias"])

    e = "embeddings."
    put(layer("token_embedding").embeddings,
        ckpt[e + "word_embeddings.weight"])
    put(layer("position_embedding").position_embeddings,
        ckpt[e + "position_embeddings.weight"])
    put(layer("segment_embedding").embeddings,
        ckpt[e + "token_type_embeddings.weight"])
    norm(layer("embeddings_layer_norm"), e + "LayerNorm")
    for i in range(2):
        block = layer(f"transformer_layer_{i}")
        hf = f"encoder.layer.{i}"
        attention = block._self_attention_layer
        for name in ("query", "key", "value"):
            dense(getattr(attention, f"{name}_dense"),
                  f"{hf}.attention.self.{name}")
        dense(attention.output_dense, f"{hf}.attention.output.dense")
        norm(block._self_attention_layer_norm,
             f"{hf}.attention.output.LayerNorm")
        dense(block._feedforward_intermediate_dense,
              f"{hf}.intermediate.dense")
        dense(block._feedforward_output_dense, f"{hf}.output.dense")
        norm(block._feedforward_layer_norm, f"{hf}.output.LayerNorm")
    dense(layer("pooled_dense"), "pooler.dense")
    return len(ckpt)


loaded = load(model, checkpoint())
print("model:", type(model).__name__, "with", loaded,
      "tensors loaded")

out = model({"token_ids": token_ids,  # training=False: no dropout
             "segment_ids": np.zeros((2, 8), "int32"),
             "padding_mask": np.ones((2, 8), "int32")})
print("outputs:", type(out).__name__)
sequence = tuple(out["sequence_output"].shape)  # per token
pooled = tuple(out["pooled_output"].shape)  # per sequence ([CLS])
print("  sequence_output", sequence)
print("  pooled_output  ", pooled)


def part(path):  # weight path -> the same parts as PyTorch's
    if path.startswith("transformer_layer"):
        return "encoder"
    return "pooler" if path.startswith("pooled") else "embeddings"


parts = {"embeddings": 0, "encoder": 0, "pooler": 0}
for weight in model.weights:
    parts[part(weight.path)] += int(np.prod(weight.shape))
for name, count in parts.items():
    print(f"  {name:<10} {count:>6,} parameters")
print(f"  {'total':<10} {model.count_params():>6,} parameters")
query = {w.path: w for w in model.weights}[
    "transformer_layer_0/self_attention_layer/query/kernel"]
print("layer 0 query kernel:", tuple(query.shape),
      "(in, heads, size)")

# KerasHub presets: names and metadata ship inside the package;
# the weights would come from Kaggle (or the Hub) on from_preset.
presets = keras_hub.models.BertBackbone.presets
print("BertBackbone presets:", len(presets))

print("pooled output, sequence 0, first 4:",
      out["pooled_output"][0, :4].numpy().round(4))

result = {  # compared with Transformers', from the same checkpoint
    "sequence": out["sequence_output"],
    "pooled": out["pooled_output"],
    "parameters": np.array(list(parts.values())),
}
