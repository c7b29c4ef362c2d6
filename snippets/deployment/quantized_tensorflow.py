# Dynamic-range quantization with LiteRT: the converter stores the
# weights as int8 with one scale per output channel; at run time the
# activations are quantized on the fly, so no calibration data.
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
print(f"float logits: max |value| = {np.abs(expected).max():.2f}")

# 1. One SavedModel, converted twice: float, then with
# Optimize.DEFAULT and no representative_dataset, which means
# dynamic-range (int8 weights, float activations in the file).
model.export("mlp_saved", verbose=False)  # quiet: no temp paths
converter = tf.lite.TFLiteConverter.from_saved_model("mlp_saved")
files = {"mlp.tflite": converter.convert()}
converter.optimizations = [tf.lite.Optimize.DEFAULT]
files["mlp_int8.tflite"] = converter.convert()
for name, data in files.items():
    with open(name, "wb") as f:
        f.write(data)
    print(f"file: {name} ({os.path.getsize(name)} bytes)")

# 2. Load the int8 file. Weights under 1024 elements stay float
# (the converter's minimum: too small to gain), so the 64x10
# logits kernel is not quantized.
interpreter = Interpreter(model_path="mlp_int8.tflite")
tensors = interpreter.get_tensor_details()
for t in sorted(tensors, key=lambda t: t["name"]):
    if t["name"].endswith("/MatMul"):  # the three Dense kernels
        n = len(t["quantization_parameters"]["scales"])
        scales = f", {n} scales" if n else ""  # one per row
        print(f"  {t['name']}: {t['dtype'].__name__}"
              f" {t['shape'].tolist()}{scales}")

# 3. Run it on the batch of 32 (the file's batch dimension is -1).
index = interpreter.get_input_details()[0]["index"]
interpreter.resize_tensor_input(index, x.shape)
interpreter.allocate_tensors()
interpreter.set_tensor(index, x)
interpreter.invoke()
out = interpreter.get_output_details()[0]["index"]
got = interpreter.get_tensor(out)

diff = np.abs(got - expected).max()
agree = (got.argmax(1) == expected.argmax(1)).sum()
print(f"LiteRT int8 vs float eager: max |difference| = {diff:.4f}")
print(f"  same argmax class in {agree} of {len(x)} rows")
# int8 keeps about 1/127 of each row's range per weight: a few
# hundredths on logits of this size; a bug would be far larger.
if diff > 0.05:
    raise AssertionError(f"int8 model differs by {diff}")

# Compared with PyTorch's side: the classes exactly, the int8
# logits within the pair's atol of 0.1 (the two quantize
# differently, each within 0.05 of the same float logits).
result = {"float classes": expected.argmax(1),
          "int8 classes": got.argmax(1), "int8 logits": got}
