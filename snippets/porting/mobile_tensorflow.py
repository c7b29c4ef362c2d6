# From Keras: a mobile-style network (DepthwiseConv2D,
# SeparableConv2D, ReLU6) ported to PyTorch by hand, and exported
# to ONNX; each output compared.

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


def norm(name):  # Keras' defaults: epsilon=1e-3
    return [layers.BatchNormalization(name=name),
            layers.ReLU(max_value=6.0)]


source = keras.Sequential([  # named: the port reads layers by name
    keras.Input((32, 32, 3)),
    layers.Conv2D(16, 3, 2, "same", use_bias=False, name="stem"),
    *norm("bn0"),
    # depthwise then pointwise in one layer, one bias at the end
    layers.SeparableConv2D(32, 3, padding="same", name="sep"),
    *norm("bn1"),
    layers.DepthwiseConv2D(3, 2, "same", use_bias=False, name="dw"),
    *norm("bn2"),
    layers.Conv2D(64, 1, use_bias=False, name="pw"), *norm("bn3"),
    layers.GlobalAveragePooling2D(), layers.Dense(10, name="head"),
])
for w in source.weights:
    if "variance" in w.path:  # variances are positive
        v = rng.uniform(0.5, 1.5, w.shape)
    elif "gamma" in w.path:  # a scale around 1
        v = 1 + 0.1 * rng.standard_normal(w.shape)
    elif len(w.shape) == 1:  # beta, moving mean, bias
        v = 0.1 * rng.standard_normal(w.shape)
    else:  # kernels: fan-in is all but the last axis...
        fan_in = np.prod(w.shape[:-1])
        if "depthwise" in w.path:  # ... but depthwise reads 1 channel
            fan_in = np.prod(w.shape[:2])
        v = rng.standard_normal(w.shape) / np.sqrt(fan_in)
    w.assign(v.astype(np.float32))
reference = source(x).numpy()
model, cells, costs = "Depthwise-separable CNN", [], []


def torch_net(dw_layout=(2, 3, 0, 1)):
    def same2(conv):  # "same", stride 2, even size: 0 before, 1 after
        return [nn.ZeroPad2d((0, 1, 0, 1)), conv]

    def norm(c):  # Keras' epsilon, not PyTorch's default 1e-5
        return [nn.BatchNorm2d(c, eps=1e-3), nn.ReLU6()]

    net = nn.Sequential(
        *same2(nn.Conv2d(3, 16, 3, 2, bias=False)), *norm(16),
        nn.Conv2d(16, 16, 3, 1, 1, groups=16, bias=False),
        nn.Conv2d(16, 32, 1), *norm(32),  # SeparableConv2D's bias
        *same2(nn.Conv2d(32, 32, 3, 2, groups=32, bias=False)),
        *norm(32), nn.Conv2d(32, 64, 1, bias=False), *norm(64),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10),
    ).eval()
    k = {la.name: [torch.from_numpy(w) for w in la.get_weights()]
         for la in source.layers}
    # Keras' depthwise (kh, kw, C, 1) -> OIHW (C, 1, kh, kw): (2, 3,
    # 0, 1); an ordinary HWIO kernel -> OIHW is (3, 2, 0, 1)
    oihw = (3, 2, 0, 1)
    depthwise, pointwise, bias = k["sep"]
    convs = [k["stem"][0].permute(oihw),
             depthwise.permute(dw_layout), pointwise.permute(oihw),
             k["dw"][0].permute(dw_layout), k["pw"][0].permute(oihw)]
    norms = [k[f"bn{i}"] for i in range(4)]
    with torch.no_grad():
        ts = [m for m in net if isinstance(m, nn.Conv2d)]
        for t, w in zip(ts, convs, strict=True):
            t.weight.copy_(w)
        ts[2].bias.copy_(bias)
        bns = [m for m in net if isinstance(m, nn.BatchNorm2d)]
        for t, w in zip(bns, norms, strict=True):
            for p, v in zip([t.weight, t.bias, t.running_mean,
                             t.running_var], w):
                p.copy_(v)
        net[-1].weight.copy_(k["head"][0].T)
        net[-1].bias.copy_(k["head"][1])
        return net, net(torch.from_numpy(x_nchw)).numpy()


# 1. By hand: SeparableConv2D is two convs, its bias on the second;
# a depthwise conv is groups=channels; "same" at stride 2 padded.
target, output = torch_net()
trainable = sum(p.requires_grad for p in target.parameters())
cells.append(check("by hand", output, f"yes, {trainable} weights"))
np.testing.assert_allclose(output, reference, rtol=1e-5,
                           atol=1e-6)  # float32 rounding, no more
try:  # an ordinary kernel's permutation, on a depthwise kernel
    torch_net(dw_layout=(3, 2, 0, 1))
except RuntimeError as error:
    print("  pitfall, depthwise kernel as HWIO: RuntimeError:", error)

# 2. ONNX: tf2onnx from a tf.function (its from_keras fails on
# Keras 3 models), then ONNX Runtime (inference only).
spec = (tf.TensorSpec((None, 32, 32, 3), tf.float32, name="x"),)
try:
    with converting("ONNX Runtime", "mobile.onnx"):
        tf2onnx.convert.from_function(
            tf.function(source, input_signature=spec),
            input_signature=spec, output_path="mobile.onnx")
    session = ort.InferenceSession("mobile.onnx")
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
        target = onnx2torch.convert("mobile.onnx")
    output = target(torch.from_numpy(x)).detach().numpy()
    trainable = sum(p.requires_grad for p in target.parameters())
    cells.append(check("onnx2torch", output,
                       f"yes, {trainable} weights"))
except Exception as error:  # reported, never fatal
    cells.append(failed("onnx2torch", error))

measured = {"cells": cells, "varies": {"costs": costs}}
