# A model library's architectures built from code, random weights
# (weights=None: nothing downloaded): keras.applications'
# ResNet50 and MobileNetV2, plus what KerasHub lists.
# snippet: timeout=300
import numpy as np
import keras
import keras_hub
import tensorflow as tf

print("tensorflow", tf.__version__, "keras", keras.__version__)
print("keras_hub", keras_hub.__version__)

rng = np.random.default_rng(seed=0)
images = rng.standard_normal((2, 224, 224, 3)).astype(np.float32)
pixels = images  # Keras convolutions are NHWC (channels last)

builders = {  # default: 224x224x3 input, 1000 classes, softmax
    "resnet50": lambda: keras.applications.ResNet50(
        weights=None),
    "mobilenet_v2": lambda: keras.applications.MobileNetV2(
        weights=None),
}
last_block = {"resnet50": "conv5_block3_out",
              "mobilenet_v2": "out_relu"}


def size(weights):
    return sum(int(np.prod(w.shape)) for w in weights)


rows = []
for name, build in builders.items():
    keras.utils.set_random_seed(0)
    model = build()
    trunk = keras.Model(model.input,  # up to the last feature map
                        model.get_layer(last_block[name]).output,
                        name="trunk")
    features = trunk(pixels)  # training=False: BN uses moving stats
    output = model(pixels)
    trainable = size(model.trainable_weights)
    convs = [layer for layer in model.layers if isinstance(
        layer, (keras.layers.Conv2D, keras.layers.DepthwiseConv2D))]
    conv_bias = size(c.bias for c in convs if c.use_bias)
    # BatchNormalization's moving mean and variance are weights
    # with trainable=False: count_params() includes them.
    bn_stats = size(model.non_trainable_weights)
    print(f"{name}: {type(model).__name__} {model.name!r}")
    print(f"  input         {pixels.shape} NHWC")
    print(f"  features      {tuple(features.shape)}")
    print(f"  output        {tuple(output.shape)} softmax")
    print(f"  trainable     {trainable:>10,}")
    print(f"  conv biases   {conv_bias:>10,}")
    print(f"  BN statistics {bn_stats:>10,} (non-trainable)")
    print(f"  count_params() {model.count_params():,}")
    rows.append([trainable - conv_bias, bn_stats, *output.shape])

# What the libraries list (offline: preset names ship in KerasHub).
print("keras.applications models:", sum(
    name[0].isupper() for name in dir(keras.applications)))
print("keras_hub Backbone presets:",
      len(keras_hub.models.Backbone.presets))
print("  ImageClassifier presets:",
      len(keras_hub.models.ImageClassifier.presets))

# Per model: weights other than conv biases, BN statistics,
# output shape.
result = np.array(rows)  # compared with PyTorch's
