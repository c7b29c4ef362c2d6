# One dense layer by hand: probabilities = softmax(x @ w + b).
# Inputs come from NumPy with a fixed seed, so both frameworks see the same numbers.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(seed=0)
x = tf.constant(rng.standard_normal((4, 3)).astype(np.float32))
w = tf.constant(rng.standard_normal((3, 2)).astype(np.float32))
b = tf.constant(rng.standard_normal(2).astype(np.float32))

logits = x @ w + b
probabilities = tf.nn.softmax(logits, axis=-1)

print(probabilities.shape, probabilities.dtype)
print(probabilities.numpy().round(4))

result = probabilities  # compared with the PyTorch side by the build
