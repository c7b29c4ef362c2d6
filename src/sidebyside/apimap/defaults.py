"""The defaults a porter must know, read from the installed libraries instead of typed.

An entry names the parameters whose defaults matter, as pairs of full names (``null`` for a
side that has no such parameter)::

    defaults:
      - [torch.nn.LayerNorm.eps, keras.layers.LayerNormalization.epsilon]

Each framework's worker reads its side's defaults with ``inspect.signature`` when it checks the
entry (:func:`.introspect.default`), so a release that changes one changes the page. The entry
lists them, a ``differences`` sentence quotes one as ``{torch.nn.LayerNorm.eps}`` (the build
writes the value in its place), and the map's index tables every pair whose values differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import yaml

from ..data import DataError, Located
from ..snippets import FRAMEWORKS

if TYPE_CHECKING:  # schema reads defaults with read()
    from .schema import Entry

Pair = tuple[str | None, str | None]  # (PyTorch parameter, TensorFlow/Keras parameter)
QUOTE = re.compile(r"\{((?:torch|tf|keras)(?:\.\w+)+)\}")  # a default quoted in prose


def read(located: Located, what: str, roots: dict[str, tuple[str, ...]]) -> tuple[Pair, ...]:
    """The ``defaults`` pairs of an entry; each name is ``module.callable.parameter`` of its side."""
    pairs = []
    for item in located.items(f"{what}: defaults"):
        sides = item.items(f"{what}: defaults")
        if len(sides) != 2:
            raise item.error(f"{what}: defaults: each item is a pair [PyTorch parameter, TensorFlow parameter]")
        pair: list[str | None] = []
        for framework, side in zip(FRAMEWORKS, sides, strict=True):
            if isinstance(side.node, yaml.ScalarNode) and side.node.tag == "tag:yaml.org,2002:null":
                pair.append(None)
                continue
            name = side.text(f"{what}: defaults")
            if name.split(".")[0] not in roots[framework] or name.count(".") < 2:
                label = FRAMEWORKS[framework].label
                raise side.error(f"{what}: defaults: {name!r} is not a {label} parameter (module.callable.parameter)")
            pair.append(name)
        if pair == [None, None]:
            raise item.error(f"{what}: defaults: a pair needs at least one parameter")
        pairs.append((pair[0], pair[1]))
    return tuple(pairs)


def names(entry: Entry, framework: str) -> list[str]:
    """The parameters whose defaults the framework's worker reads for this entry."""
    side = list(FRAMEWORKS).index(framework)
    return [name for pair in entry.defaults if (name := pair[side])]


def check_quotes(entry: Entry) -> None:
    """A default quoted in ``differences`` must be one the entry declares."""
    declared = {name for pair in entry.defaults for name in pair if name}
    for sentence, line in zip(entry.differences, entry.difference_lines, strict=True):
        for name in QUOTE.findall(sentence):
            if name not in declared:
                raise DataError(
                    entry.path,
                    line,
                    f"entry {entry.id!r}: differences quote {{{name}}}, which defaults does not declare",
                )


def shown(value: object) -> str:
    """A default as a reader writes it, to six significant digits: ``1e-5``, ``0.001``,
    ``0.333333``, ``1.0``, ``"tanh"``, ``True``, ``(0.9, 0.999)``."""
    if isinstance(value, float):
        written = f"{value:.6g}" + (".0" if value.is_integer() and abs(value) < 1e6 else "")  # 1.0 stays a float
        return re.sub(r"e([+-])0*(\d)", lambda m: f"e{m[1].replace('+', '')}{m[2]}", written)
    if isinstance(value, list):
        return f"({', '.join(shown(item) for item in value)})"
    if isinstance(value, dict):
        return str(value.get("repr"))
    return f'"{value}"' if isinstance(value, str) else str(value)


def read_values(entry: Entry, found: dict[tuple[str, str], dict] | None) -> dict[str, object]:
    """{parameter: its default} from both sides' stored answers (empty in a preview)."""
    if found is None:
        return {}
    return {name: value for fw in FRAMEWORKS for name, value in found[(entry.id, fw)].get("defaults", {}).items()}


def fill(text: str, values: dict[str, object]) -> str:
    """A ``differences`` sentence with each quoted default written out (its name in a preview)."""
    return QUOTE.sub(lambda m: shown(values[m[1]]) if m[1] in values else f"`{m[1]}`", text)


def call(name: str, values: dict[str, object]) -> str:
    owner, _, parameter = name.rpartition(".")
    return f"`{owner}({parameter}={shown(values[name])})`" if name in values else f"`{name}`"


def line(entry: Entry, found: dict[tuple[str, str], dict] | None) -> list[str]:
    """The entry's line that lists its defaults, as the installed versions define them."""
    if not entry.defaults:
        return []
    values = read_values(entry, found)
    said = []
    for pair in entry.defaults:
        if None in pair:
            other = FRAMEWORKS[list(FRAMEWORKS)[pair.index(None)]].label
            said.append(f"{call(next(name for name in pair if name), values)} (no counterpart in {other})")
        else:
            said.append(" against ".join(call(name, values) for name in pair if name))
    where = "read from the installed versions when this page was built" if found else "read when the site is built"
    return [f"- **Defaults** ({where}): {'; '.join(said)}."]


def differing(entries: Iterable[Entry], found: dict[tuple[str, str], dict]) -> list[tuple[Entry, Pair, dict]]:
    """(entry, pair, values) for every declared pair whose two defaults differ, in map order (a
    parameter that one side lacks is there to be quoted, not compared)."""
    rows = []
    for entry in entries:
        values = read_values(entry, found)
        for pair in entry.defaults:
            a, b = (values.get(name) if name else None for name in pair)
            if None not in pair and a != b:
                rows.append((entry, pair, values))
    return rows
