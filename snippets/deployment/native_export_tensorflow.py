# Export the model as a SavedModel (graph + variables, no Python
# code needed to load it), reload it and run its signature.
import os

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
x = tf.constant(x)
expected = model(x).numpy()


# 1. Export: trace a tf.function for the given input spec into a
# graph. None = any batch size; the names become the signature's.
@tf.function(input_signature=[
    tf.TensorSpec([None, 16], tf.float32, name="x")])
def serve(x):
    return {"logits": model(x)}  # a dict names the outputs


# (model.export("mlp") writes a SavedModel too, with its output
# named "output_0"; this way we choose the signature's names.)
tf.saved_model.save(model, "mlp", signatures=serve)  # a directory
# Sizes of the variables only: saved_model.pb names functions with
# a per-process counter, and fingerprint.pb holds hashes of it.
for folder, subdirs, files in sorted(os.walk("mlp")):
    if not subdirs and not files:
        print(f"dir:  {folder}/ (empty: no asset files)")
    for name in sorted(files):
        path, size = f"{folder}/{name}", ""
        if folder.endswith("variables"):
            size = f" ({os.path.getsize(path)} bytes)"
        print(f"file: {path}{size}")

# 2. Reload from the directory, as a deployment would.
loaded = tf.saved_model.load("mlp")
print("signatures:", list(loaded.signatures))
runnable = loaded.signatures["serving_default"]
_, inputs = runnable.structured_input_signature
for name, spec in inputs.items():
    print(f"input:  {name} {spec.dtype.name} {tuple(spec.shape)}")
for name, spec in runnable.structured_outputs.items():
    print(f"output: {name} {spec.dtype.name} {tuple(spec.shape)}")

# 3. Run: a signature takes keyword tensors, returns a dict.
out = runnable(x=x)["logits"].numpy()
out1 = runnable(x=x[:1])["logits"].numpy()
diff = np.abs(out - expected).max()
diff1 = np.abs(out1 - expected[:1]).max()
print("batch 32: max |difference| =", diff)
print("batch  1: max |difference| =", diff1, out1.shape)
assert max(diff, diff1) <= 1e-5, "reloaded SavedModel differs"
print("output:", out.shape, out.dtype)
print(out[:2].round(4))

result = out  # compared with PyTorch's
