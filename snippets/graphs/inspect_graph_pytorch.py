# Capture y = relu(x @ w + b) as a graph with torch.export:
# list its nodes and its signature, then run the captured graph.
import numpy as np
import torch

rng = np.random.default_rng(seed=0)
f32 = np.float32
x_np = rng.standard_normal((3, 4)).astype(f32)
w_np = rng.standard_normal((4, 3)).astype(f32)
b_np = rng.standard_normal(3).astype(f32)


class Dense(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.from_numpy(w_np))
        self.b = torch.nn.Parameter(torch.from_numpy(b_np))

    def forward(self, x):
        return torch.relu(x @ self.w + self.b)


model = Dense()
example = torch.from_numpy(x_np)
batch = torch.export.Dim("batch")  # any batch size
program = torch.export.export(
    model, (example,), dynamic_shapes={"x": {0: batch}}
)

nodes = list(program.graph.nodes)
print(len(nodes), "nodes (op, target, output shape):")
for node in nodes:
    val = node.meta.get("val")
    shape = tuple(val.shape) if val is not None else ""
    line = f"  {node.op:13} {str(node.target):19} {shape}"
    print(line.rstrip())
print("symbolic sizes:", program.range_constraints)

signature = program.graph_signature
for spec in signature.input_specs:
    line = f"input:  {spec.kind.name} {spec.arg.name}"
    if spec.target:  # a parameter lifted to a graph input
        line += f" <- self.{spec.target}"
    print(line)
for spec in signature.output_specs:
    print(f"output: {spec.kind.name} {spec.arg.name}")

y = program.module()(example)  # run the captured graph
print("y =", y.detach().numpy().round(4))

# Lighter: torch.fx.symbolic_trace records the Python-level calls.
traced = torch.fx.symbolic_trace(model)
calls = [n.target.__name__ for n in traced.graph.nodes
         if n.op == "call_function"]
print("fx.symbolic_trace calls:", ", ".join(calls))

result = y  # compared with TensorFlow's
