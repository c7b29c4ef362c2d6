# snippet: timeout=600 fresh varies alone
# A benchmark: one small block run eagerly, then through
# torch.compile (inductor): first call, then steady state.
import statistics
import time
import warnings

import numpy as np
import torch

torch.set_num_threads(1)
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
f32 = np.float32
x = torch.from_numpy(rng.standard_normal((4096, 64)).astype(f32))
w = torch.from_numpy(rng.standard_normal((64, 64)).astype(f32) / 8)


def block(x, w):  # matmul, tanh-GELU, residual, RMS norm
    h = x @ w
    c = 0.7978846
    gelu = 0.5 * h * (1 + torch.tanh(c * (h + 0.044715 * h**3)))
    y = x + gelu
    return y * torch.rsqrt((y * y).mean(-1, keepdim=True) + 1e-6)


WARMUP, REPEATS = 10, 200


def median_ms(fn):
    for _ in range(WARMUP):
        fn(x, w)
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn(x, w)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def compile_and_time(label, compiled):
    start = time.perf_counter()
    out = compiled(x, w)  # the first call traces and compiles
    first_s = time.perf_counter() - start
    compiled_ms = median_ms(compiled)
    diff = (out - expected).abs().max().item()
    assert diff < 1e-5, diff
    pay_back = 1e3 * first_s / (eager_ms - compiled_ms)
    print(f"{label}:")
    print(f"  first call (trace + compile): {first_s:6.2f} s")
    print(f"  compiled call:                {compiled_ms:6.2f} ms")
    speed_up = eager_ms / compiled_ms
    print(f"  speed-up eager/compiled:      {speed_up:6.1f}x")
    print(f"  max |compiled - eager|:       {diff:.0e}")
    print(f"  calls to pay the first back:  {pay_back:6.0f}")
    return out


print("block: (4096, 64) @ (64, 64), GELU, residual, RMS norm")
print(f"1 thread; per call: median of {REPEATS} calls after "
      f"{WARMUP} warm-up calls")
expected = block(x, w)
eager_ms = median_ms(block)
print(f"eager call:                     {eager_ms:6.2f} ms")
out = compile_and_time("torch.compile", torch.compile(block))

result = out[:2, :6]  # the build compares it with TensorFlow's
