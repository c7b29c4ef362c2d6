# tf.data: a map per sample, a seeded shuffle, batches of 4
# (last partial batch kept), two epochs; ids show the order.
import numpy as np
import tensorflow as tf

index = np.arange(10)  # sample ids 0..9
features = (index[:, None] * [1.0, 10.0]).astype(np.float32)


def scale_and_add(x, i):  # [i, 10i] -> [0.5i, 5i, 5.5i]
    x = x * 0.5
    return tf.concat([x, tf.reduce_sum(x, 0, keepdims=True)], 0), i


# A shuffle's seed= is combined with the global seed: set both.
tf.random.set_seed(0)


def make_dataset(shuffle, seed=0, drop_remainder=False,
                 buffer_size=10, reshuffle=True):
    # from_tensor_slices: one element per row. The map is traced
    # into a graph once, then runs per element in C++; prefetch
    # prepares the next batch while the current one is used.
    ds = tf.data.Dataset.from_tensor_slices((features, index))
    if shuffle:
        ds = ds.shuffle(buffer_size, seed=seed,
                        reshuffle_each_iteration=reshuffle)
    ds = ds.map(scale_and_add, num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.batch(4, drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)


def ids(ds):  # one epoch: the sample ids of each batch
    return " ".join(str(i.numpy().tolist()) for _, i in ds)


# (a) No shuffle: batches in index order, every epoch.
ds = make_dataset(shuffle=False)
for epoch in (1, 2):
    print(f"no shuffle, epoch {epoch}:", ids(ds))
batches = list(ds)
print("shapes:", *(tuple(x.shape) for x, _ in batches),
      "ids", batches[0][1].dtype.name)
full = make_dataset(False, drop_remainder=True)
print("drop_remainder=True:", *(tuple(x.shape) for x, _ in full))
print("last batch:", batches[-1][0].numpy().tolist())
# The static shape says a batch may be partial: None, not 4.
print("static batch shape:", ds.element_spec[0].shape,
      "| drop_remainder=True:", full.element_spec[0].shape)

# (b) Shuffle with seed 0: a buffer of buffer_size elements; each
# output is drawn from it at random (Philox RNG) and its slot
# refilled from the input. buffer_size=10, the dataset size: a
# full shuffle. reshuffle_each_iteration (default True) gives
# epoch 2 a new order. Same seed as torch, other orders.
ds = make_dataset(shuffle=True, seed=0)
for epoch in (1, 2):
    print(f"shuffle seed 0, epoch {epoch}:", ids(ds))

# (c) Reproducible: a fresh dataset with the same seeds.
print("fresh dataset, epoch 1:", ids(make_dataset(True, seed=0)))
# buffer_size < dataset size is a partial shuffle: the first batch
# can only hold ids 0..5 (buffer of 3 + 3 refills).
print("buffer_size=3, epoch 1:",
      ids(make_dataset(True, seed=0, buffer_size=3)))
# One fixed order for every epoch: reshuffle_each_iteration=False.
ds = make_dataset(True, seed=0, reshuffle=False)
for epoch in (1, 2):
    print(f"fixed order, epoch {epoch}:", ids(ds))

result = [x.numpy() for x, _ in batches]  # unshuffled: same in torch
