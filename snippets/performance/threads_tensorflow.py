# snippet: fresh varies alone timeout=600
# A benchmark: one MLP training step, eager, with 1 thread and
# with 2. Each thread count runs in a child process of its own: a
# process sets its thread counts once, before any work
# (TensorFlow cannot change them later).
import inspect
import json
import subprocess
import sys

import numpy as np
import tensorflow as tf

# this process only computes `result`
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

BATCH = 64  # as in setup()
# A TensorFlow eager step takes about 4x PyTorch's here, so its
# blocks have a quarter of the steps: about 1 s of timed eager
# steps per child on either side.
WARMUP, REPEATS, CALLS = 5, 15, 10  # in each child


def setup():
    """The MLP, its data and its SGD step, from NumPy (seed 0)."""
    import keras
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(seed=0)
    f32 = np.float32
    x = rng.standard_normal((64, 256)).astype(f32)
    y = rng.integers(0, 10, size=64)  # class labels, int64
    sizes = [(256, 512), (512, 512), (512, 10)]  # (in, out)
    kernels = [(rng.standard_normal(s) * np.sqrt(2 / s[0]))
               .astype(f32) for s in sizes]  # He init
    model = keras.Sequential([keras.Input((256,)),
                              keras.layers.Dense(512, "relu"),
                              keras.layers.Dense(512, "relu"),
                              keras.layers.Dense(10)])
    # Dense stores its kernel as (in, out): no transpose
    weights = []
    for kernel in kernels:
        weights += [kernel, np.zeros(kernel.shape[1], f32)]
    model.set_weights(weights)
    optimizer = keras.optimizers.SGD(learning_rate=0.01)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(
        from_logits=True)  # softmax cross-entropy
    variables = model.trainable_variables

    def step(x, y):  # returns the loss before its update
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x))
        grads = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(grads, variables))
        return loss

    return step, tf.constant(x), tf.constant(y)


def child(threads, warmup, repeats, calls):
    """Runs in a new interpreter, with this source and setup's."""
    import json
    import statistics
    import time

    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    step, x, y = setup()
    start = time.perf_counter()
    step(x, y)  # the first, timed alone
    first_s = time.perf_counter() - start
    for _ in range(warmup):
        step(x, y)
    samples = []  # samples per second, one figure per block
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            step(x, y)
        samples.append(calls * len(x) / (time.perf_counter() - start))
    q1, _, q3 = statistics.quantiles(samples, n=4)
    print(json.dumps({"median": statistics.median(samples),
                      "q1": q1, "q3": q3, "first_call_s": first_s}))


CODE = (inspect.getsource(setup) + inspect.getsource(child)
        + "import sys\nchild(int(sys.argv[1]), "
        + f"{WARMUP}, {REPEATS}, {CALLS})\n")


def run_child(threads):
    done = subprocess.run([sys.executable, "-c", CODE, str(threads)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"child with {threads} thread(s):\n"
                           + done.stderr)
    return json.loads(done.stdout.splitlines()[-1])


runs = {threads: run_child(threads) for threads in (1, 2)}

rows = []
for threads in (1, 2):
    run = runs[threads]
    rows.append({
        "model": "MLP", "metric": "samples/s", "batch": BATCH,
        "variant": f"eager, {threads} thread" + "s" * (threads > 1),
        "median": run["median"], "q1": run["q1"], "q3": run["q3"],
        "first_call_s": run["first_call_s"], "threads": threads})

print(f"MLP 256 -> 512 -> 512 -> 10, batch {BATCH}, SGD step")
print("threads: set per child process (intra-op = inter-op)")
print(f"method: first call timed alone, {WARMUP} warm-up steps, then "
      f"{REPEATS} blocks of {CALLS} steps; median [q1, q3]")
for row in rows:
    print(f"  {row['variant']:17} {row['median']:8.0f} samples/s "
          f"[{row['q1']:.0f}, {row['q3']:.0f}]  "
          f"first call {row['first_call_s']:.3f} s")

measured = {
    "threads": {"intra": [1, 2], "inter": [1, 2]},
    "repeats": REPEATS, "calls": CALLS, "warmup": WARMUP,
    "rows": rows,
}

step, x, y = setup()  # here, eager, 1 thread
# The second step returns the loss after the first update.
result = np.array([float(step(x, y)), float(step(x, y))])
