# snippet: fresh varies alone
# Determinism: does the same program give the same bits twice?
# A scatter-add (unsorted_segment_sum, what embedding gradients
# do) run 7 times with op determinism off, then on; the median
# time, and whether the 7 results are bitwise equal.
import textwrap
import time

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(seed=0)  # the same data on both sides
values = tf.constant(
    rng.standard_normal((400_000, 32)).astype(np.float32))
rows = tf.constant(rng.integers(0, 512, 400_000))


def scatter_add():
    return tf.math.unsorted_segment_sum(values, rows, 512).numpy()


def seven_runs():
    times, outs = [], []
    for _ in range(7):
        start = time.perf_counter()
        outs.append(scatter_add())
        times.append(time.perf_counter() - start)
    same = all(np.array_equal(outs[0], out) for out in outs)
    return np.median(times) * 1e3, same, outs[0]


ms, same, out = seven_runs()
print(f"op determinism off: {ms:.1f} ms, "
      f"7 runs bitwise equal: {same}")
tf.config.experimental.enable_op_determinism()
print("a call that turns it off again:",
      hasattr(tf.config.experimental, "disable_op_determinism"))
ms, same, out = seven_runs()
print(f"op determinism on:  {ms:.1f} ms, "
      f"7 runs bitwise equal: {same}")

# With it on, a random op needs a seed: without one it raises.
try:
    tf.random.normal([2])
except RuntimeError as error:
    print("tf.random.normal without a seed: RuntimeError:")
    print(textwrap.fill(str(error), 64, initial_indent="  ",
                        subsequent_indent="  "))
tf.random.set_seed(0)
print("with tf.random.set_seed(0):", tf.random.normal([2]).numpy())
result = out  # the sums, compared with PyTorch's
