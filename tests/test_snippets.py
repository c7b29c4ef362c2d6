"""Every snippet, discovered by glob: it runs on its own, belongs to a pair, and a page names it.

A reader copies a snippet and runs it with ``python``: each file is run here exactly that way, in
an empty directory, and what it prints must be what the page shows (the build's cached output).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from sidebyside import cache as cache_mod
from sidebyside.engine import scan_references
from sidebyside.runner import normalize, worker_env
from sidebyside.snippets import DEFAULT_TIMEOUT, FRAMEWORKS, all_snippet_files, load_snippet, pair_name_of

SNIPPETS = all_snippet_files(ROOT)
MAX_LINE = 70  # what fits one column of a pair at 1280 px (docs/assets/sidebyside.css)


def _id(path: Path) -> str:
    named = pair_name_of(ROOT, path)
    return f"{named[0]}[{named[1]}]" if named else path.relative_to(ROOT).as_posix()


def test_there_are_snippets():
    assert len(SNIPPETS) >= 4


@pytest.mark.parametrize("path", SNIPPETS, ids=_id)
def test_snippet_runs_standalone_and_prints_what_the_page_shows(path: Path, tmp_path: Path):
    named = pair_name_of(ROOT, path)
    assert named, f"{path}: a snippet's name ends in _pytorch.py or _tensorflow.py"
    snippet = load_snippet(ROOT, named[0], FRAMEWORKS[named[1]])
    before = sorted(p.name for p in path.parent.iterdir())
    result = subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=snippet.timeout(DEFAULT_TIMEOUT),
    )
    output = normalize(result.stdout, str(ROOT), str(tmp_path))
    assert result.returncode == 0, f"{snippet.relpath} failed on its own:\n{output}"
    after = sorted(p.name for p in path.parent.iterdir() if p.name != "__pycache__")
    assert after == [n for n in before if n != "__pycache__"], "a snippet wrote next to itself, not into its working directory"
    if snippet.options.varies:
        return  # it prints timings: no two runs print the same
    cached = cache_mod.Cache(cache_mod.default_dir(ROOT)).get(cache_mod.key_for(snippet))
    if cached is None:
        pytest.skip("no cached build result to compare with yet (the site build fills it)")
    assert output == cached["output"], f"{snippet.relpath}: run alone it prints something else than on the page"


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
