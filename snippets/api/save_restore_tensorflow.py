# Save a Keras model two ways and restore it: the .keras file
# (architecture + weights) and tf.train.Checkpoint (variables).
import os
import zipfile

import numpy as np
import keras  # Keras 3: in TF 2.21 tf.keras is this same package
import tensorflow as tf

rng = np.random.default_rng(seed=0)
f32 = np.float32
w1 = rng.standard_normal((3, 6)).astype(f32)  # (in, out), as x @ w1
b1 = rng.standard_normal(6).astype(f32)
w2 = rng.standard_normal((6, 2)).astype(f32)
b2 = rng.standard_normal(2).astype(f32)
x = rng.standard_normal((4, 3)).astype(f32)


def make_model():  # 3 -> 6 ReLU -> 2, fresh random weights
    # Names fixed: Keras's automatic ones count up per process.
    return keras.Sequential([
        keras.Input((3,), name="x"),
        keras.layers.Dense(6, activation="relu", name="hidden"),
        keras.layers.Dense(2, name="out"),
    ], name="net")


keras.utils.set_random_seed(0)
model = make_model()
model.set_weights([w1, b1, w2, b2])  # Dense kernel is (in, out)
expected = model(x).numpy()

# 1a. model.save: a zip of config.json (the architecture), the
# weights (HDF5) and metadata.json (versions, date saved).
model.save("model.keras")
# 1b. Checkpoint: variables keyed by their path in the object
# graph, plus a "checkpoint" file naming the latest save.
path = tf.train.Checkpoint(model=model).save("ckpt")
for name in sorted(os.listdir(".")):
    if name.endswith(".keras"):  # config.json holds an id(): the
        print(f"file: {name}")  # size can vary, so none shown
    else:
        print(f"file: {name} ({os.path.getsize(name)} bytes)")
print("  in model.keras:", *zipfile.ZipFile("model.keras").namelist())
for key, shape in tf.train.list_variables(path):
    key = key.replace("/.ATTRIBUTES/VARIABLE_VALUE", "")
    if not key.startswith("_"):  # skip the object graph itself
        print(f"  key: {key} {tuple(shape)}")

# 2a. load_model rebuilds the model from config.json: no code.
loaded = keras.models.load_model("model.keras")
print("load_model: max |difference| =",
      np.abs(loaded(x).numpy() - expected).max())
# 2b. Checkpoint restores variables into a model built by code.
fresh = make_model()
print("fresh model, same output before:",
      np.array_equal(fresh(x).numpy(), expected))
status = tf.train.Checkpoint(model=fresh).restore(path)
status.assert_existing_objects_matched()  # raises if one is missed
print("restore: every variable matched")
restored = fresh(x).numpy()
print("restored: max |difference| =",
      np.abs(restored - expected).max())
print("output:", restored.shape, restored.dtype)
print(restored.round(4))

result = restored  # compared with PyTorch's
