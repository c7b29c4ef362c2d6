# Dataset + DataLoader: a map per sample, a seeded shuffle, batches
# of 4 (last partial batch kept), two epochs; ids show the order.
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, RandomSampler

index = np.arange(10)  # sample ids 0..9
features = (index[:, None] * [1.0, 10.0]).astype(np.float32)


def scale_and_add(x, i):  # [i, 10i] -> [0.5i, 5i, 5.5i]
    x = x * 0.5
    return torch.cat([x, x.sum(0, keepdim=True)]), i


class ArrayDataset(Dataset):  # map-style: __len__ + __getitem__
    def __init__(self, features, index):
        self.features = torch.from_numpy(features)
        self.index = torch.from_numpy(index)

    def __len__(self):
        return len(self.index)

    def __getitem__(self, i):  # the map runs here, one sample
        return scale_and_add(self.features[i], self.index[i])


dataset = ArrayDataset(features, index)


def make_loader(shuffle, seed=0, drop_last=False):
    # The sampler draws a permutation from this generator; the
    # default collate_fn stacks 4 samples into a batch. With
    # num_workers=0 batches load in this process, on demand:
    # prefetch_factor works only with num_workers > 0 (here,
    # passing one raises ValueError).
    return DataLoader(dataset, batch_size=4, shuffle=shuffle,
                      drop_last=drop_last, num_workers=0,
                      generator=torch.Generator().manual_seed(seed))


def ids(loader):  # one epoch: the sample ids of each batch
    return " ".join(str(i.tolist()) for _, i in loader)


# (a) No shuffle: batches in index order, every epoch.
loader = make_loader(shuffle=False)
for epoch in (1, 2):
    print(f"no shuffle, epoch {epoch}:", ids(loader))
batches = list(loader)
print("shapes:", *(tuple(x.shape) for x, _ in batches),
      "ids", batches[0][1].dtype)
full = make_loader(False, drop_last=True)
print("drop_last=True:", *(tuple(x.shape) for x, _ in full))
print("last batch:", batches[-1][0].tolist())
print(f"num_workers={loader.num_workers},"
      f" prefetch_factor={loader.prefetch_factor}")

# (b) Shuffle with seed 0: each epoch, torch.randperm(10) on the
# generator (CPU: Mersenne Twister), a full permutation. The
# generator advances, so epoch 2 gets a new order. tf.data uses
# another RNG and algorithm: same seed, other orders.
loader = make_loader(shuffle=True, seed=0)
for epoch in (1, 2):
    print(f"shuffle seed 0, epoch {epoch}:", ids(loader))

# (c) Reproducible: a fresh loader with a fresh generator, seed 0.
print("fresh loader, epoch 1:", ids(make_loader(True, seed=0)))
# The sampler alone, same seed, gives another order: each epoch
# the DataLoader first draws a base seed for its workers from the
# generator, then the sampler draws the permutation.
sampler = RandomSampler(dataset,
                        generator=torch.Generator().manual_seed(0))
print("RandomSampler alone, seed 0:", list(sampler))
# One fixed order for every epoch: pass the indices as sampler=.
g = torch.Generator().manual_seed(0)
order = torch.randperm(10, generator=g)
loader = DataLoader(dataset, batch_size=4, sampler=order.tolist())
for epoch in (1, 2):
    print(f"fixed order, epoch {epoch}:", ids(loader))

result = [x.numpy() for x, _ in batches]  # unshuffled: same in TF
