# The same seed, different numbers: each framework has a generator
# of its own. What must agree (weights, data) crosses as arrays.
import numpy as np
import torch
from torch import nn

torch.manual_seed(0)  # seeds PyTorch's generator, nothing else
print("torch.randn(4):  ", torch.randn(4).numpy().round(4))
torch.manual_seed(0)
layer = nn.Linear(3, 2)  # weight ~ U(-1/sqrt(3), 1/sqrt(3))
print("nn.Linear(3, 2) weight.T (in, out):")
print(layer.weight.detach().numpy().T.round(4))

# What crosses: arrays made once with NumPy, loaded on both sides.
rng = np.random.default_rng(seed=0)
kernel = rng.standard_normal((3, 2)).astype(np.float32)  # (in, out)
x = rng.standard_normal((4, 3)).astype(np.float32)
with torch.no_grad():
    layer.weight.copy_(torch.from_numpy(kernel.T))  # (out, in)
    layer.bias.zero_()
    result = layer(torch.from_numpy(x))
print("the layer on NumPy's weights and inputs:")
print(result.numpy().round(4))
