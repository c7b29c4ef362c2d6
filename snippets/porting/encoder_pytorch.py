# snippet: fresh timeout=300
# From PyTorch: a Transformer encoder block (32 wide, 4 heads, GELU
# MLP of 64, post-norm) ported to Keras by hand and by every
# converter; each output compared.
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


source = nn.TransformerEncoderLayer(
    32, 4, 64, dropout=0.0, activation="gelu",  # exact (erf) GELU
    batch_first=True, norm_first=False,
).eval()
with torch.no_grad():
    for name, p in source.named_parameters():
        if p.ndim == 2:  # (out, in): 1/sqrt(fan_in), outputs O(1)
            value = draw(p.shape, p.shape[1] ** -0.5)
        elif name.startswith("norm") and name.endswith("weight"):
            value = 1 + draw(p.shape, 0.1)  # LayerNorm scales near 1
        else:
            value = draw(p.shape, 0.1)  # biases near 0
        p.copy_(torch.from_numpy(value))
    reference = source(torch.from_numpy(x)).numpy()
model, cells, costs = "Transformer encoder block", [], []


def keras_block(epsilon=1e-5, gelu="gelu"):
    inputs = keras.Input((10, 32))
    a = layers.MultiHeadAttention(4, 8, name="mha")(inputs, inputs)
    h = layers.Add()([inputs, a])
    h = layers.LayerNormalization(epsilon=epsilon, name="ln1")(h)
    f = layers.Dense(64, activation=gelu, name="ff1")(h)
    f = layers.Dense(32, name="ff2")(f)
    out = layers.Add()([h, f])
    out = layers.LayerNormalization(epsilon=epsilon, name="ln2")(out)
    return keras.Model(inputs, out)


def port(layer, model):  # every weight through NumPy
    def numpy(t):
        return t.detach().numpy()

    # q, k, v stacked in one (96, 32) in_proj; Keras has three
    # (in, heads, head_dim) kernels and (heads, head_dim) biases
    w = np.split(numpy(layer.self_attn.in_proj_weight), 3)
    b = np.split(numpy(layer.self_attn.in_proj_bias), 3)
    mha = []
    for wi, bi in zip(w, b):
        mha += [wi.T.reshape(32, 4, 8), bi.reshape(4, 8)]
    out = layer.self_attn.out_proj  # (out, in) -> (heads, dim, out)
    mha += [numpy(out.weight).T.reshape(4, 8, 32), numpy(out.bias)]
    model.get_layer("mha").set_weights(mha)
    pairs = [("ln1", layer.norm1), ("ff1", layer.linear1),
             ("ff2", layer.linear2), ("ln2", layer.norm2)]
    for name, module in pairs:  # nn.Linear (out, in), Dense (in, out)
        w = numpy(module.weight)
        model.get_layer(name).set_weights(
            [w.T if w.ndim == 2 else w, numpy(module.bias)])


# 1. By hand: the same block in Keras, each weight copied through
# NumPy: MultiHeadAttention + Add + LayerNormalization, twice.
target = keras_block()
port(source, target)
trainable = f"yes, {len(target.trainable_weights)} weights"
cells.append(check("by hand", target(x), trainable))
np.testing.assert_allclose(target(x), reference, rtol=1e-5,
                           atol=1e-6)  # float32 rounding, no more
# The pitfalls, measured on the same weights: Keras'
# LayerNormalization epsilon defaults to 1e-3 (PyTorch: 1e-5), and
# PyTorch's "gelu" is the exact erf GELU, not the tanh one.
pitfalls = [
    ("LayerNormalization's default epsilon",  # read, not typed
     keras_block(epsilon=layers.LayerNormalization().epsilon)),
    ("tanh GELU (approximate=True)", keras_block(
        gelu=lambda v: keras.activations.gelu(v, approximate=True))),
]
for label, wrong in pitfalls:
    port(source, wrong)
    d = np.abs(np.asarray(wrong(x)) - reference).max()
    print(f"  pitfall: {label}: max |difference| {d:.1e}")

# 2. ONNX: torch.export, then ONNX Runtime (inference only).
logging.getLogger("torch.onnx").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", ".*LeafSpec", FutureWarning)
try:
    with converting("ONNX Runtime", "encoder.onnx"):
        torch.onnx.export(source, (torch.from_numpy(x),),
                          "encoder.onnx", dynamo=True,
                          external_data=False, verbose=False)
    session = ort.InferenceSession("encoder.onnx")
    (output,) = session.run(None, {session.get_inputs()[0].name: x})
    cells.append(check("ONNX Runtime", output,
                       "no, an inference session"))
except Exception as error:
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

    # onnx2tf reads a 3-D input as (batch, channels, width) and moves
    # channels last; this one is (batch, sequence, features): kept.
    name = session.get_inputs()[0].name
    with converting("onnx2tf", "encoder_tf"):  # from the ONNX file
        target = onnx2tf.convert(
            input_onnx_file_path="encoder.onnx",
            output_folder_path="encoder_tf",
            non_verbose=True, not_use_onnxsim=True,
            keep_ncw_or_nchw_or_ncdhw_input_names=[name])
    output = target(x)
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
    with converting("litert-torch", "encoder.tflite"), quiet:
        edge = litert_torch.convert(source, (torch.from_numpy(x),))
        edge.export("encoder.tflite")
    with quiet:  # the first call serialises the model again
        output = edge(torch.from_numpy(x))
    cells.append(check("litert-torch", output,
                       "no, a LiteRT flatbuffer"))
except Exception as error:  # reported, never fatal
    cells.append(failed("litert-torch", error))

measured = {"cells": cells, "varies": {"costs": costs}}
