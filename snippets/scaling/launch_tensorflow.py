# snippet: fresh timeout=300
# Launching: TensorFlow has no launcher; start one process per
# worker, tell each who it is in TF_CONFIG; the strategy reduces.
import json
import os
import socket
import subprocess
import sys
import textwrap

import numpy as np

rng = np.random.default_rng(seed=0)
X = rng.standard_normal((8, 3)).astype(np.float32)
np.save("X.npy", X)  # 8 samples; each worker reads its half

WORKER = '''
import json, os
import numpy as np
import tensorflow as tf

strategy = tf.distribute.MultiWorkerMirroredStrategy()
resolver = strategy.cluster_resolver  # reads TF_CONFIG
task = resolver.task_id
world = strategy.num_replicas_in_sync  # 1 CPU per worker: 2
X = np.load("X.npy")
n = len(X) // world
mine = tf.constant(X[task * n:(task + 1) * n])
x = tf.reduce_sum(mine ** 2, axis=0)  # my rows' sums of squares


@tf.function
def all_reduce():  # runs on each replica: 1 CPU per worker
    context = tf.distribute.get_replica_context()
    return context.all_reduce("SUM", x)  # every replica gets it


total = strategy.run(all_reduce)
json.dump({"task": [resolver.task_type, task],
           "replicas": strategy.num_replicas_in_sync,
           "sent": x.numpy().tolist(),
           "sum": total.numpy().tolist()},
          open(f"task{task}.json", "w"))
'''
with open("worker.py", "w") as f:
    f.write(WORKER)

sockets = [socket.socket() for _ in range(2)]
for s in sockets:  # 2 free ports, one per worker
    s.bind(("127.0.0.1", 0))
ports = [s.getsockname()[1] for s in sockets]
for s in sockets:
    s.close()
cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
# On a real cluster "worker" lists every machine's host:port,
# the cluster manager (a Kubernetes operator, a Slurm script)
# sets TF_CONFIG on each machine with its own index, and each
# runs `python train.py`; a machine's GPUs are its replicas.
procs = []
try:
    for index in range(2):
        tf_config = json.dumps({"cluster": cluster, "task": {
            "type": "worker", "index": index}})
        shown = f"$ TF_CONFIG='{tf_config}' python worker.py &"
        for i, p in enumerate(ports):
            shown = shown.replace(str(p), f"<port{i}>")
        print(textwrap.fill(shown, 60, subsequent_indent="    "))
        env = dict(os.environ, TF_CONFIG=tf_config)
        procs.append(subprocess.Popen(
            [sys.executable, "worker.py"], env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        if proc.returncode:
            raise RuntimeError(f"a worker failed:\n{out}")
finally:  # never leave a worker running
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

reports = [json.load(open(f"task{i}.json")) for i in range(2)]
for i, report in enumerate(reports):  # sorted by task index
    kind, index = report["task"]
    print(f"task {i}: type={kind} index={index}"
          f" replicas_in_sync={report['replicas']}")
    print(f"  sends          {np.round(report['sent'], 4)}")
    print(f"  all_reduce SUM {np.round(report['sum'], 4)}")
# the sums of squares of all 8 rows, in this one process
whole = (X.astype(np.float64) ** 2).sum(axis=0)
gap = np.abs(np.array(reports[0]["sum"]) - whole).max()
print(f"max |all-reduced - whole batch|: {gap:.1e}")

result = reports[0]["sum"]  # compared with PyTorch's
