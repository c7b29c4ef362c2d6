# snippet: fresh timeout=300
# Launching: torchrun starts one process per rank and tells each
# who it is through environment variables; gloo all-reduces.
import json
import socket
import subprocess
import sys
import textwrap

import numpy as np

rng = np.random.default_rng(seed=0)
X = rng.standard_normal((8, 3)).astype(np.float32)
np.save("X.npy", X)  # 8 samples; each rank reads its half

WORKER = '''
import json, os
import numpy as np, torch, torch.distributed as dist

env = {k: os.environ[k] for k in ("RANK", "LOCAL_RANK",
       "WORLD_SIZE", "MASTER_ADDR")}  # set by torchrun
dist.init_process_group("gloo")  # reads those variables
rank, world = dist.get_rank(), dist.get_world_size()
X = np.load("X.npy")
n = len(X) // world
mine = torch.from_numpy(X[rank * n:(rank + 1) * n])
x = (mine ** 2).sum(dim=0)  # my rows' sums of squares
sent = x.tolist()
dist.all_reduce(x, op=dist.ReduceOp.SUM)  # every rank gets it
json.dump({"env": env, "sent": sent, "sum": x.tolist()},
          open(f"rank{rank}.json", "w"))
dist.destroy_process_group()
'''
with open("worker.py", "w") as f:
    f.write(WORKER)

with socket.socket() as s:  # a free port for the rendezvous
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
# One node, 2 processes: a static rendezvous at the master's
# address. On a real cluster the same command runs on each node:
#   torchrun --nnodes=4 --nproc-per-node=8 --rdzv-backend=c10d \
#     --rdzv-endpoint=host0:29400 --rdzv-id=job1 train.py
# (torchrun is the console script of torch.distributed.run), and
# the nodes agree on RANK and WORLD_SIZE at the rendezvous.
command = ["-m", "torch.distributed.run", "--nnodes=1",
           "--nproc-per-node=2", "--master-addr=127.0.0.1",
           f"--master-port={port}", "worker.py"]
shown = " ".join(["python"] + command).replace(str(port), "<port>")
print("$", " \\\n    ".join(textwrap.wrap(shown, 48)))
proc = subprocess.Popen([sys.executable] + command, text=True,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT)
try:
    out, _ = proc.communicate(timeout=120)
    if proc.returncode:
        raise RuntimeError(f"torchrun failed:\n{out}")
finally:  # never leave torchrun or a rank running
    if proc.poll() is None:
        proc.kill()
        proc.wait()

reports = [json.load(open(f"rank{r}.json")) for r in range(2)]
for r, report in enumerate(reports):  # sorted by rank
    print(f"rank {r}:", " ".join(
        f"{k}={v}" for k, v in report["env"].items()))
    print(f"  sends          {np.round(report['sent'], 4)}")
    print(f"  all_reduce SUM {np.round(report['sum'], 4)}")
# the sums of squares of all 8 rows, in this one process
whole = (X.astype(np.float64) ** 2).sum(axis=0)
gap = np.abs(np.array(reports[0]["sum"]) - whole).max()
print(f"max |all-reduced - whole batch|: {gap:.1e}")

result = reports[0]["sum"]  # compared with TensorFlow's
