# From Keras: a tiny GPT-2 (keras_hub's GPT2Backbone, 2 layers, 4
# heads, 32 wide, 100 tokens) ported by hand onto Hugging Face's
# GPT2Model, and exported to ONNX; each output compared.
import contextlib
import os
import textwrap
import time

import keras_hub
import numpy as np
import onnxruntime as ort
import tensorflow as tf
import tf2onnx
import torch
from transformers import GPT2Config, GPT2Model

# weights and inputs from NumPy: the frameworks' seeds differ
rng = np.random.default_rng(seed=0)
ids = rng.integers(0, 100, size=(2, 12))  # int64, as PyTorch takes
feed = {"token_ids": ids.astype(np.int32),  # keras_hub's inputs
        "padding_mask": np.ones_like(ids, dtype=np.int32)}


def check(path, output, trainable):
    diff = np.abs(np.asarray(output) - reference).max()
    relative = diff / np.abs(reference).max()
    print(f"{path}: max |difference| {diff:.1e},"
          f" relative {relative:.1e}, trainable: {trainable}")
    return {"model": model, "path": path, "converted": True,
            "error": None,
            "max_abs": float(diff), "max_rel": float(relative),
            "trainable": trainable}


@contextlib.contextmanager
def converting(path, *written):  # time, size: they vary, unprinted
    start = time.perf_counter()
    yield
    files = [os.path.join(top, name) for out in written
             for top, _, names in os.walk(out) for name in names]
    costs.append({"model": model, "path": path,
                  "seconds": time.perf_counter() - start,
                  "bytes": sum(map(os.path.getsize, files or written))
                  if written else None})


def failed(path, error):  # a converter's failure is a finding too
    line = " ".join(f"{type(error).__name__}: {error}".split())
    if len(line) > 150:  # its start, and the cause at its end
        line = f"{line[:60]} … {line[-80:]}"
    print(f"{path}: failed: {line}")
    return {"model": model, "path": path, "converted": False,
            "error": line, "max_abs": None, "max_rel": None,
            "trainable": None}


def draw(shape, scale):
    return (scale * rng.standard_normal(shape)).astype(np.float32)


source = keras_hub.models.GPT2Backbone(  # from arguments, no preset
    vocabulary_size=100, num_layers=2, num_heads=4, hidden_dim=32,
    intermediate_dim=128, dropout=0.0, max_sequence_length=32)
for v in source.weights:
    if "embedding" in v.path:  # token and position embeddings
        value = draw(v.shape, 0.5)
    elif v.path.endswith("gamma"):  # LayerNorm scales near 1
        value = 1 + draw(v.shape, 0.1)
    elif v.path.endswith(("bias", "beta")):  # attention's are 2-D
        value = draw(v.shape, 0.1)
    else:  # kernels: 1/sqrt(fan_in); attention's have 32 inputs
        fan_in = v.shape[0] if len(v.shape) == 2 else 32
        value = draw(v.shape, fan_in ** -0.5)
    v.assign(value)
reference = source(feed).numpy()
model, cells, costs = "GPT-2 (tiny)", [], []


def gpt2():  # from a config: nothing downloaded
    return GPT2Model(GPT2Config(
        vocab_size=100, n_positions=32, n_embd=32, n_layer=2,
        n_head=4, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
        layer_norm_epsilon=1e-5,
        activation_function="gelu_new",  # tanh GELU, as keras_hub's
        use_cache=False,
    )).eval()


NAMES = {  # Hugging Face name -> keras_hub's, in each block
    "ln_1": "self_attention_layer_norm",
    "attn.c_proj": "self_attention/attention_output",
    "ln_2": "feedforward_layer_norm",
    "mlp.c_fc": "feedforward_intermediate_dense",
    "mlp.c_proj": "feedforward_output_dense",
}


def port(model):  # Keras variables by path -> a GPT2Model state
    k = {v.path: v.numpy() for v in model.weights}
    state = {"wte.weight": k["token_embedding/embeddings"],
             "wpe.weight": k["position_embedding/embeddings"]}
    for i in range(2):
        hf, kh = f"h.{i}.", f"transformer_layer_{i}/"
        for name, keras_name in NAMES.items():  # Conv1D: no .T
            norm = keras_name.endswith("norm")
            w = k[kh + keras_name + ("/gamma" if norm else "/kernel")]
            if w.ndim == 3:  # (heads, head_dim, out) -> (in, out)
                w = w.reshape(32, 32)
            state[hf + name + ".weight"] = w
            state[hf + name + ".bias"] = (
                k[kh + keras_name + ("/beta" if norm else "/bias")])
        # query | key | value fused along c_attn's output axis
        qkv = [kh + f"self_attention/{n}/" for n in ("query", "key",
                                                      "value")]
        state[hf + "attn.c_attn.weight"] = np.concatenate(
            [k[p + "kernel"].reshape(32, 32) for p in qkv], axis=1)
        state[hf + "attn.c_attn.bias"] = np.concatenate(
            [k[p + "bias"].reshape(32) for p in qkv])
    state["ln_f.weight"] = k["layer_norm/gamma"]
    state["ln_f.bias"] = k["layer_norm/beta"]
    return state


def load(state):  # a new GPT2Model with these weights, checked
    model = gpt2()  # strictly: every name, every shape
    model.load_state_dict(
        {name: torch.from_numpy(v) for name, v in state.items()})
    with torch.no_grad():
        output = model(torch.from_numpy(ids)).last_hidden_state
    return model, output.numpy()


# 1. By hand: Hugging Face's GPT2Model, each weight copied through
# NumPy by name; keras_hub's names and layouts, mapped once.
state = port(source)
target, output = load(state)
trainable = sum(p.requires_grad for p in target.parameters())
cells.append(check("by hand", output, f"yes, {trainable} weights"))
np.testing.assert_allclose(output, reference, rtol=1e-5,
                           atol=1e-6)  # float32 rounding, no more


def differs(changes):  # load a changed state, measure the output
    _, output = load({**state, **changes})
    return np.abs(output - reference).max()


# The pitfalls, measured on the same weights. GPT-2's Conv1D holds
# (in, out), as Dense: nn.Linear's .T raises on the MLP's (32, 128)...
try:
    differs({"h.0.mlp.c_fc.weight": state["h.0.mlp.c_fc.weight"].T})
except RuntimeError as error:  # line 1: "Error(s) in loading ..."
    message = str(error).splitlines()[1].strip()
    print(f"  pitfall: c_fc weight .T: {type(error).__name__}:")
    print(textwrap.fill(message, 66, initial_indent="    ",
                        subsequent_indent="    "))
# ... and fits the square attention projection, silently
key = "h.{}.attn.c_proj.weight"
d = differs({key.format(i): state[key.format(i)].T for i in (0, 1)})
print(f"  pitfall: attn.c_proj weight .T: max |difference| {d:.1e}")
# c_attn laid out per head, q k v interleaved (GPT-NeoX's layout)
# instead of query | key | value
changes = {}
for i in (0, 1):
    w = state[f"h.{i}.attn.c_attn.weight"]  # (32, 96)
    b = state[f"h.{i}.attn.c_attn.bias"]
    changes[f"h.{i}.attn.c_attn.weight"] = (
        w.reshape(32, 3, 4, 8).transpose(0, 2, 1, 3).reshape(32, 96))
    changes[f"h.{i}.attn.c_attn.bias"] = (
        b.reshape(3, 4, 8).transpose(1, 0, 2).reshape(96))
d = differs(changes)
print(f"  pitfall: c_attn per head: max |difference| {d:.1e}")

# 2. ONNX: tf2onnx from a tf.function (its from_keras fails on
# this dict-input model), then ONNX Runtime (inference only).
spec = (tf.TensorSpec((None, None), tf.int32, name="token_ids"),
        tf.TensorSpec((None, None), tf.int32, name="padding_mask"))
try:
    with converting("ONNX Runtime", "gpt2.onnx"):
        tf2onnx.convert.from_function(
            tf.function(lambda token_ids, padding_mask: source(
                {"token_ids": token_ids,
                 "padding_mask": padding_mask}),
                input_signature=spec),
            input_signature=spec, output_path="gpt2.onnx")
    session = ort.InferenceSession("gpt2.onnx")
    outputs = session.run(None, feed)
    cells.append(check("ONNX Runtime", outputs[0],
                       "no, an inference session"))
except Exception as error:
    cells.append(failed("ONNX Runtime", error))

# 3. onnx2torch: the same ONNX file into a torch.fx module. It
# imports torchvision, which this site cannot install (see above).
try:
    import onnx2torch

    with converting("onnx2torch"):  # in memory: no file
        target = onnx2torch.convert("gpt2.onnx")
    inputs = [torch.from_numpy(v) for v in feed.values()]
    output = target(*inputs).detach().numpy()
    trainable = sum(p.requires_grad for p in target.parameters())
    cells.append(check("onnx2torch", output,
                       f"yes, {trainable} weights"))
except Exception as error:  # reported, never fatal
    cells.append(failed("onnx2torch", error))

measured = {"cells": cells, "varies": {"costs": costs}}
