# A training loop: PyTorch has no fit() in core, the loop you
# write (zero_grad, backward, step) is the PyTorch way to train.
import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(seed=0)
f32 = np.float32
X = rng.standard_normal((64, 4)).astype(f32)  # 64 samples
Y = X @ rng.standard_normal((4, 1)).astype(f32) + 0.5
w1 = (rng.standard_normal((4, 8)) * 0.5).astype(f32)  # (in, out)
w2 = (rng.standard_normal((8, 1)) * 0.5).astype(f32)
X, Y = torch.from_numpy(X), torch.from_numpy(Y)


def make_model():  # 4 -> 8 -> 1, the same weights as Keras
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(),
                          nn.Linear(8, 1))
    with torch.no_grad():  # Linear stores weight as (out, in)
        model[0].weight.copy_(torch.from_numpy(w1.T))
        model[2].weight.copy_(torch.from_numpy(w2.T))
        model[0].bias.zero_()
        model[2].bias.zero_()
    return model


def train(make_optimizer, steps=8):  # full batch, no shuffling
    model = make_model()
    optimizer = make_optimizer(model.parameters())
    loss_fn = nn.MSELoss()
    losses = []
    for step in range(steps):
        optimizer.zero_grad()  # grads accumulate otherwise
        loss = loss_fn(model(X), Y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())  # the loss before the step
    return losses


sgd = train(lambda params: torch.optim.SGD(params, lr=0.1))
# Adam with the same settings as Keras. beta2 = 1 - 2**-10, not
# 0.999: Keras casts beta2 to float32 (0.99900001) to compute
# 1 - beta2**t, a 1e-5 error in its step sizes; PyTorch uses
# float64. eps: PyTorch adds it to sqrt(v_hat), Keras to sqrt(v)
# (up to 32x more weight here); at 1e-8 both are negligible.
adam = train(lambda params: torch.optim.Adam(
    params, lr=0.01, betas=(0.9, 1 - 2**-10), eps=1e-8))

print("step   SGD loop   Adam loop")
for step in range(len(sgd)):
    print(f"{step:4d} {sgd[step]:10.6f} {adam[step]:11.6f}")

result = {"sgd": sgd, "adam": adam}  # compared with TensorFlow's
