# Which samples each of 2 workers sees: Dataset.shard keeps every
# 2nd element (round-robin), pads nothing; shuffle before shard
# needs one seed on all workers (all asked here, in one process).
import numpy as np
import tensorflow as tf

tf.random.set_seed(0)  # shuffle order = f(global seed, op seed)
ids = np.arange(10)  # sample ids 0..9
ids11 = np.arange(11)


def pipeline(data, rank, seed=None, **kw):  # what rank r builds
    # (its own: ranks sharing one shuffled dataset here would
    # share its reshuffle state, which separate workers never do)
    ds = tf.data.Dataset.from_tensor_slices(data)
    if seed is not None:  # shuffle BEFORE shard, same seed
        ds = ds.shuffle(len(data), seed=seed, **kw)
    return ds.shard(num_shards=2, index=rank)


def split(data, **kw):  # one pipeline per worker, same arguments
    return [pipeline(data, r, **kw) for r in range(2)]


def seen(splits):  # the ids each worker reads, in order
    return [[int(i) for i in ds] for ds in splits]


def show(label, per_rank):
    print(f"{label:<17} rank 0: {per_rank[0]}  rank 1: {per_rank[1]}")


plain = seen(split(ids))
show("10 samples", plain)
show("11 samples", seen(split(ids11)))
show("11, drop_last", seen(split(ids11[:10])))  # no such option:
# trim to a multiple of num_shards yourself (here: drop id 10)

# shuffle(seed=0) then shard: one permutation, dealt round-robin
shards = split(ids, seed=0)  # reshuffle_each_iteration=True
epoch0 = seen(shards)
# each new iterator (= epoch) reshuffles; nothing to call
epoch1 = seen(shards)
show("shuffle, epoch 0", epoch0)
show("shuffle, epoch 1", epoch1)
stale = split(ids, seed=0, reshuffle_each_iteration=False)
first = seen(stale)
again = seen(stale)
show("epoch 1, stale", again)
print("  same order as epoch 0:", again == first)

# pitfall: a different seed on each worker -> not one permutation
own = [pipeline(ids, r, seed=r) for r in range(2)]
mixed = seen(own)
show("seed per rank", mixed)
both = set(mixed[0]) & set(mixed[1])
none = set(ids.tolist()) - set(mixed[0]) - set(mixed[1])
print("  seen twice:", sorted(both), " never:", sorted(none))

# global batch 8 = 4 per replica. tf.distribute does not deal
# samples: MirroredStrategy cuts each global batch of
# experimental_distribute_dataset(ds.batch(8)) into contiguous
# halves, replica 0 [0 1 2 3], replica 1 [4 5 6 7] (needs 2
# devices, so not run here). Across workers it auto-shards:
ctx = tf.distribute.InputContext(num_input_pipelines=2,
                                 input_pipeline_id=0,
                                 num_replicas_in_sync=2)
print("global batch 8    per replica:",
      ctx.get_per_replica_batch_size(8))
Policy = tf.data.experimental.AutoShardPolicy
print("  auto-shard:", ", ".join(p.name for p in Policy))
options = tf.data.Options()
options.experimental_distribute.auto_shard_policy = Policy.DATA
ds = tf.data.Dataset.from_tensor_slices(ids)
ds = ds.with_options(options)  # shard elements, not files
chosen = ds.options().experimental_distribute.auto_shard_policy
print("  on this dataset:", Policy(chosen).name)

result = np.array(plain)  # the plain split, per rank
