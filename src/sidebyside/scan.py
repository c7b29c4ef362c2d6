"""What the pages ask for: every ``pair`` fence under ``docs/``, and every call of a page part
(``verbosity_table("api/index.md")``), each with its page and line; read once per build.

The engine finds the pairs itself, by this scan, rather than through site-generator events, so
that any builder that runs markdown-exec's fences (MkDocs, Zensical) runs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .blocks import Fence, fences

# A call with a quoted first argument, as page parts are called: name("argument" or name('argument'
_CALL = re.compile(r"\b([A-Za-z_]\w*)\(\s*[\"']([^\"'\n]+)[\"']")


@dataclass
class Reference:
    page: str  # docs-relative path
    line: int
    name: str


@dataclass
class Scan:
    references: list[Reference] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # pair fences that name no pair, located
    # (function, argument) -> every (page, line) that calls it
    calls: dict[tuple[str, str], list[tuple[str, int]]] = field(default_factory=dict)

    def call_sites(self, function: str, argument: str) -> list[tuple[str, int]]:
        """Where pages call ``function("argument")``: (docs-relative page, line) of each call."""
        return self.calls.get((function, argument), [])


def scan(docs_dir: Path) -> Scan:
    found = Scan()
    for path in sorted(docs_dir.rglob("*.md")):
        page = path.relative_to(docs_dir).as_posix()
        text = path.read_text(encoding="utf-8")
        for fence in fences(text):
            if fence.language == "pair":  # options may follow: ```pair rtol="8e-3"
                problem = _problem(fence)
                if problem:
                    found.problems.append(f"docs/{page}:{fence.start + 1}: {problem}")
                else:
                    found.references.append(Reference(page, fence.start + 1, fence.text))
        for number, line_text in enumerate(text.splitlines(), start=1):
            for call in _CALL.finditer(line_text):
                found.calls.setdefault((call[1], call[2]), []).append((page, number))
    return found


def _problem(fence: Fence) -> str | None:
    """Why a pair fence names no pair: it never closes, or it holds more than a name (so the
    line meant to close it is missing, and the fence runs on into what follows)."""
    if not fence.closed:
        return f"this ```pair fence is never closed: end it with {fence.marker} on a line of its own"
    lines = [line for line in fence.body if line.strip()]
    if len(lines) > 1:
        return (
            f"a pair fence holds one pair name, this one runs over {len(lines)} lines "
            f"(from {lines[0].strip()!r}): is the {fence.marker} that closes it missing?"
        )
    return None


def scan_references(docs_dir: Path) -> list[Reference]:
    """Every pair fence under ``docs_dir``, in page order."""
    return scan(docs_dir).references
