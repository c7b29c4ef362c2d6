# On-device with LiteRT (the new name of TensorFlow Lite): convert
# the model to a .tflite flatbuffer and run that file with the
# interpreter of the ai-edge-litert package.
# snippet: fresh
# (fresh: LiteRT logs its XNNPACK delegate once per process.)
import os

import numpy as np
import keras  # Keras 3: in TF 2.21 tf.keras is this same package
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter

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
    keras.layers.Dense(64, activation="relu", name="hidden1"),
    keras.layers.Dense(64, activation="relu", name="hidden2"),
    keras.layers.Dense(10, name="logits"),
], name="mlp")
model.set_weights([w1, b1, w2, b2, w3, b3])  # kernel is (in, out)
expected = model(x).numpy()

# 1. Export a SavedModel (batch dimension left open). The shortcut
# TFLiteConverter.from_keras_model works with Keras 3 too, but it
# saves a temporary SavedModel and prints its path and ids.
model.export("mlp_saved", verbose=False)
# 2. Convert: TF ops become LiteRT builtin ops, variables become
# constants inside the flatbuffer a phone's runtime reads.
converter = tf.lite.TFLiteConverter.from_saved_model("mlp_saved")
with open("mlp.tflite", "wb") as f:
    f.write(converter.convert())
print(f"file: mlp.tflite ({os.path.getsize('mlp.tflite')} bytes)")

# 3. Run the file with LiteRT's interpreter (C++, Python bindings).
# It applies the XNNPACK delegate by default: its log line says so.
interpreter = Interpreter(model_path="mlp.tflite")
print("interpreter:", Interpreter.__module__)
print("signatures:", interpreter.get_signature_list())
inp = interpreter.get_input_details()[0]
out = interpreter.get_output_details()[0]
print(f"input {inp['name']} {inp['shape_signature'].tolist()}",
      f"-> output {out['name']} {out['shape_signature'].tolist()}")
interpreter.resize_tensor_input(inp["index"], x.shape)  # -1 -> 32
interpreter.allocate_tensors()
interpreter.set_tensor(inp["index"], x)
interpreter.invoke()
got = interpreter.get_tensor(out["index"])

# The interpreter bundled in TensorFlow still loads in TF 2.21,
# but says it is deprecated:
tf.lite.Interpreter(model_path="mlp.tflite")

diff = np.abs(got - expected).max()
print("LiteRT vs eager: max |difference| =", diff)
if diff > 1e-5:
    raise AssertionError(f"LiteRT output differs by {diff}")
result = got  # compared with ExecuTorch's
