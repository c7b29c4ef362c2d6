# One small MLP (8 -> 16 ReLU -> 4), defined each way PyTorch has,
# loaded with the same NumPy weights: same parameters, same output.
import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(seed=0)
f32 = np.float32
w1 = rng.standard_normal((8, 16)).astype(f32)  # (in, out), as x @ w1
b1 = rng.standard_normal(16).astype(f32)
w2 = rng.standard_normal((16, 4)).astype(f32)
b2 = rng.standard_normal(4).astype(f32)
x = torch.from_numpy(rng.standard_normal((3, 8)).astype(f32))


def count_params(model):
    return sum(p.numel() for p in model.parameters())


def set_weights(model):  # nn.Linear.weight is (out, in): transpose
    arrays = [w1.T, b1, w2.T, b2]
    with torch.no_grad():
        for param, array in zip(model.parameters(), arrays):
            param.copy_(torch.from_numpy(array))


# 1. Stack layers: nn.Sequential. Each layer declares its input size.
sequential = nn.Sequential(
    nn.Linear(8, 16),
    nn.ReLU(),
    nn.Linear(16, 4),
)
print("1. nn.Sequential")
print(sequential)
print("parameters:", count_params(sequential))


# 2. Subclass nn.Module: layers in __init__, the computation in
# forward(). print() lists submodules, not forward(): no ReLU row.
class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(8, 16)
        self.out = nn.Linear(16, 4)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


subclass = MLP()
print("2. nn.Module subclass with forward()")
print(subclass)
print("parameters:", count_params(subclass))

# Keras's third way, the functional API (a symbolic Input, then
# Model(in, out)), has no PyTorch counterpart: a layer computes.

models = {"sequential": sequential, "subclass": subclass}
predictions = {}
for name, model in models.items():
    set_weights(model)
    predictions[name] = model(x).detach()
same = all(torch.equal(predictions["subclass"], p)
           for p in predictions.values())
print("same output from every way:", same)
print("output:", tuple(predictions["subclass"].shape))
print(predictions["subclass"].numpy().round(4))

result = predictions["subclass"]  # compared with Keras's
