# A layer of your own: y = x * scale + shift, with one trainable
# scale and shift per feature. Keras 3: Layer + add_weight in build().
import keras  # Keras 3: in TF 2.21 tf.keras is this same package
import numpy as np
import tensorflow as tf


class ScaleShift(keras.layers.Layer):
    def build(self, input_shape):  # sizes known at the first call
        features = input_shape[-1]
        self.scale = self.add_weight(
            shape=(features,), initializer="ones", name="scale")
        self.shift = self.add_weight(
            shape=(features,), initializer="zeros", name="shift")

    def call(self, x):
        return x * self.scale + self.shift


layer = ScaleShift(name="scale_shift")
print("weights before the first call:",
      [w.name for w in layer.weights])

rng = np.random.default_rng(seed=0)
x = tf.constant(rng.standard_normal((4, 3)).astype(np.float32))
layer.build(x.shape)  # what the first call would do; then set weights
layer.set_weights([np.array([0.5, 1.0, 2.0], np.float32),
                   np.array([0.0, -1.0, 1.0], np.float32)])

with tf.GradientTape() as tape:
    y = layer(x)
    loss = tf.reduce_mean(y ** 2)
grads = tape.gradient(loss, layer.trainable_weights)
for weight, grad in zip(layer.trainable_weights, grads):
    print(f"{weight.name}: shape {tuple(weight.shape)},",
          "grad", grad.numpy().round(4))
print("trainable parameters:",
      sum(int(np.prod(w.shape)) for w in layer.trainable_weights))

result = {"y": y, "grad_scale": grads[0],
          "grad_shift": grads[1]}  # compared with PyTorch's
