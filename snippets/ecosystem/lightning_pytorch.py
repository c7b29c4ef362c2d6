# Train with PyTorch Lightning: a LightningModule holds the step
# and the optimizer, Trainer.fit runs the loop (like model.fit).
import logging
import warnings

# pip install lightning also installs pytorch_lightning: the same
# Trainer under its old name, but the classes of the two don't mix
import lightning as L
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

print("lightning", L.__version__, "torch", torch.__version__)
# Lightning logs through "lightning.pytorch" (INFO, to stderr):
# keep its messages but drop its ads ("Tip: ... try installing").
logging.getLogger("lightning.pytorch.utilities.rank_zero") \
    .addFilter(lambda record: "Tip:" not in record.getMessage())
# torch 2.13 deprecates pytree's LeafSpec, which Lightning 2.6.6
# still builds inside fit: a FutureWarning not about this code.
warnings.filterwarnings("ignore", message=".*LeafSpec.*")

rng = np.random.default_rng(seed=0)
f32 = np.float32
X = rng.standard_normal((64, 4)).astype(f32)  # 64 samples
Y = X @ rng.standard_normal((4, 1)).astype(f32) + 0.5
w1 = (rng.standard_normal((4, 8)) * 0.5).astype(f32)  # (in, out)
w2 = (rng.standard_normal((8, 1)) * 0.5).astype(f32)


class Regressor(L.LightningModule):  # 4 -> 8 ReLU -> 1
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(),
                                 nn.Linear(8, 1))
        with torch.no_grad():  # the same weights as Keras
            self.net[0].weight.copy_(torch.from_numpy(w1.T))
            self.net[2].weight.copy_(torch.from_numpy(w2.T))
            self.net[0].bias.zero_()
            self.net[2].bias.zero_()
        self.epoch_losses = []

    def training_step(self, batch, batch_index):
        x, y = batch
        loss = nn.functional.mse_loss(self.net(x), y)
        # on_epoch: the mean over the epoch's batches, as Keras
        self.log("loss", loss, on_step=False, on_epoch=True)
        return loss  # Lightning calls backward() and step()

    def on_train_epoch_end(self):
        loss = self.trainer.callback_metrics["loss"]
        self.epoch_losses.append(loss.item())

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


# Full batch (64) in a fixed order: one step per epoch
loader = DataLoader(TensorDataset(torch.from_numpy(X),
                                  torch.from_numpy(Y)),
                    batch_size=64, shuffle=False)
model = Regressor()
# Trainer() logs the hardware it found: "GPU available: ..."
trainer = L.Trainer(
    max_epochs=6,
    enable_progress_bar=False,  # no tqdm bar redrawn each step
    logger=False,  # no TensorBoard/CSV logs in ./lightning_logs
    enable_model_summary=False,  # no table of layers and params
    enable_checkpointing=False,  # no .ckpt in ./checkpoints
)
trainer.fit(model, loader)  # logs why it stopped
print("steps taken:", trainer.global_step)

print("epoch   loss")
for epoch, loss in enumerate(model.epoch_losses, start=1):
    print(f"{epoch:5d} {loss:.6f}")  # the loss before its step

result = np.array(model.epoch_losses)  # compared with Keras's
