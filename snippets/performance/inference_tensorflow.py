# snippet: fresh varies alone timeout=600
# A benchmark: inference latency of a small MLP and a small CNN at
# batch 1, 32 and 256, eager, then through tf.function.
import statistics
import time

import keras
import numpy as np
import tensorflow as tf
from keras import layers

N = 1  # one thread per side: one core against one core
tf.config.threading.set_intra_op_parallelism_threads(N)
tf.config.threading.set_inter_op_parallelism_threads(N)
# tf.function keeps no traced graph on disk: every run's first
# call pays in full.

BATCHES = (1, 32, 256)
WARMUP, REPEATS, CALLS = 5, 7, 10

rng = np.random.default_rng(0)
f32 = np.float32
mlp_x = rng.standard_normal((256, 256)).astype(f32)
cnn_x = rng.standard_normal((256, 32, 32, 3)).astype(f32)  # NHWC
# Kernels as Keras stores them: dense (in, out), conv (kh, kw, in, out).
mlp_k = [(rng.standard_normal(s) / np.sqrt(s[0])).astype(f32)
         for s in [(256, 512), (512, 512), (512, 10)]]
cnn_k = [(rng.standard_normal(s) / np.sqrt(np.prod(s[:-1]))).astype(f32)
         for s in [(3, 3, 3, 16), (3, 3, 16, 32), (32, 10)]]

mlp = keras.Sequential([keras.Input((256,)),
                        layers.Dense(512, activation="relu"),
                        layers.Dense(512, activation="relu"),
                        layers.Dense(10)])
# Unpadded 3x3 convolutions: Keras's default padding, "valid".
cnn = keras.Sequential([keras.Input((32, 32, 3)),
                        layers.Conv2D(16, 3, activation="relu"),
                        layers.MaxPooling2D(2),
                        layers.Conv2D(32, 3, activation="relu"),
                        layers.MaxPooling2D(2),
                        layers.GlobalAveragePooling2D(),
                        layers.Dense(10)])
for model, kernels in [(mlp, mlp_k), (cnn, cnn_k)]:
    weighted = [layer for layer in model.layers if layer.weights]
    for layer, kernel in zip(weighted, kernels):
        layer.set_weights([kernel, np.zeros(kernel.shape[-1], f32)])
inputs = {"MLP": tf.constant(mlp_x),
          "CNN": tf.constant(cnn_x)}  # TensorFlow's own layout, NHWC


def measure(name, variant, fn, batch):
    x = inputs[name][:batch]
    start = time.perf_counter()
    fn(x)  # traces when fn is a tf.function
    first_s = time.perf_counter() - start
    for _ in range(WARMUP):
        fn(x)
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(CALLS):
            out = fn(x)
        out.numpy()
        samples.append(1e3 * (time.perf_counter() - start) / CALLS)
    q1, _, q3 = statistics.quantiles(samples, n=4)
    rows.append({"model": name, "variant": variant, "metric": "ms/batch",
                 "median": statistics.median(samples), "q1": q1, "q3": q3,
                 "first_call_s": None if variant == "eager" else first_s,
                 "batch": batch})


def inference(model):
    return lambda x: model(x, training=False)


rows = []
for name, model in [("MLP", mlp), ("CNN", cnn)]:
    # One tf.function per model: a new batch size traces it again.
    graph = tf.function(inference(model))
    for variant, fn in [("eager", inference(model)), ("tf.function", graph)]:
        for batch in BATCHES:
            measure(name, variant, fn, batch)
expected = mlp(inputs["MLP"][:2], training=False)

print("tf.function jit_compile: not run here, to stay in the time "
      "budget")
print(f"{N} intra-op and {N} inter-op thread; first call timed alone, "
      f"{WARMUP} warm-up calls, then median (interquartile range) of "
      f"{REPEATS} repetitions of {CALLS} calls")
for row in rows:
    first = row["first_call_s"]
    print(f"  {row['model']:<4} batch {row['batch']:>3}  {row['variant']:<14}"
          f"{row['median']:7.3f} ms/batch ({row['q1']:.3f}-{row['q3']:.3f}),"
          " first call " + ("-" if first is None else f"{first:.2f} s"))

measured = {
    "threads": {"intra": N, "inter": N},
    "repeats": REPEATS, "calls": CALLS, "warmup": WARMUP,
    "rows": rows,
}
result = expected  # the MLP's outputs on 2 samples, eager
