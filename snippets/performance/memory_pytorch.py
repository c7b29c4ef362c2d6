# snippet: fresh varies alone timeout=600
# A benchmark: the peak memory that training steps add, for the
# MLP, the CNN and the Transformer block of the training pairs,
# eager and compiled. Each model and variant runs in a child
# process of its own: peak resident set size is a per-process
# figure, and what one variant frees, the next could reuse.
import inspect
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

STEPS = 10  # training steps after the first, in each child


def setup(name):
    """A model's SGD training step and batch, from NumPy (seed 0),
    the same configuration as its training pair: returns the step,
    the model (for torch.compile) and the batch."""
    import numpy as np
    import torch
    import torch.nn.functional as F
    from torch import nn

    rng = np.random.default_rng(seed=0)
    f32 = np.float32

    def kernel(*shape):  # Keras's layout, std 1/sqrt(fan-in)
        fan_in = np.prod(shape[:-1])
        draw = rng.standard_normal(shape) / np.sqrt(fan_in)
        return draw.astype(f32)

    if name == "MLP":
        batch, x = 64, rng.standard_normal((64, 256)).astype(f32)
        kernels = [kernel(256, 512), kernel(512, 512),
                   kernel(512, 10)]
        model = nn.Sequential(nn.Linear(256, 512), nn.ReLU(),
                              nn.Linear(512, 512), nn.ReLU(),
                              nn.Linear(512, 10))
    elif name == "CNN":
        batch = 32
        x = rng.standard_normal((32, 32, 32, 3)).astype(f32)  # NHWC
        # The dense kernel's rows in Keras's flatten order (h, w, c)
        dense = kernel(6 * 6 * 32, 10).reshape(6, 6, 32, 10)
        kernels = [kernel(3, 3, 3, 16), kernel(3, 3, 16, 32),
                   # ... and in PyTorch's, of NCHW: (c, h, w)
                   dense.transpose(2, 0, 1, 3).reshape(-1, 10)]
        x = x.transpose(0, 3, 1, 2).copy()  # NCHW
        model = nn.Sequential(  # 32x32 -> 30 -> 15 -> 13 -> 6
            nn.Conv2d(3, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 6 * 6, 10))
    else:  # one pre-norm Transformer encoder block, no dropout
        seq, width, heads, ff = 128, 128, 4, 256
        batch = 16
        x = rng.standard_normal((16, seq, width)).astype(f32)
        # q, k, v, o, the feed-forward pair and the head
        kernels = [kernel(width, width) for _ in range(4)]
        kernels += [kernel(width, ff), kernel(ff, width),
                    kernel(width, 10)]

        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.norm1 = nn.LayerNorm(width, eps=1e-5)
                self.norm2 = nn.LayerNorm(width, eps=1e-5)
                self.q, self.k, self.v, self.o = (
                    nn.Linear(width, width) for _ in range(4))
                self.ff1 = nn.Linear(width, ff)
                self.ff2 = nn.Linear(ff, width)
                self.head = nn.Linear(width, 10)

            def forward(self, x):
                def split(z):  # (b, seq, width) -> (b, heads, seq, -)
                    z = z.reshape(-1, seq, heads, width // heads)
                    return z.transpose(1, 2)

                h = self.norm1(x)
                q, k, v = (split(self.q(h)), split(self.k(h)),
                           split(self.v(h)))
                a = F.scaled_dot_product_attention(q, k, v)
                a = a.transpose(1, 2).reshape(-1, seq, width)
                x = x + self.o(a)
                x = x + self.ff2(torch.relu(self.ff1(self.norm2(x))))
                return self.head(x.mean(1))  # mean-pool over seq

        model = Block()
    y = rng.integers(0, 10, batch)  # class labels, int64
    layers = [m for m in model.modules()
              if isinstance(m, (nn.Linear, nn.Conv2d))]
    with torch.no_grad():
        for layer, k in zip(layers, kernels):
            order = (3, 2, 0, 1) if k.ndim == 4 else (1, 0)
            layer.weight.copy_(torch.from_numpy(k.transpose(order)))
            layer.bias.zero_()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

    def step(x, y):  # returns the loss before its update
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step, model, torch.from_numpy(x), torch.from_numpy(y)


def child(name, variant, steps):
    """Runs in a new interpreter, with this source and setup's."""
    import json
    import resource
    import sys
    import warnings

    import torch

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    # No on-disk cache: the first call compiles in full.
    torch.compiler.config.force_disable_caches = True
    warnings.filterwarnings("ignore", "dynamo_pgo")
    step, model, x, y = setup(name)
    # ru_maxrss: this process's peak resident set so far (KiB on
    # Linux, bytes on macOS). Reported: its growth from here, what
    # the training steps add, compiling included.
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if variant == "torch.compile":
        # Inductor's CPU probe before the compile, as the training
        # pairs do: built once, in Inductor's cache directory
        from torch._inductor.cpu_vec_isa import valid_vec_isa_list
        valid_vec_isa_list()
    if variant == "torch.compile" and name == "Transformer block":
        # as its training pair: the model (forward and backward)
        model.forward = torch.compile(model.forward)
    elif variant == "torch.compile":  # as theirs: the whole step
        step = torch.compile(step)
    loss = step(x, y).item()
    for _ in range(steps):
        step(x, y)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    unit = 1 if sys.platform == "darwin" else 1024  # bytes
    print(json.dumps({"growth_mib": (peak - base) * unit / 2**20,
                      "first_loss": loss}))


CODE = (inspect.getsource(setup) + inspect.getsource(child)
        + "import sys\n"
        + f"child(sys.argv[1], sys.argv[2], {STEPS})\n")


def run_child(name, variant):
    done = subprocess.run([sys.executable, "-c", CODE, name, variant],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"child {name}, {variant}:\n"
                           + done.stderr)
    return json.loads(done.stdout.splitlines()[-1])


BATCHES = {"MLP": 64, "CNN": 32, "Transformer block": 16}
configs = [(name, variant) for name in BATCHES
           for variant in ("eager", "torch.compile")]
# Peak memory does not depend on what else runs (timings would):
# two children at a time, on two cores or more.
at_once = min(2, os.cpu_count() or 1)
with ThreadPoolExecutor(max_workers=at_once) as pool:
    runs = list(pool.map(lambda config: run_child(*config), configs))
rows, first_loss = [], {}
for (name, variant), run in zip(configs, runs):
    batch = BATCHES[name]
    rows.append({"model": name, "variant": variant,
                 "batch": batch, "metric": "MiB",
                 "median": run["growth_mib"],
                 "q1": None, "q3": None,  # one figure per child
                 "first_call_s": None})
    first_loss.setdefault(name, run["first_loss"])
    # Compiled or not, the first step computes the same loss.
    assert abs(run["first_loss"] - first_loss[name]) < 1e-4

print(f"1 thread; first training step, then {STEPS} more; peak "
      "RSS growth from after import and model building")
for row in rows:
    print(f"  {row['model']:<17} batch {row['batch']:>2}  "
          f"{row['variant']:<13} {row['median']:7.1f} MiB")

measured = {
    "threads": {"intra": 1, "inter": 1},
    "steps": STEPS + 1,  # per child
    "rows": rows,
}
# The first step's loss of each model, from its eager child
result = np.array(list(first_loss.values()), dtype=np.float32)
