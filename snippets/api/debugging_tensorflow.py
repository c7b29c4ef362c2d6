# A shape bug: the model expects 16 features, the batch has 8.
# The error, the layer found by stepping through it, the fix.
import re
import textwrap

import numpy as np
import keras  # Keras 3: in TF 2.21 tf.keras is this same package
from keras import layers

rng = np.random.default_rng(seed=0)
f32 = np.float32
x_np = rng.standard_normal((4, 8)).astype(f32)  # 8 features
w1 = rng.standard_normal((8, 5)).astype(f32)  # (in, out)
b1 = rng.standard_normal(5).astype(f32)
w2 = rng.standard_normal((5, 3)).astype(f32)
b2 = rng.standard_normal(3).astype(f32)
x = keras.ops.convert_to_tensor(x_np)


def build(n_in):  # Dense infers its input size; Input fixes it
    return keras.Sequential([
        keras.Input(shape=(n_in,)),
        layers.Dense(5, name="hidden"),
        layers.Activation("relu", name="relu"),
        layers.Dense(3, name="out")], name="mlp")


def show(error):  # the message's first lines, wrapped
    print(" ", type(error).__name__)
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # ANSI bold
    lines = [line for line in text.splitlines() if line]
    for line in lines[:4]:
        print(textwrap.fill(line, 66, initial_indent="    ",
                            subsequent_indent="    "))


def walk(model, h):  # breakpoint() in this loop would open pdb
    for layer in model.layers:
        print(f"  {layer.name:6} gets {tuple(h.shape)}", end="")
        try:
            h = layer(h)
        except ValueError:
            print(" -> fails, kernel", tuple(layer.kernel.shape))
            return None
        print(" -> gives", tuple(h.shape))
    return h


model = build(16)  # the bug: the data has 8 features
print("1. model(x) raises:")
try:
    model(x)
except ValueError as error:
    show(error)

print("2. step through the layers, eagerly:")
walk(model, x)  # (model.summary() lists the shapes it expects)
# pdb inside a layer during fit() needs compile(run_eagerly=True)

print("3. fixed: build(8), the same NumPy weights:")
model = build(8)
model.set_weights([w1, b1, w2, b2])  # a Dense kernel is (in, out)
out = walk(model, x)
print("output:\n", np.round(keras.ops.convert_to_numpy(out), 4))

result = out  # compared with PyTorch's
