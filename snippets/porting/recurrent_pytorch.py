# snippet: fresh timeout=300
# From PyTorch: two recurrent classifiers (Embedding, then an LSTM
# or a GRU, then Linear on the last step) ported to Keras by hand
# and by every converter; each output compared.
# (fresh: LiteRT logs its XNNPACK delegate once per process.)
import contextlib
import io
import logging
import os
import time
import warnings

import keras
import numpy as np
import onnxruntime as ort
import torch
from keras import layers
from torch import nn

rng = np.random.default_rng(seed=0)  # weights and inputs from NumPy:
ids = rng.integers(0, 100, size=(4, 12))  # 4 sequences of 12 tokens


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


def gru_gates(w):  # PyTorch stacks the gates r, z, n; Keras z, r, h
    r, z, n = np.split(w, 3)
    return np.concatenate([z, r, n])


def to_keras(model, cell, both_biases=True, reorder=True):
    p = {k: v.detach().numpy() for k, v in model.named_parameters()}
    wi, wh = p["rnn.weight_ih_l0"], p["rnn.weight_hh_l0"]
    bi, bh = p["rnn.bias_ih_l0"], p["rnn.bias_hh_l0"]
    if cell == "LSTM":  # gates i, f, g, o on both sides; one bias
        rnn = [wi.T, wh.T, bi + bh if both_biases else bi]
    else:  # reset_after=True (the default) keeps both biases
        g = gru_gates if reorder else (lambda w: w)
        rnn = [g(wi).T, g(wh).T, np.stack([g(bi), g(bh)])]
    target = keras.Sequential([
        keras.Input((12,), dtype="int32"),
        layers.Embedding(100, 16),
        getattr(layers, cell)(32),  # returns the last step
        layers.Dense(5),
    ])
    embed, fc = [p["embed.weight"]], [p["fc.weight"].T, p["fc.bias"]]
    for layer, w in zip(target.layers, [embed, rnn, fc]):
        layer.set_weights(w)
    return target


cells, costs = [], []
for cell in "LSTM", "GRU":
    model = f"{cell} classifier"
    print(f"{model}:")
    source = Classifier(getattr(nn, cell)).eval()
    with torch.no_grad():
        for name, p in source.named_parameters():
            scale = 1.0 if name == "embed.weight" else 1 / np.sqrt(32)
            p.copy_(torch.from_numpy(
                (scale * rng.standard_normal(p.shape)).astype("f4")))
        reference = source(torch.from_numpy(ids)).numpy()

    # 1. By hand: the same layers in Keras, weights through NumPy.
    target = to_keras(source, cell)
    output = target(ids.astype(np.int32)).numpy()
    trainable = f"yes, {len(target.trainable_weights)} weights"
    cells.append(check("by hand", output, trainable))
    np.testing.assert_allclose(output, reference, rtol=1e-5,
                               atol=1e-6)  # float32 rounding
    wrong = (to_keras(source, cell, both_biases=False) if cell ==
             "LSTM" else to_keras(source, cell, reorder=False))
    pitfall = ("b_ih alone" if cell == "LSTM"
               else "gates in PyTorch's order")
    print(f"  pitfall, {pitfall}: max |difference|"
          f" {np.abs(wrong(ids) - reference).max():.1e}")

    # 2. ONNX: torch.export, then ONNX Runtime (inference only).
    # torch.export warns about nn.LSTM's and nn.GRU's own internal
    # _flat_weights, not about this model: hidden with the others.
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", ".*LeafSpec", FutureWarning)
    warnings.filterwarnings("ignore", ".*_flat_weights", UserWarning)
    try:
        with converting("ONNX Runtime", f"{cell}.onnx"):
            torch.onnx.export(source, (torch.from_numpy(ids),),
                              f"{cell}.onnx", dynamo=True,
                              external_data=False, verbose=False)
        session = ort.InferenceSession(f"{cell}.onnx")
        feed = {session.get_inputs()[0].name: ids}
        (output,) = session.run(None, feed)
        cells.append(check("ONNX Runtime", output,
                           "no, an inference session"))
    except Exception as error:  # reported, never fatal
        cells.append(failed("ONNX Runtime", error))

    # 3. nobuco traces the model into Keras layers that train on.
    try:
        import nobuco

        order = nobuco.ChannelOrder.PYTORCH  # the layout stays as is
        target = nobuco.pytorch_to_keras(
            source, args=[torch.from_numpy(ids)],
            inputs_channel_order=order, outputs_channel_order=order)
        trainable = f"yes, {len(target.trainable_weights)} weights"
        cells.append(check("nobuco", target(ids), trainable))
    except Exception as error:  # reported, never fatal
        cells.append(failed("nobuco", error))

    # 4. onnx2tf: the ONNX file into TensorFlow: a Keras 2 (tf_keras)
    # model, a SavedModel and LiteRT files. onnxsim off: onnx2tf runs
    # it as a command found on PATH, so it would run in one shell and
    # not in another.
    try:
        import onnx2tf

        with converting("onnx2tf", f"{cell}_tf"):  # from the .onnx
            target = onnx2tf.convert(
                input_onnx_file_path=f"{cell}.onnx",
                output_folder_path=f"{cell}_tf",
                non_verbose=True, not_use_onnxsim=True)
        output = target(ids)
        weights = len(target.trainable_weights)
        cells.append(check("onnx2tf", output,
                           f"tf_keras, {weights} trainable weights"))
    except Exception as error:  # reported, never fatal
        cells.append(failed("onnx2tf", error))

    # 5. litert-torch: torch.export, lowered to a LiteRT flatbuffer
    # (.tflite) run by LiteRT's interpreter: inference only. Its
    # progress lines carry elapsed times: kept out of this output, as
    # torchao's (it imports it) about CUDA kernels a CPU cannot load.
    logging.getLogger("torchao").setLevel(logging.ERROR)
    try:
        import litert_torch

        quiet = contextlib.redirect_stdout(io.StringIO())
        with converting("litert-torch", f"{cell}.tflite"), quiet:
            edge = litert_torch.convert(source,
                                        (torch.from_numpy(ids),))
            edge.export(f"{cell}.tflite")
        with quiet:  # the first call serialises the model again
            # int32 ids: LiteRT's input, as its warning above says
            output = edge(torch.from_numpy(ids).int())
        cells.append(check("litert-torch", output,
                           "no, a LiteRT flatbuffer"))
    except Exception as error:  # reported, never fatal
        cells.append(failed("litert-torch", error))

measured = {"cells": cells, "varies": {"costs": costs}}
