# On-device with ExecuTorch: export the model, lower it to the
# XNNPACK backend (optimized CPU kernels for Arm and x86), write a
# .pte file and run that file with ExecuTorch's runtime.
# snippet: fresh timeout=300
# (fresh: the runtime logs its CPU probe once per process.)
import logging
import os
import warnings

import numpy as np
import torch
from torch import nn

# torchao (an executorch dependency) warns that its CUDA kernels do
# not load, torch.utils._pytree that torchao registers an enum: both
# are noise on a CPU machine, not something to act on.
logging.getLogger("torchao").setLevel(logging.ERROR)
logging.getLogger("torch.utils._pytree").setLevel(logging.ERROR)
# torch 2.13's own run_decompositions deep-copies a LeafSpec.
warnings.filterwarnings("ignore", r"`isinstance\(treespec, LeafSpec")

from executorch.backends.xnnpack.partition.xnnpack_partitioner \
    import XnnpackPartitioner
from executorch.devtools import Inspector
from executorch.devtools.backend_debug import get_delegation_info
from executorch.exir import to_edge_transform_and_lower
from executorch.runtime import Runtime

rng = np.random.default_rng(seed=0)
f32 = np.float32
w1 = rng.standard_normal((16, 64)).astype(f32) * 0.25  # (in, out)
b1 = rng.standard_normal(64).astype(f32) * 0.1
w2 = rng.standard_normal((64, 64)).astype(f32) * 0.125
b2 = rng.standard_normal(64).astype(f32) * 0.1
w3 = rng.standard_normal((64, 10)).astype(f32) * 0.125
b3 = rng.standard_normal(10).astype(f32) * 0.1
x = torch.from_numpy(rng.standard_normal((32, 16)).astype(f32))

model = nn.Sequential(  # 16 -> 64 ReLU -> 64 ReLU -> 10 logits
    nn.Linear(16, 64), nn.ReLU(),
    nn.Linear(64, 64), nn.ReLU(),
    nn.Linear(64, 10),
)
with torch.no_grad():  # nn.Linear.weight is (out, in): transpose
    arrays = [w1.T, b1, w2.T, b2, w3.T, b3]
    for param, array in zip(model.parameters(), arrays):
        param.copy_(torch.from_numpy(array))
model.eval()
expected = model(x).detach()

# 1. Export: torch.export captures the graph for this input shape
# (the batch of 32 is baked in: a .pte has static shapes unless
# dynamic_shapes= says otherwise).
exported = torch.export.export(model, (x,))
# 2. Lower: the partitioner hands every subgraph XNNPACK supports
# to it; what is left runs on ExecuTorch's portable kernels.
edge = to_edge_transform_and_lower(
    exported, partitioner=[XnnpackPartitioner()])
graph = edge.exported_program().graph_module
print(get_delegation_info(graph).get_summary().strip())
for name, child in graph.named_children():
    print(f"  {name}: {child.backend_id}")
# 3. Serialize: the flatbuffer the C++ runtime on a phone reads.
with open("mlp.pte", "wb") as f:
    edge.to_executorch().write_to_file(f)
print(f"file: mlp.pte ({os.path.getsize('mlp.pte')} bytes)")

# 4. Run the file with the runtime (C++, here via Python bindings).
# ETDump records what ran: the events of the delegated call.
runtime = Runtime.get()
print("XNNPACK in this runtime:",
      runtime.backend_registry.is_available("XnnpackBackend"))
program = runtime.load_program("mlp.pte", enable_etdump=True)
method = program.load_method("forward")
meta = method.metadata
print(f"method {meta.name()}:",
      meta.input_tensor_meta(0).sizes(), "->",
      meta.output_tensor_meta(0).sizes())
got = method.execute([x])[0]
program.write_etdump_result_to_file("mlp.etdp", "debug.bin")
# (no debug buffer was asked for, so Inspector warns it has none)
warnings.filterwarnings("ignore", "Output Buffer not found")
events = Inspector(etdump_path="mlp.etdp").event_blocks[-1].events
print("ran in the delegate:", *[e.name for e in events
                                 if e.is_delegated_op], sep="\n  ")

diff = (got - expected).abs().max().item()
print("ExecuTorch vs eager: max |difference| =", diff)
if diff > 1e-5:
    raise AssertionError(f"ExecuTorch output differs by {diff}")
result = got.numpy()  # compared with LiteRT's
