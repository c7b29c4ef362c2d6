# snippet: fresh
# Lay a Keras model out the way TensorFlow Serving loads it, show
# its signature with saved_model_cli, and build a REST predict
# request; then answer it as the server would, from the files.
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import keras
import tensorflow as tf

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
model.set_weights([w1, b1, w2, b2, w3, b3])  # kernels are (in, out)
expected = model(x).numpy()


def show_tree(top):  # names only: no sizes, no dates
    for root, dirs, files in sorted(os.walk(top)):
        dirs.sort()
        depth = root.count(os.sep)
        print("  " * depth + os.path.basename(root) + "/")
        for name in sorted(files):
            print("  " * (depth + 1) + name)


def as_json(array):  # shortest decimals that read back as float32
    return [[float(str(v)) for v in row] for row in array]


def print_json(text):  # one line of JSON, wrapped to fit a column
    print(textwrap.fill(text, 70, subsequent_indent="    "))


# 1. Export: TF Serving serves models/<name>/<version>/, the
# highest version by default; writing 2/ next to 1/ rolls out v2.
# An ExportArchive names the signature and its output key
# (model.export would name the output "output_0").
archive = keras.export.ExportArchive()
archive.track(model)
archive.add_endpoint(
    name="serving_default",  # what a request's signature_name picks
    fn=lambda x: {"logits": model(x)},
    input_signature=[
        tf.TensorSpec([None, 16], tf.float32, name="x")],
)
archive.write_out("models/mlp/1", verbose=False)
show_tree("models")
# To serve it: docker run -p 8501:8501 -e MODEL_NAME=mlp
#   -v "$PWD/models/mlp:/models/mlp" tensorflow/serving

# 2. Inspect the files as the server sees them: the command-line
# tool saved_model_cli, installed with TensorFlow (run here as a
# module of the running interpreter: same program).
cli = [sys.executable, "-m",
       "tensorflow.python.tools.saved_model_cli"]
shown = subprocess.run(
    cli + ["show", "--dir", "models/mlp/1", "--tag_set", "serve",
           "--signature_def", "serving_default"],
    stdout=subprocess.PIPE, text=True, check=True)
print("$ saved_model_cli show --dir models/mlp/1 --tag_set serve \\\n"
      "    --signature_def serving_default")
print(shown.stdout.rstrip())

# 3. The REST request: one instance per row ("row format"); one
# named input, so each instance is just its list of 16 numbers.
body = {"signature_name": "serving_default",
        "instances": as_json(x[:2])}
wire = json.dumps(body)  # what the client sends
print("POST /v1/models/mlp:predict")
print_json(wire)

# 4. Answer it as the server would: parse the JSON to float32 (the
# input's dtype), feed the signature loaded from the files.
request = json.loads(wire)
instances = np.array(request["instances"], dtype=np.float32)
print("instances read back exactly:",
      np.array_equal(instances, x[:2]))
serve = tf.saved_model.load("models/mlp/1").signatures[
    request["signature_name"]]
outputs = serve(x=tf.constant(instances))  # a dict by output name
print("signature returns:", {k: tuple(v.shape)
                             for k, v in outputs.items()})
predictions = outputs["logits"].numpy()
# One named output: the response drops its name (with two or more
# outputs each prediction would be an object keyed by name).
print("response:")
print_json(json.dumps({"predictions": as_json(predictions)}))

diff = np.abs(predictions - expected[:2]).max()
print("served: max |difference| from the Keras model =", diff)
if diff > 1e-5:
    raise AssertionError(f"served output differs by {diff}")

result = predictions  # compared with PyTorch's
