"""Pairs and snippets: what a pair name resolves to, and the options a snippet declares.

A pair ``graphs/eager`` is the two files ``snippets/graphs/eager_pytorch.py`` and
``snippets/graphs/eager_tensorflow.py``. A snippet may declare options in a comment line of its
own, anywhere before its first statement::

    # snippet: timeout=300 fresh reads=points.csv

- ``timeout=SECONDS``: its own limit instead of the default (``SNIPPETS_TIMEOUT``, 120 s);
- ``fresh``: run in a new interpreter instead of the reused worker (for global state such as
  the Keras backend, or thread settings that must be set before the framework starts);
- ``reads=a,b``: data files, relative to the snippet's folder, whose content is part of its
  cache key;
- ``varies``: its output changes from run to run (it prints timings); the page says so, and the
  test that compares a standalone run with the page skips the comparison;
- ``alone``: nothing else runs while it does (the build otherwise runs the two frameworks'
  snippets at the same time): for snippets that time something. Such snippets run after the
  others, one at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Framework:
    key: str  # file suffix and worker name
    label: str  # tab label on the page
    module: str  # what the worker imports before it takes snippets
    distributions: tuple[str, ...]  # installed packages whose versions key the cache


FRAMEWORKS: dict[str, Framework] = {
    "pytorch": Framework("pytorch", "PyTorch", "torch", ("torch",)),
    "tensorflow": Framework("tensorflow", "TensorFlow", "tensorflow", ("tensorflow-cpu", "tensorflow", "keras")),
}

DEFAULT_TIMEOUT = 120.0
_PAIR_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")
_OPTION_LINE = re.compile(r"^#\s*snippet:(.*)$")


class SnippetError(Exception):
    """Bad input from a contributor: names the file (and line) at fault."""


@dataclass(frozen=True)
class Options:
    timeout: float | None = None
    fresh: bool = False
    reads: tuple[str, ...] = ()
    varies: bool = False
    alone: bool = False


@dataclass(frozen=True)
class Snippet:
    pair: str
    framework: Framework
    path: Path  # absolute
    relpath: str  # relative to the project root, with forward slashes
    source: str
    options: Options = field(default_factory=Options)

    @property
    def id(self) -> str:
        return f"{self.pair}[{self.framework.key}]"

    @property
    def code_lines(self) -> int:
        """Lines of code: lines that are neither blank nor only a comment."""
        return code_lines(self.source)

    def timeout(self, default: float) -> float:
        return self.options.timeout if self.options.timeout is not None else default

    def read_paths(self) -> list[Path]:
        return [self.path.parent / name for name in self.options.reads]


@dataclass(frozen=True)
class Pair:
    name: str
    snippets: tuple[Snippet, ...]  # in FRAMEWORKS order


def code_lines(source: str) -> int:
    stripped = (line.strip() for line in source.splitlines())
    return sum(1 for line in stripped if line and not line.startswith("#"))


def parse_options(source: str, relpath: str) -> Options:
    """Read ``# snippet:`` lines from the leading comment block of a snippet."""
    values: dict[str, object] = {}
    for lineno, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break  # options live before the first statement
        match = _OPTION_LINE.match(stripped)
        if not match:
            continue
        for token in match.group(1).split():
            key, _, value = token.partition("=")
            where = f"{relpath}:{lineno}"
            if key in ("fresh", "varies", "alone") and not value:
                values[key] = True
            elif key == "timeout":
                try:
                    values["timeout"] = float(value)
                except ValueError:
                    raise SnippetError(f"{where}: timeout needs a number of seconds, got {value!r}") from None
                if values["timeout"] <= 0:  # type: ignore[operator]
                    raise SnippetError(f"{where}: timeout must be positive, got {value!r}")
            elif key == "reads" and value:
                values["reads"] = tuple(part for part in value.split(",") if part)
            else:
                raise SnippetError(
                    f"{where}: unknown snippet option {token!r} "
                    "(known: timeout=SECONDS, fresh, varies, alone, reads=FILE[,FILE])"
                )
    return Options(**values)  # type: ignore[arg-type]


def load_snippet(root: Path, pair: str, framework: Framework) -> Snippet:
    relpath = f"snippets/{pair}_{framework.key}.py"
    path = root / relpath
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SnippetError(f"pair {pair!r}: {relpath} does not exist") from None
    options = parse_options(source, relpath)
    for read in options.reads:
        if not (path.parent / read).is_file():
            raise SnippetError(
                f"{relpath}: declares reads={read} but {path.parent.relative_to(root) / read} does not exist"
            )
    return Snippet(pair, framework, path, relpath, source, options)


def load_pair(root: Path, name: str) -> Pair:
    if not _PAIR_NAME.match(name):
        raise SnippetError(f"{name!r} is not a pair name: use lowercase words joined by '/', like graphs/eager")
    return Pair(name, tuple(load_snippet(root, name, fw) for fw in FRAMEWORKS.values()))


def all_snippet_files(root: Path) -> list[Path]:
    return sorted((root / "snippets").rglob("*.py"))


def pair_name_of(root: Path, path: Path) -> tuple[str, str] | None:
    """``snippets/graphs/eager_pytorch.py`` -> (``graphs/eager``, ``pytorch``)."""
    rel = path.relative_to(root / "snippets").as_posix()
    for key in FRAMEWORKS:
        suffix = f"_{key}.py"
        if rel.endswith(suffix):
            return rel[: -len(suffix)], key
    return None
