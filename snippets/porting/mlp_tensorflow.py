# From Keras: an MLP (16 -> 64 ReLU -> 64 tanh -> 10) ported to
# PyTorch by hand, and exported to ONNX; each output compared.

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

rng = np.random.default_rng(seed=0)  # weights and inputs from NumPy:
x = rng.standard_normal((4, 16)).astype(np.float32)  # seeds differ


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


source = keras.Sequential([
    keras.Input((16,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(64, activation="tanh"),
    layers.Dense(10),
])
for w in source.weights:  # (in, out) kernels, then biases
    w.assign(0.3 * rng.standard_normal(w.shape).astype(np.float32))
reference = source(x).numpy()
model, cells, costs = "MLP", [], []

# 1. By hand: the same layers in PyTorch, each weight copied
# through NumPy. Dense holds (in, out), nn.Linear (out, in): .T
target = nn.Sequential(
    nn.Linear(16, 64), nn.ReLU(),
    nn.Linear(64, 64), nn.Tanh(),
    nn.Linear(64, 10),
).eval()
linears = [m for m in target if isinstance(m, nn.Linear)]
with torch.no_grad():
    for linear, dense in zip(linears, source.layers):
        kernel, bias = dense.get_weights()
        linear.weight.copy_(torch.from_numpy(kernel.T))
        linear.bias.copy_(torch.from_numpy(bias))
    output = target(torch.from_numpy(x)).numpy()
trainable = sum(p.requires_grad for p in target.parameters())
cells.append(check("by hand", output, f"yes, {trainable} weights"))
np.testing.assert_allclose(output, reference, rtol=1e-5,
                           atol=1e-6)  # float32 rounding, no more

# 2. ONNX: tf2onnx from a tf.function (its from_keras fails on
# Keras 3 models), then ONNX Runtime (inference only).
spec = (tf.TensorSpec((None, 16), tf.float32, name="x"),)
try:
    with converting("ONNX Runtime", "mlp.onnx"):
        tf2onnx.convert.from_function(
            tf.function(source, input_signature=spec),
            input_signature=spec, output_path="mlp.onnx")
    session = ort.InferenceSession("mlp.onnx")
    (output,) = session.run(None, {"x": x})
    cells.append(check("ONNX Runtime", output,
                       "no, an inference session"))
except Exception as error:  # reported, never fatal
    cells.append(failed("ONNX Runtime", error))

# 3. onnx2torch: the same ONNX file into a torch.fx module. It
# imports torchvision, which this site cannot install (see above).
try:
    import onnx2torch

    with converting("onnx2torch"):  # in memory: no file
        target = onnx2torch.convert("mlp.onnx")
    output = target(torch.from_numpy(x)).detach().numpy()
    trainable = sum(p.requires_grad for p in target.parameters())
    cells.append(check("onnx2torch", output,
                       f"yes, {trainable} weights"))
except Exception as error:  # reported, never fatal
    cells.append(failed("onnx2torch", error))

measured = {"cells": cells, "varies": {"costs": costs}}
