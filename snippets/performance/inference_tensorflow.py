# snippet: fresh varies alone timeout=600
# A benchmark: inference latency of a small MLP, a small CNN and
# one Transformer encoder block at batch 1, 32 and 256, eager,
# then through tf.function.
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
WARMUP, REPEATS = 3, 5
# Calls per timed repetition: a batch of 256 takes up to a few
# hundred ms, one call is long enough to time, and ten would
# spend most of the page's time budget on it.
CALLS = {1: 10, 32: 5, 256: 1}
SEQ, WIDTH, HEADS, FF = 128, 128, 4, 256  # the Transformer block

rng = np.random.default_rng(0)
f32 = np.float32


# Kernels as Keras stores them: (in, out), (kh, kw, in, out)
def kernels(shapes):
    return [(rng.standard_normal(s) / np.sqrt(np.prod(s[:-1])))
            .astype(f32) for s in shapes]


mlp_k = kernels([(256, 512), (512, 512), (512, 10)])
cnn_k = kernels([(3, 3, 3, 16), (3, 3, 16, 32), (32, 10)])
# The block's q, k, v, o, ff1, ff2 and head kernels, in that order
block_k = kernels([(WIDTH, WIDTH)] * 4
                  + [(WIDTH, FF), (FF, WIDTH), (WIDTH, 10)])
mlp_x = rng.standard_normal((256, 256)).astype(f32)
cnn_x = rng.standard_normal((256, 32, 32, 3)).astype(f32)  # NHWC
block_x = rng.standard_normal((256, SEQ, WIDTH)).astype(f32)


class Block(keras.Model):  # pre-norm encoder block, no dropout
    def __init__(self):
        super().__init__()
        self.norm1 = layers.LayerNormalization(epsilon=1e-5)
        self.norm2 = layers.LayerNormalization(epsilon=1e-5)
        self.q, self.k, self.v, self.o = (layers.Dense(WIDTH)
                                          for _ in range(4))
        self.ff1, self.ff2 = layers.Dense(FF), layers.Dense(WIDTH)
        self.head = layers.Dense(10)

    def call(self, x):
        def heads(z):  # (b, seq, width) -> (b, heads, seq, w/heads)
            z = tf.reshape(z, (-1, SEQ, HEADS, WIDTH // HEADS))
            return tf.transpose(z, (0, 2, 1, 3))

        h = self.norm1(x)
        q, k, v = heads(self.q(h)), heads(self.k(h)), heads(self.v(h))
        scale = 1 / np.sqrt(f32(WIDTH // HEADS))
        scores = tf.matmul(q, k, transpose_b=True) * scale
        a = tf.matmul(tf.nn.softmax(scores), v)
        a = tf.transpose(a, (0, 2, 1, 3))
        a = tf.reshape(a, (-1, SEQ, WIDTH))
        x = x + self.o(a)
        x = x + self.ff2(tf.nn.relu(self.ff1(self.norm2(x))))
        return self.head(tf.reduce_mean(x, 1))  # mean-pool over seq


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
block = Block()
block(block_x[:1])  # builds the block's variables
block_layers = [block.q, block.k, block.v, block.o,
                block.ff1, block.ff2, block.head]
for found, weights in [([l for l in mlp.layers if l.weights], mlp_k),
                       ([l for l in cnn.layers if l.weights], cnn_k),
                       (block_layers, block_k)]:
    for layer, kernel in zip(found, weights):
        layer.set_weights([kernel, np.zeros(kernel.shape[-1], f32)])
inputs = {"MLP": tf.constant(mlp_x),
          "CNN": tf.constant(cnn_x),  # TensorFlow's own layout, NHWC
          "Transformer block": tf.constant(block_x)}


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
        for _ in range(CALLS[batch]):
            out = fn(x)
        out.numpy()
        samples.append(1e3 * (time.perf_counter() - start)
                       / CALLS[batch])
    q1, _, q3 = statistics.quantiles(samples, n=4)
    compiled = variant != "eager"
    rows.append({"model": name, "variant": variant, "batch": batch,
                 "metric": "ms/batch", "q1": q1, "q3": q3,
                 "median": statistics.median(samples),
                 "first_call_s": first_s if compiled else None})


def inference(model):
    return lambda x: model(x, training=False)


rows = []
models = [("MLP", mlp), ("CNN", cnn), ("Transformer block", block)]
for name, model in models:
    # One tf.function per model: a new batch size traces it again.
    graph = tf.function(inference(model))
    for variant, fn in [("eager", inference(model)),
                        ("tf.function", graph)]:
        for batch in BATCHES:
            measure(name, variant, fn, batch)
# Each model's outputs on 2 samples, eager: for the check.
expected = {name.split()[0]: model(inputs[name][:2], training=False)
            for name, model in models}

print("tf.function jit_compile: not run here, to stay in the time "
      "budget")
print(f"{N} intra-op and {N} inter-op thread; first call timed "
      f"alone, {WARMUP} warm-up calls, then median (interquartile "
      f"range) of {REPEATS} repetitions of "
      + ", ".join(f"{c} call{'s' * (c > 1)} at batch {b}"
                  for b, c in CALLS.items()))
for row in rows:
    first = row["first_call_s"]
    print(f"  {row['model']:<17} batch {row['batch']:>3}  "
          f"{row['variant']:<13} {row['median']:8.3f} ms/batch "
          f"({row['q1']:.3f}-{row['q3']:.3f}), first call "
          + ("-" if first is None else f"{first:.2f} s"))

measured = {
    "threads": {"intra": N, "inter": N},
    "repeats": REPEATS, "calls": CALLS, "warmup": WARMUP,
    "rows": rows,
}
result = expected
