# Which samples each of 2 ranks sees: DistributedSampler deals the
# indices round-robin, pads to equal counts and shuffles per epoch
# (all ranks are asked here, in one process; no process group).
import numpy as np
import torch
from torch.utils.data import DataLoader, DistributedSampler

ids = np.arange(10)  # sample ids 0..9
ids11 = np.arange(11)


def split(data, **kw):  # one sampler per rank, same arguments
    return [DistributedSampler(data, num_replicas=2, rank=r, **kw)
            for r in range(2)]


def seen(data, splits):  # the ids each rank reads, in order
    return [data[list(s)].tolist() for s in splits]


def show(label, per_rank):
    print(f"{label:<17} rank 0: {per_rank[0]}  rank 1: {per_rank[1]}")


plain = seen(ids, split(ids, shuffle=False))
show("10 samples", plain)
show("11 samples", seen(ids11, split(ids11, shuffle=False)))
show("11, drop_last", seen(ids11, split(ids11, shuffle=False,
                                        drop_last=True)))
# default pads with the first ids (0); drop_last cuts the tail (10)

# shuffle=True: one permutation (seed + epoch), dealt round-robin
shards = split(ids, shuffle=True, seed=0)
for s in shards:
    s.set_epoch(0)
epoch0 = seen(ids, shards)
for s in shards:
    s.set_epoch(1)  # call it every epoch, before iterating
epoch1 = seen(ids, shards)
show("shuffle, epoch 0", epoch0)
show("shuffle, epoch 1", epoch1)
stale = split(ids, shuffle=True, seed=0)  # set_epoch never called
first = seen(ids, stale)
again = seen(ids, stale)
show("epoch 1, stale", again)
print("  same order as epoch 0:", again == first)

# pitfall: a different seed on each rank -> not one permutation
# (the order is drawn from seed + epoch: seed 1 = seed 0, epoch 1)
own = [DistributedSampler(ids, num_replicas=2, rank=r,
                          shuffle=True, seed=r) for r in range(2)]
mixed = seen(ids, own)
show("seed per rank", mixed)
both = set(mixed[0]) & set(mixed[1])
none = set(ids.tolist()) - set(mixed[0]) - set(mixed[1])
print("  seen twice:", sorted(both), " never:", sorted(none))

# global batch 8 = 4 per rank: each rank's DataLoader batches
# its own round-robin share
loaders = [DataLoader(ids, batch_size=4, sampler=s)
           for s in split(ids, shuffle=False)]
step0 = [next(iter(dl)).tolist() for dl in loaders]
show("global batch 8", step0)

result = np.array(plain)  # the plain split, per rank
