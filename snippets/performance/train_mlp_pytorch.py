# snippet: fresh varies alone timeout=600
# A benchmark: training steps of a small MLP per second, eager,
# then the whole step under torch.compile, in two modes.
import logging
import statistics
import time
import warnings

import numpy as np
import torch
from torch import nn

N = 1  # threads per pool: one core against one core
torch.set_num_threads(N)
torch.set_num_interop_threads(N)
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
# Dynamo logs (with a timestamp) that it skips the profiler
# record_function inside optimizer.step: quiet.
logging.getLogger("torch._dynamo.variables.ctx_manager").setLevel(
    logging.ERROR)

rng = np.random.default_rng(seed=0)
f32 = np.float32
BATCH, SIZES = 64, (256, 512, 512, 10)
# Kernels (in, out) with std 1/sqrt(fan_in) (LeCun), zero biases:
# logits of order 1, so the two sides' float32 rounding stays
# well inside the build's comparison (rtol 1e-5)
params = []
for n_in, n_out in zip(SIZES, SIZES[1:]):
    params.append((rng.standard_normal((n_in, n_out))
                   / np.sqrt(n_in)).astype(f32))
    params.append(np.zeros(n_out, f32))
x = rng.standard_normal((BATCH, SIZES[0])).astype(f32)
y = rng.integers(0, SIZES[-1], BATCH)  # class labels, int64
x, y = torch.from_numpy(x), torch.from_numpy(y)


def make_step():  # a new model and optimizer, the same weights
    model = nn.Sequential(nn.Linear(256, 512), nn.ReLU(),
                          nn.Linear(512, 512), nn.ReLU(),
                          nn.Linear(512, 10))
    with torch.no_grad():  # Linear.weight is (out, in): transpose
        for param, array in zip(model.parameters(), params):
            param.copy_(torch.from_numpy(array.T.copy()))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()  # softmax + mean cross-entropy

    def step(x, y):  # one training step, what gets compiled
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return model, step


WARMUP, REPEATS, CALLS = 5, 10, 30


def measure(variant, step):
    eager = variant == "eager"  # no compile: no first_call_s
    start = time.perf_counter()
    first = step(x, y).item()  # compiled: traces, compiles
    first_s = time.perf_counter() - start
    assert abs(first - loss0) < 1e-5 * loss0  # the same 1st step
    for _ in range(WARMUP):
        step(x, y)
    samples = []  # samples/s of each block of CALLS steps
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(CALLS):
            loss = step(x, y)
        loss.item()
        seconds = time.perf_counter() - start
        samples.append(CALLS * BATCH / seconds)
    q1, _, q3 = statistics.quantiles(samples, n=4)
    row = {"model": "MLP", "variant": variant,
           "metric": "samples/s",
           "median": statistics.median(samples), "q1": q1,
           "q3": q3, "batch": BATCH,
           "first_call_s": None if eager else first_s}
    shown = "-" if eager else f"{first_s:.2f} s"
    print(f"{variant:<40} {row['median']:6.0f} "
          f"{q1:5.0f}-{q3:<5.0f} {shown:>7}")
    return row


model, step = make_step()  # the check: one eager step
loss0 = step(x, y).item()  # the loss before the step
with torch.no_grad():
    logits = model(x[:4])  # after the step
# The first torch.compile in a process pays a set-up once: pay
# it on a tiny function, so that each variant's first call below
# is its own trace and compile.
start = time.perf_counter()
torch.compile(lambda a: torch.relu(2 * a))(x)
setup_s = time.perf_counter() - start

print("MLP 256-512-512-10, batch 64, SGD lr 0.01: training steps")
print(f"{N} thread (intra-op, inter-op); first call timed alone, "
      f"{WARMUP} warm-up\ncalls, then median and IQR of {REPEATS} "
      f"repetitions of {CALLS} steps")
print(f"first compile of a tiny function (one-time): {setup_s:.2f} s")
print(f"{'samples/s:':<40} {'median':>6} {'IQR':^11} {'first':>7}")
rows = [measure("eager", make_step()[1])]
# torch.compile of the whole step. Dynamo breaks the graph at
# zero_grad, backward() and inside optimizer.step: the step runs
# as compiled pieces (forward + loss with its compiled backward,
# then the SGD update). max-autotune has one candidate per matmul
# here (ATen's): Inductor's C++ GEMM template wants constant
# (frozen) weights, and a training step's weights are inputs.
rows.append(measure("torch.compile", torch.compile(make_step()[1])))
mode = "max-autotune-no-cudagraphs"
rows.append(measure(f"torch.compile {mode}",
                    torch.compile(make_step()[1], mode=mode)))

measured = {"one_time_compile_s": setup_s,  # once per process
            "threads": {"intra": N, "inter": N},
            "repeats": REPEATS, "calls": CALLS, "warmup": WARMUP,
            "rows": rows}
result = {"loss": loss0, "logits": logits}  # compared with Keras's
