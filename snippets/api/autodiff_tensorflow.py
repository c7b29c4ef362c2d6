# Automatic differentiation: a GradientTape records the ops run
# inside it on watched variables; tape.gradient walks them back.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(seed=0)
f32 = np.float32
x = tf.Variable(rng.standard_normal(3).astype(f32))
W = tf.constant(rng.standard_normal((2, 3)).astype(f32))


def f(x):  # scalar function of a vector: sum(x^3)
    return tf.reduce_sum(x ** 3)


def g(x):  # vector function: 3 inputs -> 2 outputs
    return tf.linalg.matvec(W, x ** 2)


# (a) first derivative: the tape returns it (nothing accumulates)
with tf.GradientTape() as tape:
    y = f(x)
grad = tape.gradient(y, x)
print("(a) df/dx       ", grad.numpy().round(4))  # 3 x^2

# (b) second derivative: a tape around the tape
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        y = f(x)
    dx = inner.gradient(y, x)
d2x = outer.gradient(dx, x)  # dx is summed: Hessian @ ones
print("(b) d2f/dx2     ", d2x.numpy().round(4))  # 6 x

# (c) a non-scalar target: tape.gradient sums it silently
with tf.GradientTape(persistent=True) as tape:  # used twice
    y = g(x)
print("(c) tape.gradient with y of shape", tuple(y.shape))
vjp_ones = tape.gradient(y, x)  # = gradient of reduce_sum(y)
print("    no error, y summed:", vjp_ones.numpy().round(4))

# the full Jacobian, one row per output
jac = tape.jacobian(y, x)
print("    jacobian", tuple(jac.shape))
print(jac.numpy().round(4))
print("    rows summed  ", tf.reduce_sum(jac, 0).numpy().round(4))

result = {"grad": grad, "second": d2x, "vjp_ones": vjp_ones,
          "jacobian": jac}  # compared with PyTorch's
