"""A page's Markdown read one way by every module: its front matter, its code blocks with their
lines, and its title (the first ``# `` heading outside code blocks).

A code block opens with three or more backticks or tildes (indented too: in tabs and lists)
and closes at a line of the same character, at least as long, with nothing after it; one that
never closes runs to the end of the page, as in CommonMark.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

FENCE_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>`{3,}|~{3,})(?P<info>.*)$")
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


@dataclass(frozen=True)
class Fence:
    start: int  # index of the opening line in the page's lines
    end: int  # index of the closing line; the number of lines when the block never closes
    info: str  # what follows the opening marker: 'pair rtol="1e-3"', 'python exec="on"'
    body: tuple[str, ...]
    marker: str = "```"  # the run of backticks or tildes that opened it
    closed: bool = True

    @property
    def language(self) -> str:
        words = self.info.split()
        return words[0] if words else ""

    @property
    def text(self) -> str:
        """The block's content without its surrounding blank lines (a pair fence: the name)."""
        return "\n".join(self.body).strip()


def page_lines(text: str) -> list[str]:
    """The page's lines, split at "\\n" only, as its line numbers count them."""
    return text.split("\n")


def front_matter_lines(text: str) -> int:
    """How many lines the page's YAML front matter takes (0 without one)."""
    match = _FRONT_MATTER.match(text)
    return match.group(0).count("\n") if match else 0


def without_front_matter(text: str) -> str:
    """A page's Markdown without its YAML front matter."""
    return _FRONT_MATTER.sub("", text, count=1)


def _closes(line: str, marker: str) -> bool:
    match = FENCE_LINE.match(line)
    return match is not None and match["marker"].startswith(marker) and not match["info"].strip()


def fences(text: str) -> Iterator[Fence]:
    """Every code block of a page, in order (indices count the front matter's lines too)."""
    lines = page_lines(text)
    index = front_matter_lines(text)
    while index < len(lines):
        opened = FENCE_LINE.match(lines[index])
        if not opened:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not _closes(lines[end], opened["marker"]):
            end += 1
        body = tuple(lines[index + 1 : end])
        yield Fence(index, end, opened["info"].strip(), body, opened["marker"], end < len(lines))
        index = end + 1


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """(index, line) of every line outside the front matter and code blocks."""
    lines = page_lines(text)
    inside = {i for fence in fences(text) for i in range(fence.start, min(fence.end, len(lines) - 1) + 1)}
    for index in range(front_matter_lines(text), len(lines)):
        if index not in inside:
            yield index, lines[index]


def title_index(text: str) -> int | None:
    """The index of the page's title line: its first ``# `` heading outside code blocks."""
    return next((index for index, line in prose_lines(text) if line.startswith("# ")), None)


def title(text: str) -> str | None:
    """The page's title, as its first ``# `` heading writes it."""
    index = title_index(text)
    return None if index is None else page_lines(text)[index][2:].strip()
