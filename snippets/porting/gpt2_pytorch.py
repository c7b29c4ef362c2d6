# snippet: fresh timeout=300
# From PyTorch: a tiny GPT-2 (Hugging Face GPT2Model, 2 layers, 4
# heads, 32 wide, 100 tokens) ported by hand onto keras_hub's
# GPT2Backbone, and by every converter; each output compared.
# (fresh: LiteRT logs its XNNPACK delegate once per process.)
import contextlib
import io
import logging
import os
import re
import textwrap
import time
import warnings

import keras_hub
import numpy as np
import onnxruntime as ort
import torch
from transformers import GPT2Config, GPT2Model

# weights and inputs from NumPy: the frameworks' seeds differ
rng = np.random.default_rng(seed=0)
ids = rng.integers(0, 100, size=(2, 12))  # int64, as PyTorch takes
feed = {"token_ids": ids.astype(np.int32),  # keras_hub's inputs
        "padding_mask": np.ones_like(ids, dtype=np.int32)}


def check(path, output, trainable):
    diff = np.abs(np.asarray(output) - reference).max()
    relative = diff / np.abs(reference).max()
    print(f"{path}: max |difference| {diff:.1e},"
          f" relative {relative:.1e}, trainable: {trainable}")
    return {"model": model, "path": path, "converted": True,
            "error": None,
            "max_abs": float(diff), "max_rel": float(relative),
            "trainable": trainable}


@contextlib.contextmanager
def converting(path, *written):  # time, size: they vary, unprinted
    start = time.perf_counter()
    yield
    files = [os.path.join(top, name) for out in written
             for top, _, names in os.walk(out) for name in names]
    costs.append({"model": model, "path": path,
                  "seconds": time.perf_counter() - start,
                  "bytes": sum(map(os.path.getsize, files or written))
                  if written else None})


def failed(path, error):  # a converter's failure is a finding too
    line = " ".join(f"{type(error).__name__}: {error}".split())
    if len(line) > 150:  # its start, and the cause at its end
        line = f"{line[:60]} … {line[-80:]}"
    print(f"{path}: failed: {line}")
    return {"model": model, "path": path, "converted": False,
            "error": line, "max_abs": None, "max_rel": None,
            "trainable": None}


def draw(shape, scale):
    return (scale * rng.standard_normal(shape)).astype(np.float32)


config = GPT2Config(  # from a config: nothing downloaded
    vocab_size=100, n_positions=32, n_embd=32, n_layer=2, n_head=4,
    resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
    layer_norm_epsilon=1e-5,
    activation_function="gelu_new",  # tanh GELU, as keras_hub's
    use_cache=False,
)
source = GPT2Model(config).eval()
with torch.no_grad():
    for name, p in source.named_parameters():
        if name in ("wte.weight", "wpe.weight"):  # token, position
            value = draw(p.shape, 0.5)
        elif p.ndim == 2:  # Conv1D holds (in, out): 1/sqrt(fan_in)
            value = draw(p.shape, p.shape[0] ** -0.5)
        elif "ln" in name and name.endswith("weight"):
            value = 1 + draw(p.shape, 0.1)  # LayerNorm scales near 1
        else:
            value = draw(p.shape, 0.1)  # biases near 0
        p.copy_(torch.from_numpy(value))
    output = source(torch.from_numpy(ids))
    reference = output.last_hidden_state.numpy()
model, cells, costs = "GPT-2 (tiny)", [], []


def backbone():
    return keras_hub.models.GPT2Backbone(
        vocabulary_size=100, num_layers=2, num_heads=4, hidden_dim=32,
        intermediate_dim=128, dropout=0.0, max_sequence_length=32)


NAMES = {  # Hugging Face name -> keras_hub's, in each block
    "ln_1": "self_attention_layer_norm",
    "attn.c_proj": "self_attention/attention_output",
    "ln_2": "feedforward_layer_norm",
    "mlp.c_fc": "feedforward_intermediate_dense",
    "mlp.c_proj": "feedforward_output_dense",
}


def port(state, model):  # NumPy arrays by name, onto Keras variables
    variables = {v.path: v for v in model.weights}

    def put(path, value):  # reshape only to a 3-D EinsumDense kernel
        v = variables[path]  # or its 2-D bias: else a shape must fit
        if value.ndim != len(v.shape):
            value = value.reshape(v.shape)
        v.assign(value)

    put("token_embedding/embeddings", state["wte.weight"])
    put("position_embedding/embeddings", state["wpe.weight"])
    for i in range(2):
        hf, kh = f"h.{i}.", f"transformer_layer_{i}/"
        for name, keras_name in NAMES.items():  # Conv1D: no .T
            norm = keras_name.endswith("norm")
            put(kh + keras_name + ("/gamma" if norm else "/kernel"),
                state[hf + name + ".weight"])
            put(kh + keras_name + ("/beta" if norm else "/bias"),
                state[hf + name + ".bias"])
        # c_attn fuses query | key | value along its output axis
        w = np.split(state[hf + "attn.c_attn.weight"], 3, axis=1)
        b = np.split(state[hf + "attn.c_attn.bias"], 3)
        for name, wi, bi in zip(("query", "key", "value"), w, b):
            put(kh + f"self_attention/{name}/kernel", wi)
            put(kh + f"self_attention/{name}/bias", bi)
    put("layer_norm/gamma", state["ln_f.weight"])
    put("layer_norm/beta", state["ln_f.bias"])


# 1. By hand: keras_hub's GPT2Backbone, each weight copied through
# NumPy by name; Hugging Face's names and layouts, mapped once.
state = {k: v.numpy() for k, v in source.state_dict().items()}
target = backbone()
port(state, target)
trainable = f"yes, {len(target.trainable_weights)} weights"
cells.append(check("by hand", target(feed), trainable))
np.testing.assert_allclose(target(feed), reference, rtol=1e-5,
                           atol=1e-6)  # float32 rounding, no more


def differs(changes):  # port a changed state, measure the output
    wrong = backbone()
    port({**state, **changes}, wrong)
    return np.abs(np.asarray(wrong(feed)) - reference).max()


# The pitfalls, measured on the same weights. GPT-2's Conv1D holds
# (in, out) already: nn.Linear's .T raises on the MLP's (32, 128)...
try:
    differs({"h.0.mlp.c_fc.weight": state["h.0.mlp.c_fc.weight"].T})
except ValueError as error:  # the rest of the message: the values
    message = str(error).split(" Target variable")[0]
    print(f"  pitfall: c_fc weight .T: {type(error).__name__}:")
    for sentence in re.split(r"(?<=\.) ", message):  # one a line
        print(textwrap.fill(sentence, 66, initial_indent="    ",
                            subsequent_indent="    "))
# ... and fits the square attention projection, silently
key = "h.{}.attn.c_proj.weight"
d = differs({key.format(i): state[key.format(i)].T for i in (0, 1)})
print(f"  pitfall: attn.c_proj weight .T: max |difference| {d:.1e}")
# c_attn read per head, q k v interleaved (GPT-NeoX's layout): what
# that reader takes for query | key | value, ported as above
changes = {}
for i in (0, 1):
    w = state[f"h.{i}.attn.c_attn.weight"]  # (32, 96)
    b = state[f"h.{i}.attn.c_attn.bias"]
    changes[f"h.{i}.attn.c_attn.weight"] = (
        w.reshape(32, 4, 3, 8).transpose(0, 2, 1, 3).reshape(32, 96))
    changes[f"h.{i}.attn.c_attn.bias"] = (
        b.reshape(4, 3, 8).transpose(1, 0, 2).reshape(96))
d = differs(changes)
print(f"  pitfall: c_attn split per head: max |difference| {d:.1e}")

# 2. ONNX: torch.export, then ONNX Runtime (inference only).
logging.getLogger("torch.onnx").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", ".*LeafSpec", FutureWarning)
try:
    with converting("ONNX Runtime", "gpt2.onnx"):
        torch.onnx.export(source, (torch.from_numpy(ids),),
                          "gpt2.onnx", dynamo=True,
                          external_data=False, verbose=False)
    session = ort.InferenceSession("gpt2.onnx")
    outputs = session.run(None, {session.get_inputs()[0].name: ids})
    cells.append(check("ONNX Runtime", outputs[0],
                       "no, an inference session"))
except Exception as error:
    cells.append(failed("ONNX Runtime", error))

# 3. nobuco traces the model into Keras layers that train on.
try:
    import nobuco

    order = nobuco.ChannelOrder.PYTORCH  # the layout stays as is
    target = nobuco.pytorch_to_keras(
        source, args=[torch.from_numpy(ids)],
        inputs_channel_order=order, outputs_channel_order=order)
    trainable = f"yes, {len(target.trainable_weights)} weights"
    cells.append(check("nobuco", target(ids), trainable))
except Exception as error:  # reported, never fatal
    cells.append(failed("nobuco", error))

# 4. onnx2tf: the ONNX file into TensorFlow: a Keras 2 (tf_keras)
# model, a SavedModel and LiteRT files. onnxsim off: onnx2tf runs
# it as a command found on PATH, so it would run in one shell and
# not in another.
try:
    import onnx2tf

    with converting("onnx2tf", "gpt2_tf"):  # from the ONNX file
        target = onnx2tf.convert(
            input_onnx_file_path="gpt2.onnx",
            output_folder_path="gpt2_tf",
            non_verbose=True, not_use_onnxsim=True)
    output = target(ids)
    weights = len(target.trainable_weights)
    cells.append(check("onnx2tf", output,
                       f"tf_keras, {weights} trainable weights"))
except Exception as error:  # reported, never fatal
    cells.append(failed("onnx2tf", error))

# 5. litert-torch: torch.export, lowered to a LiteRT flatbuffer
# (.tflite) run by LiteRT's interpreter: inference only. Its
# progress lines carry elapsed times: kept out of this output, as
# torchao's (it imports it) about CUDA kernels a CPU cannot load.
logging.getLogger("torchao").setLevel(logging.ERROR)
try:
    import litert_torch

    quiet = contextlib.redirect_stdout(io.StringIO())
    with converting("litert-torch", "gpt2.tflite"), quiet:
        edge = litert_torch.convert(source, (torch.from_numpy(ids),))
        edge.export("gpt2.tflite")
    with quiet:  # the first call serialises the model again
        # int32 ids: LiteRT's input, as its warning above says; a
        # dict back, keyed as GPT2Model's output
        output = edge(torch.from_numpy(ids).int())
    output = output["last_hidden_state"]
    cells.append(check("litert-torch", output,
                       "no, a LiteRT flatbuffer"))
except Exception as error:  # reported, never fatal
    cells.append(failed("litert-torch", error))

measured = {"cells": cells, "varies": {"costs": costs}}
