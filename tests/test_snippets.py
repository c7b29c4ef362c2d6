"""Every snippet, discovered by glob: it runs on its own, belongs to a pair, and a page names it.

A reader copies a snippet and runs it with ``python``, maybe twice: each file is run here exactly
that way, twice in one directory, and what it prints must be what its page shows in the site this
test session built (the ``built_site`` fixture), with nothing skipped on a cold cache.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, page_html, pair_html, shown_output
from sidebyside.scan import scan_references
from sidebyside.output import clean
from sidebyside.runner import worker_env
from sidebyside.snippets import DEFAULT_TIMEOUT, FRAMEWORKS, all_snippet_files, load_snippet, pair_name_of

SNIPPETS = all_snippet_files(ROOT)
REFERENCES = scan_references(ROOT / "docs")
MAX_LINE = 70  # what fits one column of a pair at 1280 px (docs/assets/sidebyside.css)


def _id(path: Path) -> str:
    named = pair_name_of(ROOT, path)
    return f"{named[0]}[{named[1]}]" if named else path.relative_to(ROOT).as_posix()


def test_there_are_snippets():
    assert len(SNIPPETS) >= 4


def run_alone(snippet, cwd: Path) -> str:
    """``python snippet.py`` in ``cwd``, as a reader runs it; its output as a page shows it."""
    result = subprocess.run(
        [sys.executable, str(snippet.path)],
        cwd=cwd,
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=snippet.timeout(DEFAULT_TIMEOUT),
    )
    output = clean(result.stdout, str(ROOT), str(cwd)).text
    assert result.returncode == 0, f"{snippet.relpath} failed on its own (exit {result.returncode}):\n{output}"
    return output


@pytest.mark.parametrize("path", SNIPPETS, ids=_id)
def test_snippet_runs_twice_alone_and_prints_what_the_page_shows(path: Path, tmp_path: Path, built_site):
    """Run alone, the snippet prints what its page shows; run again in the same directory (a
    reader's second try), it still succeeds and prints the same."""
    named = pair_name_of(ROOT, path)
    assert named, f"{path}: a snippet's name ends in _pytorch.py or _tensorflow.py"
    snippet = load_snippet(ROOT, named[0], FRAMEWORKS[named[1]])
    pages = [ref.page for ref in REFERENCES if ref.name == snippet.pair]
    assert pages, f"no page shows {snippet.pair}"
    shown = shown_output(pair_html(page_html(built_site, pages[0]), snippet.pair), snippet.relpath)
    before = sorted(p.name for p in path.parent.iterdir() if p.name != "__pycache__")

    first = run_alone(snippet, tmp_path)
    second = run_alone(snippet, tmp_path)

    after = sorted(p.name for p in path.parent.iterdir() if p.name != "__pycache__")
    assert after == before, "a snippet wrote next to itself, not into its working directory"
    if snippet.options.varies:
        return  # it prints timings: no two runs print the same
    assert first.rstrip("\n") == (shown or "").rstrip("\n"), (
        f"{snippet.relpath}: run alone it prints something else than docs/{pages[0]} shows"
    )
    assert second == first, f"{snippet.relpath}: a second run in the same directory prints something else"


@pytest.mark.parametrize("path", SNIPPETS, ids=_id)
def test_snippet_lines_fit_a_column(path: Path):
    long = [
        f"{path.relative_to(ROOT)}:{n}: {len(line)} characters"
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if len(line) > MAX_LINE
    ]
    assert not long, "lines longer than a column of a pair:\n" + "\n".join(long)


def test_every_snippet_has_its_twin():
    lonely = []
    for path in SNIPPETS:
        named = pair_name_of(ROOT, path)
        if named is None:
            lonely.append(f"{path.relative_to(ROOT)} is named neither *_pytorch.py nor *_tensorflow.py")
            continue
        for key in FRAMEWORKS:
            twin = ROOT / "snippets" / f"{named[0]}_{key}.py"
            if not twin.exists():
                lonely.append(f"{path.relative_to(ROOT)} has no twin {twin.relative_to(ROOT)}")
    assert not lonely, "\n".join(lonely)


def test_every_pair_is_named_by_a_page_and_every_reference_resolves():
    references = scan_references(ROOT / "docs")
    named = {ref.name for ref in references}
    pairs = {pair_name_of(ROOT, p)[0] for p in SNIPPETS if pair_name_of(ROOT, p)}
    assert not pairs - named, f"pairs no page names: {sorted(pairs - named)}"
    missing = [f"docs/{r.page}:{r.line} names {r.name!r}" for r in references if r.name not in pairs]
    assert not missing, "references to pairs that do not exist:\n" + "\n".join(missing)
