"""What a framework's worker runs to check API-map entries: read as data, answered as data.

The build writes the entries still to check into a JSON file and has the worker run a two-line
script that calls :func:`check_file`; the script binds the answer to ``measured`` (plain JSON,
never compared), one item per entry: ``{"values": {"0": value, "1": value}}``, each value
encoded as the pairs' ``result`` is (:func:`sidebyside.worker.encode`), with ``"heard"``: the
exceptions the entry's own except clauses caught and the warnings raised while it ran, as
"Class: message" lines; or ``{"error": message,
"code": 0 or 1, "line": line in that code}``.

Each entry gets the same NumPy inputs on both sides (seeded from its id), converted to the
framework's tensors, a fresh namespace and an empty working directory, the framework's seeds
set to 0, and global state put back afterwards. Code that raises is recorded, not fatal to the
batch. This module imports only the standard library, NumPy and the one framework it checks.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import json
import linecache
import os
import re
import sys
import tempfile
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..worker import encode
from .introspect import default, lookup


@dataclass(frozen=True)
class Side:
    """How entries run on one framework."""

    roots: dict[str, str]  # a name the code may use -> the module it is
    tensor: Callable[[np.ndarray], object]  # a NumPy input as the framework's tensor
    seed: Callable[[], object]
    restore: Callable[[], None]  # global state an entry may have changed, put back
    to_numpy: Callable[[object], object]
    # (run the code on these tensors, float inputs, cotangent of a shape) -> d<value>/d<input> per
    # float input, or None where the value is not a float tensor that depends on them
    backward: Callable[[Callable[[dict], object], dict[str, np.ndarray], Callable], dict | None]


def _pytorch() -> Side:
    import torch

    def restore() -> None:
        torch.set_default_dtype(torch.float32)
        torch.set_grad_enabled(True)

    def backward(run: Callable[[dict], object], floats: dict[str, np.ndarray], cotangent: Callable) -> dict | None:
        sources = {name: torch.from_numpy(array).requires_grad_() for name, array in floats.items()}
        outputs, seeds = [], []
        for value in flat(run(sources)):
            if isinstance(value, torch.Tensor):  # a seed drawn for every tensor, whatever its dtype,
                seed = cotangent(tuple(value.shape))  # so that both sides draw the same ones
                if value.is_floating_point() and value.requires_grad:
                    outputs.append(value)
                    seeds.append(torch.from_numpy(seed).to(value.dtype))
        grads = torch.autograd.grad(outputs, list(sources.values()), seeds, allow_unused=True) if outputs else []
        if all(g is None for g in grads):
            return None
        return {name: np.zeros_like(floats[name]) if g is None else g.numpy() for name, g in zip(sources, grads)}

    return Side(
        roots={"torch": "torch"},
        tensor=torch.from_numpy,
        seed=lambda: torch.manual_seed(0),
        restore=restore,
        to_numpy=lambda value: value.detach().numpy() if hasattr(value, "detach") else np.asarray(value),
        backward=backward,
    )


def _tensorflow() -> Side:
    import keras
    import tensorflow as tf

    def restore() -> None:
        keras.mixed_precision.set_global_policy("float32")
        tf.config.run_functions_eagerly(False)

    def backward(run: Callable[[dict], object], floats: dict[str, np.ndarray], cotangent: Callable) -> dict | None:
        watched = {name: tf.constant(array) for name, array in floats.items()}
        with tf.GradientTape() as tape:
            tape.watch(list(watched.values()))
            tensors = [tf.convert_to_tensor(value) for value in flat(run(watched)) if tf.is_tensor(value)]
        drawn = [(value, cotangent(tuple(value.shape))) for value in tensors]  # one per tensor, as PyTorch
        outputs = [value for value, _ in drawn if value.dtype.is_floating]
        seeds = [tf.constant(seed, dtype=value.dtype) for value, seed in drawn if value.dtype.is_floating]
        grads = tape.gradient(outputs, list(watched.values()), output_gradients=seeds) if outputs else []
        if all(g is None for g in grads):  # nothing float, or computed off the tape (through NumPy, say)
            return None
        dense = [None if g is None else np.asarray(tf.convert_to_tensor(g)) for g in grads]  # IndexedSlices too
        return {name: np.zeros_like(floats[name]) if g is None else g for name, g in zip(watched, dense)}

    return Side(
        roots={"tf": "tensorflow", "keras": "keras"},
        tensor=tf.constant,
        seed=lambda: keras.utils.set_random_seed(0),
        restore=restore,
        to_numpy=lambda value: np.asarray(value.numpy() if hasattr(value, "numpy") else value),
        backward=backward,
    )


SIDES = {"pytorch": _pytorch, "tensorflow": _tensorflow}


def flat(value: object) -> list:
    """The tensors (and anything else) inside a value's lists, tuples and dicts (by sorted key)."""
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in flat(item)]
    if isinstance(value, dict):
        return [leaf for key in sorted(value, key=str) for leaf in flat(value[key])]
    return [value]


def inputs(entry_id: str, spec: dict[str, list]) -> dict[str, np.ndarray]:
    """The entry's inputs, the same on both sides: float32 standard normal, or int64 indices
    0, 1 or 2 (valid along any axis of size 3 or more), from a seed derived from the id."""
    rng = np.random.default_rng(int(hashlib.sha256(entry_id.encode()).hexdigest()[:8], 16))
    made = {}
    for name, (kind, shape) in spec.items():
        if kind == "index":
            made[name] = rng.integers(0, 3, size=shape).astype(np.int64)
        else:
            made[name] = rng.standard_normal(shape).astype(np.float32)
    return made


HEARD = "__sbs_heard__"  # the name the entry's except clauses call (see _listening)


def _listening(tree: ast.Module) -> ast.Module:
    """``tree`` with a call to ``__sbs_heard__()`` first in every except clause, so that the
    exception the entry's code caught is recorded (on its handler's line: tracebacks still
    point at the entry's own lines)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler):
            call = ast.Expr(ast.Call(ast.Name(HEARD, ast.Load()), [], []))
            node.body.insert(0, ast.fix_missing_locations(ast.copy_location(call, node)))
    return tree


def _as_a_script() -> None:
    """Python's default warning filters, with the entry's code as a script's ``__main__``: the
    warnings a reader who runs the code sees (a DeprecationWarning only where their code called
    what is deprecated), each once per place."""
    warnings.resetwarnings()
    for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.simplefilter("ignore", category)
    warnings.filterwarnings("default", category=DeprecationWarning, module="api_map_entry")
    warnings.simplefilter("default", append=True)


def _line(text: str) -> str:
    """One line, without the terminal's colour codes some messages carry."""
    return " ".join(re.sub(r"\x1b\[[0-9;]*m", "", text).split())


def heard(messages: list[str]) -> Callable[[], None]:
    """What the except clauses call: the exception being handled, as "Class: message"."""

    def record() -> None:
        error = sys.exc_info()[1]
        if error is not None:
            messages.append(_line(f"{type(error).__name__}: {error}"))

    return record


def evaluate(code: str, scope: dict, name: str) -> object:
    """The value of the code's last line, after its statements ran in ``scope``. The source goes
    into linecache under ``name``, so that what reads a function's source (AutoGraph,
    torch.jit.script, inspect) finds it, as in a file."""
    linecache.cache[name] = (len(code), None, code.splitlines(True), name)
    tree = _listening(ast.parse(code))
    last = tree.body.pop()
    exec(compile(tree, name, "exec"), scope)
    assert isinstance(last, ast.Expr)  # the schema checked it
    return eval(compile(ast.Expression(last.value), name, "eval"), scope)


def resolve(name: str, side: Side) -> str:
    """``name`` if it exists (:func:`.introspect.lookup` raises otherwise)."""
    lookup(name, side.roots)
    return name


def _as_arrays(value: object, side: Side) -> object:
    if isinstance(value, (list, tuple)):
        return [_as_arrays(item, side) for item in value]
    if isinstance(value, dict):
        return {str(key): _as_arrays(item, side) for key, item in value.items()}
    return side.to_numpy(value)


def kinked(entry_id: str, floats: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The float inputs with every other element (a seeded choice) rounded to a multiple of 0.5:
    zeros for relu and abs, ties for max, the bounds of clip(x, -0.5, 0.5). Gradients are
    compared there, where the two libraries' subgradients may part."""
    rng = np.random.default_rng(int(hashlib.sha256(f"{entry_id} kinks".encode()).hexdigest()[:8], 16))
    made = {}
    for name, array in floats.items():
        on_kink = rng.random(array.shape) < 0.5
        made[name] = np.where(on_kink, np.round(array * 2) / 2, array).astype(array.dtype)
    return made


def gradient(entry: dict, side: Side, scope: dict) -> dict:
    """The backward pass of the code that agrees (``entry["gradient"]``: its number) at the
    kinked inputs, with a seeded random cotangent: {"grads": {input: gradient}} encoded, or
    {"none": why} (no float input, a value that is not differentiable, or the error raised)."""
    entry_id, code = entry["id"], entry["codes"][entry["gradient"]]
    made = inputs(entry_id, entry["inputs"])
    floats = kinked(entry_id, {name: a for name, a in made.items() if a.dtype.kind == "f"})
    if not floats:
        return {"none": "no float input"}
    rng = np.random.default_rng(int(hashlib.sha256(f"{entry_id} cotangent".encode()).hexdigest()[:8], 16))

    def run(tensors: dict) -> object:
        side.seed()
        return evaluate(code, {**scope, HEARD: lambda: None, **tensors}, f"<api-map {entry_id} backward>")

    try:
        grads = side.backward(run, floats, lambda shape: np.asarray(rng.standard_normal(shape), dtype=np.float32))
    except Exception as error:  # noqa: BLE001 - said on the entry's line
        return {"none": _line(f"{type(error).__name__}: {error}")[:300], "raised": True}
    if grads is None:
        return {"none": "the value does not depend differentiably on the float inputs"}
    return {"grads": encode(grads)}


def check_entry(entry: dict, side: Side) -> dict:
    """One entry's answer: its values, or the error its code raised with the line."""
    entry_id = entry["id"]
    scope = {"__name__": "api_map_entry", "np": np}
    scope.update({root: importlib.import_module(module) for root, module in side.roots.items()})
    scope.update({name: side.tensor(array) for name, array in inputs(entry_id, entry["inputs"]).items()})
    values, number, home = {}, 0, os.getcwd()
    messages: list[str] = []
    scope[HEARD] = heard(messages)
    with tempfile.TemporaryDirectory() as place, warnings.catch_warnings(record=True) as warned:
        _as_a_script()
        os.chdir(place)
        try:
            side.seed()
            if entry["resolve"]:  # check: resolves
                values["0"] = encode(" ".join(resolve(name, side) for name in entry["resolve"]))
            for number, code in enumerate([] if entry["resolve"] else entry["codes"]):
                value = evaluate(code, scope, f"<api-map {entry_id} {number}>")
                values[str(number)] = encode(_as_arrays(value, side))
            said = messages + [_line(f"{w.category.__name__}: {w.message}") for w in warned]
            answer = {"values": values, "heard": list(dict.fromkeys(said))}
            answer["defaults"] = {name: default(name, side.roots) for name in entry.get("defaults", [])}
            if entry.get("gradient") is not None:
                base = {name: value for name, value in scope.items() if name in ("__name__", "np", *side.roots)}
                given = {name: value for name, value in scope.items() if name in entry["inputs"]}
                answer["backward"] = gradient(entry, side, {**base, **given})
            return answer
        except Exception as error:  # noqa: BLE001 - reported with the entry's file and line
            frames = traceback.extract_tb(error.__traceback__)
            lines = [frame.lineno for frame in frames if frame.filename.startswith("<api-map ")]
            return {"error": f"{type(error).__name__}: {error}", "code": number, "line": lines[-1] if lines else 0}
        finally:
            os.chdir(home)
            side.restore()


def check_file(framework: str, path: str) -> dict[str, dict]:
    """{entry id: answer} for the entries in the JSON file ``path``, on ``framework``."""
    with open(path, encoding="utf-8") as handle:
        entries = json.load(handle)
    side = SIDES[framework]()
    return {entry["id"]: check_entry(entry, side) for entry in entries}
