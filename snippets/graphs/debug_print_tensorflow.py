# Debugging inside a tf.function: Python print runs only while
# tracing; tf.print is an op in the graph and runs at every call.
import sys

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(seed=0)
x_np = rng.integers(-3, 4, size=3).astype(np.float32)
x = tf.constant(x_np)


@tf.function
def fn(x):
    y = x * 2
    print("  print:   ", y)  # Python: runs while tracing
    tf.print("  tf.print:", y, output_stream=sys.stdout)  # an op
    return tf.reduce_sum(y)


totals = []
for step in range(3):
    print(f"call {step}:")
    totals.append(fn(x + step))
print("totals:", np.round(totals, 4), "| traces:",
      fn.experimental_get_tracing_count())

# To step through with pdb, run tf.functions as plain Python:
tf.config.run_functions_eagerly(True)  # breakpoint() works now
print("run_functions_eagerly(True):")
total = fn(x)
tf.config.run_functions_eagerly(False)  # back to graphs
print("functions run eagerly:", tf.config.functions_run_eagerly())

result = totals  # compared with PyTorch's
