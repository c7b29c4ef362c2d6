# Mixed precision on CPU: inside torch.autocast, listed ops run in
# bfloat16 and the parameters stay float32. Which dtype is where?
from collections import OrderedDict

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

rng = np.random.default_rng(seed=0)
f32 = np.float32
x_np = rng.standard_normal((4, 8)).astype(f32)
labels = np.array([0, 1, 2, 3])
w1 = rng.standard_normal((8, 16)).astype(f32) / 4  # (in, out)
b1 = rng.standard_normal(16).astype(f32) / 4
w2 = rng.standard_normal((16, 4)).astype(f32) / 4
b2 = rng.standard_normal(4).astype(f32) / 4
x = torch.from_numpy(x_np)
y = torch.from_numpy(labels)


def build():  # the NumPy weights; nn.Linear keeps (out, in)
    model = nn.Sequential(OrderedDict(
        hidden=nn.Linear(8, 16), relu=nn.ReLU(),
        out=nn.Linear(16, 4), softmax=nn.Softmax(dim=1)))
    with torch.no_grad():
        for layer, w, b in [(model.hidden, w1, b1),
                            (model.out, w2, b2)]:
            layer.weight.copy_(torch.from_numpy(w.T))
            layer.bias.copy_(torch.from_numpy(b))
    return model


def name(dtype):
    return str(dtype).removeprefix("torch.")


def forward(model):  # layer by layer, noting each output's dtype
    dtypes = {"weights": name(model.hidden.weight.dtype)}
    h = x
    for key, layer in model.named_children():
        h = layer(h)
        dtypes[key] = name(h.dtype)
    # CPU autocast: linear is on its bfloat16 list; relu, softmax and
    # log follow their input; nll_loss is on its float32 list
    loss = F.nll_loss(torch.log(h), y)  # cross-entropy of probs
    dtypes["loss"] = name(loss.dtype)
    return h, loss, dtypes


model = build()  # autocast is a context around the calls
with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
    probs_bf16, loss, dtypes = forward(model)
loss.backward()  # outside the context, as the autocast docs say
dtypes["grads"] = name(model.hidden.weight.grad.dtype)
print("dtypes under torch.autocast(bfloat16):")
for key, dtype in dtypes.items():
    print(f"  {key:8} {dtype}")

with torch.no_grad():  # the same model, without autocast
    probs, loss, dtypes = forward(model)
print("float32 output:\n", np.round(probs.numpy(), 4))
diff = (probs_bf16.float() - probs).abs().max().item()
print(f"max |bfloat16 - float32|: {diff:.1e}")

result = {"bfloat16": probs_bf16, "float32": probs}  # vs TensorFlow's
