# Save a model's weights (its state_dict) and load them into a
# fresh instance: the file holds tensors by name, not the code.
import os

import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(seed=0)
f32 = np.float32
w1 = rng.standard_normal((3, 6)).astype(f32)  # (in, out), as x @ w1
b1 = rng.standard_normal(6).astype(f32)
w2 = rng.standard_normal((6, 2)).astype(f32)
b2 = rng.standard_normal(2).astype(f32)
x = torch.from_numpy(rng.standard_normal((4, 3)).astype(f32))


class Net(nn.Module):  # 3 -> 6 ReLU -> 2
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(3, 6)
        self.out = nn.Linear(6, 2)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


def make_model():
    return Net()  # fresh random weights


torch.manual_seed(0)
model = make_model()
with torch.no_grad():  # nn.Linear.weight is (out, in): transpose
    for param, array in zip(model.parameters(), [w1.T, b1, w2.T, b2]):
        param.copy_(torch.from_numpy(array))
expected = model(x).detach()

# 1. Save: state_dict() maps attribute paths to tensors.
# (torch.save(model) would pickle the object itself: loading that
# needs weights_only=False, which runs arbitrary pickled code.)
torch.save(model.state_dict(), "model.pt")
for name in sorted(os.listdir(".")):
    print(f"file: {name} ({os.path.getsize(name)} bytes)")
for key, tensor in model.state_dict().items():
    print(f"  key: {key} {tuple(tensor.shape)}")

# 2. Restore into a fresh model: the class must be at hand (the
# file has no architecture). weights_only=True (the default since
# PyTorch 2.6) unpickles only tensors and plain containers.
fresh = make_model()
print("fresh model, same output before:",
      torch.equal(fresh(x), expected))
state = torch.load("model.pt", weights_only=True)
print("load_state_dict:", fresh.load_state_dict(state))
restored = fresh(x).detach()
print("restored: max |difference| =",
      (restored - expected).abs().max().item())
print("output:", tuple(restored.shape), restored.dtype)
print(restored.numpy().round(4))

result = restored  # compared with Keras's
