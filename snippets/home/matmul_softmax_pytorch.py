# One dense layer by hand: probabilities = softmax(x @ w + b).
# Inputs come from NumPy with a fixed seed, so both frameworks see the same numbers.
import numpy as np
import torch

rng = np.random.default_rng(seed=0)
x = torch.from_numpy(rng.standard_normal((4, 3)).astype(np.float32))
w = torch.from_numpy(rng.standard_normal((3, 2)).astype(np.float32))
b = torch.from_numpy(rng.standard_normal(2).astype(np.float32))

logits = x @ w + b
probabilities = torch.softmax(logits, dim=-1)

print(probabilities.shape, probabilities.dtype)
print(probabilities.numpy().round(4))

result = probabilities  # compared with the TensorFlow side by the build
