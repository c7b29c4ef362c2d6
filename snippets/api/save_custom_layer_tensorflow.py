# snippet: fresh
# A model with a layer of your own, saved as .keras and loaded
# back: the file holds the config and weights, the class is code.
# (fresh: the registration below stays in the process.)
import numpy as np
import keras

rng = np.random.default_rng(seed=0)
x = rng.standard_normal((2, 3)).astype(np.float32)


class Scale(keras.layers.Layer):  # multiplies by a learned vector
    def build(self, shape):
        self.s = self.add_weight(
            shape=(shape[-1],),
            initializer=keras.initializers.Constant(2.0))

    def call(self, v):
        return v * self.s


model = keras.Sequential([keras.Input((3,)), Scale(name="scale")])
model.save("model.keras")

# 1. Scale is defined in this script, but Keras was not told.
try:
    keras.models.load_model("model.keras")
except TypeError as error:
    print("load_model:", str(error).split(". ")[0])
# 2. Named for one call: custom_objects.
passed = keras.models.load_model(
    "model.keras", custom_objects={"Scale": Scale})


# 3. Registered before saving: the file names the class by its
#    registered name, found by any process that ran this decorator.
@keras.saving.register_keras_serializable(package="demo")
class RegisteredScale(Scale):
    pass


keras.Sequential(
    [keras.Input((3,)), RegisteredScale(name="scale")]
).save("registered.keras")
print("registered as:",
      keras.saving.get_registered_name(RegisteredScale))
registered = keras.models.load_model("registered.keras")

outputs = [m(x) for m in (model, passed, registered)]
for label, out in zip(("saved", "custom_obj", "registered"), outputs):
    values = " ".join(f"{v:7.4f}" for v in np.ravel(out))
    print(f"{label:<11}", values)

result = np.stack(outputs)  # compared with PyTorch's
