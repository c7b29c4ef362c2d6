# Export to ONNX, a graph format no framework owns, and run the file
# with ONNX Runtime: the serving side needs no PyTorch.
import logging
import os
import warnings

import numpy as np
import onnx
import onnxruntime as ort
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
with torch.no_grad():
    expected = model(torch.from_numpy(x)).numpy()

# torch 2.13's exporter is chatty: it logs "torchvision is not
# installed" (with a timestamp) and trips its own FutureWarning
# on pytree's LeafSpec. Neither is about this model: hide both.
logging.getLogger("torch.onnx").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", ".*LeafSpec", FutureWarning)

# 1. Export: torch.export captures the graph (dynamo=True, the
# default since 2.9), then each ATen op is translated to ONNX.
# verbose=False drops its "[torch.onnx] ... ✅" progress lines;
# external_data=False keeps the weights inside mlp.onnx (the
# default writes them to mlp.onnx.data, for models over 2 GB).
batch = torch.export.Dim("batch")  # any batch size, not just 32
torch.onnx.export(
    model, (torch.from_numpy(x),), "mlp.onnx", dynamo=True,
    dynamic_shapes={"input": {0: batch}},
    input_names=["x"], output_names=["logits"],
    external_data=False, verbose=False,
)
for name in sorted(os.listdir(".")):  # no size: it varies, as its
    print(f"file: {name}")  # stack traces hold torch's own paths

# 2. Check the file against the ONNX spec, read its interface.
proto = onnx.load("mlp.onnx")
onnx.checker.check_model(proto)  # raises if the graph is invalid
opset = {o.domain or "ai.onnx": o.version for o in proto.opset_import}
print("producer:", proto.producer_name, "| opsets:", opset)
for kind, values in ("input", proto.graph.input), (
        "output", proto.graph.output):
    for value in values:  # a symbolic dim has a name, not a size
        dims = [d.dim_param or d.dim_value
                for d in value.type.tensor_type.shape.dim]
        print(f"{kind}: {value.name} {dims}")
print("ops:", *[node.op_type for node in proto.graph.node])

# 3. Run the file with ONNX Runtime, as a server would.
session = ort.InferenceSession(
    "mlp.onnx", providers=["CPUExecutionProvider"])
(out,) = session.run(None, {"x": x})  # None: every output
(out1,) = session.run(["logits"], {"x": x[:1]})
diff = np.abs(out - expected).max()
diff1 = np.abs(out1 - expected[:1]).max()
print("batch 32: max |difference| =", diff)
print("batch  1: max |difference| =", diff1, out1.shape)
if max(diff, diff1) > 1e-5:
    raise AssertionError(f"ONNX Runtime output differs by {diff}")
print("output:", out.shape, out.dtype)
print(out[:2].round(4))

result = out  # compared with TensorFlow's
