# Automatic differentiation: tensors that require grad record their
# ops; backward() or torch.autograd.grad walks them back.
import numpy as np
import torch

rng = np.random.default_rng(seed=0)
f32 = np.float32
x = torch.tensor(rng.standard_normal(3).astype(f32),
                 requires_grad=True)
W = torch.from_numpy(rng.standard_normal((2, 3)).astype(f32))


def f(x):  # scalar function of a vector: sum(x^3)
    return (x ** 3).sum()


def g(x):  # vector function: 3 inputs -> 2 outputs
    return W @ x ** 2


# (a) first derivative: backward() fills x.grad (it accumulates)
y = f(x)
y.backward()
grad = x.grad.clone()
print("(a) df/dx       ", grad.numpy().round(4))  # 3 x^2

# (b) second derivative: keep the graph of the gradient itself
(dx,) = torch.autograd.grad(f(x), x, create_graph=True)
(d2x,) = torch.autograd.grad(dx.sum(), x)  # Hessian @ ones
print("(b) d2f/dx2     ", d2x.numpy().round(4))  # 6 x

# (c) a non-scalar output needs an explicit vector to multiply by
y = g(x)
print("(c) y.backward() with y of shape", tuple(y.shape))
try:
    y.backward()
except RuntimeError as error:
    print("    RuntimeError:", str(error).splitlines()[0])
x.grad = None  # clear what (a) accumulated
y.backward(gradient=torch.ones_like(y))  # ones @ Jacobian
print("    gradient=ones:", x.grad.numpy().round(4))

# the full Jacobian, one row per output
jac = torch.func.jacrev(g)(x)  # or autograd.functional.jacobian
print("    jacobian", tuple(jac.shape))
print(jac.detach().numpy().round(4))
print("    rows summed  ", jac.sum(0).detach().numpy().round(4))

result = {"grad": grad, "second": d2x, "vjp_ones": x.grad,
          "jacobian": jac.detach()}  # compared with TensorFlow's
