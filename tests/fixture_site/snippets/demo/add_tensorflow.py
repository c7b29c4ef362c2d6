import tensorflow as tf

total = tf.constant([1.0, 2.0]) + tf.constant([0.5, 0.25])
print("sum:", total.numpy().tolist())
result = total
