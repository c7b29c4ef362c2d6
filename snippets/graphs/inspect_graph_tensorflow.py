# Capture y = relu(x @ w + b) as a graph with tf.function:
# list its ops and its signature, then run the captured graph.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(seed=0)
f32 = np.float32
x_np = rng.standard_normal((3, 4)).astype(f32)
w_np = rng.standard_normal((4, 3)).astype(f32)
b_np = rng.standard_normal(3).astype(f32)


class Dense(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable(w_np, name="w")
        self.b = tf.Variable(b_np, name="b")

    @tf.function
    def __call__(self, x):
        return tf.nn.relu(x @ self.w + self.b)


model = Dense()
example = tf.constant(x_np)
spec = tf.TensorSpec([None, 4], tf.float32, name="x")  # any batch
concrete_fn = model.__call__.get_concrete_function(spec)

ops = concrete_fn.graph.get_operations()
print(len(ops), "ops (type, name, output shape):")
for op in ops:
    shape = tuple(op.outputs[0].shape) if op.outputs else ""
    line = f"  {op.type:14} {op.name:30} {shape}"
    print(line.rstrip())

signature = str(concrete_fn.function_type).split(" -> ")
print("signature:", signature[0])
print("        ->", signature[1])
for tensor in concrete_fn.inputs:  # variables enter as resources
    print(f"input:  {tensor.dtype.name} {tensor.name}")
print("captured:", [v.name for v in concrete_fn.variables])
for tensor in concrete_fn.outputs:
    print(f"output: {tensor.dtype.name} {tensor.name}")

y = concrete_fn(example)  # run the captured graph
print("y =", y.numpy().round(4))

result = y  # compared with PyTorch's
