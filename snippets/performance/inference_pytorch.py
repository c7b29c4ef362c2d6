# snippet: fresh varies alone timeout=600
# A benchmark: inference latency of a small MLP, a small CNN and
# one Transformer encoder block at batch 1, 32 and 256, eager,
# then through torch.compile (inductor).
import statistics
import time
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

N = 1  # one thread per side: one core against one core
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

BATCHES = (1, 32, 256)
WARMUP, REPEATS = 3, 5
# Calls per timed repetition: a batch of 256 takes up to a few
# hundred ms, one call is long enough to time, and ten would
# spend most of the page's time budget on it.
CALLS = {1: 10, 32: 5, 256: 1}
SEQ, WIDTH, HEADS, FF = 128, 128, 4, 256  # the Transformer block

rng = np.random.default_rng(0)
f32 = np.float32


# Kernels as Keras stores them: (in, out), (kh, kw, in, out)
def kernels(shapes):
    return [(rng.standard_normal(s) / np.sqrt(np.prod(s[:-1])))
            .astype(f32) for s in shapes]


mlp_k = kernels([(256, 512), (512, 512), (512, 10)])
cnn_k = kernels([(3, 3, 3, 16), (3, 3, 16, 32), (32, 10)])
# The block's q, k, v, o, ff1, ff2 and head kernels, in that order
block_k = kernels([(WIDTH, WIDTH)] * 4
                  + [(WIDTH, FF), (FF, WIDTH), (WIDTH, 10)])
mlp_x = rng.standard_normal((256, 256)).astype(f32)
cnn_x = rng.standard_normal((256, 32, 32, 3)).astype(f32)  # NHWC
block_x = rng.standard_normal((256, SEQ, WIDTH)).astype(f32)


class Block(nn.Module):  # pre-norm encoder block, no dropout
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(WIDTH, eps=1e-5)
        self.norm2 = nn.LayerNorm(WIDTH, eps=1e-5)
        self.q, self.k, self.v, self.o = (nn.Linear(WIDTH, WIDTH)
                                          for _ in range(4))
        self.ff1 = nn.Linear(WIDTH, FF)
        self.ff2 = nn.Linear(FF, WIDTH)
        self.head = nn.Linear(WIDTH, 10)

    def forward(self, x):
        def heads(z):  # (b, seq, width) -> (b, heads, seq, w/heads)
            z = z.reshape(-1, SEQ, HEADS, WIDTH // HEADS)
            return z.transpose(1, 2)

        h = self.norm1(x)
        a = F.scaled_dot_product_attention(
            heads(self.q(h)), heads(self.k(h)), heads(self.v(h)))
        x = x + self.o(a.transpose(1, 2).reshape(-1, SEQ, WIDTH))
        x = x + self.ff2(torch.relu(self.ff1(self.norm2(x))))
        return self.head(x.mean(1))  # mean-pool over the sequence


mlp = nn.Sequential(nn.Linear(256, 512), nn.ReLU(),
                    nn.Linear(512, 512), nn.ReLU(),
                    nn.Linear(512, 10))
# Unpadded 3x3 convolutions, as Keras's default "valid".
cnn = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                    nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                    nn.Linear(32, 10))
block = Block()
with torch.no_grad():
    for model, weights in [(mlp, mlp_k), (cnn, cnn_k),
                           (block, block_k)]:
        found = [m for m in model.modules()
                 if isinstance(m, (nn.Linear, nn.Conv2d))]
        for layer, kernel in zip(found, weights):
            order = (3, 2, 0, 1) if kernel.ndim == 4 else (1, 0)
            weight = torch.from_numpy(kernel.transpose(order))
            layer.weight.copy_(weight)
            layer.bias.zero_()
    for model in (mlp, cnn, block):
        model.eval()
inputs = {"MLP": torch.from_numpy(mlp_x),
          # PyTorch's own layout, NCHW, from the same NHWC numbers
          "CNN": torch.from_numpy(cnn_x.transpose(0, 3, 1, 2).copy()),
          "Transformer block": torch.from_numpy(block_x)}


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
        for _ in range(CALLS[batch]):
            out = fn(x)
        out.numpy()
        samples.append(1e3 * (time.perf_counter() - start)
                       / CALLS[batch])
    q1, _, q3 = statistics.quantiles(samples, n=4)
    compiled = variant != "eager"
    rows.append({"model": name, "variant": variant, "batch": batch,
                 "metric": "ms/batch", "q1": q1, "q3": q3,
                 "median": statistics.median(samples),
                 "first_call_s": first_s if compiled else None})


# The first torch.compile in a process pays a one-time start-up:
# pay it on a tiny function, so each first call below is only a
# trace and compile for that model and batch size.
start = time.perf_counter()
torch.compile(lambda a: torch.relu(2 * a))(inputs["MLP"])
setup_s = time.perf_counter() - start

rows = []
models = [("MLP", mlp), ("CNN", cnn), ("Transformer block", block)]
with torch.no_grad():
    for name, model in models:
        # dynamic=False: one static-shape compile per batch size
        # (else the second size would recompile with dynamic shapes).
        compiled = torch.compile(model, dynamic=False)
        for variant, fn in [("eager", model),
                            ("torch.compile", compiled)]:
            for batch in BATCHES:
                measure(name, variant, fn, batch)
    # Each model's outputs on 2 samples, eager: for the check.
    expected = {name.split()[0]: model(inputs[name][:2])
                for name, model in models}

print("torch.compile max-autotune-no-cudagraphs: not run here, to "
      "stay in the time budget")
print(f"{N} intra-op and {N} inter-op thread; first call timed "
      f"alone, {WARMUP} warm-up calls, then median (interquartile "
      f"range) of {REPEATS} repetitions of "
      + ", ".join(f"{c} call{'s' * (c > 1)} at batch {b}"
                  for b, c in CALLS.items()))
print("first torch.compile of a tiny function (one-time): "
      f"{setup_s:.2f} s")
for row in rows:
    first = row["first_call_s"]
    print(f"  {row['model']:<17} batch {row['batch']:>3}  "
          f"{row['variant']:<13} {row['median']:8.3f} ms/batch "
          f"({row['q1']:.3f}-{row['q3']:.3f}), first call "
          + ("-" if first is None else f"{first:.2f} s"))

measured = {
    "one_time_compile_s": setup_s,  # the first compile in a process
    "threads": {"intra": N, "inter": N},
    "repeats": REPEATS, "calls": CALLS, "warmup": WARMUP,
    "rows": rows,
}
result = expected
