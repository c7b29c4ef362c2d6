# Retraces, counted: which calls make tf.function trace fn again?
# A Python side effect in fn counts them: it runs only at tracing.
import numpy as np
import tensorflow as tf

traced = []


def fn(x, n):
    traced.append(1)  # Python: runs while TF traces fn, not after
    return x * n + 1


rng = np.random.default_rng(seed=0)
f32 = np.float32
x = tf.constant(rng.standard_normal(4).astype(f32))
lengths = (3, 4, 5, 6)
xs = [tf.constant(rng.standard_normal(k).astype(f32))
      for k in lengths]
two = tf.constant(2.0)
outputs = []
# TF warns when calls retrace often, naming fn by its memory
# address; switched off here to keep the output the same each run.
tf.get_logger().disabled = True


def count(label, compiled, calls):
    traced.clear()
    for args in calls:
        outputs.append(compiled(*args))
    traces = compiled.experimental_get_tracing_count()
    print(f"{label:<28}{len(calls):>6}{len(traced):>7}{traces:>7}")


def compiled(**options):
    return tf.function(fn, **options)


def spec(shape):  # x of this shape, n a float32 scalar
    return [tf.TensorSpec(shape, tf.float32), tf.TensorSpec([])]


print(f"{'scenario':<28}{'calls':>6}{'traced':>7}{'count':>7}")
count("n: Python int, 4 values", compiled(),
      [(x, n) for n in (1, 2, 3, 4)])
count("n: Python int, relaxed", compiled(reduce_retracing=True),
      [(x, n) for n in (1, 2, 3, 4)])
count("n: tensor, 4 values", compiled(),
      [(x, tf.constant(float(n))) for n in (1, 2, 3, 4)])
count("x: 4 lengths, static", compiled(),  # the default
      [(v, two) for v in xs])
count("x: 4 lengths, relaxed", compiled(reduce_retracing=True),
      [(v, two) for v in xs])
count("x: 4 lengths, all dynamic",
      compiled(input_signature=spec(None)),
      [(v, two) for v in xs])
count("x: 4 lengths, dim 0 dynamic",
      compiled(input_signature=spec([None])),
      [(v, two) for v in xs])
tf.get_logger().disabled = False

# Python side effects: they ran while TF traced fn, and are not
# part of the graph, so later calls skip them.
log = []


def fn_logging(x, n):
    log.append(n)
    return x * n + 1


logged = tf.function(fn_logging)
for n in (1, 2, 3, 4):
    outputs.append(logged(x, tf.constant(float(n))))
traces = logged.experimental_get_tracing_count()
print(f"fn with log.append, 4 calls: len(log) = {len(log)},"
      f" {traces} traces")

result = tf.concat(outputs, 0)  # fn's numbers, not the counts
