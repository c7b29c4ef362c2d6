# One small MLP (8 -> 16 ReLU -> 4), defined each way Keras has,
# loaded with the same NumPy weights: same parameters, same output.
import numpy as np
import keras  # Keras 3: in TF 2.21 tf.keras is this same package
from keras import layers

rng = np.random.default_rng(seed=0)
f32 = np.float32
w1 = rng.standard_normal((8, 16)).astype(f32)  # (in, out), as x @ w1
b1 = rng.standard_normal(16).astype(f32)
w2 = rng.standard_normal((16, 4)).astype(f32)
b2 = rng.standard_normal(4).astype(f32)
x = rng.standard_normal((3, 8)).astype(f32)


def count_params(model):
    return model.count_params()


def set_weights(model):  # a Dense kernel is (in, out): as is
    model.set_weights([w1, b1, w2, b2])


# 1. Stack layers: keras.Sequential. Input size: keras.Input.
sequential = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu", name="hidden"),
    layers.Dense(4, name="out"),
], name="sequential")
print("1. keras.Sequential")
sequential.summary(line_length=62)
print("parameters:", count_params(sequential))


# 2. Subclass keras.Model: layers in __init__, the computation in
# call(). It has no weights (no input size) until its first call.
class MLP(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(16, activation="relu",
                                   name="hidden")
        self.out = layers.Dense(4, name="out")

    def call(self, x):
        return self.out(self.hidden(x))


subclass = MLP(name="mlp")
print("2. keras.Model subclass with call()")
print("built before its first call:", subclass.built)
subclass(x)  # creates the weights; the batch of 3 shows below
subclass.summary(line_length=62)
print("parameters:", count_params(subclass))

# 3. Functional API: call layers on a symbolic keras.Input, then
# keras.Model(inputs, outputs) wraps the graph of layers.
inputs = keras.Input(shape=(8,), name="x")
hidden = layers.Dense(16, activation="relu", name="hidden")(inputs)
outputs = layers.Dense(4, name="out")(hidden)
functional = keras.Model(inputs, outputs, name="functional")
print("3. functional API:", inputs.shape, "->", outputs.shape)
print("parameters:", count_params(functional))

models = {"sequential": sequential, "subclass": subclass,
          "functional": functional}
predictions = {}
for name, model in models.items():
    set_weights(model)
    predictions[name] = model(x).numpy()
same = all(np.array_equal(predictions["subclass"], p)
           for p in predictions.values())
print("same output from every way:", same)
print("output:", tuple(predictions["subclass"].shape))
print(predictions["subclass"].round(4))

result = predictions["subclass"]  # compared with PyTorch's
