# snippet: fresh timeout=300
# Data parallelism: one process, one replica per device; the
# MirroredStrategy sums the gradients, so every replica takes the
# same step.
import tensorflow as tf

# 2 logical CPUs stand in for 2 GPUs: one process, one import of
# TensorFlow, quicker here than 2 MultiWorkerMirroredStrategy
# workers (see scaling/launch). Set before any op runs.
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # Keras 3; tf.keras in TF 2.21 is this Keras too
import numpy as np

rng = np.random.default_rng(seed=0)
f32 = np.float32
X = rng.standard_normal((16, 4)).astype(f32)  # global batch 16
Y = rng.standard_normal((16, 2)).astype(f32)
w = (rng.standard_normal((2, 4)) * 0.5).astype(f32)  # (out, in)
b = np.zeros(2, f32)

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
world = strategy.num_replicas_in_sync
dataset = tf.data.Dataset.from_tensor_slices(
    (tf.range(16), X, Y)).batch(16)  # one global batch
batch = next(iter(  # each replica gets 16 / 2 = 8, in order
    strategy.experimental_distribute_dataset(dataset)))

with strategy.scope():  # variables made here are mirrored
    model = keras.Sequential([keras.Input((4,)),
                              keras.layers.Dense(2)])
    model.set_weights([w.T, b])  # a Dense kernel is (in, out)
    optimizer = keras.optimizers.SGD(learning_rate=0.1)


# (model.compile and model.fit in the scope would do the same
# split and loss scaling; the step is spelled out here)
@tf.function
def train_step(batch):
    def step(index, x, y):  # runs once per replica
        with tf.GradientTape() as tape:
            per_example = keras.losses.mean_squared_error(
                y, model(x))
            loss = tf.nn.compute_average_loss(  # sum / 16: a
                per_example, global_batch_size=16)  # mean of 8
        # would double the step, as the gradients are summed
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(  # gradients summed here
            zip(grads, model.trainable_variables))
        return loss

    return strategy.run(step, args=batch)


losses = train_step(batch)


def local(value):  # one entry per replica
    return [v.numpy() for v in
            strategy.experimental_local_results(value)]


replicas = [{"x": x.shape, "samples": [i[0], i[-1]], "loss": l,
             "w": k.T, "b": c}  # kernel.T: PyTorch's (out, in)
            for i, x, l, k, c in zip(
                local(batch[0]), local(batch[1]), local(losses),
                local(model.layers[0].kernel.value),
                local(model.layers[0].bias.value))]
print(f"{world} replicas, global batch {X.shape}, lr 0.1")
for r, rep in enumerate(replicas):
    print(f"replica {r}: x {tuple(rep['x'])}, samples"
          f" {rep['samples'][0]}-{rep['samples'][1]},"
          f" loss {rep['loss']:.4f} (sum of 8 / 16)")
loss = strategy.reduce("SUM", losses, axis=None).numpy()
print(f"global loss (replica losses summed) {loss:.4f}")
print("weight (out, in) and bias after the step:")
for r, rep in enumerate(replicas):
    print(f"replica {r} weight", np.array2string(
        rep["w"].round(4), prefix=" " * 17))
    print(" " * 10, "bias", rep["b"].round(4))
gap = np.abs(replicas[1]["w"] - replicas[0]["w"]).max()
print(f"max |replica 1 - replica 0|: {gap:.1e}")

# the same step in one replica, on the full batch
single = keras.Sequential([keras.Input((4,)),
                           keras.layers.Dense(2)])
single.set_weights([w.T, b])
with tf.GradientTape() as tape:
    full = keras.ops.mean(keras.losses.mean_squared_error(
        Y, single(X)))
grads = tape.gradient(full, single.trainable_variables)
keras.optimizers.SGD(learning_rate=0.1).apply_gradients(
    zip(grads, single.trainable_variables))
w1 = single.get_weights()[0].T
print(f"one replica, full batch {X.shape}: loss {float(full):.4f}")
gap = np.abs(replicas[0]["w"] - w1).max()
print(f"max |mirrored - one replica|: {gap:.1e}")

result = {"weight": replicas[0]["w"], "bias": replicas[0]["b"],
          "loss": loss}  # compared with PyTorch's
