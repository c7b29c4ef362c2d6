# A model with a module of your own, saved and loaded back: a
# state_dict holds tensors by name, the class stays in your code.
import pickle

import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(seed=0)
x = torch.from_numpy(rng.standard_normal((2, 3)).astype(np.float32))


class Scale(nn.Module):  # multiplies by a learned vector
    def __init__(self):
        super().__init__()
        self.s = nn.Parameter(torch.full((3,), 2.0))

    def forward(self, v):
        return v * self.s


model = nn.Sequential(Scale())
torch.save(model.state_dict(), "weights.pt")
torch.save(model, "model.pt")  # the module object, pickled

# 1. The pickled module: torch.load refuses it by default
#    (weights_only=True loads tensors, not classes).
try:
    torch.load("model.pt")
except pickle.UnpicklingError as error:
    print("torch.load:", str(error).split(". ")[0])
# 2. The opt-out, for a file you trust: it unpickles the object,
#    which works while Scale is importable (here, in __main__).
whole = torch.load("model.pt", weights_only=False)
# 3. The usual way: build the model in code, then load weights.
fresh = nn.Sequential(Scale())
state = torch.load("weights.pt")
print("load_state_dict:", fresh.load_state_dict(state))

with torch.no_grad():
    outputs = [m(x) for m in (model, whole, fresh)]
for label, out in zip(("saved", "unpickled", "state_dict"), outputs):
    values = " ".join(f"{v:7.4f}" for v in out.numpy().ravel())
    print(f"{label:<11}", values)

result = torch.stack(outputs)  # compared with Keras'
