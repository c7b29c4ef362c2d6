# Port PyTorch weights into Keras: Conv2d 3->4 (k3) + ReLU + flatten
# + Linear. Same NumPy arrays (PyTorch layout), converted, loaded.
import textwrap

import numpy as np
import keras  # Keras 3: in TF 2.21 tf.keras is this same package
from keras import layers

rng = np.random.default_rng(seed=0)
C, H, W = 4, 3, 3  # conv output: 4 channels of 3 x 3


def normal(*shape, scale=1.0):
    return (scale * rng.standard_normal(shape)).astype(np.float32)


source = {  # PyTorch layout: conv OIHW, linear (out, in)
    "conv.weight": normal(4, 3, 3, 3),
    "conv.bias": normal(4),
    "fc.weight": normal(3, C * H * W, scale=0.1),
    "fc.bias": normal(3),
}
x = normal(2, 3, 5, 5)  # NCHW, as PyTorch takes it


def torch_to_keras_conv(w):  # OIHW -> HWIO
    return w.transpose(2, 3, 1, 0)


def torch_to_keras_fc(w):  # (out, in) -> (in, out), rows reordered:
    # nn.Flatten reads NCHW (index c*H*W + h*W + w), Keras Flatten
    # reads NHWC (index h*W*C + w*C + c): move the rows to match.
    out = w.shape[0]
    w = w.reshape(out, C, H, W).transpose(0, 2, 3, 1)
    return w.reshape(out, H * W * C).T


def show(error):  # an error message, wrapped to fit the column
    print(textwrap.fill(str(error), 66, initial_indent="  ",
                        subsequent_indent="  "))


model = keras.Sequential([
    keras.Input(shape=(5, 5, 3)),  # NHWC, the Keras default
    layers.Conv2D(4, 3, activation="relu", name="conv"),
    layers.Flatten(name="flatten"),  # NHWC -> (N, H*W*C)
    layers.Dense(3, name="fc"),
], name="net")
conv, fc = model.get_layer("conv"), model.get_layer("fc")
conv.set_weights([torch_to_keras_conv(source["conv.weight"]),
                  source["conv.bias"]])
fc.set_weights([torch_to_keras_fc(source["fc.weight"]),
                source["fc.bias"]])
for name, v in zip(source, model.weights):  # the same order
    print(f"{name:<12} -> {v.path:<15} {tuple(v.shape)}")

# Conv2D(data_format="channels_first") keeps an HWIO kernel, and
# TF's Conv2D on CPU runs NHWC only: transpose the input instead.
x_nhwc = x.transpose(0, 2, 3, 1)  # NCHW -> NHWC
output = model(x_nhwc).numpy()
print("input", x_nhwc.shape, "-> output", output.shape)
print(output.round(4))

print("What goes wrong:")
# 1. The PyTorch layout as is: a shape error (the easy case).
try:
    conv.set_weights([source["conv.weight"], source["conv.bias"]])
except ValueError as error:
    print("1. OIHW kernel as is: ValueError")
    show(error)
# 2. w.T reverses all four axes (OIHW -> WHIO): the shape fits,
# but kh and kw are swapped: wrong numbers and no error.
conv.set_weights([source["conv.weight"].T, source["conv.bias"]])
wrong = model(x_nhwc).numpy()
print("2. conv kernel w.T: max difference",
      round(float(np.abs(wrong - output).max()), 4))
conv.set_weights([torch_to_keras_conv(source["conv.weight"]),
                  source["conv.bias"]])
# 3. Linear weight transposed, rows left in NCHW-flatten order:
fc.set_weights([source["fc.weight"].T, source["fc.bias"]])
wrong = model(x_nhwc).numpy()
print("3. fc weight w.T only: max difference",
      round(float(np.abs(wrong - output).max()), 4))

result = output  # the build compares it with PyTorch's
