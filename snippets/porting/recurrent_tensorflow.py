# From Keras: two recurrent classifiers (Embedding, then an LSTM or
# a GRU, then Dense on the last step) ported to PyTorch by hand,
# and exported to ONNX; each output compared.

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
ids = rng.integers(0, 100, size=(4, 12)).astype(np.int32)


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


class Classifier(nn.Module):
    def __init__(self, rnn):
        super().__init__()
        self.embed = nn.Embedding(100, 16)
        self.rnn = rnn(16, 32, batch_first=True)
        self.fc = nn.Linear(32, 5)

    def forward(self, ids):
        steps, _ = self.rnn(self.embed(ids))
        return self.fc(steps[:, -1])


def gru_gates(w):  # Keras stacks the gates z, r, h; PyTorch r, z, n
    z, r, h = np.split(w, 3)
    return np.concatenate([r, z, h])


def to_torch(source, cell, split_bias=True, reorder=True):
    (embed,), (k, rk, b), (w, fc_b) = [
        layer.get_weights() for layer in source.layers]
    if cell == "LSTM":  # gates i, f, g, o on both sides; Keras has
        # one bias, PyTorch two that it adds: put it in one of them
        rnn = [k.T, rk.T, b, 0 * b if split_bias else b]
    else:  # reset_after=True (the default): the two biases map
        g = gru_gates if reorder else (lambda w: w)
        rnn = [g(k.T), g(rk.T), g(b[0]), g(b[1])]
    target = Classifier(getattr(nn, cell)).eval()
    with torch.no_grad():
        values = [embed, *rnn, w.T, fc_b]  # in parameters() order
        for p, v in zip(target.parameters(), values, strict=True):
            p.copy_(torch.from_numpy(np.ascontiguousarray(v)))
        output = target(torch.from_numpy(ids.astype(np.int64)))
    return target, output.numpy()


cells, costs = [], []
for cell in "LSTM", "GRU":
    model = f"{cell} classifier"
    print(f"{model}:")
    source = keras.Sequential([
        keras.Input((12,), dtype="int32"),
        layers.Embedding(100, 16),
        getattr(layers, cell)(32),  # returns the last step
        layers.Dense(5),
    ])
    for w in source.weights:
        scale = 1.0 if "embed" in w.path else 1 / np.sqrt(32)
        w.assign((scale * rng.standard_normal(w.shape)).astype("f4"))
    reference = source(ids).numpy()

    # 1. By hand: the same layers in PyTorch, weights through NumPy.
    target, output = to_torch(source, cell)
    trainable = sum(p.requires_grad for p in target.parameters())
    cells.append(check("by hand", output,
                       f"yes, {trainable} weights"))
    np.testing.assert_allclose(output, reference, rtol=1e-5,
                               atol=1e-6)  # float32 rounding
    _, wrong = (to_torch(source, cell, split_bias=False)
                if cell == "LSTM" else
                to_torch(source, cell, reorder=False))
    pitfall = ("the bias in both" if cell == "LSTM"
               else "gates in Keras' order")
    print(f"  pitfall, {pitfall}: max |difference|"
          f" {np.abs(wrong - reference).max():.1e}")

    # 2. ONNX: tf2onnx from a tf.function (its from_keras fails on
    # Keras 3 models), then ONNX Runtime (inference only).
    spec = (tf.TensorSpec((None, 12), tf.int32, name="ids"),)
    try:
        with converting("ONNX Runtime", f"{cell}.onnx"):
            tf2onnx.convert.from_function(
                tf.function(source, input_signature=spec),
                input_signature=spec, output_path=f"{cell}.onnx")
        session = ort.InferenceSession(f"{cell}.onnx")
        (output,) = session.run(None, {"ids": ids})
        cells.append(check("ONNX Runtime", output,
                           "no, an inference session"))
    except Exception as error:  # reported, never fatal
        cells.append(failed("ONNX Runtime", error))

    # 3. onnx2torch: the same ONNX file into a torch.fx module. It
    # imports torchvision, which this site cannot install (see above).
    try:
        import onnx2torch

        with converting("onnx2torch"):  # in memory: no file
            target = onnx2torch.convert(f"{cell}.onnx")
        output = target(torch.from_numpy(ids)).detach().numpy()
        trainable = sum(p.requires_grad for p in target.parameters())
        cells.append(check("onnx2torch", output,
                           f"yes, {trainable} weights"))
    except Exception as error:  # reported, never fatal
        cells.append(failed("onnx2torch", error))

measured = {"cells": cells, "varies": {"costs": costs}}
