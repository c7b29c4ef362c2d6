# TorchScript, the format of older deployment articles: torch.jit
# turns the model into a program that libtorch (C++) can run with
# no Python. It still works in 2.13, but every call now warns.
import os
import textwrap
import warnings
import zipfile

import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(seed=0)
f32 = np.float32
w1 = rng.standard_normal((16, 64)).astype(f32) * 0.25  # (in, out)
b1 = rng.standard_normal(64).astype(f32) * 0.1
w2 = rng.standard_normal((64, 64)).astype(f32) * 0.125
b2 = rng.standard_normal(64).astype(f32) * 0.1
w3 = rng.standard_normal((64, 10)).astype(f32) * 0.125
b3 = rng.standard_normal(10).astype(f32) * 0.1
x = rng.standard_normal((32, 16)).astype(f32)

model = nn.Sequential(  # 16 -> 64 ReLU -> 64 ReLU -> 10 logits
    nn.Linear(16, 64), nn.ReLU(),
    nn.Linear(64, 64), nn.ReLU(),
    nn.Linear(64, 10),
).eval()
with torch.no_grad():  # nn.Linear.weight is (out, in): transpose
    arrays = [w1.T, b1, w2.T, b2, w3.T, b3]
    for param, array in zip(model.parameters(), arrays):
        param.copy_(torch.from_numpy(array))
x = torch.from_numpy(x)
with torch.no_grad():
    expected = model(x)

shown = set()


def warned(call, *args):  # call, and print each new warning raised
    # Python shows a DeprecationWarning only if __main__ triggered
    # it; torch.jit's are raised in torch's own files: record them.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = call(*args)
    for w in caught:
        text = f"{w.category.__name__}: {w.message}"
        if text not in shown:
            shown.add(text)
            print(textwrap.fill(text, 66, initial_indent="  ",
                                subsequent_indent="    "))
    return value


# 1. Compile two ways. script compiles forward()'s Python source
# (if/for kept); trace runs it once on x and records the ops.
print("torch.jit.script / trace / save:")
scripted = warned(torch.jit.script, model)
traced = warned(torch.jit.trace, model, x)
warned(torch.jit.save, scripted, "mlp_script.pt")  # zip archives
warned(torch.jit.save, traced, "mlp_trace.pt")
for name in sorted(os.listdir(".")):  # no sizes: they vary, as
    print(f"file: {name}")  # classes get numbered ___torch_mangle_<n>
with zipfile.ZipFile("mlp_trace.pt") as archive:
    tops = sorted({e.split("/")[1] for e in archive.namelist()})
# code/: TorchScript source; traced_inputs: the example x, kept.
print(textwrap.fill("  in mlp_trace.pt: " + " ".join(tops), 66,
                    subsequent_indent="    "))

# 2. Reload from the files, as a deployment would: no nn.Sequential
# needed (C++: torch::jit::load).
print("torch.jit.load:")
for name in "mlp_script.pt", "mlp_trace.pt":
    loaded = warned(torch.jit.load, name)
    with torch.no_grad():
        out = loaded(x)
    diff = (out - expected).abs().max().item()
    print(f"{name}: max |difference| = {diff}")
    if diff > 1e-5:
        raise AssertionError(f"{name}: output differs by {diff}")
print("output:", tuple(out.shape), out.dtype)
print(out[:2].numpy().round(4))

result = out.numpy()  # compared with TensorFlow's
