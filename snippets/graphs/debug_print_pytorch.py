# Debugging inside torch.compile: Dynamo cannot trace print, so it
# breaks the graph there and print runs in Python at every call.
import numpy as np
import torch

rng = np.random.default_rng(seed=0)
x_np = rng.integers(-3, 4, size=3).astype(np.float32)
x = torch.from_numpy(x_np)


def fn(x):
    y = x * 2
    print("  print:   ", y)  # Python: a graph break, every call
    return y.sum()


graphs = []  # a backend that counts graphs; runs them as they are
def counting(gm, example_inputs):  # (like backend="eager")
    graphs.append(gm)
    return gm


compiled = torch.compile(fn, backend=counting)
totals = []
for step in range(3):
    print(f"call {step}:")
    totals.append(compiled(x + step))
print("totals:", np.round(totals, 4), "| graphs:", len(graphs))

# torch._dynamo.explain is the documented graph-break diagnostic;
# it has no public equivalent outside torch._dynamo.
print("torch._dynamo.explain(fn)(x):")
report = torch._dynamo.explain(fn)(x)
print("  graphs", report.graph_count,
      "breaks", report.graph_break_count, "reason:",
      report.break_reasons[0].reason.splitlines()[0])

# To step through with pdb, call the Python function itself:
print("fn(x), not compiled:")  # breakpoint() works here
total = fn(x)
# Or let Dynamo move print out of the graph, to run after it:
print("explain with print reorderable:")
with torch._dynamo.config.patch(
        reorderable_logging_functions={print}):
    report = torch._dynamo.explain(fn)(x)
print("  graphs", report.graph_count,
      "breaks", report.graph_break_count)

result = totals  # compared with TensorFlow's
