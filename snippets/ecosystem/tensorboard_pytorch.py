# Log scalars and a histogram for TensorBoard with SummaryWriter,
# then read the event file back with TensorBoard's own reader.
# snippet: fresh
# (fresh: tensorboard imports TensorFlow into this process.)
import os
import re
import shutil
import sys

import numpy as np
import tensorboard
import torch
from torch.utils.tensorboard import SummaryWriter
from tensorboard.backend.event_processing import (
    event_accumulator as ea)

print("torch", torch.__version__, "tensorboard",
      tensorboard.__version__)
# SummaryWriter comes with PyTorch but needs the tensorboard
# package; tensorboard.compat imports TensorFlow if installed.
print("TensorFlow imported too:", "tensorflow" in sys.modules)

rng = np.random.default_rng(seed=0)
steps = np.arange(5)
loss = 2.0 * 0.7**steps + 0.05 * rng.random(5)  # a loss curve
lr = 0.1 * 0.5**steps  # a step-decay schedule
weights = rng.standard_normal(1000)  # "layer weights"

# 1. Write: one event file per writer under ./runs/torch.
# TensorBoard reads every event file in the folder: start empty,
# or a second run of this script reads both runs.
shutil.rmtree("runs/torch", ignore_errors=True)
writer = SummaryWriter("runs/torch")
for step in steps:
    # simple_value, a float32 field; new_style=True would write
    # a tensor with plugin metadata, as tf.summary does
    writer.add_scalar("loss", loss[step], global_step=step)
    writer.add_scalar("lr", lr[step], global_step=step)
writer.add_histogram("weights", weights, global_step=4)
writer.close()  # flushes to disk
# The name holds time, host name and pid: print the fixed part.
for name in os.listdir("runs/torch"):
    print("event file:", re.sub(r"tfevents\..*?(\.v2)?$",
                                r"tfevents.*\1", name))

# 2. Read back. size_guidance 0 = keep every event (the reader
# samples by default: it keeps 1 histogram, 10 tensors per tag).
acc = ea.EventAccumulator("runs/torch", size_guidance={
    ea.SCALARS: 0, ea.HISTOGRAMS: 0, ea.TENSORS: 0})
acc.Reload()
# "distributions": the histograms again, as percentiles
for kind, tags in acc.Tags().items():
    if tags:  # skip the empty kinds
        print(f"{kind}: {tags}")
result = {}
for tag in acc.Tags()["scalars"]:
    events = acc.Scalars(tag)  # wall_time, step, value
    values = [e.value for e in events]
    # simple_value is a float32 field, widened to a Python float
    print(f"{tag}: a {type(values[0]).__name__},"
          f" step 0 = {values[0]!r}")
    for event, value in zip(events, values):  # no wall times:
        print(f"  step {event.step}: {value:.7f}")  # they vary
    result[tag] = np.array([(e.step, v)
                            for e, v in zip(events, values)])

# 3. A histogram is a HistogramProto: min, max, num, sum and
# bucket limits that grow by 10% (TensorFlow 1's scheme)
histo = acc.Histograms("weights")[0].histogram_value
print(f"weights @ step 4: {len(histo.bucket)} buckets,"
      f" {histo.num:.0f} values in [{histo.min:.4f},"
      f" {histo.max:.4f}]")
result["histogram"] = np.array([histo.num, histo.min, histo.max])
