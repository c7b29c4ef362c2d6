# Log scalars and a histogram for TensorBoard with tf.summary,
# then read the event file back with TensorBoard's own reader.
import os
import re
import shutil

import numpy as np
import tensorboard
import tensorflow as tf
from tensorboard.backend.event_processing import (
    event_accumulator as ea)

print("tensorflow", tf.__version__, "tensorboard",
      tensorboard.__version__)
# TF 2.21 no longer installs tensorboard; without it
# tf.summary.scalar raises TBNotInstalledError.

rng = np.random.default_rng(seed=0)
steps = np.arange(5)
loss = 2.0 * 0.7**steps + 0.05 * rng.random(5)  # a loss curve
lr = 0.1 * 0.5**steps  # a step-decay schedule
weights = rng.standard_normal(1000)  # "layer weights"

# 1. Write: one event file per writer under ./runs/tf.
# TensorBoard reads every event file in the folder: start empty,
# or a second run of this script reads both runs.
shutil.rmtree("runs/tf", ignore_errors=True)
writer = tf.summary.create_file_writer("runs/tf")
with writer.as_default():  # the default writer for tf.summary.*
    for step in steps:
        # a float32 tensor, with metadata naming the plugin
        # ("scalars") that draws it
        tf.summary.scalar("loss", loss[step], step=step)
        tf.summary.scalar("lr", lr[step], step=step)
    tf.summary.histogram("weights", weights, step=4)
writer.close()  # flushes to disk
# The name holds time, host name and pid: print the fixed part.
for name in os.listdir("runs/tf"):
    print("event file:", re.sub(r"tfevents\..*?(\.v2)?$",
                                r"tfevents.*\1", name))

# 2. Read back. size_guidance 0 = keep every event (the reader
# samples by default: it keeps 1 histogram, 10 tensors per tag).
acc = ea.EventAccumulator("runs/tf", size_guidance={
    ea.SCALARS: 0, ea.HISTOGRAMS: 0, ea.TENSORS: 0})
acc.Reload()
# one kind, "tensors": the metadata names the plugin for each
for kind, tags in acc.Tags().items():
    if tags:  # skip the empty kinds
        print(f"{kind}: {tags}")
result = {}
for tag in acc.PluginTagToContent("scalars"):  # tags by plugin
    events = acc.Tensors(tag)  # wall_time, step, tensor_proto
    values = [tf.make_ndarray(e.tensor_proto) for e in events]
    # a 0-d float32 tensor: the same float32 as simple_value
    print(f"{tag}: a {values[0].dtype} array {values[0].shape},"
          f" step 0 = {values[0].item()!r}")
    for event, value in zip(events, values):  # no wall times:
        print(f"  step {event.step}: {value:.7f}")  # they vary
    result[tag] = np.array([(e.step, v)
                            for e, v in zip(events, values)])

# 3. A histogram is a (buckets, 3) tensor of [left, right, count]
# rows: 30 equal-width buckets by default
histo = tf.make_ndarray(acc.Tensors("weights")[0].tensor_proto)
print(f"weights @ step 4: {len(histo)} buckets,"
      f" {histo[:, 2].sum():.0f} values in [{histo[0, 0]:.4f},"
      f" {histo[-1, 1]:.4f}]")
result["histogram"] = np.array(
    [histo[:, 2].sum(), histo[0, 0], histo[-1, 1]])
