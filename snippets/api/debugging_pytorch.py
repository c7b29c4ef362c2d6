# A shape bug: the model expects 16 features, the batch has 8.
# The error, the layer found by stepping through it, the fix.
import textwrap
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(seed=0)
f32 = np.float32
x_np = rng.standard_normal((4, 8)).astype(f32)  # 8 features
w1 = rng.standard_normal((8, 5)).astype(f32)  # (in, out)
b1 = rng.standard_normal(5).astype(f32)
w2 = rng.standard_normal((5, 3)).astype(f32)
b2 = rng.standard_normal(3).astype(f32)
x = torch.from_numpy(x_np)


def build(n_in):  # each nn.Linear states its input size
    return nn.Sequential(OrderedDict(
        hidden=nn.Linear(n_in, 5),
        relu=nn.ReLU(),
        out=nn.Linear(5, 3)))


def show(error):  # the message's first lines, wrapped
    print(" ", type(error).__name__)
    lines = [line for line in str(error).splitlines() if line]
    for line in lines[:4]:
        print(textwrap.fill(line, 66, initial_indent="    ",
                            subsequent_indent="    "))


def walk(model, h):  # breakpoint() in this loop would open pdb
    for name, layer in model.named_children():
        print(f"  {name:6} gets {tuple(h.shape)}", end="")
        try:
            h = layer(h)
        except RuntimeError:
            print(" -> fails, weight", tuple(layer.weight.shape))
            return None
        print(" -> gives", tuple(h.shape))
    return h


model = build(16)  # the bug: the data has 8 features
print("1. model(x) raises:")
try:
    model(x)
except RuntimeError as error:
    show(error)

print("2. step through the layers, eagerly:")
walk(model, x)  # (or register_forward_pre_hook on each layer)

print("3. fixed: build(8), the same NumPy weights:")
model = build(8)
with torch.no_grad():  # nn.Linear keeps weight as (out, in)
    model.hidden.weight.copy_(torch.from_numpy(w1.T))
    model.hidden.bias.copy_(torch.from_numpy(b1))
    model.out.weight.copy_(torch.from_numpy(w2.T))
    model.out.bias.copy_(torch.from_numpy(b2))
    out = walk(model, x)
print("output:\n", np.round(out.numpy(), 4))

result = out  # compared with TensorFlow's
