"""What the installed libraries say about themselves, read inside a framework's worker (this
module imports only the standard library and, when asked, the framework): whether a name
exists, a parameter's default (:func:`default`), and the public names a porter's code calls
(:func:`public_api`), which the map's coverage is measured on.
"""

from __future__ import annotations

import importlib
import inspect
import re


def lookup(name: str, roots: dict[str, str]) -> object:
    """What ``name`` (``torch.nn.GRU``) is, importing submodules on the way; else an
    AttributeError that says which part is missing."""
    root, *parts = name.split(".")
    path = roots[root]
    value = importlib.import_module(path)
    for part in parts:
        path = f"{path}.{part}"
        try:
            value = getattr(value, part)
        except AttributeError:
            try:
                value = importlib.import_module(path)
            except ImportError:
                raise AttributeError(f"{name} does not exist: no {part!r} in {path.rsplit('.', 1)[0]}") from None
    return value


def _signature(function: object) -> inspect.Signature:
    """``inspect.signature``, or for a builtin without one (``torch.nn.functional.gelu``) the
    signature the first line of its docstring writes: ``gelu(input, approximate = 'none')``."""
    try:
        return inspect.signature(function)  # type: ignore[arg-type]
    except ValueError:
        written = re.match(r"\s*\w+\((.*?)\)\s*->", getattr(function, "__doc__", "") or "")
        if not written:
            raise
        scope: dict = {}
        exec(f"def written({written[1]}): pass", scope)  # a docstring's own words, not a reader's
        return inspect.signature(scope["written"])


def default(name: str, roots: dict[str, str]) -> object:
    """The default of a parameter, ``torch.nn.LayerNorm.eps``, as the installed version's
    signature gives it, as JSON: a number, string, bool or None as it is, a tuple of numbers as a
    list, anything else as ``{"repr": ...}``."""
    owner, _, parameter = name.rpartition(".")
    parameters = _signature(lookup(owner, roots)).parameters
    if parameter not in parameters:
        raise AttributeError(f"{owner} has no parameter {parameter!r}")
    value = parameters[parameter].default
    if value is inspect.Parameter.empty:
        raise AttributeError(f"{owner}'s parameter {parameter!r} has no default")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, tuple) and all(isinstance(item, (bool, int, float)) for item in value):
        return list(value)
    return {"repr": repr(value)}


# The public API a porter's code calls, per framework: what the map's coverage is measured on.
# Left out: Lazy* modules (a Linear that infers its input size), containers, base classes
# (Module, RNNBase; Keras' Layer, Wrapper), in-place variants (``relu_``), the helpers and types
# F re-exports or leaves undocumented, and Keras' second names of a class.
_CONTAINERS = {"Container", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"}
_F_MODULES = {"torch", "torch.nn.functional", "torch._C._nn"}
_KERAS_BASES = {"Layer", "Wrapper", "InputSpec", "Pipeline"}  # a base class, a spec, a container


def public_api(framework: str) -> dict[str, list[str]]:
    """{namespace: its public names}: torch.nn's layers and torch.nn.functional's functions, or
    keras.layers' layers and keras.ops' functions, as the installed versions define them."""
    if framework == "pytorch":
        import torch.nn.functional as F
        from torch.nn import modules

        layers = [
            n
            for n in modules.__all__
            if not n.startswith("Lazy") and n not in _CONTAINERS and n != "Module" and not n.endswith("Base")
        ]
        functions = [
            n
            for n in dir(F)
            if not n.startswith("_")
            and not n.endswith("_")
            and not inspect.isclass(getattr(F, n))
            and getattr(getattr(F, n), "__module__", None) in _F_MODULES
            and getattr(F, n).__doc__  # an undocumented helper (assert_int_or_pair) is not API
        ]
        return {"torch.nn": sorted(layers), "torch.nn.functional": sorted(functions)}
    import keras

    # A second name of a class (AvgPool2D is AveragePooling2D) counts once, under the class's own.
    layers = [
        n
        for n in dir(keras.layers)
        if inspect.isclass(getattr(keras.layers, n))
        and getattr(keras.layers, n).__name__ == n
        and n not in _KERAS_BASES
    ]
    ops = [n for n in dir(keras.ops) if not n.startswith("_") and inspect.isfunction(getattr(keras.ops, n))]
    return {"keras.layers": sorted(layers), "keras.ops": sorted(ops)}
