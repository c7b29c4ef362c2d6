# snippet: fresh varies timeout=600 alone
# Every PyTorch deployment format on one model: export, load, run
# and time it. One thread per runtime (set before any work), and
# the build runs it alone: every format is timed on one core.
import copy
import logging
import os
import platform
import statistics
import time
from importlib.metadata import version
import warnings

import numpy as np
import onnxruntime as ort
import torch
from torch import nn

# Quiet: log lines with timestamps (the exporters, torchao's
# import) and a FutureWarning torch raises from its own code.
for name in ("torch.onnx", "torchao", "torch.utils._pytree"):
    logging.getLogger(name).setLevel(logging.ERROR)
warnings.filterwarnings("ignore", r"`isinstance\(treespec, LeafSpec")

from executorch.backends.xnnpack.partition.xnnpack_partitioner \
    import XnnpackPartitioner
from executorch.exir import to_edge_transform_and_lower
from executorch.extension.pybindings.portable_lib import \
    _unsafe_reset_threadpool
from executorch.runtime import Runtime
from torchao.quantization import (
    Int8DynamicActivationInt8WeightConfig, quantize_)

torch.set_num_threads(1)
_unsafe_reset_threadpool(1)  # ExecuTorch's XNNPACK threads
for folder in ("pt2", "onnx", "torchscript", "pte", "int8"):
    os.makedirs(folder, exist_ok=True)  # a second run overwrites
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
                      nn.Linear(64, 10)).eval()
with torch.no_grad():  # nn.Linear.weight is (out, in): transpose
    for param, array in zip(model.parameters(),
                            [w1.T, b1, w2.T, b2, w3.T, b3]):
        param.copy_(torch.from_numpy(array))
with torch.no_grad():
    expected = model(torch.from_numpy(x)).numpy()
batch = torch.export.Dim("batch", min=1, max=32)
example = (torch.from_numpy(x),)
shapes = {"input": {0: batch}}


def timings(run, inputs, repeats):
    """Median and quartiles of `repeats` calls, in milliseconds."""
    for _ in range(10):  # warm-up: first calls allocate
        run(inputs)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run(inputs)
        times.append((time.perf_counter() - start) * 1e3)
    q1, median, q3 = statistics.quantiles(times, n=4)
    return {"median": median, "q1": q1, "q3": q3}


def size(folder):
    return sum(os.path.getsize(os.path.join(folder, name))
               for name in os.listdir(folder))



outputs = {}  # what each format returned for the 32 inputs


def measure(name, runtime, path, load, runner):
    """Load `path` five times (median), then time batch 1 and 32.
    Each format is written into a folder of its own: its size is
    that of every file in it."""
    loads = []
    for _ in range(5):
        start = time.perf_counter()
        loaded = load()
        loads.append((time.perf_counter() - start) * 1e3)
    run = runner(loaded)
    outputs[name] = run(x)  # for the comparison with the other side
    diff = float(np.abs(outputs[name] - expected).max())
    return {"format": name, "runtime": runtime,
            "file": path,
            "bytes": path and size(os.path.dirname(path)),
            "load_ms": path and statistics.median(loads),
            "b1": timings(run, x[:1], 300),
            "b32": timings(run, x, 100), "max_diff": diff}


def torch_runner(module):
    def run(inputs):
        with torch.no_grad():
            return module(torch.from_numpy(inputs)).numpy()
    return run


rows = [measure("eager nn.Module", f"torch {torch.__version__}",
                None, lambda: model, torch_runner)]

# torch.export: a .pt2 archive, loaded without the model's code.
program = torch.export.export(model, example, dynamic_shapes=shapes)
torch.export.save(program, "pt2/mlp.pt2")
rows.append(measure(
    "torch.export .pt2", f"torch {torch.__version__}", "pt2/mlp.pt2",
    lambda: torch.export.load("pt2/mlp.pt2").module(), torch_runner))

# ONNX (dynamo exporter), run by ONNX Runtime on one thread.
torch.onnx.export(model, example, "onnx/mlp.onnx", dynamo=True,
                  dynamic_shapes=shapes, verbose=False,
                  external_data=False)  # one file, as Triton wants
options = ort.SessionOptions()
options.intra_op_num_threads = options.inter_op_num_threads = 1


def ort_runner(session):
    name = session.get_inputs()[0].name
    return lambda inputs: session.run(None, {name: inputs})[0]


rows.append(measure(
    "ONNX (dynamo exporter)", f"onnxruntime {ort.__version__}",
    "onnx/mlp.onnx", lambda: ort.InferenceSession(
        "onnx/mlp.onnx", options,
        providers=["CPUExecutionProvider"]),
    ort_runner))

# TorchScript: deprecated, still measured for readers porting it.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the legacy pair shows them
    torch.jit.save(torch.jit.script(model), "torchscript/mlp.pt")
    rows.append(measure(
        "TorchScript (deprecated)", f"torch {torch.__version__}",
        "torchscript/mlp.pt",
        lambda: torch.jit.load("torchscript/mlp.pt"), torch_runner))

# ExecuTorch: a .pte program, the linear layers in XNNPACK.
edge = to_edge_transform_and_lower(
    program, partitioner=[XnnpackPartitioner()])
with open("pte/mlp.pte", "wb") as file:
    edge.to_executorch().write_to_file(file)
runtime = Runtime.get()
et = f"executorch {version('executorch')}"
rows.append(measure(
    "ExecuTorch .pte (XNNPACK)", et, "pte/mlp.pte",
    lambda: runtime.load_program("pte/mlp.pte")
    .load_method("forward"),
    lambda method: lambda inputs: method.execute(
        [torch.from_numpy(inputs)])[0].numpy()))

# torchao: int8 weights, activations quantized per call.
int8 = copy.deepcopy(model)
quantize_(int8, Int8DynamicActivationInt8WeightConfig())
torch.save(int8.state_dict(), "int8/mlp.pt")


def load_int8():
    fresh = copy.deepcopy(model)  # the code: a float model
    quantize_(fresh, Int8DynamicActivationInt8WeightConfig())
    state = torch.load("int8/mlp.pt", weights_only=True)
    fresh.load_state_dict(state, assign=True)
    return fresh


rows.append(measure(
    "torchao int8 dynamic", f"torchao {version('torchao')}",
    "int8/mlp.pt", load_int8, torch_runner))

for row in rows:
    size = f"{row['bytes'] / 1024:.1f} KiB" if row["bytes"] else "-"
    print(f"{row['format']:26} {size:>10}  batch 1: "
          f"{row['b1']['median']:.3f} ms  batch 32: "
          f"{row['b32']['median']:.3f} ms  "
          f"max |diff| {row['max_diff']:.2e}")
    limit = 0.05 if "int8" in row["format"] else 1e-5
    assert row["max_diff"] < limit, row["format"]

measured = {"threads": torch.get_num_threads(), "rows": rows,
            "machine": platform.machine(), "cores": os.cpu_count()}
# Every float format's outputs, by the part it plays on both sides:
# compared with TensorFlow's (TorchScript has no counterpart there,
# and the int8 pair compares the quantized models).
result = {"eager": outputs["eager nn.Module"],
          "native format": outputs["torch.export .pt2"],
          "ONNX Runtime": outputs["ONNX (dynamo exporter)"],
          "on-device": outputs["ExecuTorch .pte (XNNPACK)"]}
