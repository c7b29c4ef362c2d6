# snippet: fresh timeout=300
# From PyTorch: an MLP (16 -> 64 ReLU -> 64 tanh -> 10) ported to
# Keras by hand and by every converter; each output compared.
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


source = nn.Sequential(
    nn.Linear(16, 64), nn.ReLU(),
    nn.Linear(64, 64), nn.Tanh(),
    nn.Linear(64, 10),
).eval()
with torch.no_grad():
    for p in source.parameters():  # (out, in) weights, then biases
        p.copy_(torch.from_numpy(
            0.3 * rng.standard_normal(p.shape).astype(np.float32)))
    reference = source(torch.from_numpy(x)).numpy()
model, cells, costs = "MLP", [], []

# 1. By hand: the same layers in Keras, each weight copied through
# NumPy. nn.Linear holds (out, in), Dense holds (in, out): .T
target = keras.Sequential([
    keras.Input((16,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(64, activation="tanh"),
    layers.Dense(10),
])
linears = [m for m in source if isinstance(m, nn.Linear)]
for dense, linear in zip(target.layers, linears):
    dense.set_weights([linear.weight.detach().numpy().T,
                       linear.bias.detach().numpy()])
trainable = f"yes, {len(target.trainable_weights)} weights"
cells.append(check("by hand", target(x), trainable))
np.testing.assert_allclose(target(x), reference, rtol=1e-5,
                           atol=1e-6)  # float32 rounding, no more

# 2. ONNX: torch.export, then ONNX Runtime (inference only).
logging.getLogger("torch.onnx").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", ".*LeafSpec", FutureWarning)
try:
    with converting("ONNX Runtime", "mlp.onnx"):
        torch.onnx.export(source, (torch.from_numpy(x),), "mlp.onnx",
                          dynamo=True, external_data=False,
                          verbose=False)
    session = ort.InferenceSession("mlp.onnx")
    (output,) = session.run(None, {session.get_inputs()[0].name: x})
    cells.append(check("ONNX Runtime", output,
                       "no, an inference session"))
except Exception as error:  # reported, never fatal
    cells.append(failed("ONNX Runtime", error))

# 3. nobuco traces the model into Keras layers that train on.
try:
    import nobuco

    order = nobuco.ChannelOrder.PYTORCH  # the layout stays as is
    target = nobuco.pytorch_to_keras(
        source, args=[torch.from_numpy(x)],
        inputs_channel_order=order, outputs_channel_order=order)
    trainable = f"yes, {len(target.trainable_weights)} weights"
    cells.append(check("nobuco", target(x), trainable))
except Exception as error:  # reported, never fatal
    cells.append(failed("nobuco", error))

# 4. onnx2tf: the ONNX file into TensorFlow: a Keras 2 (tf_keras)
# model, a SavedModel and LiteRT files. onnxsim off: onnx2tf runs
# it as a command found on PATH, so it would run in one shell and
# not in another.
try:
    import onnx2tf

    with converting("onnx2tf", "mlp_tf"):  # from the ONNX file
        target = onnx2tf.convert(
            input_onnx_file_path="mlp.onnx",
            output_folder_path="mlp_tf",
            non_verbose=True, not_use_onnxsim=True)
    output = target(x)
    weights = len(target.trainable_weights)
    cells.append(check("onnx2tf", output,
                       f"tf_keras, {weights} trainable weights"))
    print("  onnx2tf wrote:", ", ".join(sorted(os.listdir("mlp_tf"))))
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
    with converting("litert-torch", "mlp.tflite"), quiet:
        edge = litert_torch.convert(source, (torch.from_numpy(x),))
        edge.export("mlp.tflite")
    with quiet:  # the first call serialises the model again
        output = edge(torch.from_numpy(x))
    cells.append(check("litert-torch", output,
                       "no, a LiteRT flatbuffer"))
except Exception as error:  # reported, never fatal
    cells.append(failed("litert-torch", error))

measured = {"cells": cells, "varies": {"costs": costs}}
