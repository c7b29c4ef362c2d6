# TensorBoard's graph view, from PyTorch: SummaryWriter.add_graph
# traces the model (TorchScript's tracer) and writes its graph;
# TensorBoard's reader gets it back.
import shutil
from collections import Counter

import numpy as np
import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter
from tensorboard.backend.event_processing import (
    event_accumulator as ea)

rng = np.random.default_rng(seed=0)
f32 = np.float32
x = torch.from_numpy(rng.standard_normal((3, 4)).astype(f32))
w1 = rng.standard_normal((4, 8)).astype(f32)  # (in, out)
w2 = rng.standard_normal((8, 2)).astype(f32)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
with torch.no_grad():  # Linear stores weight as (out, in)
    model[0].weight.copy_(torch.from_numpy(w1.T))
    model[2].weight.copy_(torch.from_numpy(w2.T))
    model[0].bias.zero_()
    model[2].bias.zero_()

# TensorBoard reads every event file in the folder: start empty.
shutil.rmtree("runs/graph", ignore_errors=True)
writer = SummaryWriter("runs/graph")
writer.add_graph(model, x)  # runs the model once, tracing it
writer.close()

acc = ea.EventAccumulator("runs/graph")
acc.Reload()
print("graph written:", acc.Tags()["graph"])
graph = acc.Graph()  # a GraphDef, TensorFlow's graph format
print("nodes:", len(graph.node))
for op, count in sorted(Counter(n.op for n in graph.node).items()):
    print(f"  {op:15} x{count}")
# Names follow the module tree: the Graphs tab groups by them.
for node in graph.node:
    if node.op.startswith("aten::"):
        scope = node.name.rsplit("/", 1)[0]
        print(f"  {node.op:12} in {scope}")

with torch.no_grad():
    result = model(x)  # compared with TensorFlow's
print("output:", tuple(result.shape))
