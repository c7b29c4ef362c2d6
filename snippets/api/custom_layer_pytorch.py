# A layer of your own: y = x * scale + shift, with one trainable
# scale and shift per feature. PyTorch: nn.Module + nn.Parameter.
import numpy as np
import torch
from torch import nn


class ScaleShift(nn.Module):
    def __init__(self, features):
        super().__init__()  # sizes known here: make the weights
        self.scale = nn.Parameter(torch.ones(features))
        self.shift = nn.Parameter(torch.zeros(features))

    def forward(self, x):
        return x * self.scale + self.shift


layer = ScaleShift(3)
print("weights before the first call:",
      [name for name, _ in layer.named_parameters()])

rng = np.random.default_rng(seed=0)
x = torch.from_numpy(rng.standard_normal((4, 3)).astype(np.float32))
with torch.no_grad():  # set the weights from NumPy, as the other side
    layer.scale.copy_(torch.tensor([0.5, 1.0, 2.0]))
    layer.shift.copy_(torch.tensor([0.0, -1.0, 1.0]))

y = layer(x)
loss = (y ** 2).mean()
loss.backward()
for name, param in layer.named_parameters():
    print(f"{name}: shape {tuple(param.shape)},",
          "grad", param.grad.numpy().round(4))
print("trainable parameters:",
      sum(p.numel() for p in layer.parameters() if p.requires_grad))

result = {"y": y.detach(), "grad_scale": layer.scale.grad,
          "grad_shift": layer.shift.grad}  # compared with Keras'
