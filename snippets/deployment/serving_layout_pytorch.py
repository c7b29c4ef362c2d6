# Lay a PyTorch model out the way Triton Inference Server loads it
# (ONNX + config.pbtxt), show its inputs and outputs with ONNX
# Runtime, and build a KServe v2 (Open Inference Protocol) request;
# then answer it as the server would, from the files.
import json
import logging
import os
import textwrap
import warnings

import numpy as np
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

model = nn.Sequential(nn.Linear(16, 64), nn.ReLU(),
                      nn.Linear(64, 64), nn.ReLU(),
                      nn.Linear(64, 10))
with torch.no_grad():  # nn.Linear.weight is (out, in): transpose
    for param, array in zip(model.parameters(),
                            [w1.T, b1, w2.T, b2, w3.T, b3]):
        param.copy_(torch.from_numpy(array))
model.eval()
expected = model(torch.from_numpy(x)).detach().numpy()


def show_tree(top):  # names only: no sizes, no dates
    for root, dirs, files in sorted(os.walk(top)):
        dirs.sort()
        depth = root.count(os.sep)
        print("  " * depth + os.path.basename(root) + "/")
        for name in sorted(files):
            print("  " * (depth + 1) + name)


def as_json(array):  # shortest decimals that read back as float32
    return [float(str(v)) for v in array.ravel()]  # row-major


def print_json(text):  # one line of JSON, wrapped to fit a column
    print(textwrap.fill(text, 70, subsequent_indent="    "))


# 1. Export: Triton serves model_repository/<name>/<version>/, the
# highest version by default, next to the model's config.pbtxt.
# Weights inside the one file: a model.onnx with a separate .data
# file would have to be a folder model.onnx/ holding both.
os.makedirs("model_repository/mlp/1", exist_ok=True)
# Two messages that are noise here: torch 2.13's exporter trips its
# own pytree deprecation, and logs (with a timestamp) each
# torchvision op it skips when torchvision is not installed.
exporter_log = logging.getLogger("torch.onnx")
exporter_log.setLevel(logging.ERROR)
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", ".*LeafSpec")
    torch.onnx.export(
        model, (torch.from_numpy(x[:2]),),
        "model_repository/mlp/1/model.onnx", dynamo=True,
        input_names=["x"], output_names=["logits"],
        dynamic_shapes=({0: torch.export.Dim("batch")},),
        external_data=False, verbose=False)
exporter_log.setLevel(logging.NOTSET)
# The config: max_batch_size > 0 tells Triton the first axis is
# the batch, so dims leave it out: x is [-1, 16], logits [-1, 10].
config = """\
name: "mlp"
backend: "onnxruntime"
max_batch_size: 8
input [ { name: "x" data_type: TYPE_FP32 dims: [ 16 ] } ]
output [ { name: "logits" data_type: TYPE_FP32 dims: [ 10 ] } ]
"""
with open("model_repository/mlp/config.pbtxt", "w") as file:
    file.write(config)
show_tree("model_repository")
# To serve it: docker run -p 8000:8000
#   -v "$PWD/model_repository:/models"
#   nvcr.io/nvidia/tritonserver:<yy.mm>-py3
#   tritonserver --model-repository=/models

# 2. Inspect the file as the server sees it: ONNX Runtime (what
# Triton's onnxruntime backend runs) lists inputs and outputs.
session = ort.InferenceSession("model_repository/mlp/1/model.onnx",
                               providers=["CPUExecutionProvider"])
for kind, args in [("input", session.get_inputs()),
                   ("output", session.get_outputs())]:
    for arg in args:
        print(f"{kind} {arg.name!r}: {arg.type} {arg.shape}")
        # The config must name the same tensors, batch axis aside.
        dims = ", ".join(str(d) for d in arg.shape[1:])
        entry = (f'name: "{arg.name}" data_type: TYPE_FP32'
                 f' dims: [ {dims} ]')
        if isinstance(arg.shape[0], int) or entry not in config:
            raise AssertionError(f"config.pbtxt does not fit {arg}")
print("config.pbtxt matches the model; its batch axis is symbolic")

# 3. The v2 request: each input tensor by name, with its shape,
# datatype and its data flattened in row-major order.
rows = x[:2]
body = {"inputs": [{"name": "x", "shape": list(rows.shape),
                    "datatype": "FP32", "data": as_json(rows)}]}
wire = json.dumps(body)  # what the client sends
print("POST /v2/models/mlp/infer")
print_json(wire)

# 4. Answer it as the server would: parse the JSON to float32 (the
# datatype), reshape, run the session built from the file.
request = json.loads(wire)
(tensor,) = request["inputs"]
inputs = np.array(tensor["data"], dtype=np.float32).reshape(
    tensor["shape"])
print("data read back exactly:", np.array_equal(inputs, rows))
(predictions,) = session.run(["logits"], {tensor["name"]: inputs})
print("session returns:", {"logits": predictions.shape})
# The response names every output and keeps its shape.
response = {"model_name": "mlp", "model_version": "1",
            "outputs": [{"name": "logits",
                         "shape": list(predictions.shape),
                         "datatype": "FP32",
                         "data": as_json(predictions)}]}
print("response:")
print_json(json.dumps(response))

diff = np.abs(predictions - expected[:2]).max()
print("served: max |difference| from the PyTorch model =", diff)
if diff > 1e-5:
    raise AssertionError(f"served output differs by {diff}")

result = predictions  # compared with TensorFlow's
