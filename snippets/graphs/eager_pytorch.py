# Eager execution (define-by-run): each operation runs the moment
# Python reaches it; autograd records the graph while it runs.
import numpy as np
import torch

# No switch to query: the nearest is whether torch.compile is
# tracing this code (True only inside a compiled function).
print("inside torch.compile:", torch.compiler.is_compiling())

rng = np.random.default_rng(seed=0)
x_np = rng.standard_normal(4).astype(np.float32)
x = torch.tensor(x_np, requires_grad=True)

# Recording is on for every tensor that requires grad.
h = x * 2.0
print("h =", h.detach().numpy().round(4))  # a value already
if h.sum() > 0:  # plain Python `if` on a computed value
    branch, y = "sin", h.sin().sum()
else:
    branch, y = "cos", h.cos().sum()
print("branch taken:", branch, "-> y =", round(y.item(), 4))

# The graph autograd built on the fly, from y back to x:
names, node = [], y.grad_fn
while node is not None:
    names.append(type(node).__name__)
    nexts = node.next_functions
    node = nexts[0][0] if nexts else None
print("recorded:", " <- ".join(names))

y.backward()
grad = x.grad
print("dy/dx =", grad.numpy().round(4))

# Define-then-run (TF 1.x graphs and sessions): no counterpart.
print("torch.Session or torch.placeholder:",
      any(hasattr(torch, n) for n in ("Session", "placeholder")))

result = {"y": y, "grad": grad}  # compared with TensorFlow's
