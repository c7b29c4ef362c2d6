# Mixed precision on CPU: under a mixed_bfloat16 policy, layers
# compute in bfloat16 and keep float32 variables. Which is where?
import numpy as np
import keras  # Keras 3: in TF 2.21 tf.keras is this same package
import tensorflow as tf  # for tf.GradientTape (Keras' TF backend)
from keras import layers

rng = np.random.default_rng(seed=0)
f32 = np.float32
x_np = rng.standard_normal((4, 8)).astype(f32)
labels = np.array([0, 1, 2, 3])
w1 = rng.standard_normal((8, 16)).astype(f32) / 4  # (in, out)
b1 = rng.standard_normal(16).astype(f32) / 4
w2 = rng.standard_normal((16, 4)).astype(f32) / 4
b2 = rng.standard_normal(4).astype(f32) / 4
x = keras.ops.convert_to_tensor(x_np)
y = keras.ops.convert_to_tensor(labels)


def build():  # the NumPy weights; a Dense kernel is (in, out)
    model = keras.Sequential([
        keras.Input(shape=(8,)),
        layers.Dense(16, name="hidden"),
        layers.Activation("relu", name="relu"),
        layers.Dense(4, name="out"),
        layers.Activation("softmax", name="softmax")])
    model.set_weights([w1, b1, w2, b2])
    return model


def name(dtype):
    return keras.backend.standardize_dtype(dtype)


def forward(model):  # layer by layer, noting each output's dtype
    dtypes = {"weights": name(model.get_layer("hidden").kernel.dtype)}
    h = x
    for layer in model.layers:
        h = layer(h)
        dtypes[layer.name] = name(h.dtype)
    # the policy sets each layer's compute dtype; a Loss converts
    # y_pred to its own dtype, floatx() = float32, before computing
    loss = keras.losses.SparseCategoricalCrossentropy()(y, h)
    dtypes["loss"] = name(loss.dtype)
    return h, loss, dtypes


keras.mixed_precision.set_dtype_policy("mixed_bfloat16")
model = build()  # each layer takes the global policy when created
keras.mixed_precision.set_dtype_policy("float32")  # restore it
with tf.GradientTape() as tape:
    probs_bf16, loss, dtypes = forward(model)
grads = tape.gradient(loss, model.trainable_variables)
dtypes["grads"] = name(grads[0].dtype)
print("dtypes under the mixed_bfloat16 policy:")
for key, dtype in dtypes.items():
    print(f"  {key:8} {dtype}")

model = build()  # a new model: its layers take float32 now
probs, loss, dtypes = forward(model)
print("float32 output:\n", np.round(np.asarray(probs), 4))
diff = np.abs(np.asarray(probs_bf16, f32) - np.asarray(probs)).max()
print(f"max |bfloat16 - float32|: {diff:.1e}")

result = {"bfloat16": probs_bf16, "float32": probs}  # vs PyTorch's
