"""Claims carry evidence: every outside link says when it was read (or names a version), and every
row of a "claims, checked" table points at a pair, a section or a source.

These read the Markdown sources, so they name the file and line to fix.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

PAGES = sorted((ROOT / "docs").rglob("*.md"))
DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
VERSION = re.compile(r"\bv?\d+\.\d+(?:\.\d+)?\b")
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
ITEM = re.compile(r"\s*(?:[-*]|\d+\.) ")


def blocks(text: str) -> list[tuple[int, str]]:
    """Paragraphs, list items and table rows outside code fences, with their first line; a table
    row comes with its table's header row (where "read 2026-11-26" often stands)."""
    found: list[tuple[int, str]] = []
    current: list[str] = []
    start, header, fence = 0, None, False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if fence:
            continue
        if line.startswith("|"):
            if current:
                found.append((start, " ".join(current)))
                current = []
            header = header or line
            found.append((number, f"{line} {header}"))
            continue
        header = None
        if not line.strip() or ITEM.match(line):
            if current:
                found.append((start, " ".join(current)))
            current, start = ([line] if line.strip() else []), number
        else:
            if not current:
                start = number
            current.append(line)
    if current:
        found.append((start, " ".join(current)))
    return found


def undated_links(page: Path) -> list[str]:
    """Outside links whose paragraph, list item or table row has no date and no version."""
    missing = []
    for line, block in blocks(page.read_text(encoding="utf-8")):
        for text, url in LINK.findall(block):
            if url.startswith(("http://", "https://")) and not (
                DATE.search(block) or VERSION.search(text) or VERSION.search(url)
            ):
                missing.append(f"{page.name}:{line}: {url}")
    return missing


def claim_rows(page: Path) -> list[tuple[int, str]]:
    """The body rows of every table under a heading that says "checked"."""
    rows, checked, in_table = [], False, False
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("#"):
            checked, in_table = "checked" in line.lower(), False
        elif checked and line.startswith("|"):
            if in_table and not line.startswith("| ---"):
                rows.append((number, line))
            in_table = True  # the first row is the header
        else:
            in_table = False
    return rows


def test_the_checks_find_what_they_look_for(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "Dated ([a](https://a.example/x), read 2026-11-26).\n\n"
        "- Undated: [b](https://b.example/y).\n"
        "- Versioned: [keras 3.15.1](https://c.example/z).\n\n"
        "## The seed's claims, checked\n\n"
        "| Runtime | Status (read 2026-11-26) |\n| --- | --- |\n"
        "| d | [d](https://d.example/) |\n| e | no evidence |\n",
        encoding="utf-8",
    )
    assert undated_links(page) == ["page.md:3: https://b.example/y"]
    assert [line for line, row in claim_rows(page) if "](" not in row.split(" | ")[-1]] == [11]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT / "docs").as_posix())
def test_every_outside_link_says_when_it_was_read(page):
    missing = undated_links(page)
    assert not missing, (
        f"docs/{page.relative_to(ROOT / 'docs')}: links without a read date or a version:\n" + "\n".join(missing)
    )


def test_every_checked_claim_points_at_its_evidence():
    rows = [(page, line, row) for page in PAGES for line, row in claim_rows(page)]
    assert len(rows) >= 20, "the claim tables were not found"
    bare = [
        f"{page.relative_to(ROOT)}:{line}: {row[:80]}"
        for page, line, row in rows
        if "](" not in row.rstrip(" |").rsplit(" | ", 1)[-1]
    ]
    assert not bare, "claim rows without a link to a pair, a section or a source:\n" + "\n".join(bare)
