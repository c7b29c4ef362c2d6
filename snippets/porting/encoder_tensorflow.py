# From Keras: a Transformer encoder block (32 wide, 4 heads, GELU
# MLP of 64, post-norm) ported to PyTorch by hand, and exported to
# ONNX; each output compared.

import contextlib
import os
import time

import keras
import numpy as np
import onnxruntime as ort
import tensorflow as tf
import tf2onnx
import torch
from keras import layers
from torch import nn

# weights and inputs from NumPy: the frameworks' seeds differ
rng = np.random.default_rng(seed=0)
x = rng.standard_normal((2, 10, 32)).astype(np.float32)


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


inputs = keras.Input((10, 32))
a = layers.MultiHeadAttention(4, 8, name="mha")(inputs, inputs)
h = layers.Add()([inputs, a])
h = layers.LayerNormalization(epsilon=1e-5, name="ln1")(h)  # not 1e-3
f = layers.Dense(64, activation="gelu", name="ff1")(h)  # exact GELU
f = layers.Dense(32, name="ff2")(f)
out = layers.Add()([h, f])
out = layers.LayerNormalization(epsilon=1e-5, name="ln2")(out)
source = keras.Model(inputs, out, name="encoder")
for w in source.weights:
    if w.path.endswith("gamma"):  # LayerNormalization scales near 1
        value = 1 + draw(w.shape, 0.1)
    elif w.path.endswith(("bias", "beta")):  # MHA's biases are 2-D
        value = draw(w.shape, 0.1)
    else:  # kernels: 1/sqrt(fan_in); every MHA kernel has 32 inputs
        fan_in = w.shape[0] if len(w.shape) == 2 else 32
        value = draw(w.shape, fan_in ** -0.5)
    w.assign(value)
reference = source(x).numpy()
model, cells, costs = "Transformer encoder block", [], []


def torch_block(batch_first=True):  # layer_norm_eps: 1e-5 already
    return nn.TransformerEncoderLayer(
        32, 4, 64, dropout=0.0, activation="gelu",  # exact GELU too
        batch_first=batch_first, norm_first=False,
    ).eval()


def copy(parameter, value):
    parameter.copy_(torch.from_numpy(value))


def port(model, layer):  # every weight through NumPy
    mha = model.get_layer("mha").get_weights()
    wq, bq, wk, bk, wv, bv, wo, bo = mha
    attention = layer.self_attn
    with torch.no_grad():
        # three (in, heads, head_dim) kernels -> one (96, 32) in_proj,
        # each block (out, in): reshape to (32, 32), then .T
        qkv = [w.reshape(32, 32).T for w in (wq, wk, wv)]
        copy(attention.in_proj_weight, np.concatenate(qkv))
        copy(attention.in_proj_bias,
             np.concatenate([b.reshape(32) for b in (bq, bk, bv)]))
        copy(attention.out_proj.weight, wo.reshape(32, 32).T)
        copy(attention.out_proj.bias, bo)
        pairs = [("ln1", layer.norm1), ("ff1", layer.linear1),
                 ("ff2", layer.linear2), ("ln2", layer.norm2)]
        for name, module in pairs:  # Dense (in, out), nn.Linear .T
            w, b = model.get_layer(name).get_weights()
            copy(module.weight, w.T if w.ndim == 2 else w)
            copy(module.bias, b)


def run(layer):
    with torch.no_grad():
        return layer(torch.from_numpy(x)).numpy()


# 1. By hand: the same block in PyTorch, each weight copied through
# NumPy into nn.TransformerEncoderLayer's fused attention weights.
target = torch_block()
port(source, target)
output = run(target)
trainable = sum(p.requires_grad for p in target.parameters())
cells.append(check("by hand", output, f"yes, {trainable} weights"))
np.testing.assert_allclose(output, reference, rtol=1e-5,
                           atol=1e-6)  # float32 rounding, no more
# The pitfalls, measured on the same weights: batch_first defaults
# to False (our (2, 10, 32) read as 2 steps of a batch of 10, no
# error), and a square kernel reshaped but not transposed fits too.
wrong = torch_block(batch_first=False)
port(source, wrong)
d = np.abs(run(wrong) - reference).max()
print(f"  pitfall: batch_first left False: max |difference| {d:.1e}")
wrong = torch_block()
port(source, wrong)
kernels = source.get_layer("mha").get_weights()[0:6:2]  # q, k, v
with torch.no_grad():
    copy(wrong.self_attn.in_proj_weight,
         np.concatenate([w.reshape(32, 32) for w in kernels]))
d = np.abs(run(wrong) - reference).max()
print(f"  pitfall: q, k, v kernels without .T: max |difference|"
      f" {d:.1e}")

# 2. ONNX: tf2onnx from a tf.function (its from_keras fails on
# Keras 3 models), then ONNX Runtime (inference only).
spec = (tf.TensorSpec((None, 10, 32), tf.float32, name="x"),)
try:
    with converting("ONNX Runtime", "encoder.onnx"):
        tf2onnx.convert.from_function(
            tf.function(source, input_signature=spec),
            input_signature=spec, output_path="encoder.onnx")
    session = ort.InferenceSession("encoder.onnx")
    (output,) = session.run(None, {"x": x})
    cells.append(check("ONNX Runtime", output,
                       "no, an inference session"))
except Exception as error:  # exact GELU -> Erfc, not an ONNX op
    cells.append(failed("ONNX Runtime", error))

# 3. onnx2torch: the same ONNX file into a torch.fx module. It
# imports torchvision, which this site cannot install (see above).
try:
    import onnx2torch

    with converting("onnx2torch"):  # in memory: no file
        target = onnx2torch.convert("encoder.onnx")
    output = target(torch.from_numpy(x)).detach().numpy()
    trainable = sum(p.requires_grad for p in target.parameters())
    cells.append(check("onnx2torch", output,
                       f"yes, {trainable} weights"))
except Exception as error:  # reported, never fatal
    cells.append(failed("onnx2torch", error))

measured = {"cells": cells, "varies": {"costs": costs}}
