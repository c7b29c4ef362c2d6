# TensorBoard's graph view, from TensorFlow: trace_on records the
# graph of the next tf.function call, trace_export writes it;
# TensorBoard's reader gets it back.
import shutil
from collections import Counter

import keras
import numpy as np
import tensorflow as tf
from tensorboard.backend.event_processing import (
    event_accumulator as ea)

rng = np.random.default_rng(seed=0)
f32 = np.float32
x = rng.standard_normal((3, 4)).astype(f32)
w1 = rng.standard_normal((4, 8)).astype(f32)  # (in, out)
w2 = rng.standard_normal((8, 2)).astype(f32)
model = keras.Sequential([
    keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
    keras.layers.Dense(2)])
model.set_weights([w1, np.zeros(8, f32), w2, np.zeros(2, f32)])


@tf.function  # only a traced function has a graph to write
def forward(x):
    return model(x)


# TensorBoard reads every event file in the folder: start empty.
shutil.rmtree("runs/graph", ignore_errors=True)
writer = tf.summary.create_file_writer("runs/graph")
tf.summary.trace_on(graph=True)  # record what is traced next
y = forward(tf.constant(x))  # traces forward, once
with writer.as_default():
    tf.summary.trace_export("forward", step=0)  # write, stop
writer.close()

acc = ea.EventAccumulator("runs/graph")
acc.Reload()
print("graph written:", acc.Tags()["graph"],
      "| tensors:", acc.Tags()["tensors"])
plugin = acc.SummaryMetadata("forward").plugin_data.plugin_name
print("plugin:", plugin)  # a tensor summary for the graph plugin
proto = acc.Tensors("forward")[0].tensor_proto
run = tf.compat.v1.RunMetadata.FromString(proto.string_val[0])
# The graph as traced; Grappler's optimized one is there too, and
# its ops depend on the CPU (oneDNN fusions): not printed here.
graph = run.function_graphs[0].pre_optimization_graph
print("nodes:", len(graph.node))
for op, count in sorted(Counter(n.op for n in graph.node).items()):
    print(f"  {op:15} x{count}")

result = y  # compared with PyTorch's
print("output:", tuple(result.shape))
