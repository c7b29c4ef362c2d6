"""The one store of results on disk: the snippets' outcomes and the API map's checked values.

Each result is a JSON record, ``<namespace>-<key>.json`` in one folder (``.cache/snippets``, or
``SNIPPETS_CACHE_DIR``). Its key is the hash of everything that can change it (:func:`key`), so a
stale record is never looked up again; a record that cannot be read back whole is a miss; every
write is atomic (:func:`write_text`), so a reader never sees half a record. After a whole build,
:meth:`Store.prune` deletes the records that build did not use, so the folder does not grow
(not in a folder set with ``SNIPPETS_CACHE_DIR``, which other checkouts may share).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
from pathlib import Path

from .outcome import Outcome

NAMESPACES = ("snippet", "api-map")
# A record's file name; the bare and "apimap-" names are those of the versions before namespaces.
log = logging.getLogger("mkdocs.plugins.sidebyside")  # the one logger of the package
_RECORD = re.compile(r"(?:(?:snippet|api-map|apimap)-)?[0-9a-f]{64}\.json")


def key(material: object) -> str:
    """The key of a record: the hash of the JSON of everything that can change it."""
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def write_json(path: Path, value: object) -> None:
    """Write ``value`` as JSON to ``path`` atomically (:func:`write_text`)."""
    write_text(path, json.dumps(value))


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a reader sees the old file or the new one, and a
    folder removed meanwhile is made again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class Store:
    def __init__(self, directory: Path):
        self.directory = directory
        self.used: set[str] = set()  # file names read or written since the build began
        self.unwritable = False  # a write failed: warned once

    def _path(self, namespace: str, record_key: str) -> Path:
        assert namespace in NAMESPACES, namespace
        return self.directory / f"{namespace}-{record_key}.json"

    def read(self, namespace: str, record_key: str) -> object | None:
        """The record stored under ``record_key``; None when there is none that reads back whole."""
        path = self._path(namespace, record_key)
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        self.used.add(path.name)
        return value

    def write(self, namespace: str, record_key: str, value: object) -> None:
        """Store ``value``; a folder that cannot be written (read-only, full) costs the record,
        with one warning, not the build."""
        path = self._path(namespace, record_key)
        try:
            write_json(path, value)
        except OSError as error:
            if not self.unwritable:
                log.warning("snippets: results are not kept: cannot write to %s (%s)", self.directory, error.strerror)
            self.unwritable = True
            return
        self.used.add(path.name)

    def outcome(self, record_key: str) -> Outcome | None:
        """A snippet's stored outcome of a successful run under ``record_key``; None otherwise."""
        try:
            entry = Outcome.from_json(self.read("snippet", record_key))
        except (ValueError, TypeError):
            return None
        return entry if entry.key == record_key and entry.ok else None

    def put(self, outcome: Outcome) -> None:
        self.write("snippet", outcome.key, outcome.to_json())

    def records(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(path for path in self.directory.iterdir() if _RECORD.fullmatch(path.name))

    def prune(self) -> int:
        """Delete the records not used since the build began; how many went."""
        stale = [path for path in self.records() if path.name not in self.used]
        for path in stale:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        return len(stale)

    def clear(self) -> int:
        records = self.records()
        for path in records:
            path.unlink()
        return len(records)
