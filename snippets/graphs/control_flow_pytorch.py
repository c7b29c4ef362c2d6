# A Python `if` and `while` on tensor values under torch.compile:
# Dynamo breaks the graph there; torch.cond/torch.while_loop do not.
import operator

import numpy as np
import torch

rng = np.random.default_rng(seed=0)
x_np = rng.standard_normal(4).astype(np.float32)
inputs = {"sum > 0": torch.from_numpy(x_np),
          "sum < 0": torch.from_numpy(-x_np)}


def fn(x):
    if x.sum() > 0:  # a Python `if` on a tensor's value
        y = x * 10
    else:
        y = x - 1
    while y.abs().max() > 1:  # a Python `while` on one
        y = y / 2
    return y


graphs = []  # a backend that records each graph and counts runs
def counting(gm, example_inputs):
    ops = [getattr(n.target, "__name__", n.target)
           for n in gm.graph.nodes
           if n.op in ("call_function", "call_method")
           and n.target is not operator.getitem]
    graphs.append({"ops": " ".join(ops), "runs": 0})
    record = graphs[-1]
    def run(*args):
        record["runs"] += 1
        return gm(*args)
    return run


compiled = torch.compile(fn, backend=counting)
print("Python if/while under torch.compile:")
for name, x in inputs.items():
    print(f"{name}: y = {compiled(x).numpy().round(4)}")
for i, g in enumerate(graphs, start=1):
    print(f"  graph {i}: {g['ops']:<20} ran {g['runs']}x")

# torch._dynamo.explain is the documented graph-break diagnostic;
# it has no public equivalent outside torch._dynamo.
report = torch._dynamo.explain(fn)(inputs["sum > 0"])
print("explain: graphs", report.graph_count,
      "breaks", report.graph_break_count)
print("  reason:", report.break_reasons[0].reason.splitlines()[0])
strict = torch.compile(fn, backend=counting, fullgraph=True)
try:  # fullgraph=True makes a graph break an error
    strict(inputs["sum > 0"])
except Exception as error:
    print("fullgraph=True:", type(error).__name__, "-",
          str(error).splitlines()[0])


def fn_ops(x):  # the same steps as graph operators
    y = torch.cond(x.sum() > 0,
                   lambda x: x * 10, lambda x: x - 1, (x,))
    (y,) = torch.while_loop(lambda y: y.abs().max() > 1,
                            lambda y: (y / 2,), (y,))
    return y


graphs.clear()
compiled = torch.compile(fn_ops, backend=counting, fullgraph=True)
print("torch.cond + torch.while_loop, fullgraph=True:")
result = {}
for name, x in inputs.items():
    result[name] = compiled(x)
    print(f"{name}: y = {result[name].numpy().round(4)}")
for i, g in enumerate(graphs, start=1):
    print(f"  graph {i}: {g['ops']:<20} ran {g['runs']}x")
report = torch._dynamo.explain(fn_ops)(inputs["sum > 0"])
print("explain: graphs", report.graph_count,
      "breaks", report.graph_break_count)
