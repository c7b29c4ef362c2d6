import torch

total = torch.tensor([1.0, 2.0]) + torch.tensor([0.5, 0.25])
print("sum:", total.tolist())
result = total
