# snippet: fresh varies alone timeout=600
# A benchmark: the peak memory that training steps add, for the
# MLP, the CNN and the Transformer block of the training pairs,
# eager and compiled. Each model and variant runs in a child
# process of its own: peak resident set size is a per-process
# figure, and what one variant frees, the next could reuse.
import inspect
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

STEPS = 10  # training steps after the first, in each child


def setup(name):
    """A model's SGD training step and batch, from NumPy (seed 0),
    the same configuration as its training pair: returns the step
    and the batch."""
    import keras
    import numpy as np
    import tensorflow as tf
    from keras import layers

    rng = np.random.default_rng(seed=0)
    f32 = np.float32

    def kernel(*shape):  # Keras's layout, std 1/sqrt(fan-in)
        fan_in = np.prod(shape[:-1])
        draw = rng.standard_normal(shape) / np.sqrt(fan_in)
        return draw.astype(f32)

    if name == "MLP":
        batch, x = 64, rng.standard_normal((64, 256)).astype(f32)
        kernels = [kernel(256, 512), kernel(512, 512),
                   kernel(512, 10)]
        model = keras.Sequential([keras.Input((256,)),
                                  layers.Dense(512, "relu"),
                                  layers.Dense(512, "relu"),
                                  layers.Dense(10)])
        found = model.layers
    elif name == "CNN":
        batch = 32
        x = rng.standard_normal((32, 32, 32, 3)).astype(f32)  # NHWC
        # The dense kernel's rows in Keras's flatten order (h, w, c)
        dense = kernel(6 * 6 * 32, 10).reshape(6, 6, 32, 10)
        kernels = [kernel(3, 3, 3, 16), kernel(3, 3, 16, 32),
                   dense.reshape(-1, 10)]
        model = keras.Sequential([  # 32x32 -> 30 -> 15 -> 13 -> 6
            keras.Input((32, 32, 3)),
            layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(), layers.Dense(10)])
        found = [layer for layer in model.layers if layer.weights]
    else:  # one pre-norm Transformer encoder block, no dropout
        seq, width, heads, ff = 128, 128, 4, 256
        batch = 16
        x = rng.standard_normal((16, seq, width)).astype(f32)
        # q, k, v, o, the feed-forward pair and the head
        kernels = [kernel(width, width) for _ in range(4)]
        kernels += [kernel(width, ff), kernel(ff, width),
                    kernel(width, 10)]

        class Block(keras.Model):
            def __init__(self):
                super().__init__()
                self.norm1 = layers.LayerNormalization(epsilon=1e-5)
                self.norm2 = layers.LayerNormalization(epsilon=1e-5)
                self.q, self.k, self.v, self.o = (
                    layers.Dense(width) for _ in range(4))
                self.ff1 = layers.Dense(ff)
                self.ff2 = layers.Dense(width)
                self.head = layers.Dense(10)

            def call(self, x):
                def split(z):  # (b, seq, width) -> (b, heads, seq, -)
                    shape = (-1, seq, heads, width // heads)
                    z = tf.reshape(z, shape)
                    return tf.transpose(z, (0, 2, 1, 3))

                h = self.norm1(x)
                q, k, v = (split(self.q(h)), split(self.k(h)),
                           split(self.v(h)))
                scale = 1 / np.sqrt(f32(width // heads))
                scores = tf.matmul(q, k, transpose_b=True) * scale
                a = tf.matmul(tf.nn.softmax(scores), v)
                a = tf.transpose(a, (0, 2, 1, 3))
                x = x + self.o(tf.reshape(a, (-1, seq, width)))
                x = x + self.ff2(tf.nn.relu(self.ff1(self.norm2(x))))
                return self.head(tf.reduce_mean(x, 1))  # mean-pool

        model = Block()
        model(x[:1])  # builds its variables
        found = [model.q, model.k, model.v, model.o,
                 model.ff1, model.ff2, model.head]
    y = rng.integers(0, 10, batch)  # class labels, int64
    for layer, k in zip(found, kernels):
        layer.set_weights([k, np.zeros(k.shape[-1], f32)])
    optimizer = keras.optimizers.SGD(learning_rate=0.01)
    variables = model.trainable_variables
    optimizer.build(variables)  # before a tf.function traces step

    def step(x, y):  # returns the loss before its update
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(
                keras.losses.sparse_categorical_crossentropy(
                    y, model(x, training=True), from_logits=True))
        grads = tape.gradient(loss, variables)
        optimizer.apply(grads, variables)
        return loss

    return step, tf.constant(x), tf.constant(y)


def child(name, variant, steps):
    """Runs in a new interpreter, with this source and setup's."""
    import json
    import resource
    import sys

    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    step, x, y = setup(name)
    # ru_maxrss: this process's peak resident set so far (KiB on
    # Linux, bytes on macOS). Reported: its growth from here, what
    # the training steps add, compiling included.
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if variant != "eager":  # the whole step: forward, gradients,
        # update; XLA compiles it with jit_compile
        jit = variant == "tf.function jit_compile"
        step = tf.function(step, jit_compile=jit)
    loss = float(step(x, y))
    for _ in range(steps):
        step(x, y)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    unit = 1 if sys.platform == "darwin" else 1024  # bytes
    print(json.dumps({"growth_mib": (peak - base) * unit / 2**20,
                      "first_loss": loss}))


CODE = (inspect.getsource(setup) + inspect.getsource(child)
        + "import sys\n"
        + f"child(sys.argv[1], sys.argv[2], {STEPS})\n")


def run_child(name, variant):
    done = subprocess.run([sys.executable, "-c", CODE, name, variant],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"child {name}, {variant}:\n"
                           + done.stderr)
    return json.loads(done.stdout.splitlines()[-1])


BATCHES = {"MLP": 64, "CNN": 32, "Transformer block": 16}
VARIANTS = ("eager", "tf.function", "tf.function jit_compile")
configs = [(name, variant) for name in BATCHES
           for variant in VARIANTS]
# Peak memory does not depend on what else runs (timings would):
# two children at a time, on two cores or more.
at_once = min(2, os.cpu_count() or 1)
with ThreadPoolExecutor(max_workers=at_once) as pool:
    runs = list(pool.map(lambda config: run_child(*config), configs))
rows, first_loss = [], {}
for (name, variant), run in zip(configs, runs):
    batch = BATCHES[name]
    rows.append({"model": name, "variant": variant,
                 "batch": batch, "metric": "MiB",
                 "median": run["growth_mib"],
                 "q1": None, "q3": None,  # one figure per child
                 "first_call_s": None})
    first_loss.setdefault(name, run["first_loss"])
    # Compiled or not, the first step computes the same loss.
    assert abs(run["first_loss"] - first_loss[name]) < 1e-4

print(f"1 thread; first training step, then {STEPS} more; peak "
      "RSS growth from after import and model building")
for row in rows:
    print(f"  {row['model']:<17} batch {row['batch']:>2}  "
          f"{row['variant']:<23} {row['median']:7.1f} MiB")

measured = {
    "threads": {"intra": 1, "inter": 1},
    "steps": STEPS + 1,  # per child
    "rows": rows,
}
# The first step's loss of each model, from its eager child
result = np.array(list(first_loss.values()), dtype=np.float32)
