# Transformers v5 has no TensorFlow classes: the same tiny BERT
# on the Keras side comes from KerasHub, built from arguments.
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
print("model:", type(model).__name__)

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

result = {  # compared with Transformers'
    "shapes": np.array(sequence + pooled),
    "parameters": np.array(list(parts.values())),
}
