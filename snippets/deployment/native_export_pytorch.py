# Export the model with torch.export to a .pt2 file (graph + weights,
# no Python class needed to load it), reload it and run it.
import os
import zipfile

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

# 1. Export: trace forward() once on an example into an ATen graph.
# Sizes are fixed to the example's unless declared dynamic; the
# argument of nn.Sequential.forward is named "input".
batch = torch.export.Dim("batch")
program = torch.export.export(
    model, (x,), dynamic_shapes={"input": {0: batch}}
)
torch.export.save(program, "mlp.pt2")  # a zip archive
for name in sorted(os.listdir(".")):  # no size: it varies, as
    print(f"file: {name}")  # model.json holds torch's own paths
with zipfile.ZipFile("mlp.pt2") as archive:
    folders = {}  # folder -> file names in it
    weights = 0  # bytes of the weight_<i> files
    for entry in archive.infolist():
        folder, _, name = entry.filename.rpartition("/")
        folders.setdefault(folder, []).append(name)
        if name.startswith("weight_"):
            weights += entry.file_size
for folder, names in sorted(folders.items()):
    names = sorted(names)
    if len(names) > 4:  # weight_0 ... weight_5: one per tensor
        names = names[:2] + ["..."] + names[-1:]
    print(f"  {folder}/:", *names)
print(f"  weights: {weights} bytes")

# 2. Reload from the file, as a deployment would.
loaded = torch.export.load("mlp.pt2")
signature = loaded.graph_signature
shapes = {node.name: node.meta["val"].shape  # traced sizes
          for node in loaded.graph.nodes
          if isinstance(node.meta.get("val"), torch.Tensor)}
for spec in signature.input_specs:  # weights are graph inputs too
    name = spec.arg.name
    line = f"input:  {spec.kind.name} {name} {tuple(shapes[name])}"
    if spec.target:  # a parameter lifted to a graph input
        line += f" <- {spec.target}"
    print(line)
for spec in signature.output_specs:
    name = spec.arg.name
    print(f"output: {spec.kind.name} {name} {tuple(shapes[name])}")
print("symbolic sizes:", loaded.range_constraints)

# 3. Run: .module() turns the program back into a callable.
runnable = loaded.module()
with torch.no_grad():
    out = runnable(x)
    out1 = runnable(x[:1])
diff = (out - expected).abs().max().item()
diff1 = (out1 - expected[:1]).abs().max().item()
print("batch 32: max |difference| =", diff)
print("batch  1: max |difference| =", diff1, tuple(out1.shape))
assert max(diff, diff1) <= 1e-5, "reloaded program differs"
print("output:", tuple(out.shape), out.dtype)
print(out[:2].numpy().round(4))

result = out.numpy()  # compared with TensorFlow's
