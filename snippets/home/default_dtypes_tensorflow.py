# The defaults a tensor made from plain Python numbers gets.
import tensorflow as tf

integers = tf.constant([1, 2, 3])
floats = tf.constant([1.0, 2.0, 3.0])

print("integers:", integers.dtype, "on", integers.device)
print("floats:  ", floats.dtype, "on", floats.device)
try:
    print("int + float ->", (integers + floats).dtype)
except tf.errors.InvalidArgumentError as error:
    print("int + float -> InvalidArgumentError:")
    print("   ", error.message.split(" [Op")[0])
print("int / int   ->", (integers / integers).dtype)
