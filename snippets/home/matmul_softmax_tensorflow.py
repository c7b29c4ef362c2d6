# One dense layer by hand: probabilities = softmax(x @ w + b).
# The inputs come from NumPy with a fixed seed: both sides agree.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(seed=0)
f32 = np.float32
x = tf.constant(rng.standard_normal((4, 3)).astype(f32))
w = tf.constant(rng.standard_normal((3, 2)).astype(f32))
b = tf.constant(rng.standard_normal(2).astype(f32))

logits = x @ w + b
probabilities = tf.nn.softmax(logits, axis=-1)

print(probabilities.shape, probabilities.dtype)
print(probabilities.numpy().round(4))

result = probabilities  # the build compares it with PyTorch's
