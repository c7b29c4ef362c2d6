# snippet: fresh timeout=300
# Data parallelism: one process per worker; MultiWorkerMirrored-
# Strategy sums the gradients, so every worker takes the same step.
# The workers run worker.py (written below), over 127.0.0.1.
import json
import os
import socket
import subprocess
import sys

import keras
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(seed=0)
f32 = np.float32
X = rng.standard_normal((16, 4)).astype(f32)  # global batch 16
Y = rng.standard_normal((16, 2)).astype(f32)
w = (rng.standard_normal((2, 4)) * 0.5).astype(f32)  # (out, in)
b = np.zeros(2, f32)
np.savez("data.npz", X=X, Y=Y, w=w, b=b)  # what the workers read

WORKER = '''
import json
import numpy as np, tensorflow as tf
import keras  # Keras 3; tf.keras in TF 2.21 is this Keras too

strategy = tf.distribute.MultiWorkerMirroredStrategy()
task = strategy.cluster_resolver.task_id  # reads TF_CONFIG
world = strategy.num_replicas_in_sync  # 1 CPU per worker: 2
data = np.load("data.npz")
n = len(data["X"]) // world  # each worker gets 16 / 2 = 8, in
part = slice(task * n, (task + 1) * n)  # order, like PyTorch
x = tf.constant(data["X"][part])
y = tf.constant(data["Y"][part])
with strategy.scope():  # variables made here are mirrored
    model = keras.Sequential([keras.Input((4,)),
                              keras.layers.Dense(2)])
    model.set_weights([data["w"].T, data["b"]])  # kernel (in, out)
    optimizer = keras.optimizers.SGD(learning_rate=0.1)


@tf.function
def train_step(x, y):
    def step(x, y):  # runs once per replica: here, per worker
        with tf.GradientTape() as tape:
            per_example = keras.losses.mean_squared_error(
                y, model(x))
            loss = tf.nn.compute_average_loss(  # sum / 16: a
                per_example, global_batch_size=16)  # mean of 8
        # would double the step, as the gradients are summed
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(  # all-reduced (summed) here
            zip(grads, model.trainable_variables))
        return loss

    return strategy.run(step, args=(x, y))


loss = train_step(x, y)
kernel, bias = model.layers[0].get_weights()
json.dump({"x": list(x.shape), "samples": [part.start,
           part.stop - 1], "loss": float(loss),
           "w": kernel.T.tolist(), "b": bias.tolist()},
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
world = 2
procs = []
try:
    for index in range(world):  # what a cluster manager would set
        tf_config = json.dumps({"cluster": cluster, "task": {
            "type": "worker", "index": index}})
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

tasks = [json.load(open(f"task{t}.json")) for t in range(world)]
for task in tasks:
    task["w"], task["b"] = np.array(task["w"]), np.array(task["b"])
print(f"{world} processes, global batch {X.shape}, lr 0.1")
for t, task in enumerate(tasks):
    print(f"task {t}: x {tuple(task['x'])}, samples"
          f" {task['samples'][0]}-{task['samples'][1]},"
          f" loss {task['loss']:.4f} (sum of 8 / 16)")
loss = np.sum([task["loss"] for task in tasks])
print(f"global loss (task losses summed) {loss:.4f}")
print("weight (out, in) and bias after the step:")
for t, task in enumerate(tasks):
    print(f"task {t} weight", np.array2string(
        task["w"].round(4), prefix=" " * 14))
    print(" " * 7, "bias", task["b"].round(4))
gap = np.abs(tasks[1]["w"] - tasks[0]["w"]).max()
print(f"max |task 1 - task 0|: {gap:.1e}")

# the same step in one process, on the full batch
single = keras.Sequential([keras.Input((4,)),
                           keras.layers.Dense(2)])
single.set_weights([w.T, b])
with tf.GradientTape() as tape:
    full = keras.ops.mean(keras.losses.mean_squared_error(
        Y, single(X)))
grads = tape.gradient(full, single.trainable_variables)
keras.optimizers.SGD(learning_rate=0.1).apply_gradients(
    zip(grads, single.trainable_variables))
w1 = single.get_weights()[0].T
print(f"one process, full batch {X.shape}: loss {float(full):.4f}")
gap = np.abs(tasks[0]["w"] - w1).max()
print(f"max |multi-worker - one process|: {gap:.1e}")

result = {"weight": tasks[0]["w"], "bias": tasks[0]["b"],
          "loss": loss}  # compared with PyTorch's
