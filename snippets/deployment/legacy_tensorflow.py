# The formats of older articles in Keras 3: HDF5 (.h5) still loads
# and saves, with a warning; the TF2-era SavedModel folder from
# model.save("dir") is gone: model.export() writes that now.
import os
import textwrap

import h5py
import keras
import numpy as np
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
model.set_weights([w1, b1, w2, b2, w3, b3])  # kernel is (in, out)
expected = model(x).numpy()


def show(error):  # an error's type and message, wrapped
    print(" ", type(error).__name__)
    print(textwrap.fill(str(error), 66, initial_indent="    ",
                        subsequent_indent="    "))


# 1. HDF5: Keras 2's format. Keras 3 logs its notice through absl
# (a "WARNING:absl:" line on stderr), not as a Python warning.
print("model.save('mlp.h5'):")
model.save("mlp.h5")
for name in sorted(os.listdir(".")):
    print(f"file: {name} ({os.path.getsize(name)} bytes)")
with h5py.File("mlp.h5") as h5:  # config JSON in attrs + weights
    print("  attrs:", *h5.attrs, "| groups:", *h5["model_weights"])

# 2. The TF2-era call: no extension meant a SavedModel folder.
print("model.save('mlp_dir'):")
try:
    model.save("mlp_dir")
except ValueError as error:
    show(error)
print("load_model('mlp_dir'):")  # nor can Keras 3 read old ones
try:
    keras.models.load_model("mlp_dir")
except ValueError as error:
    show(error)

# 3. Reload the .h5 from the file, as a deployment would.
print("load_model('mlp.h5'):")
loaded = keras.models.load_model("mlp.h5")
out = loaded(x).numpy()
diff = np.abs(out - expected).max()
print(f"mlp.h5: max |difference| = {diff}")
if diff > 1e-5:
    raise AssertionError(f"mlp.h5: output differs by {diff}")
print("output:", out.shape, out.dtype)
print(out[:2].round(4))

result = out  # compared with PyTorch's
