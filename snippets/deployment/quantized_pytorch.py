# Dynamic quantization with torchao: int8 weights with one scale
# per output row; at run time the activations are quantized on the
# fly, so no calibration data. torch.ao.quantization, the older
# API, still runs in torch 2.13 but is deprecated (see its warning).
# snippet: fresh
# (fresh: torchao's import-time messages come once per process.)
import logging
import os

import numpy as np
import torch
from torch import nn

# torchao warns that its CUDA kernels do not load, and
# torch.utils._pytree that torchao registers an enum: noise on a
# CPU machine, not something to act on.
logging.getLogger("torchao").setLevel(logging.ERROR)
logging.getLogger("torch.utils._pytree").setLevel(logging.ERROR)
from torchao.quantization import (
    Int8DynamicActivationInt8WeightConfig, quantize_)

rng = np.random.default_rng(seed=0)
f32 = np.float32
w1 = rng.standard_normal((16, 64)).astype(f32) * 0.25  # (in, out)
b1 = rng.standard_normal(64).astype(f32) * 0.1
w2 = rng.standard_normal((64, 64)).astype(f32) * 0.125
b2 = rng.standard_normal(64).astype(f32) * 0.1
w3 = rng.standard_normal((64, 10)).astype(f32) * 0.125
b3 = rng.standard_normal(10).astype(f32) * 0.1
x = torch.from_numpy(rng.standard_normal((32, 16)).astype(f32))


def make_model():  # 16 -> 64 ReLU -> 64 ReLU -> 10 logits
    model = nn.Sequential(
        nn.Linear(16, 64), nn.ReLU(),
        nn.Linear(64, 64), nn.ReLU(),
        nn.Linear(64, 10),
    )
    with torch.no_grad():  # nn.Linear.weight is (out, in)
        arrays = [w1.T, b1, w2.T, b2, w3.T, b3]
        for param, array in zip(model.parameters(), arrays):
            param.copy_(torch.from_numpy(array))
    return model.eval()


model = make_model()
expected = model(x).detach()
print(f"float logits: max |value| = {expected.abs().max():.2f}")


def report(name, got):
    diff = (got - expected).abs().max().item()
    agree = (got.argmax(1) == expected.argmax(1)).sum().item()
    print(f"{name} vs float eager: max |difference| = {diff:.4f}")
    print(f"  same argmax class in {agree} of {len(x)} rows")
    return diff


# 0. The old API: one scale per weight tensor, not per row.
legacy = torch.ao.quantization.quantize_dynamic(
    make_model(), {nn.Linear}, dtype=torch.qint8)
report("torch.ao quantize_dynamic", legacy(x))

# 1. torchao: quantize_ swaps each Linear's weight, in place, for
# an Int8Tensor subclass (int8 data + per-row scales).
quantized = make_model()
quantize_(quantized, Int8DynamicActivationInt8WeightConfig())
torch.save(model.state_dict(), "mlp.pt")
torch.save(quantized.state_dict(), "mlp_int8.pt")
for name in ["mlp.pt", "mlp_int8.pt"]:
    print(f"file: {name} ({os.path.getsize(name)} bytes)")

# 2. Reload into a fresh float model: assign=True puts the loaded
# Int8Tensors in place of the float parameters (copying into them,
# the default, raises). weights_only=True works: torchao registers
# its tensor classes as safe to unpickle.
state = torch.load("mlp_int8.pt", weights_only=True)
for key, tensor in state.items():
    if key.endswith("weight"):
        print(f"  {key}: {type(tensor).__name__}",
              f"{tensor.qdata.dtype} {list(tensor.shape)},",
              f"{tensor.scale.numel()} scales")
fresh = make_model()
fresh.load_state_dict(state, assign=True)
got = fresh(x).detach()
diff = report("torchao int8", got)
# int8 keeps about 1/127 of each row's range per weight: a few
# hundredths on logits of this size; a bug would be far larger.
if diff > 0.05:
    raise AssertionError(f"int8 model differs by {diff}")

# Compared with LiteRT's side: the classes exactly, the int8
# logits within the pair's atol of 0.1 (the two quantize
# differently, each within 0.05 of the same float logits).
result = {"float classes": expected.argmax(1),
          "int8 classes": got.argmax(1), "int8 logits": got}
