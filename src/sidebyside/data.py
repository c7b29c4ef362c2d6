"""Schema-checked data for generated page parts: one way to read a data file so that every
mistake names the file and the line.

The decision matrix (``docs/data/decision.yml``) and any data page like it read their file with
:func:`load_yaml`, which composes the YAML instead of loading it, so every value keeps its line;
:class:`Located` walks that tree (``mapping``, ``items``, ``text``, ``require_keys``) and raises
:class:`DataError` as ``file:line: message``. :func:`evidence` reads the evidence item data pages
share: a page and anchor on this site (checked with :mod:`sidebyside.links`), or an outside source
with the date it was read.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .links import href

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


try:  # under MkDocs a BuildError stops the build with its message alone, no traceback
    from mkdocs.exceptions import BuildError as _ErrorBase
except ImportError:  # another builder: the message still names the file and line
    _ErrorBase = Exception  # type: ignore[misc,assignment]


class DataError(_ErrorBase, ValueError):
    """A problem with a data file, located as ``file:line: message``."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = message
        super().__init__(f"{self.path}:{line}: {message}")


class Located:
    """A composed YAML node and its file: the line for messages, the value read on demand."""

    def __init__(self, path: Path, node: yaml.Node) -> None:
        self.path = path
        self.node = node

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    def error(self, message: str) -> DataError:
        return DataError(self.path, self.line, message)

    def items(self, what: str) -> list[Located]:
        if not isinstance(self.node, yaml.SequenceNode):
            raise self.error(f"{what} must be a list")
        return [Located(self.path, child) for child in self.node.value]

    def mapping(self, what: str) -> dict[str, Located]:
        if not isinstance(self.node, yaml.MappingNode):
            raise self.error(f"{what} must be a mapping of keys to values")
        result: dict[str, Located] = {}
        for key, value in self.node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise Located(self.path, key).error(f"{what}: keys must be plain names")
            if key.value in result:
                raise Located(self.path, key).error(f"{what}: {key.value!r} appears twice")
            result[key.value] = Located(self.path, value)
        return result

    def text(self, what: str) -> str:
        if not isinstance(self.node, yaml.ScalarNode) or self.node.tag != "tag:yaml.org,2002:str":
            raise self.error(f"{what} must be text")
        value = " ".join(self.node.value.split())
        if not value:
            raise self.error(f"{what} is empty")
        return value


def require_keys(located: Located, fields: dict[str, Located], expected: tuple[str, ...], what: str) -> None:
    """Exactly the keys ``expected``: the first missing or unknown one is the error."""
    missing = [name for name in expected if name not in fields]
    if missing:
        raise located.error(f"{what}: missing {', '.join(missing)}")
    unknown = [name for name in fields if name not in expected]
    if unknown:
        raise fields[unknown[0]].error(f"{what}: unknown key {unknown[0]!r} (expected {', '.join(expected)})")


def load_yaml(path: Path | str, what: str) -> Located:
    """The top node of a YAML file, with lines; :class:`DataError` for bad YAML or no content."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        # Composing, not loading: the node tree keeps every value's line for the messages.
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise DataError(path, line, f"not valid YAML: {error.problem or error}") from None
    if node is None:
        raise DataError(path, 1, f"the file holds no {what}")
    return Located(path, node)


@dataclass(frozen=True)
class Evidence:
    label: str
    line: int
    page: str | None = None
    anchor: str | None = None
    url: str | None = None
    read: str | None = None

    @property
    def is_page(self) -> bool:
        return self.page is not None

    def href(self, from_page: str) -> str:
        """The link as it must appear in the built page ``from_page`` (directory URLs)."""
        if self.url is not None:
            return self.url
        assert self.page is not None and self.anchor is not None  # evidence() gives one or the other
        return href(self.page, self.anchor, from_page)


def evidence(item: Located, what: str) -> Evidence:
    fields = item.mapping(what)
    if "label" not in fields:
        raise item.error(f"{what}: missing label")
    label = fields["label"].text(f"{what}: label")
    if "page" in fields or "anchor" in fields:
        require_keys(item, fields, ("page", "anchor", "label"), f"{what} (a page on this site)")
        page = fields["page"].text(f"{what}: page")
        if page.startswith("/") or ".." in page.split("/") or not page.endswith(".md"):
            raise fields["page"].error(
                f"{what}: page {page!r} must be a .md file relative to docs/, such as deployment/index.md"
            )
        anchor = fields["anchor"].text(f"{what}: anchor")
        if anchor.startswith("#") or any(c.isspace() for c in anchor):
            raise fields["anchor"].error(f"{what}: anchor {anchor!r} must be an id, without '#'")
        return Evidence(label=label, line=item.line, page=page, anchor=anchor)
    if "url" in fields or "read" in fields:
        require_keys(item, fields, ("url", "read", "label"), f"{what} (a citation)")
        url = fields["url"].text(f"{what}: url")
        if not re.fullmatch(r"https://[^\s/]+\.[^\s/]+(/\S*)?", url):
            raise fields["url"].error(f"{what}: url {url!r} must be an https:// address")
        read_node = fields["read"].node
        read = read_node.value if isinstance(read_node, yaml.ScalarNode) else ""
        try:
            if not _DATE.fullmatch(read):
                raise ValueError(read)
            datetime.date.fromisoformat(read)
        except ValueError:
            raise fields["read"].error(
                f"{what}: read {read!r} must be the date the source was read, YYYY-MM-DD"
            ) from None
        return Evidence(label=label, line=item.line, url=url, read=read)
    raise item.error(f"{what}: needs either page and anchor, or url and read")
