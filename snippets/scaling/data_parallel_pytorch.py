# snippet: fresh timeout=300
# Data parallelism: one process per rank, DistributedDataParallel
# averages the gradients, so every rank takes the same step.
import json
import os
import socket
import subprocess
import sys

import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(seed=0)
f32 = np.float32
X = rng.standard_normal((16, 4)).astype(f32)  # global batch 16
Y = rng.standard_normal((16, 2)).astype(f32)
w = (rng.standard_normal((4, 2)) * 0.5).astype(f32)  # (in, out)
b = np.zeros(2, f32)
np.savez("data.npz", X=X, Y=Y, w=w, b=b)  # what the ranks read

WORKER = '''
import json, os
import numpy as np, torch, torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP

torch.set_num_threads(1)  # 2 ranks share 2 cores
dist.init_process_group("gloo")  # reads RANK, WORLD_SIZE, ...
rank, world = dist.get_rank(), dist.get_world_size()
data = np.load("data.npz")
n = len(data["X"]) // world  # 8 samples each, split by rank
part = slice(rank * n, (rank + 1) * n)
x = torch.from_numpy(data["X"][part])
y = torch.from_numpy(data["Y"][part])
model = nn.Linear(4, 2)
with torch.no_grad():  # Linear stores weight as (out, in)
    model.weight.copy_(torch.from_numpy(data["w"].T))
    model.bias.copy_(torch.from_numpy(data["b"]))
ddp = DDP(model)  # broadcasts rank 0's weights, hooks backward
optimizer = torch.optim.SGD(ddp.parameters(), lr=0.1)
loss = nn.functional.mse_loss(ddp(x), y)  # mean over MY batch
loss.backward()  # gradients all-reduced and averaged here
optimizer.step()
json.dump({"rank": rank, "x": list(x.shape),
           "samples": [part.start, part.stop - 1],
           "loss": loss.item(),
           "w": model.weight.detach().T.tolist(),  # (in, out)
           "b": model.bias.detach().tolist()},
          open(f"rank{rank}.json", "w"))
dist.destroy_process_group()
'''
with open("worker.py", "w") as f:
    f.write(WORKER)

with socket.socket() as s:  # a free port for the rendezvous
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
world = 2
procs = []
try:
    for rank in range(world):  # torchrun sets these same variables
        env = dict(os.environ, RANK=str(rank),
                   WORLD_SIZE=str(world), MASTER_ADDR="127.0.0.1",
                   MASTER_PORT=str(port))
        procs.append(subprocess.Popen(
            [sys.executable, "worker.py"], env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True))
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        if proc.returncode:
            raise RuntimeError(f"a rank failed:\n{out}")
finally:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

ranks = [json.load(open(f"rank{r}.json")) for r in range(world)]
print(f"{world} processes, global batch {X.shape}, lr 0.1")
for r in ranks:
    print(f"rank {r['rank']}: x {tuple(r['x'])}, samples"
          f" {r['samples'][0]}-{r['samples'][1]},"
          f" loss on its 8 (mean) {r['loss']:.4f}")
loss = np.mean([r["loss"] for r in ranks])  # equal-sized halves
print(f"global loss (mean of rank losses) {loss:.4f}")
print("weights after the step, kernel (in, out) | bias:")
for r in ranks:
    for i, row in enumerate(np.round(r["w"], 4)):
        tail = np.round(r["b"], 4) if i == 0 else ""
        print(f"rank {r['rank']}" if i == 0 else "      ", row, tail)
