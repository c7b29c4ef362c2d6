# Eager execution (TF 2 default): each operation runs the moment
# Python reaches it; a GradientTape records the ops while they run.
import numpy as np
import tensorflow as tf

print("executing eagerly:", tf.executing_eagerly())

rng = np.random.default_rng(seed=0)
x_np = rng.standard_normal(4).astype(np.float32)
x = tf.Variable(x_np, name="x")

with tf.GradientTape() as tape:  # records only inside this block
    h = x * 2.0
    print("h =", h.numpy().round(4))  # a value already
    if tf.reduce_sum(h) > 0:  # plain Python `if` on a value
        branch, y = "sin", tf.reduce_sum(tf.sin(h))
    else:
        branch, y = "cos", tf.reduce_sum(tf.cos(h))
print("branch taken:", branch, "-> y =", round(float(y), 4))

# The tape's list of recorded ops is not public; what it watched:
watched = [v.name for v in tape.watched_variables()]
print("tape watched:", watched)

grad = tape.gradient(y, x)
print("dy/dx =", grad.numpy().round(4))

# Define-then-run (TF 1.x) survives only in tf.compat.v1:
print("tf.compat.v1.Session:", hasattr(tf.compat.v1, "Session"))
try:
    tf.compat.v1.placeholder(tf.float32, shape=[4])
except RuntimeError as error:
    print("placeholder while eager: RuntimeError")
    print("   ", error)
graph = tf.Graph()
with graph.as_default():  # define: ops become nodes, no values
    p = tf.compat.v1.placeholder(tf.float32, shape=[4])
    q = tf.reduce_sum(tf.sin(p * 2.0))
print("defined:", q)
with tf.compat.v1.Session(graph=graph) as session:  # then run
    value = session.run(q, feed_dict={p: x_np})
print("session.run ->", round(float(value), 4))

result = {"y": y, "grad": grad}  # compared with PyTorch's
