# snippet: fresh varies alone timeout=600
# A benchmark: training steps of one Transformer encoder block
# (pre-norm), eager, then through torch.compile (inductor).
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

BATCH, SEQ, WIDTH, HEADS, FF, CLASSES = 16, 128, 128, 4, 256, 10
WARMUP, REPEATS, CALLS = 3, 6, 4

rng = np.random.default_rng(0)
f32 = np.float32
x_np = rng.standard_normal((BATCH, SEQ, WIDTH)).astype(f32)
y_np = rng.integers(0, CLASSES, BATCH)
# Kernels as (in, out), as Keras stores them; biases zero.
shapes = {"q": (WIDTH, WIDTH), "k": (WIDTH, WIDTH),
          "v": (WIDTH, WIDTH), "o": (WIDTH, WIDTH),
          "ff1": (WIDTH, FF), "ff2": (FF, WIDTH),
          "head": (WIDTH, CLASSES)}
kernels = {name: (rng.standard_normal(shape) / np.sqrt(shape[0]))
           .astype(f32) for name, shape in shapes.items()}
x = torch.from_numpy(x_np)
y = torch.from_numpy(y_np)


class Block(nn.Module):  # pre-norm encoder block, no dropout
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(WIDTH, eps=1e-5)
        self.norm2 = nn.LayerNorm(WIDTH, eps=1e-5)
        for name, (fan_in, fan_out) in shapes.items():
            setattr(self, name, nn.Linear(fan_in, fan_out))

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


def make_model():  # every variant starts from the same NumPy weights
    model = Block()
    with torch.no_grad():
        for name, kernel in kernels.items():
            layer = getattr(model, name)
            # PyTorch stores a Linear weight as (out, in)
            layer.weight.copy_(torch.from_numpy(kernel.T))
            layer.bias.zero_()
    return model, torch.optim.SGD(model.parameters(), lr=0.01)


def train_step(model, opt, x, y):
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss, logits


def measure(variant, model, opt):
    start = time.perf_counter()
    # A compiled step traces and compiles on its first call.
    loss, logits = train_step(model, opt, x, y)
    first_s = time.perf_counter() - start
    for _ in range(WARMUP):
        train_step(model, opt, x, y)
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(CALLS):
            train_step(model, opt, x, y)
        samples.append(BATCH * CALLS / (time.perf_counter() - start))
    q1, _, q3 = statistics.quantiles(samples, n=4)
    rows.append({"model": "Transformer block", "variant": variant,
                 "metric": "samples/s",
                 "median": statistics.median(samples),
                 "q1": q1, "q3": q3, "batch": BATCH,
                 "first_call_s":
                     None if variant == "eager" else first_s})
    return loss.item(), logits.detach()


rows = []
loss, logits = measure("eager", *make_model())
# The first torch.compile in a process pays a one-time start-up:
# pay it on a tiny function, so the first call below is only
# this model's trace and compile.
start = time.perf_counter()
torch.compile(lambda a: torch.relu(2 * a))(x)
setup_s = time.perf_counter() - start
# Compiling the model compiles its forward and, through
# AOTAutograd, its backward; the SGD update stays eager.
model, opt = make_model()
compiled_loss, _ = measure("torch.compile", torch.compile(model), opt)
assert abs(compiled_loss - loss) < 1e-5, (compiled_loss, loss)

print(f"Transformer block: seq {SEQ}, width {WIDTH}, {HEADS} heads, "
      f"feed-forward {FF}, batch {BATCH}, SGD lr 0.01")
print(f"{N} intra-op and {N} inter-op thread; first call timed "
      f"alone, {WARMUP} warm-up calls, then median (interquartile "
      f"range) of {REPEATS} repetitions of {CALLS} calls")
print("first torch.compile of a tiny function (one-time): "
      f"{setup_s:.2f} s")
for row in rows:
    first = row["first_call_s"]
    print(f"  {row['variant']:<14} {row['median']:5.0f} samples/s "
          f"({row['q1']:.0f}-{row['q3']:.0f}), first call "
          + ("-" if first is None else f"{first:.2f} s"))
# Not run: max-autotune would add a second compile as long as the
# default mode's, past this script's time budget, for nothing to
# tune: Inductor's C++ GEMM template wants constant (frozen)
# weights, so each matmul of a training step has one candidate.
print("torch.compile max-autotune-no-cudagraphs: not run (time "
      "budget): its first call costs about as much again, and each "
      "matmul has one candidate")

measured = {
    "one_time_compile_s": setup_s,  # the first compile in a process
    "threads": {"intra": N, "inter": N},
    "repeats": REPEATS, "calls": CALLS, "warmup": WARMUP,
    "rows": rows,
}
# The first step's loss and the first sample's first 4 logits,
# eager: the build compares them with TensorFlow's.
result = {"loss": np.float32(loss), "logits": logits[0, :4]}
