"""Compare the ``result`` values of the two sides of a pair (encoded by the worker).

Numbers are close when ``|a - b| <= atol + rtol * |b|`` elementwise (NumPy's ``isclose`` rule,
TensorFlow's side taken as ``b``), shapes must match exactly, dict keys and list lengths too, and
strings must be equal. Pure Python: the render phase never needs NumPy or a framework.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DEFAULT_RTOL = 1e-5
DEFAULT_ATOL = 1e-6


@dataclass(frozen=True)
class Verdict:
    same: bool
    max_abs: float  # largest |a - b| over every number compared
    compared: int  # how many numbers were compared
    problem: str = ""  # why not the same, naming the place inside `result`
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL


class _Mismatch(Exception):
    pass


def _walk(a: dict, b: dict, where: str, rtol: float, atol: float, stats: list) -> None:
    if a["kind"] != b["kind"]:
        raise _Mismatch(f"{where}: {a['kind']} on one side, {b['kind']} on the other")
    kind = a["kind"]
    if kind == "text":
        if a["value"] != b["value"]:
            raise _Mismatch(f"{where}: {a['value']!r} != {b['value']!r}")
    elif kind == "dict":
        if a["items"].keys() != b["items"].keys():
            raise _Mismatch(f"{where}: keys {sorted(a['items'])} != {sorted(b['items'])}")
        for name in a["items"]:
            _walk(a["items"][name], b["items"][name], f"{where}[{name!r}]", rtol, atol, stats)
    elif kind == "list":
        if len(a["items"]) != len(b["items"]):
            raise _Mismatch(f"{where}: {len(a['items'])} items != {len(b['items'])} items")
        for i, (x, y) in enumerate(zip(a["items"], b["items"])):
            _walk(x, y, f"{where}[{i}]", rtol, atol, stats)
    else:
        if a["shape"] != b["shape"]:
            raise _Mismatch(f"{where}: shape {tuple(a['shape'])} != {tuple(b['shape'])}")
        for index, (x, y) in enumerate(zip(a["data"], b["data"])):
            if math.isnan(x) and math.isnan(y):
                continue
            diff = abs(x - y)
            if not diff <= atol + rtol * abs(y):  # also catches NaN against a number
                raise _Mismatch(
                    f"{where}: element {index} differs: {x!r} vs {y!r} "
                    f"(|difference| {diff:.3g} > atol {atol:g} + rtol {rtol:g} * {abs(y):.3g})"
                )
            stats[0] = max(stats[0], diff)
        stats[1] += len(a["data"])


def compare(a: dict, b: dict, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL) -> Verdict:
    stats = [0.0, 0]
    try:
        _walk(a, b, "result", rtol, atol, stats)
    except _Mismatch as mismatch:
        return Verdict(False, stats[0], int(stats[1]), str(mismatch), rtol, atol)
    return Verdict(True, stats[0], int(stats[1]), "", rtol, atol)
