# A training loop written by hand (GradientTape, apply_gradients),
# then the same training in one call: Keras's model.fit.
import keras  # Keras 3; tf.keras in TF 2.21 is this Keras too
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(seed=0)
f32 = np.float32
X = rng.standard_normal((64, 4)).astype(f32)  # 64 samples
Y = X @ rng.standard_normal((4, 1)).astype(f32) + 0.5
w1 = (rng.standard_normal((4, 8)) * 0.5).astype(f32)  # (in, out)
w2 = (rng.standard_normal((8, 1)) * 0.5).astype(f32)
X, Y = tf.constant(X), tf.constant(Y)


def make_model():  # 4 -> 8 -> 1, the same weights as PyTorch
    model = keras.Sequential([
        keras.Input((4,)), keras.layers.Dense(8, "relu"),
        keras.layers.Dense(1)])
    # Dense stores its kernel as (in, out): no transpose
    model.set_weights([w1, np.zeros(8, f32),
                       w2, np.zeros(1, f32)])
    return model


def train(optimizer, steps=8):  # full batch, no shuffling
    model = make_model()
    variables = model.trainable_variables
    loss_fn = keras.losses.MeanSquaredError()
    losses = []
    for step in range(steps):
        with tf.GradientTape() as tape:  # a new tape each step
            loss = loss_fn(Y, model(X))
        grads = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(grads, variables))
        losses.append(float(loss))  # the loss before the step
    return losses


sgd = train(keras.optimizers.SGD(learning_rate=0.1))
# Adam with the same settings as PyTorch. beta2 = 1 - 2**-10, not
# 0.999: Keras casts beta2 to float32 (0.99900001) to compute
# 1 - beta2**t, a 1e-5 error in its step sizes; PyTorch uses
# float64. eps: PyTorch adds it to sqrt(v_hat), Keras to sqrt(v)
# (up to 32x more weight here); at 1e-8 both are negligible.
adam = train(keras.optimizers.Adam(
    learning_rate=0.01, beta_1=0.9, beta_2=1 - 2**-10,
    epsilon=1e-8))

# model.fit: one batch per epoch, so each epoch's loss is the
# loss before that epoch's single step
model = make_model()
model.compile(optimizer=keras.optimizers.Adam(
    learning_rate=0.01, beta_1=0.9, beta_2=1 - 2**-10,
    epsilon=1e-8), loss="mse")
history = model.fit(X, Y, batch_size=64, epochs=8,
                    shuffle=False, verbose=0)
fit = history.history["loss"]

print("step   SGD loop   Adam loop   Adam fit")
for step in range(len(sgd)):
    print(f"{step:4d} {sgd[step]:10.6f} {adam[step]:11.6f}"
          f" {fit[step]:10.6f}")

gap = max(abs(a - b) for a, b in zip(fit, adam))
print("largest |fit - Adam loop|:", gap)

# fit has no counterpart in core PyTorch: the loops are compared
result = {"sgd": sgd, "adam": adam}
