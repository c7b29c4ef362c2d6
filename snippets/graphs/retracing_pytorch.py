# Recompiles, counted: which calls make torch.compile compile fn
# again? A counting backend stands in for inductor (no codegen).
import numpy as np
import torch

compiles = 0


def counting_backend(gm, example_inputs):
    global compiles
    compiles += 1  # called once per graph that Dynamo captures
    return gm.forward  # then run that graph as it is


def fn(x, n):
    return x * n + 1


rng = np.random.default_rng(seed=0)
f32 = np.float32
x = torch.from_numpy(rng.standard_normal(4).astype(f32))
lengths = (3, 4, 5, 6)
xs = [torch.from_numpy(rng.standard_normal(k).astype(f32))
      for k in lengths]
two = torch.tensor(2.0)
outputs = []


def count(label, compiled, calls):
    global compiles
    torch.compiler.reset()  # forget what earlier rows compiled
    compiles = 0
    for args in calls:
        outputs.append(compiled(*args))
    print(f"{label:<28}{len(calls):>6}{compiles:>9}")


def compiled(**options):
    return torch.compile(fn, backend=counting_backend, **options)


print(f"{'scenario':<28}{'calls':>6}{'compiles':>9}")
count("n: Python int, 4 values", compiled(),
      [(x, n) for n in (1, 2, 3, 4)])
count("n: Python int, relaxed", compiled(),  # the default
      [(x, n) for n in (1, 2, 3, 4)])
count("n: tensor, 4 values", compiled(),
      [(x, torch.tensor(float(n))) for n in (1, 2, 3, 4)])
count("x: 4 lengths, static", compiled(dynamic=False),
      [(v, two) for v in xs])
count("x: 4 lengths, relaxed", compiled(),  # the default
      [(v, two) for v in xs])
count("x: 4 lengths, all dynamic",
      compiled(dynamic=True),
      [(v, two) for v in xs])
for v in xs:
    torch._dynamo.mark_dynamic(v, 0)  # (no public alias exists)
count("x: 4 lengths, dim 0 dynamic",
      compiled(),
      [(v, two) for v in xs])

# Python side effects: Dynamo replays them on every call, and
# guards on the state they touch (here the list's length).
log = []


def fn_logging(x, n):
    log.append(n)
    return x * n + 1


torch.compiler.reset()
compiles = 0
logged = torch.compile(fn_logging, backend=counting_backend)
for n in (1, 2, 3, 4):
    outputs.append(logged(x, torch.tensor(float(n))))
print(f"fn with log.append, 4 calls: len(log) = {len(log)},"
      f" {compiles} compiles")

result = torch.cat(outputs)  # fn's numbers, not the counts
