# Port weights between PyTorch and Keras: Conv2d 3->4 (k3) + ReLU +
# flatten + Linear, loaded from NumPy arrays in PyTorch layout.
import textwrap
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(seed=0)
C, H, W = 4, 3, 3  # conv output: 4 channels of 3 x 3


def normal(*shape, scale=1.0):
    return (scale * rng.standard_normal(shape)).astype(np.float32)


source = {  # PyTorch layout: conv OIHW, linear (out, in)
    "conv.weight": normal(4, 3, 3, 3),
    "conv.bias": normal(4),
    "fc.weight": normal(3, C * H * W, scale=0.1),
    "fc.bias": normal(3),
}
x = normal(2, 3, 5, 5)  # NCHW, as PyTorch takes it


def keras_to_torch_conv(k):  # HWIO -> OIHW: the way back
    return k.transpose(3, 2, 0, 1)


def keras_to_torch_fc(k):  # (in, out) -> (out, in), rows reordered:
    # Keras Flatten reads NHWC (index h*W*C + w*C + c), nn.Flatten
    # reads NCHW (index c*H*W + h*W + w): move the columns to match.
    out = k.shape[1]
    k = k.T.reshape(out, H, W, C).transpose(0, 3, 1, 2)
    return k.reshape(out, C * H * W)


def show(error):  # an error message, wrapped to fit the column
    print(textwrap.fill(str(error), 66, initial_indent="  ",
                        subsequent_indent="  "))


model = nn.Sequential(OrderedDict(
    conv=nn.Conv2d(3, 4, kernel_size=3),  # NCHW, the only layout
    relu=nn.ReLU(),
    flatten=nn.Flatten(),  # NCHW -> (N, C*H*W)
    fc=nn.Linear(C * H * W, 3),
))
state = {k: torch.from_numpy(v) for k, v in source.items()}
model.load_state_dict(state)  # the source layout: nothing to do
for name, v in model.state_dict().items():
    print(f"{name:<12} {tuple(v.shape)}")

with torch.no_grad():
    output = model(torch.from_numpy(x))
print("input", x.shape, "-> output", tuple(output.shape))
print(output.numpy().round(4))

# The way back: the arrays Keras holds for these weights (as the
# TensorFlow column converts them) round-trip to the source.
keras_conv = source["conv.weight"].transpose(2, 3, 1, 0)  # HWIO
keras_fc = source["fc.weight"].reshape(3, C, H, W)
keras_fc = keras_fc.transpose(0, 2, 3, 1).reshape(3, -1).T
print("round trip exact:",
      np.array_equal(keras_to_torch_conv(keras_conv),
                     source["conv.weight"]),
      np.array_equal(keras_to_torch_fc(keras_fc),
                     source["fc.weight"]))

print("What goes wrong:")
# 1. The Keras layout as is: a shape error (the easy case).
state["conv.weight"] = torch.from_numpy(keras_conv)
try:
    model.load_state_dict(state)
except RuntimeError as error:
    print("1. HWIO kernel as is: RuntimeError")
    show(str(error).splitlines()[-1].strip())
# 2. k.T reverses all four axes (HWIO -> OIWH): the shape fits,
# but kh and kw are swapped: wrong numbers and no error.
state["conv.weight"] = torch.from_numpy(keras_conv.T)
model.load_state_dict(state)
with torch.no_grad():
    wrong = model(torch.from_numpy(x))
print("2. conv kernel k.T: max difference",
      round(float((wrong - output).abs().max()), 4))
state["conv.weight"] = torch.from_numpy(source["conv.weight"])
# 3. Dense kernel transposed, columns left in NHWC-flatten order:
state["fc.weight"] = torch.from_numpy(keras_fc.T)
model.load_state_dict(state)
with torch.no_grad():
    wrong = model(torch.from_numpy(x))
print("3. fc kernel k.T only: max difference",
      round(float((wrong - output).abs().max()), 4))

result = output  # the build compares it with Keras's
