# snippet: fresh varies alone timeout=600
# A benchmark: training steps of a small MLP per second, eager,
# then the same step under tf.function, without and with XLA.
import statistics
import time

import keras  # Keras 3; tf.keras in TF 2.21 is this Keras too
import numpy as np
import tensorflow as tf

N = 1  # threads per pool: one core against one core
tf.config.threading.set_intra_op_parallelism_threads(N)
tf.config.threading.set_inter_op_parallelism_threads(N)
# tf.function and XLA keep no compiled code on disk by default:
# every run's first call pays in full.

rng = np.random.default_rng(seed=0)
f32 = np.float32
BATCH, SIZES = 64, (256, 512, 512, 10)
# Kernels (in, out) with std 1/sqrt(fan_in) (LeCun), zero biases:
# logits of order 1, so the two sides' float32 rounding stays
# well inside the build's comparison (rtol 1e-5)
params = []
for n_in, n_out in zip(SIZES, SIZES[1:]):
    params.append((rng.standard_normal((n_in, n_out))
                   / np.sqrt(n_in)).astype(f32))
    params.append(np.zeros(n_out, f32))
x = rng.standard_normal((BATCH, SIZES[0])).astype(f32)
y = rng.integers(0, SIZES[-1], BATCH)  # class labels, int64
x, y = tf.constant(x), tf.constant(y)


def make_step():  # a new model and optimizer, the same weights
    model = keras.Sequential([
        keras.Input((256,)), keras.layers.Dense(512, "relu"),
        keras.layers.Dense(512, "relu"), keras.layers.Dense(10)])
    model.set_weights(params)  # Dense kernel is (in, out): as is
    optimizer = keras.optimizers.SGD(learning_rate=0.01)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(
        from_logits=True)  # softmax + mean cross-entropy
    variables = model.trainable_variables

    def step(x, y):  # one training step, what gets compiled
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(grads, variables))
        return loss

    return model, step


WARMUP, REPEATS, CALLS = 5, 10, 30


def measure(variant, step):
    eager = variant == "eager"  # no compile: no first_call_s
    start = time.perf_counter()
    first = float(step(x, y))  # compiled: traces, compiles
    first_s = time.perf_counter() - start
    assert abs(first - loss0) < 1e-5 * loss0  # the same 1st step
    for _ in range(WARMUP):
        step(x, y)
    samples = []  # samples/s of each block of CALLS steps
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(CALLS):
            loss = step(x, y)
        float(loss)
        seconds = time.perf_counter() - start
        samples.append(CALLS * BATCH / seconds)
    q1, _, q3 = statistics.quantiles(samples, n=4)
    row = {"model": "MLP", "variant": variant,
           "metric": "samples/s",
           "median": statistics.median(samples), "q1": q1,
           "q3": q3, "batch": BATCH,
           "first_call_s": None if eager else first_s}
    shown = "-" if eager else f"{first_s:.2f} s"
    print(f"{variant:<40} {row['median']:6.0f} "
          f"{q1:5.0f}-{q3:<5.0f} {shown:>7}")
    return row


model, step = make_step()  # the check: one eager step
loss0 = float(step(x, y))  # the loss before the step
logits = model(x[:4])  # after the step
# The same warm-up as on PyTorch's side: a tiny function through
# tf.function and XLA first, so that each variant's first call
# below is its own trace and compile.
start = time.perf_counter()
tf.function(lambda a: tf.nn.relu(2 * a))(x)
tf.function(lambda a: tf.nn.relu(2 * a), jit_compile=True)(x)
setup_s = time.perf_counter() - start

print("MLP 256-512-512-10, batch 64, SGD lr 0.01: training steps")
print(f"{N} thread (intra-op, inter-op); first call timed alone, "
      f"{WARMUP} warm-up\ncalls, then median and IQR of {REPEATS} "
      f"repetitions of {CALLS} steps")
print(f"first compile of a tiny function (one-time): {setup_s:.2f} s")
print(f"{'samples/s:':<40} {'median':>6} {'IQR':^11} {'first':>7}")
rows = [measure("eager", make_step()[1])]
# tf.function traces the whole step, tape and optimizer included,
# into one graph; jit_compile=True hands that graph to XLA, which
# compiles all of it (or raises).
rows.append(measure("tf.function", tf.function(make_step()[1])))
rows.append(measure("tf.function jit_compile",
                    tf.function(make_step()[1], jit_compile=True)))

measured = {"one_time_compile_s": setup_s,  # once per process
            "threads": {"intra": N, "inter": N},
            "repeats": REPEATS, "calls": CALLS, "warmup": WARMUP,
            "rows": rows}
result = {"loss": loss0, "logits": logits}  # compared with PyTorch's
