"""Which pairs the pages name: every ``pair`` fence under ``docs/``, with its page and line.

The engine finds the pairs itself, by this scan, rather than through site-generator events, so
that any builder that runs markdown-exec's fences (MkDocs, Zensical) runs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# A pair fence in a page: ```pair [options]\nname\n```  (also with ~~~, and indented in tabs/lists)
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})pair\b[^\n]*\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


@dataclass
class Reference:
    page: str  # docs-relative path
    line: int
    name: str


def scan_references(docs_dir: Path) -> list[Reference]:
    found = []
    for page in sorted(docs_dir.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            name = match.group("body").strip()
            line = text.count("\n", 0, match.start()) + 1
            found.append(Reference(page.relative_to(docs_dir).as_posix(), line, name))
    return found
