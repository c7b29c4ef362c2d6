# snippet: fresh timeout=300
# From PyTorch: a mobile-style network (depthwise-separable
# convolutions, ReLU6) ported to Keras by hand and by every
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

rng = np.random.default_rng(seed=0)  # weights and inputs from NumPy:
x = rng.standard_normal((2, 3, 32, 32)).astype(np.float32)  # NCHW
x_nhwc = x.transpose(0, 2, 3, 1)  # Keras takes channels last


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


def bn_relu6(c):
    return [nn.BatchNorm2d(c), nn.ReLU6()]


source = nn.Sequential(
    nn.Conv2d(3, 16, 3, 2, 1, bias=False), *bn_relu6(16),
    # separable: a depthwise conv (groups = channels, with a bias),
    # then a 1 x 1 pointwise conv, nothing between them
    nn.Conv2d(16, 16, 3, 1, 1, groups=16),
    nn.Conv2d(16, 32, 1, bias=False), *bn_relu6(32),
    # MobileNet's block: depthwise, BN, ReLU6, pointwise, BN, ReLU6
    nn.Conv2d(32, 32, 3, 2, 1, groups=32, bias=False), *bn_relu6(32),
    nn.Conv2d(32, 64, 1, bias=False), *bn_relu6(64),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10),
).eval()  # eval: BatchNorm uses its running statistics
state = {}
for name, v in source.state_dict().items():
    if name.endswith("num_batches_tracked"):
        state[name] = v
    elif name.endswith("running_var"):  # variances are positive
        state[name] = torch.from_numpy(
            rng.uniform(0.5, 1.5, v.shape).astype(np.float32))
    elif v.dim() == 1:  # scales around 1, shifts and biases near 0
        one = 1.0 if name.endswith(".weight") else 0.0
        state[name] = torch.from_numpy(
            (one + 0.1 * rng.standard_normal(v.shape)).astype("f4"))
    else:  # conv OIHW (depthwise: I = 1), linear (out, in)
        scale = 1 / np.sqrt(v[0].numel())
        state[name] = torch.from_numpy(
            (scale * rng.standard_normal(v.shape)).astype("f4"))
source.load_state_dict(state)
with torch.no_grad():
    reference = source(torch.from_numpy(x)).numpy()
model, cells, costs = "Depthwise-separable CNN", [], []
s = {k: v.numpy() for k, v in source.state_dict().items()}


def bn(i):  # BatchNorm2d at index i: gamma, beta, mean, variance
    return [s[f"{i}.{n}"] for n in
            ("weight", "bias", "running_mean", "running_var")]


def keras_net(dw_layout=(2, 3, 0, 1), fold_bias=True):
    def conv(k, stride=1, **kw):  # padding=1 is ZeroPadding2D(1)
        pad = [layers.ZeroPadding2D(1)] if k == 3 else []
        return pad + [layers.Conv2D(kernel_size=k, strides=stride,
                                    use_bias=False, **kw)]

    def norm():  # PyTorch's eps; Keras' default epsilon is 1e-3
        return [layers.BatchNormalization(epsilon=1e-5),
                layers.ReLU(max_value=6.0)]

    # Depthwise OIHW (C, 1, kh, kw) -> (kh, kw, C, 1); an ordinary
    # conv's OIHW -> HWIO is (2, 3, 1, 0); pointwise 1 x 1 likewise.
    hwio = (2, 3, 1, 0)
    sep = layers.SeparableConv2D(32, 3, name="sep")
    dw = layers.DepthwiseConv2D(3, 2, use_bias=False, name="dw")
    net = keras.Sequential([
        keras.Input((32, 32, 3)), *conv(3, 2, filters=16), *norm(),
        layers.ZeroPadding2D(1), sep, *norm(),
        layers.ZeroPadding2D(1), dw, *norm(),
        *conv(1, filters=64), *norm(),
        layers.GlobalAveragePooling2D(), layers.Dense(10),
    ])
    weighted = [la for la in net.layers if la.weights]
    pointwise = s["4.weight"].transpose(hwio)  # (1, 1, 16, 32)
    # SeparableConv2D has no depthwise bias: it goes through the
    # pointwise conv into the one bias, sum_c W[c, o] * b_dw[c]
    bias = (s["3.bias"] @ pointwise[0, 0] if fold_bias
            else np.zeros(32, np.float32))
    weights = [
        [s["0.weight"].transpose(hwio)], bn(1),
        [s["3.weight"].transpose(dw_layout), pointwise, bias], bn(5),
        [s["7.weight"].transpose(dw_layout)], bn(8),
        [s["10.weight"].transpose(hwio)], bn(11),
        [s["15.weight"].T, s["15.bias"]],
    ]
    for layer, w in zip(weighted, weights, strict=True):
        layer.set_weights(w)
    return net


# 1. By hand: DepthwiseConv2D and SeparableConv2D, weights through
# NumPy in Keras' layouts, the depthwise bias folded.
target = keras_net()
output = target(x_nhwc).numpy()
trainable = f"yes, {len(target.trainable_weights)} weights"
cells.append(check("by hand", output, trainable))
np.testing.assert_allclose(output, reference, rtol=1e-5,
                           atol=1e-6)  # float32 rounding, no more
wrong = keras_net(fold_bias=False)(x_nhwc).numpy()
print("  pitfall, depthwise bias dropped: max |difference|"
      f" {np.abs(wrong - reference).max():.1e}")
try:  # an ordinary conv's transposition, on a depthwise kernel
    keras_net(dw_layout=(2, 3, 1, 0))
except ValueError as error:
    print(f"  pitfall, depthwise kernel as HWIO: ValueError: {error}")

# 2. ONNX: torch.export, then ONNX Runtime (inference only).
logging.getLogger("torch.onnx").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", ".*LeafSpec", FutureWarning)
try:
    # A batch of any size: for a fixed batch of up to 20 RGB images,
    # onnx2tf (4.) downloads sample images from GitHub to check with.
    batch = torch.export.Dim("batch")
    with converting("ONNX Runtime", "mobile.onnx"):
        torch.onnx.export(source, (torch.from_numpy(x),),
                          "mobile.onnx", dynamo=True,
                          external_data=False, verbose=False,
                          dynamic_shapes=({0: batch},))
    session = ort.InferenceSession("mobile.onnx")
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

    with converting("onnx2tf", "mobile_tf"):  # from the ONNX file
        target = onnx2tf.convert(
            input_onnx_file_path="mobile.onnx",
            output_folder_path="mobile_tf",
            non_verbose=True, not_use_onnxsim=True)
    output = target(x_nhwc)  # it takes NHWC
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
    with converting("litert-torch", "mobile.tflite"), quiet:
        edge = litert_torch.convert(source, (torch.from_numpy(x),))
        edge.export("mobile.tflite")
    with quiet:  # the first call serialises the model again
        output = edge(torch.from_numpy(x))
    cells.append(check("litert-torch", output,
                       "no, a LiteRT flatbuffer"))
except Exception as error:  # reported, never fatal
    cells.append(failed("litert-torch", error))

measured = {"cells": cells, "varies": {"costs": costs}}
