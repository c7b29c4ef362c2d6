"""What a snippet's result depends on: its key in the store (:mod:`sidebyside.store`).

The key covers everything that can change what a snippet prints: its source, the data files it
declares it reads, the installed versions of its framework, NumPy and every package it imports, the
code that runs it and cleans its output, the Python version and the machine (CPU model and
logical cores: TensorFlow's oneDNN choice and every timing depend on them). Versions are read
from package metadata, so a warm build imports no framework.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import json
import os
import platform
import sys
from importlib import metadata
from pathlib import Path

from . import __version__, machine
from .snippets import Snippet
from .store import key, write_json

# Bump when the shape of a stored result changes.
FORMAT = 4  # bumped when a stored outcome changes shape
# The code whose change can change an outcome: the worker that runs a snippet, and the cleaning
# of its output.
_ENGINE_SOURCES = hashlib.sha256(
    b"".join((Path(__file__).parent / name).read_bytes() for name in ("worker.py", "output.py"))
).hexdigest()


def default_dir(root: Path) -> Path:
    configured = os.environ.get("SNIPPETS_CACHE_DIR")
    return Path(configured).expanduser().resolve() if configured else root / ".cache" / "snippets"


# What is installed is read once per process (``forget_installed`` starts over, at each build of
# ``mkdocs serve``): a key needs the versions of a few packages, and mapping modules to
# distributions reads the metadata of every installed package.
@functools.cache
def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def installed_versions(distributions: tuple[str, ...]) -> dict[str, str]:
    found = {name: _version(name) for name in (*distributions, "numpy")}
    return {name: version for name, version in found.items() if version is not None}


def _installed_fingerprint() -> str:
    """Which distributions, at which versions, this interpreter can import: the names of the
    ``*.dist-info`` folders on ``sys.path`` (a version is part of each name)."""
    names = [sys.prefix]
    for entry in sys.path:
        try:
            names += sorted(n for n in os.listdir(entry or ".") if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def _module_distributions() -> dict[str, list[str]]:
    """Top-level module -> the distributions that provide it. ``packages_distributions()`` reads
    the metadata of every installed package (half a second here), so its answer is kept in the
    user's cache folder under the fingerprint of what is installed; any change of a package
    changes the fingerprint, and an unreadable file is computed again."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    stored = base / "sidebyside" / f"modules-{_installed_fingerprint()}.json"
    try:
        found = json.loads(stored.read_text(encoding="utf-8"))
        if isinstance(found, dict):
            return found
    except (OSError, ValueError):
        pass
    found = dict(metadata.packages_distributions())
    with contextlib.suppress(OSError):
        write_json(stored, found)
    return found


def forget_installed() -> None:
    """Read installed versions and the module map afresh (a package may have been upgraded)."""
    _version.cache_clear()
    _module_distributions.cache_clear()
    imported_distributions.cache_clear()


@functools.lru_cache(maxsize=4096)
def imported_distributions(source: str) -> tuple[str, ...]:
    """The installed distributions that provide the top-level modules a snippet imports.

    An upgrade of onnxruntime must re-run the snippets that import it, not only an upgrade of
    the snippet's framework. Unparsable source imports nothing (running it reports the error).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module.partition(".")[0])
    provided = _module_distributions()
    return tuple(sorted({dist for module in modules for dist in provided.get(module, ())}))


def key_for(snippet: Snippet) -> str:
    distributions = set(snippet.framework.distributions) | set(imported_distributions(snippet.source))
    material = {
        "format": FORMAT,
        "engine": [__version__, _ENGINE_SOURCES],
        "python": platform.python_version(),
        "machine": machine.describe(),
        "versions": installed_versions(tuple(sorted(distributions))),
        "path": snippet.relpath,
        "source": snippet.source,
        "reads": {
            name: hashlib.sha256(path.read_bytes()).hexdigest()
            for name, path in zip(snippet.options.reads, snippet.read_paths())
        },
        "fresh": snippet.options.fresh,
    }
    from .settings import timings_alone  # settings imports this module

    if snippet.options.alone and not timings_alone():
        material["beside_others"] = True
    return key(material)
