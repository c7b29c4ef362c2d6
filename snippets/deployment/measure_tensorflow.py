# snippet: fresh varies timeout=600 alone
# Every TensorFlow deployment format on one model: export, load,
# run and time it. One thread per runtime (set before any work),
# and the build runs it alone: every format is timed on one core.
import os
import platform
import statistics
import time
from importlib.metadata import version

import numpy as np
import keras
import onnxruntime as ort
import tensorflow as tf
import tf2onnx
from ai_edge_litert.interpreter import Interpreter

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
rng = np.random.default_rng(seed=0)
f32 = np.float32
w1 = rng.standard_normal((16, 64)).astype(f32) * 0.25  # (in, out)
b1 = rng.standard_normal(64).astype(f32) * 0.1
w2 = rng.standard_normal((64, 64)).astype(f32) * 0.125
b2 = rng.standard_normal(64).astype(f32) * 0.1
w3 = rng.standard_normal((64, 10)).astype(f32) * 0.125
b3 = rng.standard_normal(10).astype(f32) * 0.1
x = rng.standard_normal((32, 16)).astype(f32)

model = keras.Sequential([
    keras.Input((16,), name="x"),
    keras.layers.Dense(64, activation="relu", name="hidden1"),
    keras.layers.Dense(64, activation="relu", name="hidden2"),
    keras.layers.Dense(10, name="logits"),
], name="mlp")
model.set_weights([w1, b1, w2, b2, w3, b3])
expected = model(x).numpy()
spec = tf.TensorSpec([None, 16], tf.float32, name="x")
for folder in ("savedmodel", "litert", "litert_int8", "onnx"):
    os.makedirs(folder, exist_ok=True)  # a second run overwrites


def timings(run, inputs, repeats):
    """Median and quartiles of `repeats` calls, in milliseconds."""
    for _ in range(10):  # warm-up: first calls allocate
        run(inputs)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run(inputs)
        times.append((time.perf_counter() - start) * 1e3)
    q1, median, q3 = statistics.quantiles(times, n=4)
    return {"median": median, "q1": q1, "q3": q3}


def size(folder):
    return sum(os.path.getsize(os.path.join(top, name))
               for top, _, names in os.walk(folder) for name in names)


outputs = {}  # what each format returned for the 32 inputs


def measure(name, runtime, path, load, runner):
    """Load `path` five times (median), then time batch 1 and 32.
    Each format is written into a folder of its own: its size is
    the folder's (a SavedModel is a directory)."""
    loads = []
    for _ in range(5):
        start = time.perf_counter()
        loaded = load()
        loads.append((time.perf_counter() - start) * 1e3)
    run = runner(loaded)
    outputs[name] = run(x)  # for the comparison with the other side
    diff = float(np.abs(outputs[name] - expected).max())
    folder = path and path.split("/")[0]
    return {"format": name, "runtime": runtime,
            "file": path, "bytes": path and size(folder),
            "load_ms": path and statistics.median(loads),
            "b1": timings(run, x[:1], 300),
            "b32": timings(run, x, 100), "max_diff": diff}


rows = [measure("eager Keras model", f"tensorflow {tf.__version__}",
                None, lambda: model,
                lambda m: lambda inputs: m(inputs).numpy())]

# SavedModel with a serving signature (what TF Serving loads).
serve = tf.function(lambda x: {"logits": model(x)},
                    input_signature=[spec])
tf.saved_model.save(model, "savedmodel/mlp",
                    signatures={"serving_default": serve})
rows.append(measure(
    "SavedModel signature", f"tensorflow {tf.__version__}",
    "savedmodel/mlp", lambda: tf.saved_model.load("savedmodel/mlp"),
    lambda m: lambda inputs: m.signatures["serving_default"](
        x=tf.constant(inputs))["logits"].numpy()))


def litert_runner(path):
    def runner(_):
        interpreters = {}  # one per batch size: resizing allocates

        def run(inputs):
            it = interpreters.get(len(inputs))
            if it is None:
                it = Interpreter(model_path=path, num_threads=1)
                it.resize_tensor_input(0, inputs.shape)
                it.allocate_tensors()
                interpreters[len(inputs)] = it
            it.set_tensor(it.get_input_details()[0]["index"], inputs)
            it.invoke()
            return it.get_tensor(it.get_output_details()[0]["index"])
        return run
    return runner


def load_litert(path):
    it = Interpreter(model_path=path, num_threads=1)
    it.allocate_tensors()
    return it


# LiteRT (TFLite): float32, then dynamic-range int8 weights.
litert = f"ai-edge-litert {version('ai-edge-litert')}"
# The converter reads what Keras's model.export writes.
model.export("keras_export", verbose=False)
for name, folder, optimize in (
        ("LiteRT float32", "litert", []),
        ("LiteRT dynamic-range int8", "litert_int8",
         [tf.lite.Optimize.DEFAULT])):
    converter = tf.lite.TFLiteConverter.from_saved_model(
        "keras_export")
    converter.optimizations = optimize
    path = f"{folder}/mlp.tflite"
    with open(path, "wb") as file:
        file.write(converter.convert())
    rows.append(measure(name, litert, path,
                        lambda: load_litert(path),
                        litert_runner(path)))

# tf2onnx: the Keras model run by ONNX Runtime on one thread.
tf2onnx.convert.from_function(serve, input_signature=[spec],
                              output_path="onnx/mlp.onnx")
options = ort.SessionOptions()
options.intra_op_num_threads = options.inter_op_num_threads = 1
rows.append(measure(
    "ONNX (tf2onnx)", f"onnxruntime {ort.__version__}",
    "onnx/mlp.onnx", lambda: ort.InferenceSession(
        "onnx/mlp.onnx", options,
        providers=["CPUExecutionProvider"]),
    lambda s: lambda inputs: s.run(None, {"x": inputs})[0]))

for row in rows:
    size_text = f"{row['bytes'] / 1024:.1f} KiB" if row["bytes"] \
        else "-"
    print(f"{row['format']:26} {size_text:>10}  batch 1: "
          f"{row['b1']['median']:.3f} ms  batch 32: "
          f"{row['b32']['median']:.3f} ms  "
          f"max |diff| {row['max_diff']:.2e}")
    limit = 0.05 if "int8" in row["format"] else 1e-5
    assert row["max_diff"] < limit, row["format"]

measured = {"threads": 1, "rows": rows,
            "machine": platform.machine(), "cores": os.cpu_count()}
# Every float format's outputs, by the part it plays on both sides:
# compared with PyTorch's (the int8 pair compares the quantized
# models).
result = {"eager": outputs["eager Keras model"],
          "native format": outputs["SavedModel signature"],
          "ONNX Runtime": outputs["ONNX (tf2onnx)"],
          "on-device": outputs["LiteRT float32"]}
