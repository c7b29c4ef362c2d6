# The defaults a tensor made from plain Python numbers gets.
import torch

integers = torch.tensor([1, 2, 3])
floats = torch.tensor([1.0, 2.0, 3.0])

print("integers:", integers.dtype, "on", integers.device)
print("floats:  ", floats.dtype, "on", floats.device)
print("int + float ->", (integers + floats).dtype)
print("int / int   ->", (integers / integers).dtype)
