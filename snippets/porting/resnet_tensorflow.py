# From Keras: a small ResNet (basic blocks, BatchNormalization, a
# stride-2 convolution, global pooling) ported to PyTorch by hand,
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
x = rng.standard_normal((2, 32, 32, 3)).astype(np.float32)  # NHWC
x_nchw = np.ascontiguousarray(x.transpose(0, 3, 1, 2))


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


made = []  # Keras layers with weights, in the order they are made


def conv_bn(x, c, k, stride):  # Keras' defaults: epsilon=1e-3
    made.append(layers.Conv2D(c, k, stride, "same", use_bias=False))
    made.append(layers.BatchNormalization())
    return made[-1](made[-2](x))


def block(x, c, stride):  # relu(body(x) + x), x made to fit
    y = conv_bn(layers.ReLU()(conv_bn(x, c, 3, stride)), c, 3, 1)
    skip = conv_bn(x, c, 1, stride) if stride > 1 else x
    return layers.ReLU()(layers.Add()([y, skip]))


inputs = keras.Input((32, 32, 3))
y = layers.ReLU()(conv_bn(inputs, 16, 3, 1))
y = layers.GlobalAveragePooling2D()(block(block(y, 16, 1), 32, 2))
made.append(layers.Dense(10))
source = keras.Model(inputs, made[-1](y))
for w in source.weights:
    if "variance" in w.path:  # variances are positive
        v = rng.uniform(0.5, 1.5, w.shape)
    elif "gamma" in w.path:  # a scale around 1
        v = 1 + 0.1 * rng.standard_normal(w.shape)
    elif len(w.shape) == 1:  # beta, moving mean, bias
        v = 0.1 * rng.standard_normal(w.shape)
    else:  # kernel HWIO or (in, out): fan-in is all but the last
        fan_in = np.prod(w.shape[:-1])
        v = rng.standard_normal(w.shape) / np.sqrt(fan_in)
    w.assign(v.astype(np.float32))
reference = source(x).numpy()
model, cells, costs = "ResNet (small)", [], []


def torch_resnet(asymmetric=True, eps=1e-3):
    def conv_bn(cin, cout, k, stride):
        if k == 3 and stride == 2 and asymmetric:
            # "same" with stride 2 on an even size pads 0 before and
            # 1 after; Conv2d(padding="same") refuses any stride > 1
            pad = [nn.ZeroPad2d((0, 1, 0, 1))]
            conv = nn.Conv2d(cin, cout, k, stride, 0, bias=False)
        else:
            pad, conv = [], nn.Conv2d(cin, cout, k, stride, k // 2,
                                      bias=False)
        return pad + [conv, nn.BatchNorm2d(cout, eps=eps)]

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.body = nn.Sequential(
                *conv_bn(cin, cout, 3, stride), nn.ReLU(),
                *conv_bn(cout, cout, 3, 1))
            self.skip = (nn.Sequential(*conv_bn(cin, cout, 1, stride))
                         if stride > 1 else nn.Identity())

        def forward(self, x):
            return torch.relu(self.body(x) + self.skip(x))

    return nn.Sequential(
        *conv_bn(3, 16, 3, 1), nn.ReLU(),
        Block(16, 16, 1), Block(16, 32, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10),
    ).eval()


def copy_weights(model):  # modules() follows the order Keras made
    kinds = (nn.Conv2d, nn.BatchNorm2d, nn.Linear)
    ts = [m for m in model.modules() if isinstance(m, kinds)]
    with torch.no_grad():
        for t, k in zip(ts, made, strict=True):
            w = [torch.from_numpy(v) for v in k.get_weights()]
            if isinstance(t, nn.Conv2d):  # HWIO -> OIHW
                t.weight.copy_(w[0].permute(3, 2, 0, 1))
            elif isinstance(t, nn.BatchNorm2d):  # gamma beta mean var
                for p, v in zip([t.weight, t.bias, t.running_mean,
                                 t.running_var], w):
                    p.copy_(v)
            else:
                t.weight.copy_(w[0].T)
                t.bias.copy_(w[1])
        return model(torch.from_numpy(x_nchw)).numpy()


# 1. By hand: "same" padding and epsilon=1e-3 made explicit.
target = torch_resnet()
output = copy_weights(target)
trainable = sum(p.requires_grad for p in target.parameters())
cells.append(check("by hand", output, f"yes, {trainable} weights"))
np.testing.assert_allclose(output, reference, rtol=1e-5,
                           atol=1e-6)  # float32 rounding, no more
for name, variant in [
        ("padding=1", torch_resnet(asymmetric=False)),
        ("default eps", torch_resnet(eps=1e-5))]:
    wrong = copy_weights(variant)
    print(f"  pitfall, {name}: max |difference|"
          f" {np.abs(wrong - reference).max():.1e}")
try:
    nn.Conv2d(16, 32, 3, stride=2, padding="same")
except ValueError as error:
    print(f'  Conv2d(stride=2, padding="same"): ValueError: {error}')

# 2. ONNX: tf2onnx from a tf.function (its from_keras fails on
# Keras 3 models), then ONNX Runtime (inference only).
spec = (tf.TensorSpec((None, 32, 32, 3), tf.float32, name="x"),)
try:
    with converting("ONNX Runtime", "resnet.onnx"):
        tf2onnx.convert.from_function(
            tf.function(source, input_signature=spec),
            input_signature=spec, output_path="resnet.onnx")
    session = ort.InferenceSession("resnet.onnx")
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
        target = onnx2torch.convert("resnet.onnx")
    output = target(torch.from_numpy(x)).detach().numpy()
    trainable = sum(p.requires_grad for p in target.parameters())
    cells.append(check("onnx2torch", output,
                       f"yes, {trainable} weights"))
except Exception as error:  # reported, never fatal
    cells.append(failed("onnx2torch", error))

measured = {"cells": cells, "varies": {"costs": costs}}
