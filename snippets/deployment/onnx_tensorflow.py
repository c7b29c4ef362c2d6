# Export to ONNX with tf2onnx (a converter from the ONNX project)
# and run the file with ONNX Runtime: the serving side needs no TF.
import os

import keras
import numpy as np
import onnx
import onnxruntime as ort
import tensorflow as tf
import tf2onnx

rng = np.random.default_rng(seed=0)
f32 = np.float32
w1 = rng.standard_normal((16, 64)).astype(f32) * 0.25  # (in, out)
b1 = rng.standard_normal(64).astype(f32) * 0.1
w2 = rng.standard_normal((64, 64)).astype(f32) * 0.125
b2 = rng.standard_normal(64).astype(f32) * 0.1
w3 = rng.standard_normal((64, 10)).astype(f32) * 0.125
b3 = rng.standard_normal(10).astype(f32) * 0.1
x = rng.standard_normal((32, 16)).astype(f32)

model = keras.Sequential([  # 16 -> 64 ReLU -> 64 ReLU -> 10 logits
    keras.Input((16,), name="x"),
    keras.layers.Dense(64, "relu", name="hidden1"),
    keras.layers.Dense(64, "relu", name="hidden2"),
    keras.layers.Dense(10, name="logits"),
], name="mlp")
model.set_weights([w1, b1, w2, b2, w3, b3])  # kernel is (in, out)
expected = model(x).numpy()

# tf2onnx.convert.from_keras fails on Keras 3 models (KeyError:
# 'keras_tensor_<n>', tensorflow-onnx issue #2448): convert a
# tf.function instead. model.export("mlp.onnx", format="onnx")
# calls the same from_function, but names the output Identity:0.

# 1. Export: trace the function into a TF graph, then tf2onnx
# translates each TF op. None in the spec: any batch size.
spec = (tf.TensorSpec((None, 16), tf.float32, name="x"),)


@tf.function(input_signature=spec)
def serve(x):  # the dict key names the ONNX output
    return {"logits": model(x)}


tf2onnx.convert.from_function(
    serve, input_signature=spec, output_path="mlp.onnx",
)
for name in sorted(os.listdir(".")):  # no size: it varies, as
    print(f"file: {name}")  # tf2onnx numbers names per process

# 2. Check the file against the ONNX spec, read its interface.
proto = onnx.load("mlp.onnx")
onnx.checker.check_model(proto)  # raises if the graph is invalid
opset = {o.domain or "ai.onnx": o.version for o in proto.opset_import}
print("producer:", proto.producer_name, "| opsets:", opset)
for kind, values in ("input", proto.graph.input), (
        "output", proto.graph.output):
    for value in values:  # a symbolic dim is named unk__<counter>
        dims = ["?" if d.dim_param else d.dim_value
                for d in value.type.tensor_type.shape.dim]
        print(f"{kind}: {value.name} {dims}")
print("ops:", *[node.op_type for node in proto.graph.node])

# 3. Run the file with ONNX Runtime, as a server would.
session = ort.InferenceSession(
    "mlp.onnx", providers=["CPUExecutionProvider"])
(out,) = session.run(None, {"x": x})  # None: every output
(out1,) = session.run(["logits"], {"x": x[:1]})
diff = np.abs(out - expected).max()
diff1 = np.abs(out1 - expected[:1]).max()
print("batch 32: max |difference| =", diff)
print("batch  1: max |difference| =", diff1, out1.shape)
if max(diff, diff1) > 1e-5:
    raise AssertionError(f"ONNX Runtime output differs by {diff}")
print("output:", out.shape, out.dtype)
print(out[:2].round(4))

result = out  # compared with PyTorch's
