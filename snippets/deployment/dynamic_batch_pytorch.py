# The batch size of an exported program: fixed to the example's
# unless declared dynamic with torch.export.Dim.
import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(seed=0)
f32 = np.float32
w1 = rng.standard_normal((16, 64)).astype(f32) * 0.25  # (in, out)
b1 = rng.standard_normal(64).astype(f32) * 0.1
w2 = rng.standard_normal((64, 64)).astype(f32) * 0.125
b2 = rng.standard_normal(64).astype(f32) * 0.1
w3 = rng.standard_normal((64, 10)).astype(f32) * 0.125
b3 = rng.standard_normal(10).astype(f32) * 0.1
x = rng.standard_normal((32, 16)).astype(f32)

model = nn.Sequential(  # 16 -> 64 ReLU -> 64 ReLU -> 10 logits
    nn.Linear(16, 64), nn.ReLU(),
    nn.Linear(64, 64), nn.ReLU(),
    nn.Linear(64, 10),
).eval()
with torch.no_grad():  # nn.Linear.weight is (out, in): transpose
    arrays = [w1.T, b1, w2.T, b2, w3.T, b3]
    for param, array in zip(model.parameters(), arrays):
        param.copy_(torch.from_numpy(array))
x = torch.from_numpy(x)
expected = model(x).detach()


def export(path, dynamic_shapes):  # export, save, load from file
    program = torch.export.export(
        model, (x,), dynamic_shapes=dynamic_shapes)
    torch.export.save(program, path)
    loaded = torch.export.load(path)
    node, = loaded.graph.find_nodes(op="placeholder", target="input")
    print(f"{path}: input {tuple(node.meta['val'].shape)},",
          "sizes:", loaded.range_constraints or "all fixed")
    return loaded.module()


def first_line(err):  # export's errors can run on for pages
    return f"{type(err).__name__}: {str(err).splitlines()[0]}"


# 1. No dynamic_shapes: every size is the example's (32, 16), and
# the program checks it on each call (a guard).
runnable = export("static.pt2", dynamic_shapes=None)
print("  batch 32:", tuple(runnable(x).shape))
try:
    runnable(x[:1])
except Exception as err:
    print("  batch  1:", first_line(err))

# 2. Dim("batch"): dimension 0 of "input" (nn.Sequential's argument)
# becomes a symbol, valid for any size the range allows.
batch = torch.export.Dim("batch")
runnable = export("dynamic.pt2", {"input": {0: batch}})
with torch.no_grad():
    for n in (32, 1):
        out = runnable(x[:n])
        diff = (out - expected[:n]).abs().max().item()
        print(f"  batch {n:2}:", tuple(out.shape),
              "max |difference| =", diff)
        assert diff <= 1e-5, "exported program differs"
print("output on x[:1]:")
print(out.numpy().round(4))

result = out.numpy()  # batch 1 output, compared with TensorFlow's
