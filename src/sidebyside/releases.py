"""The pins and the newest releases: ``docs/data/releases.yml`` against ``pyproject.toml``.

The site is built with exact pins; the data file says, for every pinned package, the newest
release known on the day the pins were last reviewed; a package that a pin brings along (Keras,
with TensorFlow) says ``via`` which, and its installed version stands for the pin. Reading it
checks that the day is not in the future, that every exact pin is listed (and nothing else
unless ``via`` a pin), and that no pin is newer than the newest listed: each mistake is a
:class:`~sidebyside.data.DataError` at its line.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.version import InvalidVersion, Version

from .data import Located, load_yaml, require_keys

DATA = Path("data") / "releases.yml"  # relative to the docs directory
_PIN = re.compile(r"([A-Za-z0-9_.-]+)==([^;\s]+)")


@dataclass(frozen=True)
class Release:
    name: str
    pinned: str
    newest: str
    note: str | None


def pins(root: Path) -> dict[str, str]:
    """Every exact pin of the project: ``pyproject.toml``'s dependencies and the no-deps list."""
    found: dict[str, str] = {}
    dependencies = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    extra = root / "requirements-nodeps.txt"
    lines = extra.read_text(encoding="utf-8").splitlines() if extra.exists() else []
    for line in [*dependencies, *lines]:
        match = _PIN.match(line.strip())
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def _installed(name: str, where: Located) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        raise where.error(f"packages: {name} is not installed: run make install") from None


def _version(text: str, where: Located, what: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        raise where.error(f"{what}: {text!r} is not a version number") from None


def load(root: Path, docs_dir: Path, today: datetime.date | None = None) -> tuple[datetime.date, list[Release]]:
    """The review date and every pinned package with its newest release, checked."""
    path = docs_dir / DATA
    top = load_yaml(path, "review of the pins")
    fields = top.mapping("the top level")
    require_keys(top, fields, ("reviewed", "packages"), "the top level")
    text = fields["reviewed"].text("reviewed")
    try:
        reviewed = datetime.date.fromisoformat(text)
    except ValueError:
        raise fields["reviewed"].error(f"reviewed: {text!r} must be a date, YYYY-MM-DD") from None
    if reviewed > (today or datetime.date.today()):
        raise fields["reviewed"].error(f"reviewed: {text} is in the future: give the day the releases were looked up")
    pinned = pins(root)
    listed = fields["packages"].mapping("packages")
    releases = []
    for name, located in listed.items():
        what = f"packages: {name}"
        entry = located.mapping(what)
        require_keys(located, {k: v for k, v in entry.items() if k not in ("note", "via")}, ("newest",), what)
        via = entry["via"].text(f"{what}: via") if "via" in entry else None
        if via is not None and via not in pinned:
            raise entry["via"].error(f"{what}: via {via!r} is not a pinned package")
        if via is None and name not in pinned:
            raise located.error(f"{what}: not pinned in pyproject.toml or requirements-nodeps.txt: remove it")
        pin = _installed(name, entry["via"]) if via else pinned[name]
        newest = entry["newest"].text(f"{what}: newest")
        if _version(pin, located, f"{what}: the pin") > _version(newest, entry["newest"], what):
            raise entry["newest"].error(
                f"{what}: the pin {pin} is newer than the newest release listed ({newest}): "
                "look the releases up again and change reviewed"
            )
        note = entry["note"].text(f"{what}: note") if "note" in entry else None
        releases.append(Release(name, pin, newest, note))
    missing = sorted(set(pinned) - set(listed))
    if missing:
        raise fields["packages"].error(
            f"packages: the pins of {', '.join(missing)} are not listed: add their newest release"
        )
    return reviewed, releases


def table(root: Path, docs_dir: Path) -> str:
    """Markdown: every pinned package, its pin and the newest release on the day of the review."""
    reviewed, releases = load(root, docs_dir)
    day = f"{reviewed:%B} {reviewed.day}, {reviewed.year}"
    lines = [f"| Package | Pinned | Newest release on {day} |", "| --- | --- | --- |"]
    for release in sorted(releases, key=lambda r: r.name):
        newest = "the same" if Version(release.newest) == Version(release.pinned) else f"`{release.newest}`"
        note = f" ({release.note})" if release.note else ""
        lines.append(f"| `{release.name}` | `{release.pinned}` | {newest}{note} |")
    return "\n".join(lines)
