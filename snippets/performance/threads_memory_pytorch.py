# snippet: fresh varies alone timeout=600
# A benchmark: one MLP training step, eager, with 1 thread and
# with 2, and the peak memory that training steps add, eager and
# compiled. Each configuration runs in a child process of its own:
# a process sets its thread counts once, before any work
# (TensorFlow cannot change them later), and peak RSS is a
# per-process figure.
import inspect
import json
import subprocess
import sys

import numpy as np
import torch

torch.set_num_threads(1)  # this process only computes `result`
torch.set_num_interop_threads(1)

BATCH = 64  # as in setup()
# A TensorFlow eager step takes about 4x PyTorch's here, so its
# blocks have a quarter of the steps: about 1 s of timed eager
# steps per child on either side.
WARMUP, REPEATS, CALLS = 5, 15, 40  # in each child


def setup():
    """The MLP, its data and its SGD step, from NumPy (seed 0)."""
    import numpy as np
    import torch
    from torch import nn

    rng = np.random.default_rng(seed=0)
    f32 = np.float32
    x = rng.standard_normal((64, 256)).astype(f32)
    y = rng.integers(0, 10, size=64)  # class labels, int64
    sizes = [(256, 512), (512, 512), (512, 10)]  # (in, out)
    kernels = [(rng.standard_normal(s) * np.sqrt(2 / s[0])).astype(f32)
               for s in sizes]
    model = nn.Sequential(nn.Linear(256, 512), nn.ReLU(),
                          nn.Linear(512, 512), nn.ReLU(),
                          nn.Linear(512, 10))
    with torch.no_grad():  # Linear stores weight as (out, in)
        for layer, kernel in zip(model[::2], kernels):
            layer.weight.copy_(torch.from_numpy(kernel.T))
            layer.bias.zero_()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()  # softmax cross-entropy

    def step(x, y):  # returns the loss before its update
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step, torch.from_numpy(x), torch.from_numpy(y)


def child(threads, variant, warmup, repeats, calls):
    """Runs in a new interpreter, which gets this source and setup's."""
    import json
    import resource
    import statistics
    import time

    import torch

    torch.set_num_threads(threads)
    torch.set_num_interop_threads(threads)
    # No on-disk cache: the first call compiles in full.
    torch.compiler.config.force_disable_caches = True
    step, x, y = setup()
    # ru_maxrss: this process's peak resident set so far, in KiB.
    # Reported: its growth from here, what the training steps
    # added, compiling included (it comes with the first call).
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if variant == "torch.compile":  # the whole step; dynamo
        # splits it at zero_grad() and backward()
        step = torch.compile(step)
    start = time.perf_counter()
    step(x, y)  # the first call traces and compiles, if it does
    first_s = time.perf_counter() - start
    for _ in range(warmup):
        step(x, y)
    samples = []  # samples per second, one figure per block
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            step(x, y)
        samples.append(calls * len(x) / (time.perf_counter() - start))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    q1, _, q3 = statistics.quantiles(samples, n=4)
    print(json.dumps({"median": statistics.median(samples),
                      "q1": q1, "q3": q3, "first_call_s": first_s,
                      "growth_mib": (peak - base) / 1024}))


CODE = (inspect.getsource(setup) + inspect.getsource(child)
        + "import sys\nchild(int(sys.argv[1]), sys.argv[2], "
        + f"{WARMUP}, {REPEATS}, {CALLS})\n")


def run_child(threads, variant):
    done = subprocess.run(
        [sys.executable, "-c", CODE, str(threads), variant],
        capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"child {variant}, {threads} thread(s):\n"
                           + done.stderr)
    return json.loads(done.stdout.splitlines()[-1])


runs = {("eager", 1): run_child(1, "eager"),
        ("eager", 2): run_child(2, "eager"),
        ("torch.compile", 1): run_child(1, "torch.compile")}

rows = []
for threads in (1, 2):
    run = runs[("eager", threads)]
    rows.append({
        "model": "MLP", "metric": "samples/s", "batch": BATCH,
        "variant": f"eager, {threads} thread" + "s" * (threads > 1),
        "median": run["median"], "q1": run["q1"], "q3": run["q3"],
        "first_call_s": run["first_call_s"], "threads": threads})
for variant in ("eager", "torch.compile"):
    run = runs[(variant, 1)]  # one figure per child: no quartiles
    rows.append({
        "model": "MLP", "metric": "MiB", "batch": BATCH,
        "variant": variant, "median": run["growth_mib"],
        "q1": None, "q3": None, "first_call_s": run["first_call_s"],
        "threads": 1})

print(f"MLP 256 -> 512 -> 512 -> 10, batch {BATCH}, SGD step")
print("threads: set per child process (intra-op = inter-op)")
print(f"method: first call timed alone, {WARMUP} warm-up steps, then "
      f"{REPEATS} blocks of {CALLS} steps; median [q1, q3]")
print("memory: peak RSS growth (ru_maxrss) that the training steps "
      "add, compiling included, from after import and model building; "
      "1 thread")
for row in rows:
    if row["metric"] == "MiB":
        figure = f"{row['median']:8.1f} MiB"
    else:
        figure = (f"{row['median']:8.0f} samples/s "
                  f"[{row['q1']:.0f}, {row['q3']:.0f}]")
    print(f"  {row['variant']:23} {figure}  "
          f"first call {row['first_call_s']:.3f} s")

measured = {
    "threads": {"intra": [1, 2], "inter": [1, 2]},
    "repeats": REPEATS, "calls": CALLS, "warmup": WARMUP,
    "memory": "peak RSS growth (ru_maxrss), per child process",
    "rows": rows,
}

step, x, y = setup()  # here, eager, 1 thread
# The second step returns the loss after the first update.
result = np.array([step(x, y).item(), step(x, y).item()])
