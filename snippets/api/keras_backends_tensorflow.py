# snippet: fresh
# The same Keras 3 code on the TensorFlow backend. The backend is read
# once, when keras is first imported: set it before the import.
import os
import sys

os.environ["KERAS_BACKEND"] = "tensorflow"

import keras
import numpy as np

print("backend:", keras.backend.backend())

rng = np.random.default_rng(seed=0)
f32 = np.float32
x = rng.standard_normal((64, 4)).astype(f32)
y = x @ rng.standard_normal((4, 1)).astype(f32)

model = keras.Sequential([
    keras.Input(shape=(4,)),
    keras.layers.Dense(8, activation="relu", name="hidden"),
    keras.layers.Dense(1, name="out"),
])
model.set_weights([
    rng.standard_normal((4, 8)).astype(f32) / 2, np.zeros(8, f32),
    rng.standard_normal((8, 1)).astype(f32) / 2, np.zeros(1, f32),
])
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
history = model.fit(x, y, batch_size=64, epochs=5,
                    shuffle=False, verbose=0)
losses = history.history["loss"]
print("losses:", np.round(losses, 6))

kernel = model.get_layer("hidden").kernel
print("weights are", type(kernel.value).__module__,
      type(kernel.value).__name__)
prediction = model.predict(x[:3], verbose=0)
print("prediction:", prediction.ravel().round(4))

frameworks = ("torch", "tensorflow", "jax")
loaded = [m for m in frameworks if m in sys.modules]
print("frameworks imported:", loaded)

result = {"losses": np.array(losses), "prediction": prediction}
