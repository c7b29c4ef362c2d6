# snippet: fresh varies alone timeout=600
# A benchmark: training steps of one Transformer encoder block
# (pre-norm), eager, then through tf.function (and XLA).
import statistics
import time

import keras
import numpy as np
import tensorflow as tf
from keras import layers

N = 1  # one thread per side: one core against one core
tf.config.threading.set_intra_op_parallelism_threads(N)
tf.config.threading.set_inter_op_parallelism_threads(N)
# tf.function and XLA keep no compiled code on disk by default:
# every run's first call pays in full.

BATCH, SEQ, WIDTH, HEADS, FF, CLASSES = 16, 128, 128, 4, 256, 10
WARMUP, REPEATS, CALLS = 3, 6, 4

rng = np.random.default_rng(0)
f32 = np.float32
x_np = rng.standard_normal((BATCH, SEQ, WIDTH)).astype(f32)
y_np = rng.integers(0, CLASSES, BATCH)
# Kernels as (in, out), as Keras stores them; biases zero.
shapes = {"q": (WIDTH, WIDTH), "k": (WIDTH, WIDTH),
          "v": (WIDTH, WIDTH), "o": (WIDTH, WIDTH),
          "ff1": (WIDTH, FF), "ff2": (FF, WIDTH),
          "head": (WIDTH, CLASSES)}
kernels = {name: (rng.standard_normal(shape) / np.sqrt(shape[0]))
           .astype(f32) for name, shape in shapes.items()}
x = tf.constant(x_np)
y = tf.constant(y_np)


class Block(keras.Model):  # pre-norm encoder block, no dropout
    def __init__(self):
        super().__init__()
        self.norm1 = layers.LayerNormalization(epsilon=1e-5)
        self.norm2 = layers.LayerNormalization(epsilon=1e-5)
        for name, (fan_in, fan_out) in shapes.items():
            setattr(self, name, layers.Dense(fan_out))

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


def make_model():  # every variant starts from the same NumPy weights
    model = Block()
    model(x[:1])  # builds the layers' variables
    for name, kernel in kernels.items():
        layer = getattr(model, name)
        layer.set_weights([kernel, np.zeros(kernel.shape[1], f32)])
    opt = keras.optimizers.SGD(learning_rate=0.01)
    # Built before any tf.function traces the step
    opt.build(model.trainable_variables)
    return model, opt


def train_step(model, opt, x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = tf.reduce_mean(
            keras.losses.sparse_categorical_crossentropy(
                y, logits, from_logits=True))
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply(grads, model.trainable_variables)
    return loss, logits


def measure(variant, model, opt, step=train_step):
    start = time.perf_counter()
    # A compiled step traces and compiles on its first call.
    loss, logits = step(model, opt, x, y)
    first_s = time.perf_counter() - start
    for _ in range(WARMUP):
        step(model, opt, x, y)
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(CALLS):
            step(model, opt, x, y)
        samples.append(BATCH * CALLS / (time.perf_counter() - start))
    q1, _, q3 = statistics.quantiles(samples, n=4)
    rows.append({"model": "Transformer block", "variant": variant,
                 "metric": "samples/s",
                 "median": statistics.median(samples),
                 "q1": q1, "q3": q3, "batch": BATCH,
                 "first_call_s":
                     None if variant == "eager" else first_s})
    return loss.numpy(), logits.numpy()


rows = []
loss, logits = measure("eager", *make_model())
# tf.function traces the whole step: forward, gradients, update.
for variant, jit in [("tf.function", False),
                     ("tf.function jit_compile", True)]:
    step = tf.function(train_step, jit_compile=jit)
    compiled_loss, _ = measure(variant, *make_model(), step=step)
    assert abs(compiled_loss - loss) < 1e-5, (compiled_loss, loss)

print(f"Transformer block: seq {SEQ}, width {WIDTH}, {HEADS} heads, "
      f"feed-forward {FF}, batch {BATCH}, SGD lr 0.01")
print(f"{N} intra-op and {N} inter-op thread; first call timed "
      f"alone, {WARMUP} warm-up calls, then median (interquartile "
      f"range) of {REPEATS} repetitions of {CALLS} calls")
for row in rows:
    first = row["first_call_s"]
    print(f"  {row['variant']:<23} {row['median']:5.0f} samples/s "
          f"({row['q1']:.0f}-{row['q3']:.0f}), first call "
          + ("-" if first is None else f"{first:.2f} s"))

measured = {
    "threads": {"intra": N, "inter": N},
    "repeats": REPEATS, "calls": CALLS, "warmup": WARMUP,
    "rows": rows,
}
# The first step's loss and the first sample's first 4 logits,
# eager: the build compares them with PyTorch's.
result = {"loss": loss, "logits": logits[0, :4]}
