# snippet: fresh timeout=300
# Data parallelism: one process per rank; DistributedDataParallel
# averages the gradients, so every rank takes the same step. The
# ranks run worker.py (written below), on gloo, the CPU backend.
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
w = (rng.standard_normal((2, 4)) * 0.5).astype(f32)  # (out, in)
b = np.zeros(2, f32)
np.savez("data.npz", X=X, Y=Y, w=w, b=b)  # what the ranks read

WORKER = '''
import json
import numpy as np, torch, torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP

torch.set_num_threads(1)  # 2 ranks share 2 cores
dist.init_process_group("gloo")  # reads RANK, WORLD_SIZE, ...
rank, world = dist.get_rank(), dist.get_world_size()
data = np.load("data.npz")
n = len(data["X"]) // world  # each rank gets 16 / 2 = 8, in
part = slice(rank * n, (rank + 1) * n)  # order, like TF (a
# DistributedSampler(shuffle=False) deals them: 0, 2, 4, ...)
x = torch.from_numpy(data["X"][part])
y = torch.from_numpy(data["Y"][part])
model = nn.Linear(4, 2)
with torch.no_grad():  # Linear stores weight as (out, in)
    model.weight.copy_(torch.from_numpy(data["w"]))
    model.bias.copy_(torch.from_numpy(data["b"]))
ddp = DDP(model)  # broadcasts rank 0's weights, hooks backward
optimizer = torch.optim.SGD(ddp.parameters(), lr=0.1)
loss = nn.functional.mse_loss(ddp(x), y)  # mean of my 8
loss.backward()  # gradients all-reduced, averaged over ranks
optimizer.step()
json.dump({"x": list(x.shape), "samples": [part.start,
           part.stop - 1], "loss": loss.item(),
           "w": model.weight.tolist(), "b": model.bias.tolist()},
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
            [sys.executable, "worker.py"], env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        if proc.returncode:
            raise RuntimeError(f"a rank failed:\n{out}")
finally:  # never leave a rank running
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

ranks = [json.load(open(f"rank{r}.json")) for r in range(world)]
for rank in ranks:
    rank["w"], rank["b"] = np.array(rank["w"]), np.array(rank["b"])
print(f"{world} processes, global batch {X.shape}, lr 0.1")
for r, rank in enumerate(ranks):
    print(f"rank {r}: x {tuple(rank['x'])}, samples"
          f" {rank['samples'][0]}-{rank['samples'][1]},"
          f" loss {rank['loss']:.4f} (mean of 8)")
loss = np.mean([rank["loss"] for rank in ranks])
print(f"global loss (rank losses averaged) {loss:.4f}")
print("weight (out, in) and bias after the step:")
for r, rank in enumerate(ranks):
    print(f"rank {r} weight", np.array2string(
        rank["w"].round(4), prefix=" " * 14))
    print(" " * 7, "bias", rank["b"].round(4))
gap = np.abs(ranks[1]["w"] - ranks[0]["w"]).max()
print(f"max |rank 1 - rank 0|: {gap:.1e}")

# the same step in one process, on the full batch
single = nn.Linear(4, 2)
with torch.no_grad():
    single.weight.copy_(torch.from_numpy(w))
    single.bias.copy_(torch.from_numpy(b))
full = nn.functional.mse_loss(single(torch.from_numpy(X)),
                              torch.from_numpy(Y))
full.backward()
torch.optim.SGD(single.parameters(), lr=0.1).step()
w1 = single.weight.detach().numpy()
print(f"one process, full batch {X.shape}: loss {full.item():.4f}")
gap = np.abs(ranks[0]["w"] - w1).max()
print(f"max |DDP - one process|: {gap:.1e}")

result = {"weight": ranks[0]["w"], "bias": ranks[0]["b"],
          "loss": loss}  # compared with TensorFlow's
