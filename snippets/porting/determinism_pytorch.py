# snippet: fresh varies alone
# Determinism: does the same program give the same bits twice?
# A scatter-add (index_put_ with accumulate=True, what embedding
# gradients do) run 7 times with the switch off, then on; the
# median time, and whether the 7 results are bitwise equal.
import time

import numpy as np
import torch

rng = np.random.default_rng(seed=0)  # the same data on both sides
values = torch.from_numpy(
    rng.standard_normal((400_000, 32)).astype(np.float32))
rows = torch.from_numpy(rng.integers(0, 512, 400_000))


def scatter_add():
    out = torch.zeros(512, 32)
    out.index_put_((rows,), values, accumulate=True)
    return out


def seven_runs():
    times, outs = [], []
    for _ in range(7):
        start = time.perf_counter()
        outs.append(scatter_add())
        times.append(time.perf_counter() - start)
    same = all(torch.equal(outs[0], out) for out in outs)
    return np.median(times) * 1e3, same, outs[0]


for switch in (False, True):
    torch.use_deterministic_algorithms(switch)
    ms, same, out = seven_runs()
    print(f"use_deterministic_algorithms({switch}): "
          f"{ms:.1f} ms, 7 runs bitwise equal: {same}")

# With the switch on, new memory is filled (NaN for floats), so
# that reading it before writing it shows instead of varying.
print("torch.empty(3):", torch.empty(3).numpy())
torch.use_deterministic_algorithms(False)
result = out.numpy()  # the sums, compared with TensorFlow's
