# The batch size of a SavedModel signature: whatever its TensorSpec
# says, None for any size.
import textwrap

import numpy as np
import keras  # Keras 3: in TF 2.21 tf.keras is this same package
import tensorflow as tf

rng = np.random.default_rng(seed=0)
f32 = np.float32
w1 = rng.standard_normal((16, 64)).astype(f32) * 0.25  # (in, out)
b1 = rng.standard_normal(64).astype(f32) * 0.1
w2 = rng.standard_normal((64, 64)).astype(f32) * 0.125
b2 = rng.standard_normal(64).astype(f32) * 0.1
w3 = rng.standard_normal((64, 10)).astype(f32) * 0.125
b3 = rng.standard_normal(10).astype(f32) * 0.1
x = rng.standard_normal((32, 16)).astype(f32)

model = keras.Sequential([  # 16 -> 64 ReLU -> 64 ReLU -> 10 logits
    keras.Input((16,), name="x"),
    keras.layers.Dense(64, "relu", name="hidden1"),
    keras.layers.Dense(64, "relu", name="hidden2"),
    keras.layers.Dense(10, name="logits"),
], name="mlp")
model.set_weights([w1, b1, w2, b2, w3, b3])  # Dense kernel: (in, out)
expected = model(x).numpy()


def export(path, shape):  # trace, save, load from the directory
    spec = tf.TensorSpec(shape, tf.float32, name="x")

    @tf.function(input_signature=[spec])
    def serve(x):
        return {"logits": model(x)}

    tf.saved_model.save(model, path, signatures=serve)
    loaded = tf.saved_model.load(path)
    runnable = loaded.signatures["serving_default"]
    _, inputs = runnable.structured_input_signature
    print(f"{path}: input {tuple(inputs['x'].shape)}")
    return runnable


def first_line(err):  # the rest repeats the input's values
    line = str(err).splitlines()[0].split(". Received")[0]
    return textwrap.fill(f"{type(err).__name__}: {line}", 66,
                         subsequent_indent="    ")


# 1. A fixed TensorSpec [32, 16]: the call checks the shape of
# what it is given before converting it to a tensor.
runnable = export("static", [32, 16])
print("  batch 32:", runnable(x=x)["logits"].shape)
try:
    runnable(x=x[:1])
except Exception as err:
    print("  batch  1:", first_line(err))
# A tf.Tensor of the wrong shape gets through: the fallback "flat
# signature" checks only that it is a Tensor (no shapes in eager).
out = runnable(x=tf.constant(x[:1]))["logits"]
print("  batch  1 as tf.Tensor:", out.shape, "(signature says",
      tuple(runnable.structured_outputs["logits"].shape), end=")\n")

# 2. None in the TensorSpec: the batch dimension is unknown in the
# graph, valid for any size.
runnable = export("dynamic", [None, 16])
for n in (32, 1):
    out = runnable(x=x[:n])["logits"].numpy()
    diff = np.abs(out - expected[:n]).max()
    print(f"  batch {n:2}:", out.shape, "max |difference| =", diff)
    assert diff <= 1e-5, "reloaded SavedModel differs"
print("output on x[:1]:")
print(out.round(4))

result = out  # batch 1 output, compared with PyTorch's
