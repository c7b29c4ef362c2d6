# A Python `if` and `while` on tensor values in a tf.function:
# AutoGraph turns them into graph ops, as tf.cond/tf.while_loop do.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(seed=0)
x_np = rng.standard_normal(4).astype(np.float32)
inputs = {"sum > 0": tf.constant(x_np),
          "sum < 0": tf.constant(-x_np)}


def fn(x):
    if tf.reduce_sum(x) > 0:  # a Python `if` on a tensor's value
        y = x * 10
    else:
        y = x - 1
    while tf.reduce_max(tf.abs(y)) > 1:  # a Python `while` on one
        y = y / 2
    return y


def graph_ops(function, x):  # the op types of the traced graph
    graph = function.get_concrete_function(x).graph
    skip = ("Placeholder", "Const", "Identity")
    return " ".join(op.type for op in graph.get_operations()
                    if op.type not in skip)


compiled = tf.function(fn)
print("Python if/while in tf.function (AutoGraph):")
for name, x in inputs.items():
    print(f"{name}: y = {compiled(x).numpy().round(4)}")
print("  traces:", compiled.experimental_get_tracing_count())
print("  graph 1:", graph_ops(compiled, inputs["sum > 0"]))

# What AutoGraph made of the two statements (tf.autograph.to_code):
code = tf.autograph.to_code(fn)
calls = [line.strip().split("(")[0]
         for line in code.splitlines() if "_stmt(" in line]
print("autograph:", " ".join(calls))


def fn_ops(x):  # the same steps as graph operators
    y = tf.cond(tf.reduce_sum(x) > 0,
                lambda: x * 10, lambda: x - 1)
    (y,) = tf.while_loop(lambda y: tf.reduce_max(tf.abs(y)) > 1,
                         lambda y: (y / 2,), (y,))
    return y


compiled = tf.function(fn_ops)
print("tf.cond + tf.while_loop in tf.function:")
result = {}
for name, x in inputs.items():
    result[name] = compiled(x)
    print(f"{name}: y = {result[name].numpy().round(4)}")
print("  traces:", compiled.experimental_get_tracing_count())
print("  graph 1:", graph_ops(compiled, inputs["sum > 0"]))
