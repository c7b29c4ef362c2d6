# snippet: fresh varies alone timeout=600
# A benchmark: inference latency of a small MLP and a small CNN at
# batch 1, 32 and 256, eager, then through torch.compile (inductor).
import statistics
import time
import warnings

import numpy as np
import torch
from torch import nn

N = 1  # one thread per side: one core against one core
torch.set_num_threads(N)
torch.set_num_interop_threads(N)
# Inductor keeps compiled code on disk, and a later run would
# reuse it: switch that off, so that the first call pays in full.
torch.compiler.config.force_disable_caches = True
warnings.filterwarnings("ignore", "dynamo_pgo")  # says just that

BATCHES = (1, 32, 256)
WARMUP, REPEATS, CALLS = 5, 7, 10

rng = np.random.default_rng(0)
f32 = np.float32
mlp_x = rng.standard_normal((256, 256)).astype(f32)
cnn_x = rng.standard_normal((256, 32, 32, 3)).astype(f32)  # NHWC
# Kernels as Keras stores them: dense (in, out), conv (kh, kw, in, out).
mlp_k = [(rng.standard_normal(s) / np.sqrt(s[0])).astype(f32)
         for s in [(256, 512), (512, 512), (512, 10)]]
cnn_k = [(rng.standard_normal(s) / np.sqrt(np.prod(s[:-1]))).astype(f32)
         for s in [(3, 3, 3, 16), (3, 3, 16, 32), (32, 10)]]

mlp = nn.Sequential(nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 512),
                    nn.ReLU(), nn.Linear(512, 10))
# Unpadded 3x3 convolutions, as Keras's default "valid".
cnn = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))
with torch.no_grad():
    for model, kernels in [(mlp, mlp_k), (cnn, cnn_k)]:
        layers = [m for m in model if isinstance(m, (nn.Linear, nn.Conv2d))]
        for layer, kernel in zip(layers, kernels):
            order = (3, 2, 0, 1) if kernel.ndim == 4 else (1, 0)
            layer.weight.copy_(torch.from_numpy(kernel.transpose(order)))
            layer.bias.zero_()
mlp.eval()
cnn.eval()
inputs = {"MLP": torch.from_numpy(mlp_x),
          # PyTorch's own layout, NCHW, from the same NHWC numbers
          "CNN": torch.from_numpy(cnn_x.transpose(0, 3, 1, 2).copy())}


def measure(name, variant, fn, batch):
    x = inputs[name][:batch]
    start = time.perf_counter()
    fn(x)  # compiles when fn is compiled
    first_s = time.perf_counter() - start
    for _ in range(WARMUP):
        fn(x)
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(CALLS):
            out = fn(x)
        out.numpy()
        samples.append(1e3 * (time.perf_counter() - start) / CALLS)
    q1, _, q3 = statistics.quantiles(samples, n=4)
    rows.append({"model": name, "variant": variant, "metric": "ms/batch",
                 "median": statistics.median(samples), "q1": q1, "q3": q3,
                 "first_call_s": None if variant == "eager" else first_s,
                 "batch": batch})


# The first torch.compile in a process pays a one-time start-up:
# pay it on a tiny function, so each first call below is only a
# trace and compile for that model and batch size.
start = time.perf_counter()
torch.compile(lambda a: torch.relu(2 * a))(inputs["MLP"])
setup_s = time.perf_counter() - start

rows = []
with torch.no_grad():
    for name, model in [("MLP", mlp), ("CNN", cnn)]:
        # dynamic=False: one static-shape compile per batch size
        # (else the second size would recompile with dynamic shapes).
        compiled = torch.compile(model, dynamic=False)
        for variant, fn in [("eager", model), ("torch.compile", compiled)]:
            for batch in BATCHES:
                measure(name, variant, fn, batch)
    expected = mlp(inputs["MLP"][:2])

print("torch.compile max-autotune-no-cudagraphs: not run here, to stay "
      "in the time budget")
print(f"{N} intra-op and {N} inter-op thread; first call timed alone, "
      f"{WARMUP} warm-up calls, then median (interquartile range) of "
      f"{REPEATS} repetitions of {CALLS} calls")
print(f"first torch.compile of a tiny function (one-time): {setup_s:.2f} s")
for row in rows:
    first = row["first_call_s"]
    print(f"  {row['model']:<4} batch {row['batch']:>3}  {row['variant']:<14}"
          f"{row['median']:7.3f} ms/batch ({row['q1']:.3f}-{row['q3']:.3f}),"
          " first call " + ("-" if first is None else f"{first:.2f} s"))

measured = {
    "one_time_compile_s": setup_s,  # the first compile in a process
    "threads": {"intra": N, "inter": N},
    "repeats": REPEATS, "calls": CALLS, "warmup": WARMUP,
    "rows": rows,
}
result = expected  # the MLP's outputs on 2 samples, eager
