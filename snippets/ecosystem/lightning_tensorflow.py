# Train with Keras's model.fit: compile() holds the loss and the
# optimizer, fit() runs the loop (what Lightning's Trainer mirrors).
import keras  # Keras 3; tf.keras in TF 2.21 is this Keras too
import numpy as np
import tensorflow as tf

print("keras", keras.__version__, "tensorflow", tf.__version__)

rng = np.random.default_rng(seed=0)
f32 = np.float32
X = rng.standard_normal((64, 4)).astype(f32)  # 64 samples
Y = X @ rng.standard_normal((4, 1)).astype(f32) + 0.5
w1 = (rng.standard_normal((4, 8)) * 0.5).astype(f32)  # (in, out)
w2 = (rng.standard_normal((8, 1)) * 0.5).astype(f32)

# 4 -> 8 ReLU -> 1; names fixed: automatic ones count up
model = keras.Sequential([
    keras.Input((4,), name="x"),
    keras.layers.Dense(8, activation="relu", name="hidden"),
    keras.layers.Dense(1, name="out"),
], name="regressor")
# the same weights as PyTorch; Dense kernels are (in, out)
model.set_weights([w1, np.zeros(8, f32), w2, np.zeros(1, f32)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
              loss="mse")

# Full batch (64) in a fixed order: one step per epoch.
# verbose=0: no progress bar (its lines carry timings)
history = model.fit(X, Y, batch_size=64, epochs=6,
                    shuffle=False, verbose=0)
print("steps taken:", int(model.optimizer.iterations))

print("epoch   loss")
for epoch, loss in enumerate(history.history["loss"], start=1):
    print(f"{epoch:5d} {loss:.6f}")  # the loss before its step

result = np.array(history.history["loss"])  # vs Lightning's
