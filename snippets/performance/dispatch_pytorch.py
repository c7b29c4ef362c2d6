# snippet: fresh varies alone timeout=600
# A benchmark: the cost of one call to a tiny op (a + b on two
# 1-element tensors), eagerly and through compiled code. The add
# itself is next to nothing: what is timed is the framework's
# per-call overhead (dispatch, or the call into compiled code).
import statistics
import time
import warnings

import numpy as np
import torch

torch.set_num_threads(1)
torch.set_num_interop_threads(1)
# One thread per side: one core against one core (the build runs
# this snippet alone, with nothing else running).
# Inductor keeps compiled code on disk, and a later run would
# reuse it: switch that off, so that the first call pays in full.
torch.compiler.config.force_disable_caches = True
# Except what Inductor builds once per machine: small C++ programs
# that probe the CPU's vector instructions. Probed before any
# compile, they go to Inductor's cache directory, and later runs
# load them; inside a compile, with the switch above, every run
# would build them again.
from torch._inductor.cpu_vec_isa import valid_vec_isa_list
valid_vec_isa_list()
warnings.filterwarnings("ignore", "dynamo_pgo")  # says just that

rng = np.random.default_rng(seed=0)
a_np = rng.standard_normal(1).astype(np.float32)
b_np = rng.standard_normal(1).astype(np.float32)
a, b = torch.from_numpy(a_np), torch.from_numpy(b_np)


def add(a, b):
    return a + b


# A call costs microseconds: time blocks of CALLS calls, and
# REPEATS blocks. TensorFlow's calls cost ten to twenty times
# PyTorch's, so it runs a twentieth as many per block: on each
# side the slowest variant takes 2-3 s.
WARMUP, REPEATS, CALLS = 100, 15, 10_000


def measure(label, fn):
    start = time.perf_counter()
    out = fn(a, b)  # the first call traces and compiles, if it does
    first_s = time.perf_counter() - start
    for _ in range(WARMUP):
        fn(a, b)
    samples = []  # microseconds per call, one figure per block
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(CALLS):
            fn(a, b)
        samples.append(1e6 * (time.perf_counter() - start) / CALLS)
    q1, _, q3 = statistics.quantiles(samples, n=4)
    assert np.array_equal(out.numpy(), expected), label
    return {"model": "add, 1 element", "variant": label,
            "metric": "us/call", "median": statistics.median(samples),
            "q1": q1, "q3": q3, "first_call_s": first_s, "batch": 1}


expected = a_np + b_np
rows = [measure("eager", add),
        measure("torch.compile", torch.compile(add))]

print("add, 1 element (float32), batch 1")
print("threads: intra-op 1, inter-op 1")
print(f"method: first call timed alone, {WARMUP} warm-up calls, then "
      f"{REPEATS} blocks of {CALLS} calls; median [q1, q3] per call")
for row in rows:
    print(f"  {row['variant']:23} {row['median']:7.2f} us/call "
          f"[{row['q1']:.2f}, {row['q3']:.2f}]  "
          f"first call {row['first_call_s']:.4f} s")

measured = {
    "threads": {"intra": 1, "inter": 1},
    "repeats": REPEATS, "calls": CALLS, "warmup": WARMUP,
    "rows": rows,
}
result = add(a, b)  # the build compares it with TensorFlow's
