"""Every snippet, discovered by glob: it runs on its own, belongs to a pair, and a page names it.

A reader copies a snippet and runs it with ``python``, maybe twice. After the build has run it
in its worker, each file is run here exactly that way, in an empty directory with a HOME and a
TMPDIR of its own (as importing the frameworks leaves them). What it prints must be what its page
shows, and what it binds to ``result`` must give the page's verdict: what a page shows does not
depend on the run. A second run in the same directory can only start differently from the first
when the first left a file behind, in its directory, HOME or TMPDIR; such a snippet runs again
there and must print the same. The runs start with the test session, in the background
(tests/alone.py); each test waits for its own.

Timing scripts (``varies``) are the exception: their output is not compared, and each is
``fresh``, so the build already ran it in a new interpreter in an empty directory. Their runs as a
reader runs them are marked ``timing``: `make test` leaves them out, the weekly benchmarks
workflow runs them (``pytest -m timing``), with the other timings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, page_html, pair_html, shown_output

from sidebyside import cache as cache_mod
from sidebyside.compare import compare
from sidebyside.outcome import steady
from sidebyside.scan import scan_references
from sidebyside.snippets import FRAMEWORKS, Snippet, all_snippet_files, load_pair, load_snippet, pair_name_of
from sidebyside.store import Store

SNIPPETS = all_snippet_files(ROOT)
REFERENCES = scan_references(ROOT / "docs")
MAX_LINE = 70  # what fits one column of a pair at 1280 px (docs/assets/sidebyside.css)


def _id(path: Path) -> str:
    named = pair_name_of(ROOT, path)
    return f"{named[0]}[{named[1]}]" if named else path.relative_to(ROOT).as_posix()


def test_there_are_snippets():
    assert len(SNIPPETS) >= 4


def _verdict_shown(a: dict, b: dict) -> tuple[int, str]:
    """What a page's verdict shows of two results: how many numbers, the largest difference."""
    verdict = compare(a, b)
    return verdict.compared, f"{verdict.max_abs:.3g}"


def _snippet(path: Path) -> Snippet:
    named = pair_name_of(ROOT, path)
    assert named, f"{path}: a snippet's name ends in _pytorch.py or _tensorflow.py"
    return load_snippet(ROOT, named[0], FRAMEWORKS[named[1]])


def _varies(path: Path) -> bool:
    return _snippet(path).options.varies


READER_RUNS = [pytest.param(path, marks=[pytest.mark.timing] if _varies(path) else []) for path in SNIPPETS]


def test_every_timing_script_is_run_by_the_build_in_a_fresh_interpreter():
    """What stands for a timing script's run as a reader in `make test`: the build's own run,
    in a new interpreter and an empty directory."""
    timing = [path for path in SNIPPETS if _varies(path)]
    assert timing
    for path in timing:
        assert _snippet(path).options.fresh, f"{path}: varies but not fresh"


@pytest.mark.parametrize("path", READER_RUNS, ids=_id)
def test_snippet_run_alone_prints_what_the_page_shows(path: Path, built_site, reader_runs):
    """Run alone, the snippet prints what its page shows and computes the page's numbers; run
    again where the first run left something, it still succeeds and prints the same."""
    named = pair_name_of(ROOT, path)
    assert named, f"{path}: a snippet's name ends in _pytorch.py or _tensorflow.py"
    pair = load_pair(ROOT, named[0])
    snippet = next(s for s in pair.snippets if s.path == path)
    pages = [ref.page for ref in REFERENCES if ref.name == snippet.pair]
    assert pages, f"no page shows {snippet.pair}"
    runs = reader_runs[path].result()
    assert not runs.beside, f"{snippet.relpath} wrote next to itself, not into its working directory: {runs.beside}"
    if snippet.options.varies:
        return  # it prints timings: no two runs print the same
    shown = shown_output(pair_html(page_html(built_site, pages[0]), snippet.pair), snippet.relpath)
    assert runs.first.output.rstrip("\n") == (shown or "").rstrip("\n"), (
        f"{snippet.relpath}: run alone it prints something else than docs/{pages[0]} shows"
    )
    if runs.second is not None:
        assert runs.second.output == runs.first.output, (
            f"{snippet.relpath}: a second run in the same directory prints something else "
            f"(the first left {runs.left[:5]})"
        )
    store = Store(cache_mod.default_dir(ROOT))
    stored = [store.outcome(cache_mod.key_for(s)) for s in pair.snippets]
    built = {s.framework.key: outcome for s, outcome in zip(pair.snippets, stored) if outcome is not None}
    assert len(built) == 2, f"{snippet.pair}: the build left no result"
    assert steady(runs.first.measured) == steady(built[snippet.framework.key].measured), (
        f"{snippet.relpath}: run alone it measures other figures than docs/{pages[0]} was built from"
    )
    results = {key: outcome.result for key, outcome in built.items() if outcome.result is not None}
    if snippet.framework.key in results:
        assert runs.first.result is not None, f"{snippet.relpath}: run alone it binds no `result`"
        assert len(results) == 2, f"{snippet.pair}: `result` on one side only"
        again = {**results, snippet.framework.key: runs.first.result}
        assert _verdict_shown(*again.values()) == _verdict_shown(*results.values()), (
            f"{snippet.relpath}: run alone it computes numbers that change the verdict on docs/{pages[0]}"
        )


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
    pairs = {found[0] for p in SNIPPETS if (found := pair_name_of(ROOT, p))}
    assert not pairs - named, f"pairs no page names: {sorted(pairs - named)}"
    missing = [f"docs/{r.page}:{r.line} names {r.name!r}" for r in references if r.name not in pairs]
    assert not missing, "references to pairs that do not exist:\n" + "\n".join(missing)
