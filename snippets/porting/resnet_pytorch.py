# snippet: fresh timeout=300
# From PyTorch: a small ResNet (basic blocks, BatchNorm, a stride-2
# convolution, global pooling) ported to Keras by hand and by every
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


def conv_bn(cin, cout, k, stride):
    return [nn.Conv2d(cin, cout, k, stride, k // 2, bias=False),
            nn.BatchNorm2d(cout)]


class Block(nn.Module):  # relu(body(x) + x), x made to fit
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(
            *conv_bn(cin, cout, 3, stride), nn.ReLU(),
            *conv_bn(cout, cout, 3, 1))
        self.skip = (nn.Sequential(*conv_bn(cin, cout, 1, stride))
                     if stride > 1 else nn.Identity())

    def forward(self, x):
        return torch.relu(self.body(x) + self.skip(x))


source = nn.Sequential(
    *conv_bn(3, 16, 3, 1), nn.ReLU(),
    Block(16, 16, 1), Block(16, 32, 2),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10),
).eval()  # eval: BatchNorm uses its running statistics
state = {}
for name, v in source.state_dict().items():
    if name.endswith("num_batches_tracked"):
        state[name] = v
    elif name.endswith("running_var"):  # variances are positive
        state[name] = torch.from_numpy(
            rng.uniform(0.5, 1.5, v.shape).astype(np.float32))
    elif v.dim() == 1:  # BatchNorm's weight is a scale around 1
        one = 1.0 if name.endswith(".weight") else 0.0
        state[name] = torch.from_numpy(
            (one + 0.1 * rng.standard_normal(v.shape)).astype("f4"))
    else:  # conv OIHW, linear (out, in): fan-in is all but axis 0
        scale = 1 / np.sqrt(v[0].numel())
        state[name] = torch.from_numpy(
            (scale * rng.standard_normal(v.shape)).astype("f4"))
source.load_state_dict(state)
with torch.no_grad():
    reference = source(torch.from_numpy(x)).numpy()
model, cells, costs = "ResNet (small)", [], []


def keras_resnet(padding="explicit", epsilon=1e-5):
    made = []  # layers with weights, in PyTorch's order

    def conv_bn(x, c, k, stride):
        if k == 3 and padding == "explicit":  # padding=1 both sides
            x = layers.ZeroPadding2D(1)(x)
        pad = "same" if k == 3 and padding == "same" else "valid"
        made.append(layers.Conv2D(c, k, stride, pad, use_bias=False))
        made.append(layers.BatchNormalization(epsilon=epsilon))
        return made[-1](made[-2](x))

    def block(x, c, stride):
        y = layers.ReLU()(conv_bn(x, c, 3, stride))
        y = conv_bn(y, c, 3, 1)
        skip = conv_bn(x, c, 1, stride) if stride > 1 else x
        return layers.ReLU()(layers.Add()([y, skip]))

    inputs = keras.Input((32, 32, 3))
    y = layers.ReLU()(conv_bn(inputs, 16, 3, 1))
    y = block(block(y, 16, 1), 32, 2)
    y = layers.GlobalAveragePooling2D()(y)
    made.append(layers.Dense(10))
    return keras.Model(inputs, made[-1](y)), made


def copy_weights(model, made):  # made: in the order of modules()
    kinds = (nn.Conv2d, nn.BatchNorm2d, nn.Linear)
    ts = [m for m in source.modules() if isinstance(m, kinds)]
    for t, k in zip(ts, made, strict=True):
        w = [p.detach().numpy() for p in t.parameters()]
        if isinstance(t, nn.Conv2d):  # OIHW -> HWIO
            k.set_weights([w[0].transpose(2, 3, 1, 0)])
        elif isinstance(t, nn.BatchNorm2d):  # gamma, beta, mean, var
            k.set_weights(w + [t.running_mean.numpy(),
                               t.running_var.numpy()])
        else:
            k.set_weights([w[0].T, w[1]])
    return model


# 1. By hand: Conv2d(padding=1) is ZeroPadding2D(1) + "valid";
# BatchNorm2d's eps is 1e-5 (Keras' default epsilon is 1e-3).
target = copy_weights(*keras_resnet())
output = target(x_nhwc).numpy()
trainable = f"yes, {len(target.trainable_weights)} weights"
cells.append(check("by hand", output, trainable))
np.testing.assert_allclose(output, reference, rtol=1e-5,
                           atol=1e-6)  # float32 rounding, no more
for name, variant in [
        ('padding="same"', keras_resnet(padding="same")),
        ("default epsilon", keras_resnet(epsilon=1e-3))]:
    wrong = copy_weights(*variant)(x_nhwc).numpy()
    print(f"  pitfall, {name}: max |difference|"
          f" {np.abs(wrong - reference).max():.1e}")

# 2. ONNX: torch.export, then ONNX Runtime (inference only).
logging.getLogger("torch.onnx").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", ".*LeafSpec", FutureWarning)
try:
    # A batch of any size: for a fixed batch of up to 20 RGB images,
    # onnx2tf (4.) downloads sample images from GitHub to check with.
    batch = torch.export.Dim("batch")
    with converting("ONNX Runtime", "resnet.onnx"):
        torch.onnx.export(source, (torch.from_numpy(x),),
                          "resnet.onnx", dynamo=True,
                          external_data=False, verbose=False,
                          dynamic_shapes=({0: batch},))
    session = ort.InferenceSession("resnet.onnx")
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

    with converting("onnx2tf", "resnet_tf"):  # from the ONNX file
        target = onnx2tf.convert(
            input_onnx_file_path="resnet.onnx",
            output_folder_path="resnet_tf",
            non_verbose=True, not_use_onnxsim=True)
    output = target(x.transpose(0, 2, 3, 1))  # it takes NHWC
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
    with converting("litert-torch", "resnet.tflite"), quiet:
        edge = litert_torch.convert(source, (torch.from_numpy(x),))
        edge.export("resnet.tflite")
    with quiet:  # the first call serialises the model again
        output = edge(torch.from_numpy(x))
    cells.append(check("litert-torch", output,
                       "no, a LiteRT flatbuffer"))
except Exception as error:  # reported, never fatal
    cells.append(failed("litert-torch", error))

measured = {"cells": cells, "varies": {"costs": costs}}
