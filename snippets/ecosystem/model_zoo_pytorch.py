# A model library's architectures built from code, random weights
# (nothing downloaded): ResNet-50 and MobileNetV2 from Transformers.
# torchvision.models.resnet50(weights=None) and timm's
# create_model("resnet50") build the same ResNet-50; this site's
# CPU-only torch cannot load PyPI's torchvision (a CUDA build).
# snippet: fresh timeout=300
# (fresh: HF_HUB_OFFLINE is read when huggingface_hub is imported.)
import logging
import os

os.environ["HF_HUB_OFFLINE"] = "1"  # never reach the Hub
import numpy as np
import torch
from torch import nn

# transformers imports torchao when it is installed; torchao then
# warns that its CUDA kernels do not load: noise on a CPU machine.
logging.getLogger("torchao").setLevel(logging.ERROR)
logging.getLogger("torch.utils._pytree").setLevel(logging.ERROR)
import transformers
from transformers import (
    MobileNetV2Config, MobileNetV2ForImageClassification,
    ResNetConfig, ResNetForImageClassification)
from transformers.models.auto import modeling_auto

print("transformers", transformers.__version__)
print("torch", torch.__version__)

rng = np.random.default_rng(seed=0)
images = rng.standard_normal((2, 224, 224, 3)).astype(np.float32)
pixels = torch.from_numpy(images.transpose(0, 3, 1, 2))  # -> NCHW

builders = {  # ResNetConfig's defaults are ResNet-50's
    "resnet50": lambda: ResNetForImageClassification(
        ResNetConfig(num_labels=1000)),
    "mobilenet_v2": lambda: MobileNetV2ForImageClassification(
        MobileNetV2Config(num_labels=1000)),
}


def size(tensors):
    return sum(t.numel() for t in tensors)


rows = []
for name, build in builders.items():
    torch.manual_seed(0)
    model = build().eval()  # eval: BatchNorm uses running stats
    with torch.no_grad():
        features = model.base_model(pixels).last_hidden_state
        output = model(pixels).logits
    trainable = size(model.parameters())
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    conv_bias = size(m.bias for m in convs if m.bias is not None)
    # BatchNorm's running mean and variance are buffers: state
    # saved in the state_dict, but not parameters.
    bn_stats = size(b for n, b in model.named_buffers()
                    if "running_" in n)
    print(f"{name}: {type(model).__name__}")
    print(f"  input         {tuple(pixels.shape)} NCHW")
    print(f"  features      {tuple(features.shape)}")
    print(f"  output        {tuple(output.shape)} logits")
    print(f"  trainable     {trainable:>10,}")
    print(f"  conv biases   {conv_bias:>10,}")
    print(f"  BN statistics {bn_stats:>10,} (buffers)")
    print(f"  num_parameters() {model.num_parameters():,}")
    rows.append([trainable - conv_bias, bn_stats, *output.shape])

# What the library lists, from its own tables (offline).
print("transformers model types:",
      len(modeling_auto.CONFIG_MAPPING_NAMES))
print("  with an image-classification class:",
      len(modeling_auto.MODEL_FOR_IMAGE_CLASSIFICATION_MAPPING_NAMES))

# Per model: weights other than conv biases, BN statistics,
# output shape.
result = np.array(rows)  # compared with Keras's
