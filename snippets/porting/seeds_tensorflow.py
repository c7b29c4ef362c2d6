# The same seed, different numbers: each framework has a generator
# of its own. What must agree (weights, data) crosses as arrays.
import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(0)  # Python's, NumPy's global and TF's
print("tf.random.normal([4]):",
      tf.random.normal([4]).numpy().round(4))
keras.utils.set_random_seed(0)
layer = keras.layers.Dense(2)  # kernel ~ glorot_uniform: U(±1.095)
layer.build((None, 3))
print("Dense(2) kernel (in, out):")
print(layer.kernel.numpy().round(4))

# What crosses: arrays made once with NumPy, loaded on both sides.
rng = np.random.default_rng(seed=0)
kernel = rng.standard_normal((3, 2)).astype(np.float32)  # (in, out)
x = rng.standard_normal((4, 3)).astype(np.float32)
layer.set_weights([kernel, np.zeros(2, np.float32)])
result = layer(x)
print("the layer on NumPy's weights and inputs:")
print(result.numpy().round(4))
